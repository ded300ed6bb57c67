import { main } from '../../lib/cli/main';

/**
 * A command as a person types it, run in this process through the CLI's own entry: its exit code and
 * what it printed to stdout and to stderr, each joined by lines. (A real child process is spawned only
 * where the process itself is under test: bin/, exit codes, the environment.)
 */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
