import type { QuarantineRecord } from './record';
import { TableItems } from './table';

export type ReleaseCommentClaim = NonNullable<QuarantineRecord['releaseCommentClaim']>;

/**
 * The claim on the ticket's comment of a release made after the case closed
 * (`quarantine.releaseCommentClaim`): the run that holds it is the one that comments, so that two
 * release runs at once, or a rerun after a comment whose recording failed, never comment twice.
 */
export class ReleaseCommentStore extends TableItems {
  /**
   * This run comments the release: only while the comment is not recorded and no other run holds
   * the claim, or holds the one `staleToken` names (a run that never finished). False otherwise.
   */
  async claim(caseId: string, claim: ReleaseCommentClaim, staleToken?: string): Promise<boolean> {
    const free = staleToken ? '#q.#claim.#token = :stale' : 'attribute_not_exists(#q.#claim)';
    const written = await this.updateIf(
      caseId,
      'SET #q.#claim = :claim',
      `(attribute_exists(#q.#released) OR attribute_exists(#q.#gone)) AND attribute_not_exists(#q.#commented) AND ${free}`,
      {
        '#q': 'quarantine',
        '#claim': 'releaseCommentClaim',
        '#released': 'releasedAt',
        '#gone': 'userGoneAt',
        '#commented': 'releaseCommentedAt',
        ...(staleToken ? { '#token': 'token' } : {}),
      },
      { ':claim': claim, ...(staleToken ? { ':stale': staleToken } : {}) },
    );
    return written !== undefined;
  }

  /** Gives the claim back (Jira refused, or the comment could not be recorded): only this run's own. */
  async drop(caseId: string, token: string): Promise<void> {
    await this.updateIf(
      caseId,
      'REMOVE #q.#claim',
      '#q.#claim.#token = :token',
      { '#q': 'quarantine', '#claim': 'releaseCommentClaim', '#token': 'token' },
      { ':token': token },
    );
  }
}
