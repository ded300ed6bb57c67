import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { CaseRecord } from '../commons/case/record';
import { choiceDelivered, isWatched } from '../commons/case/lifecycle';
import { resumeCase } from '../commons/case/resumer';
import type { QuarantineVerdict } from '../commons/case-state';
import { LOOKUP_GAP_MS, SerialLimiter } from '../commons/cloudtrail/rate-limiter';
import { configForAccount } from '../commons/config/config';
import { janitorConfig } from '../commons/config/env';
import { caseStore, quarantineStore } from '../commons/case/stores';
import { iamClientFor, sfnClient } from '../commons/runtime/clients';
import { memberOf } from '../commons/runtime/member-role';
import { trailAccess } from '../commons/cloudtrail/access';
import { clock } from '../commons/runtime/clock';
import { errorName } from '../commons/runtime/errors';
import { logger, metrics, MetricName } from '../commons/runtime/observability';
import { accountClient } from '../commons/runtime/account-client';
import { locateUser } from '../commons/iam/user-by-id';
import { lookAt } from './look';

const trailLimiter = new SerialLimiter(LOOKUP_GAP_MS);

/**
 * Runs daily from EventBridge Scheduler, outside the case machine: a quarantine's wait costs no
 * state transition however long it lasts. For each quarantined case it reads what the user's
 * credentials did since the quarantine began. An attempt trips it (recorded, counted for the
 * alarm, and the case resumed: it comments the ticket and asks Release or Delete now); silence
 * past the end resumes the case to delete. The user is never released here.
 */
export async function handler(
  _event?: unknown,
  context?: Context,
): Promise<{ checked: string[]; tripped: string[]; ended: string[] }> {
  if (context) logger.addContext(context);
  const result = { checked: [] as string[], tripped: [] as string[], ended: [] as string[] };
  for (const open of await caseStore().openCases()) {
    const record = await caseStore().get(open.caseId);
    if (!record || !isWatched(record) || !record.quarantine || !record.taskToken) continue;
    try {
      const verdict = record.quarantine.decision ? await deliverRelease(record) : await watch(record);
      (verdict === 'tripped' ? result.tripped : verdict === 'waiting' ? result.checked : result.ended).push(
        record.caseId,
      );
    } catch (error) {
      // One case's failure never stops the watch of the others; the next day tries again.
      logger.error('quarantine check failed', { caseId: record.caseId, error: errorName(error) });
    }
  }
  return result;
}

async function watch(record: CaseRecord): Promise<QuarantineVerdict['verdict'] | 'waiting'> {
  const config = configForAccount(janitorConfig(), record.candidate.accountId);
  const member = memberOf(record.candidate, 'reader', config);
  const quarantine = record.quarantine!;
  // Tripped or handed over on an earlier day whose resume did not get through: the case still
  // waits, resume it now.
  if (quarantine.trippedAt) return resume(record, { verdict: 'tripped' });
  if (quarantine.verdict) return resume(record, { verdict: quarantine.verdict });
  const now = clock.now();
  const iam = iamClientFor(member);
  const where = await locateUser(iam, record.userName, record.userId);
  // Renamed (the same id under another name) or gone: the case ends, and says where the user is.
  // The same user under its name in another letter case is no change: IAM's names ignore case.
  if (where.state !== 'same')
    return handOver(record, 'changed', now, where.state === 'renamed' ? where.userName : undefined);
  const found = await lookAt(
    record,
    {
      iam,
      trail: trailAccess(member, trailLimiter),
      account: () => accountClient(member),
      config,
      userName: where.userName,
    },
    now,
  );
  if (found.attempts.length > 0 || found.breaches.length > 0) {
    if (!(await quarantineStore().trip(record.caseId, found, now.toISOString()))) return 'waiting';
    metrics.addMetric(MetricName.QuarantineTrips, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    logger.warn('quarantine tripped', {
      caseId: record.caseId,
      attempts: found.attempts.length,
      breaches: found.breaches.map((breach) => breach.kind),
    });
    return resume(record, { verdict: 'tripped' });
  }
  if (now.getTime() >= Date.parse(quarantine.endsAt)) return handOver(record, 'silent', now);
  await quarantineStore().checked(record.caseId, now.toISOString(), found.regions);
  return 'waiting';
}

/**
 * The watch is over: written first (no release can be written after it, so none lands beside the
 * deletion), then the case resumed. A release written first wins: it is delivered instead, on this
 * or the next run.
 */
async function handOver(
  record: CaseRecord,
  verdict: 'silent' | 'changed',
  now: Date,
  renamedTo?: string,
): Promise<QuarantineVerdict['verdict'] | 'waiting'> {
  if (!(await quarantineStore().handOver(record.caseId, verdict, now.toISOString(), renamedTo)))
    return 'waiting';
  return resume(record, { verdict });
}

/**
 * A release asked for during the watch (iam-janitor release) that has not reached the workflow
 * (its SendTaskSuccess failed): the watcher delivers it, so that a stored release is never left
 * waiting while the quarantine runs on to a deletion. After a trip, the Release or Delete now step
 * delivers it instead.
 */
async function deliverRelease(record: CaseRecord): Promise<QuarantineVerdict['verdict'] | 'waiting'> {
  const quarantine = record.quarantine!;
  if (choiceDelivered(quarantine) || quarantine.trippedAt || !quarantine.decision) return 'waiting';
  // The resumer stamps the release as delivered.
  return resume(record, { verdict: 'released', decision: quarantine.decision });
}

/** Answers the quarantine's wait; the case machine takes it from there. */
async function resume(record: CaseRecord, verdict: QuarantineVerdict): Promise<QuarantineVerdict['verdict']> {
  const resumed = await resumeCase(
    { sfn: sfnClient(), cases: caseStore(), quarantines: quarantineStore() },
    record,
    { wait: 'quarantine', verdict },
  );
  if (!resumed.resumed) throw resumed.error;
  return verdict.verdict;
}
