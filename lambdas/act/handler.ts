import type { Logger } from '@aws-lambda-powertools/logger';
import * as v from 'valibot';
import type { ActOutput } from '../commons/case-state';
import { refuseOutOfScope } from '../commons/iam/account-scope';
import { caseStore } from '../commons/case/stores';
import { iamClientFor, organizationsClient } from '../commons/runtime/clients';
import { memberOf } from '../commons/runtime/member-role';
import { configForAccount } from '../commons/config/config';
import type { CaseRecord } from '../commons/case/record';
import { decisionSchema, type DecisionRecord } from '../commons/contracts/decision';
import { janitorConfig } from '../commons/config/env';
import { clock } from '../commons/runtime/clock';
import { taskHandler } from '../commons/runtime/handler';
import type { Snapshot } from '../commons/iam/snapshot';
import { nonEmpty } from '../commons/runtime/validate';
import { withoutQuarantineMarks } from './quarantine';
import { decidersOf, releaseChoice, requireTwoApprovers, type ActStep } from './approvers';
import { explainProtection } from './protection';
import {
  actAfterTrip,
  actOnDecision,
  completeDeletion,
  taggingFor,
  type Acting,
  type Carried,
} from './acting';

/**
 * Which decision this Task carries out: the approvers' (a Delete quarantines first when
 * quarantineDays is above 0), the deletion once a quarantine ended in silence, or Release or
 * Delete now after a quarantine tripped.
 */
export const ACT_STEPS = ['decision', 'quarantine-over', 'after-trip'] as const satisfies readonly ActStep[];

/** One plain function per ASL state (acting.ts): `Act`, `CompleteDeletion`, `ActAfterTrip`. */
const STATES: Record<ActStep, (acting: Acting, decision: DecisionRecord) => Promise<Carried>> = {
  decision: actOnDecision,
  'quarantine-over': completeDeletion,
  'after-trip': actAfterTrip,
};

const eventSchema = v.object({
  caseId: nonEmpty(),
  decision: decisionSchema,
  step: v.optional(v.picklist(ACT_STEPS), 'decision'),
});

/**
 * Acts on an approver's decision, in the state the event names: the state picks its function
 * first; around it, the rules every state shares and the record of what the run changed, whether
 * it ends or fails. Every change is preceded by a snapshot stored in the case record.
 */
export const handler = taskHandler(
  eventSchema,
  ({ caseId }) => ({ caseId }),
  async ({ caseId, decision, step }, log): Promise<ActOutput> => {
    const carryOut = STATES[step];
    const store = caseStore();
    const record = await store.require(caseId);
    const doneNow: string[] = [];
    const acting = await actingOn(record, decision, step, log, (done, status) => {
      doneNow.push(done.description);
      log.info('step', { step: done.description, status });
    });
    const { member } = acting;
    // Each step's changes follow the earlier ones (a quarantine's, then the deletion's) in the record.
    const earlier = step === 'decision' ? [] : (record.removed ?? []);
    let result;
    try {
      result = await carryOut(acting, decision);
    } catch (error) {
      // What a failing run changed is recorded before it fails: the record never says "nothing changed".
      if (doneNow.length > 0)
        await store.recordInterrupted(caseId, { removed: [...earlier, ...doneNow], interrupted: doneNow });
      throw await explainProtection(error, record, taggingFor(member));
    }
    await store.recordRemoval(caseId, { removed: [...earlier, ...result.done], planned: result.planned });
    return { ...result, snapshotSaved: acting.snapshotSaved };
  },
);

/**
 * What every state is carried out with, once the rules they share hold: the case's account is
 * still in scope, and an irreversible decision had its two approvers.
 */
async function actingOn(
  record: CaseRecord,
  decision: DecisionRecord,
  step: ActStep,
  log: Logger,
  onStep: Acting['onStep'],
): Promise<Acting> {
  const config = configForAccount(janitorConfig(), record.candidate.accountId);
  const release = releaseChoice(record, decision, step);
  // Organization mode: the account may have been excluded or suspended while the case waited.
  // A release only takes off iam-janitor's own quarantine, so an account excluded during the
  // wait still gets it: excluding it must not leave a user denied everything there.
  if (record.candidate.accountId !== undefined)
    await refuseOutOfScope(
      organizationsClient(),
      record.candidate.accountId,
      release ? { excludeAccountIds: [], excludeOrganizationalUnitIds: [] } : config,
    );
  // Organization mode: the remover role of the case's own account, and of no other.
  const member = memberOf(record.candidate, 'remover', config);
  log.appendKeys({ userName: record.userName, ...(member ? { accountId: member.accountId } : {}) });
  // The approvers' decision is the one the two-person rule weighs; Release or Delete now follows it.
  const approved = step === 'decision' ? decision : record.decision;
  if (!approved) throw new Error(`Case ${record.caseId} holds no approved decision; nothing was changed.`);
  // The rule guards irreversible changes; a release undoes iam-janitor's own, so it needs one approver.
  if (!release) requireTwoApprovers(config, record, approved);
  const acting: Acting = {
    record,
    config,
    member,
    iam: iamClientFor(member),
    deciders: decidersOf(config, approved, step === 'after-trip' ? decision : undefined),
    ...(release ? { release } : {}),
    snapshotSaved: Boolean(record.snapshot),
    saveSnapshot: async (snapshot: Snapshot) => {
      // A retry after a crash keeps the first, complete snapshot rather than a partial one.
      await saveSnapshotOf(caseStore(), record, step, snapshot);
      acting.snapshotSaved = true;
    },
    onStep,
  };
  return acting;
}

/**
 * The snapshot before the first change of this run. The one before the quarantine cannot hold
 * what was added to the user during it, so the deletion that follows one (at its end or on Delete
 * now) stores a fresh one beside it, which restore reads, and leaves the first as it was.
 */
function saveSnapshotOf(
  store: ReturnType<typeof caseStore>,
  record: CaseRecord,
  step: ActStep,
  snapshot: Snapshot,
): Promise<boolean> {
  const at = clock.now().toISOString();
  if (step === 'decision' || !record.quarantine) return store.saveSnapshot(record.caseId, snapshot, at);
  return store.saveDeletionSnapshot(record.caseId, withoutQuarantineMarks(snapshot, record.quarantine), at);
}
