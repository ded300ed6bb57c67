import type { SweepStore } from '../commons/case/sweep-store';
import type { Candidate } from '../commons/contracts/candidate';
import { accountSubjectId } from '../commons/iam/member-account';

/**
 * The dry-run decisions still in force for these candidates (a Keep until its date; any other
 * decision for as long as the dry run lasts), with the reason the report and the sweep show. Both
 * read them here, so that `report` in a dry run snoozes whom the sweep would.
 */
export async function rememberedInDryRun(
  sweeps: Pick<SweepStore, 'dryRunDecisions'>,
  candidates: readonly Candidate[],
  accountId: string | undefined,
  now: Date,
): Promise<Map<string, string>> {
  // The case's subject id carries the account in organization mode, as the memory does.
  const subjectOf = (candidate: Candidate) => accountSubjectId(accountId, candidate.subjectId);
  const memories = await sweeps.dryRunDecisions(candidates.map(subjectOf));
  const remembered = new Map<string, string>();
  for (const candidate of candidates) {
    const memory = memories.get(subjectOf(candidate));
    if (!memory || (memory.until && new Date(memory.until).getTime() <= now.getTime())) continue;
    remembered.set(
      candidate.subjectId,
      memory.until
        ? `kept until ${memory.until.slice(0, 10)} by a dry-run Keep (${memory.decidedBy})`
        : `decided ${memory.decision} in the dry run on ${memory.decidedAt.slice(0, 10)} (${memory.decidedBy}): not asked again while dryRun is on`,
    );
  }
  return remembered;
}
