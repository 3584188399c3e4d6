/**
 * Reads an environment variable on any runtime: Node, Bun and Deno expose `process.env`
 * (Deno asks for permission, which may be refused); edge runtimes and browsers have none.
 */
export function readEnv(name: string): string | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  try {
    const value = g.process?.env?.[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  } catch {
    return undefined;
  }
}

/**
 * Whether this looks like a web page, where anyone who opens it can read the access token.
 * A page has `window` and `document`; Deno (2 has no `window`), Bun, Node, edge runtimes and
 * web workers lack one of the two. A DOM emulated inside a server runtime (jsdom, happy-dom
 * under Node or Bun) is not a browser: the runtime's version names it.
 */
export function isBrowser(g: object = globalThis): boolean {
  const scope = g as {
    window?: unknown;
    document?: unknown;
    process?: { versions?: { node?: unknown; bun?: unknown } } | undefined;
    Deno?: unknown;
  };
  if (typeof scope.window !== 'object' || scope.window === null) return false;
  if (typeof scope.document !== 'object' || scope.document === null) return false;
  const versions = scope.process?.versions;
  return !(versions?.node || versions?.bun || scope.Deno);
}
