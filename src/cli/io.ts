/** Where a command writes: a line at a time, so tests can collect what it printed. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Writes to stderr as given, no newline added: a progress bar redrawn in place. */
  errRaw?(text: string): void;
}
