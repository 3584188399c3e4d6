/** Where a command writes: a line at a time, so tests can collect what it printed. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}
