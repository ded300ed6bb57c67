import type { Style } from './style';

/** What a command receives besides its flags: where to write, and how. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colours for what goes to stdout; plain text unless it is a terminal. @default PLAIN */
  readonly style?: Style;
}
