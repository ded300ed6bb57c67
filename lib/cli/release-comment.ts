import { randomUUID } from 'node:crypto';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { caseSubject } from '../../lambdas/commons/case/subject';
import { quarantinedName, quarantineHeld, releaseText } from '../../lambdas/commons/case/outcome';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';
import {
  ReleaseCommentStore,
  type ReleaseCommentClaim,
} from '../../lambdas/commons/case/release-comment-store';
import type { JiraClient } from '../../lambdas/commons/jira/client';
import { commentDoc } from '../../lambdas/commons/jira/adf';
import { callJira, jiraClient } from '../../lambdas/commons/jira/tracker';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { clock } from '../../lambdas/commons/runtime/clock';
import { explainAwsError } from './aws-errors';
import { deciderName, formatTime } from '../../lambdas/commons/runtime/text';
import { loadConfig } from './config-file';
import { jiraSettingsOf } from './doctor-apps';
import { readStoredSecret } from './secret';

/**
 * The ticket's comment on what `release` found after the case closed (the user released, or found
 * deleted): posted once, even by two runs at once or by a rerun after a comment whose recording
 * failed. The run that posts it holds the case's claim on it (ReleaseCommentStore), and before
 * posting it looks on the ticket for the comment an earlier run posted without recording it.
 */

export interface ReleaseNoticeSources {
  readonly table: string;
  /** Who runs this release (--by): named in the claim on the comment. */
  readonly by: string;
  /** The Slack and Jira secrets, as named by the flags or the environment. */
  readonly slackSecret: string | undefined;
  readonly jiraSecret: string | undefined;
}

/** Whether a notice now shows the release, and if not, why (the service's own error). */
export type Notice =
  | { readonly shown: 'none' | 'before' | 'found' }
  | { readonly shown: true }
  | { readonly shown: false; readonly why: string }
  /** Posted, but the case table did not record it: a rerun finds it on the ticket. */
  | { readonly shown: 'unrecorded'; readonly why: string }
  /** Another release run holds the claim: that run comments. */
  | { readonly shown: 'elsewhere'; readonly claim: ReleaseCommentClaim };

export const unnamed = (kind: 'Slack' | 'Jira', flag: string, output: string, variable: string): Notice => ({
  shown: false,
  why: `no ${kind} secret was named (${flag}, the stack's ${output} output, or ${variable})`,
});

/** A claim this old belongs to a run that never finished (its Jira call takes seconds): it may be taken over. */
const CLAIM_STALE_MS = 10 * 60_000;

/** Whether the quarantine held when the case closed: only then did its closing comment say so. */
export const heldAtClose = (record: CaseRecord) =>
  quarantineHeld({
    ...record,
    quarantine: { ...record.quarantine!, releasedAt: undefined, userGoneAt: undefined },
  });

/** Found gone by `release` after the case closed (the workflow's own finding is in its closing comment). */
export const goneAfterClose = (record: CaseRecord) => {
  const gone = record.quarantine?.userGoneAt;
  // Only once the case has closed: before, its own closing comment is still to come and says it.
  return gone !== undefined && !record.quarantine?.releasedAt && !!record.closedAt && gone >= record.closedAt;
};

const RELEASED_OPENING = 'Released from quarantine after this case closed';
const GONE_OPENING = 'Found deleted after this case closed';

/** The ticket's comment: what was really taken off (or that nothing was left), and the closing comment corrected only where it said the user stays quarantined. */
export function releaseComment(record: CaseRecord): string[] {
  const quarantine = record.quarantine!;
  const held = heldAtClose(record);
  if (!quarantine.releasedAt)
    return [
      `${GONE_OPENING}: IAM user ${record.userId} (${record.userName} when the case opened) was found deleted at ${formatTime(quarantine.userGoneAt!)}, and nothing is quarantined: nothing was released.`,
      ...(held
        ? ['The closing comment above is out of date: the user it left quarantined no longer exists.']
        : []),
    ];
  const name = quarantinedName(record);
  const renamed = name !== record.userName ? ` (now named ${name})` : '';
  return [
    `${RELEASED_OPENING}: ${caseSubject(record)}${renamed}. Released by ${deciderName(quarantine.releasedBy ?? 'someone unrecorded')} at ${formatTime(quarantine.releasedAt)} with iam-janitor release: ${releaseText(record)}.`,
    ...(held ? ['The closing comment above said the user stays quarantined: it no longer is.'] : []),
  ];
}

/**
 * Comments on the case's ticket, once: a release through the open case's workflow was told by its
 * own closing comment, and one commented before (`releaseCommentedAt`) is not again.
 */
export async function commentOnTicket(record: CaseRecord, sources: ReleaseNoticeSources): Promise<Notice> {
  const jiraKey = record.jiraKey;
  if (!jiraKey || record.outcome === 'released') return { shown: 'none' };
  if (!record.quarantine!.releasedAt && !goneAfterClose(record)) return { shown: 'none' };
  if (record.quarantine!.releaseCommentedAt) return { shown: 'before' };
  if (!sources.jiraSecret) return unnamed('Jira', '--jira-secret', 'JiraSecretName', 'JIRA_SECRET_ARN');
  const claims = new ReleaseCommentStore(documentClient(), sources.table);
  const mine: ReleaseCommentClaim = { by: sources.by, at: clock.now().toISOString(), token: randomUUID() };
  const other = await takeClaim(claims, record.caseId, mine, sources.table);
  if (other) return other;
  let found: boolean;
  try {
    const { jiraEmail, jiraApiToken } = await readStoredSecret('jira', sources.jiraSecret);
    const settings = { ...jiraSettingsOf(loadConfig()), email: jiraEmail, apiToken: jiraApiToken };
    const client = await jiraClient(settings);
    const lines = releaseComment(record);
    found = await hasComment(
      client,
      jiraKey,
      record.quarantine!.releasedAt ? RELEASED_OPENING : GONE_OPENING,
    );
    if (!found)
      await callJira('comment the release', () =>
        client.issueComments.addComment({ issueIdOrKey: jiraKey, comment: commentDoc(lines) as never }),
      );
  } catch (error) {
    await claims.drop(record.caseId, mine.token);
    // callJira's and readStoredSecret's messages name the cause, never the request or a credential.
    return { shown: false, why: (error as Error).message };
  }
  try {
    await new QuarantineStore(documentClient(), sources.table).recordReleaseCommented(
      record.caseId,
      clock.now().toISOString(),
    );
  } catch (error) {
    // Given back, so that a rerun takes it at once, finds the comment on the ticket and records it.
    await claims.drop(record.caseId, mine.token).catch(() => undefined);
    return { shown: 'unrecorded', why: explainAwsError(error) };
  }
  return found ? { shown: 'found' } : { shown: true };
}

/** The claim for this run, or why it is another's: recorded meanwhile, or held by a run not yet stale. */
async function takeClaim(
  claims: ReleaseCommentStore,
  caseId: string,
  mine: ReleaseCommentClaim,
  table: string,
): Promise<Notice | undefined> {
  if (await claims.claim(caseId, mine)) return undefined;
  const cases = new CaseStore(documentClient(), table);
  const current = (await cases.get(caseId))?.quarantine;
  if (current?.releaseCommentedAt) return { shown: 'before' };
  const held = current?.releaseCommentClaim;
  if (held && Date.parse(mine.at) - Date.parse(held.at) < CLAIM_STALE_MS)
    return { shown: 'elsewhere', claim: held };
  if (await claims.claim(caseId, mine, held?.token)) return undefined;
  const now = (await cases.get(caseId))?.quarantine;
  if (now?.releaseCommentedAt) return { shown: 'before' };
  if (now?.releaseCommentClaim) return { shown: 'elsewhere', claim: now.releaseCommentClaim };
  return { shown: false, why: 'another release run took the claim on it and gave it back meanwhile' };
}

/**
 * Whether the ticket already has this comment from iam-janitor's own Jira account (a run that
 * posted it and could not record it): among its newest 100 comments, one of the account's own
 * whose first paragraph opens the same way. Comments by anyone else are not iam-janitor's.
 */
async function hasComment(client: JiraClient, jiraKey: string, opening: string): Promise<boolean> {
  const me = await callJira('comment the release', () => client.myself.getCurrentUser());
  const page = await callJira('comment the release', () =>
    client.issueComments.getComments({ issueIdOrKey: jiraKey, orderBy: '-created', maxResults: 100 }),
  );
  return (page.comments ?? []).some(
    (comment) =>
      comment.author?.accountId === me.accountId && firstText(comment.body).startsWith(`${opening}:`),
  );
}

/** The text of an ADF document's first paragraph (a plain string body is its own text). */
function firstText(body: unknown): string {
  if (typeof body === 'string') return body;
  const first = (body as { content?: { content?: { text?: unknown }[] }[] } | undefined)?.content?.[0];
  return (first?.content ?? []).map((node) => (typeof node.text === 'string' ? node.text : '')).join('');
}
