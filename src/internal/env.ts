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
