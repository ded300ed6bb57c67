import type { Style } from './style';

/** What a command receives besides its flags: where to write, and how. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colours for what goes to stdout; plain text unless it is a terminal. @default PLAIN */
  readonly style?: Style;
  /** A progress line redrawn in place, on a terminal only; absent when stderr is not a terminal. */
  readonly progress?: (done: number, total: number, what: string) => void;
}

/** `[#########-----------] 9/20 accounts`, redrawn on one line of the terminal, cleared when done. */
export function terminalProgress(stream: NodeJS.WriteStream): CommandIo['progress'] {
  if (!stream.isTTY) return undefined;
  return (done, total, what) => {
    const width = 20;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${what}`);
    if (done >= total) stream.write('\r\x1b[2K');
  };
}

/** The command line itself is wrong (a flag, its value, a missing argument): exit 2, with the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}
