// Progress of a long command on stderr: a bar redrawn in place on a terminal, plain lines
// otherwise (a log file or CI gets one line per item, never a carriage return).

import type { Io } from './io.js';

/** The bar's width in characters; fits an 80-column terminal with the counts beside it. */
const BAR_WIDTH = 30;
/** At most one redraw per this many ms: redrawing per row would cost more than a fast import. */
const REDRAW_MS = 100;

export interface Progress {
  /** One item finished; `line` is its plain-line description. */
  tick(line: string, counts: string): void;
  /** The last redraw, and a newline after the bar. */
  done(counts: string): void;
}

export function progress(total: number, io: Io, terminal: boolean): Progress {
  const write = io.errRaw;
  if (!terminal || !write) {
    let n = 0;
    return {
      tick: (line) => io.err(`${++n}/${total} ${line}`),
      done: () => {},
    };
  }
  let n = 0;
  let drawn = 0;
  const draw = (counts: string) => {
    const filled = total === 0 ? BAR_WIDTH : Math.round((n / total) * BAR_WIDTH);
    write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${n}/${total} ${counts}\u001b[K`);
    drawn = Date.now();
  };
  return {
    tick(_line, counts) {
      n++;
      if (Date.now() - drawn >= REDRAW_MS || n === total) draw(counts);
    },
    done(counts) {
      draw(counts);
      write('\n');
    },
  };
}
