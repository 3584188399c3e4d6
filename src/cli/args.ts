// A tiny argv parser, enough for `paritydeals <command> --flag value`: no dependencies, and
// strict, so a typo is an error rather than a silently ignored flag.

export class UsageError extends Error {}

export interface FlagSpec {
  /** Flags that take a value: `--port 4010` or `--port=4010`. */
  values: readonly string[];
  /** Value flags that may repeat; their values collect in order. */
  repeatable?: readonly string[];
  /** Flags without a value: `--help`. */
  booleans?: readonly string[];
  /** Short aliases, e.g. { h: 'help', p: 'port' }. */
  aliases?: Record<string, string>;
}

export interface Parsed {
  positionals: string[];
  values: Record<string, string[]>;
  booleans: Set<string>;
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): Parsed {
  const out: Parsed = { positionals: [], values: {}, booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const rawName = (eq === -1 ? arg : arg.slice(0, eq)).replace(/^--?/, '');
    const name = spec.aliases?.[rawName] ?? rawName;
    if (spec.booleans?.includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      out.booleans.add(name);
      continue;
    }
    if (!spec.values.includes(name)) throw new UsageError(`unknown option ${arg.slice(0, eq === -1 ? undefined : eq)}`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith('-') && value !== '-'))
        throw new UsageError(`--${name} needs a value`);
      i++;
    }
    const list = (out.values[name] ??= []);
    if (list.length > 0 && !spec.repeatable?.includes(name)) throw new UsageError(`--${name} given more than once`);
    list.push(value);
  }
  return out;
}

/** An integer flag within [min, max], or undefined when absent. */
export function intFlag(parsed: Parsed, name: string, min: number, max: number): number | undefined {
  const raw = parsed.values[name]?.[0];
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}
