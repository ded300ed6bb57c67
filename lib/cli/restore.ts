import * as fs from 'node:fs';
import { iamClient } from '../../lambdas/commons/clients';
import { snapshotSchema } from '../../lambdas/remove/removal';
import { NOT_RESTORED, restoreUser } from '../../lambdas/remove/restore';
import type { CommandIo } from './main';
import { explainAwsError } from './report';

/** `iam-janitor restore <snapshot.json>`: recreates a removed user from its snapshot. */
export async function runRestore(positionals: string[], io: CommandIo): Promise<number> {
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) {
    io.stderr('Usage: iam-janitor restore <snapshot.json>');
    return 2;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    io.stderr(`Cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    io.stderr(`${file} is not a valid iam-janitor snapshot:\n${problems.join('\n')}`);
    return 2;
  }
  try {
    const done = await restoreUser(iamClient(), parsed.data);
    for (const step of done) io.stdout(`  ✓ ${step}`);
    io.stdout(`${parsed.data.userName} is restored.`);
    io.stdout(NOT_RESTORED);
    return 0;
  } catch (error) {
    io.stderr(
      error instanceof Error && error.name === 'UserExistsError' ? error.message : explainAwsError(error),
    );
    return 1;
  }
}
