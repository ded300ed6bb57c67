import * as readline from 'node:readline/promises';

/** How a command asks a person before it changes IAM. */
export interface Prompt {
  readonly interactive: boolean;
  readonly confirm: (question: string) => Promise<boolean>;
}

export const terminalPrompt: Prompt = {
  interactive: Boolean(process.stdin.isTTY),
  confirm: async (question) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  },
};

/** A command that would change IAM without a person's yes refuses, and says how to proceed. */
export function refusalWithoutConfirmation(what: string, dryRunHint = true): string {
  return `Refusing to ${what} without confirmation: the input is not a terminal. Pass --yes to confirm${dryRunHint ? ', or --dry-run to only see the plan' : ''}.`;
}

export class DeclinedError extends Error {
  override name = 'DeclinedError';
}
