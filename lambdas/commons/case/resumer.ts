import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { QuarantineVerdict } from '../case-state';
import type { DecisionRecord } from '../contracts/decision';
import { clock } from '../runtime/clock';
import { errorName } from '../runtime/errors';
import type { CaseStore } from './case-store';
import type { Wait } from './lifecycle';
import type { QuarantineStore } from './quarantine-store';

/**
 * What a waiting case is resumed with, by the wait it answers (lifecycle.ts `WAITS`):
 * - `decision`: the approvers' decision, to RequestApproval's wait;
 * - `after-trip`: Release or Delete now, to AskAfterTrip's wait;
 * - `quarantine`: the answer to the Quarantine state's wait: a release asked for during the watch
 *   (`released`, with its decision), or how the watch ended (`tripped`, `silent`, `changed`).
 */
export type Resumption =
  | { readonly wait: Extract<Wait, 'decision'>; readonly decision: DecisionRecord }
  | { readonly wait: Extract<Wait, 'after-trip'>; readonly decision: DecisionRecord }
  | { readonly wait: Extract<Wait, 'quarantine'>; readonly verdict: QuarantineVerdict };

/** Step Functions and the two case stores: where a resumption is sent, and where it is recorded. */
export interface ResumerDeps {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly cases: Pick<CaseStore, 'markDelivered'>;
  readonly quarantines: Pick<QuarantineStore, 'markChoiceDelivered'>;
}

/**
 * What came of it: resumed and recorded, or not, with Step Functions' error. `notWaiting` when no
 * workflow waits on that token: none is stored, or Step Functions refused it (it answers alike for
 * a token already answered and for a wait that ended).
 */
export type Resumed =
  | { readonly resumed: true }
  | {
      readonly resumed: false;
      readonly notWaiting: boolean;
      readonly reason: string;
      readonly error: unknown;
    };

const NOT_WAITING = /TaskTimedOut|InvalidToken|TaskDoesNotExist/;

/**
 * The one way a waiting workflow is resumed: SendTaskSuccess to the token the case waits on, then
 * the delivery recorded, so that whether a decision or a choice reached the workflow is read from
 * the record (lifecycle.ts `decisionDelivered`, `choiceDelivered`), never guessed. The approvers'
 * decision is stamped `decisionDeliveredAt`; a choice after a trip, and a release during the watch,
 * `quarantine.decisionDeliveredAt`. A watch's own ending needs no stamp: the watcher records it
 * (`trip`, `handOver`) before it resumes the case, and the case's next status says it was taken.
 * The Slack decision, RequestApproval's retries, the watcher and `release --case` all resume here.
 */
export async function resumeCase(
  deps: ResumerDeps,
  waiting: { readonly caseId: string; readonly taskToken?: string },
  resumption: Resumption,
): Promise<Resumed> {
  if (!waiting.taskToken) {
    const reason = 'not waiting';
    return {
      resumed: false,
      notWaiting: true,
      reason,
      error: new Error(`Case ${waiting.caseId} is ${reason}`),
    };
  }
  const output = resumption.wait === 'quarantine' ? resumption.verdict : resumption.decision;
  try {
    await deps.sfn.send(
      new SendTaskSuccessCommand({ taskToken: waiting.taskToken, output: JSON.stringify(output) }),
    );
  } catch (error) {
    const reason = errorName(error);
    return { resumed: false, notWaiting: NOT_WAITING.test(reason), reason, error };
  }
  const at = clock.now().toISOString();
  const stamp = stampOf(resumption);
  if (stamp === 'decision') await stamped(() => deps.cases.markDelivered(waiting.caseId, at));
  if (stamp === 'choice')
    // ActAfterTrip writes its own receipt of the choice (QuarantineStore `recordChoiceReceived`):
    // a stamp that still fails leaves the delivery to it, and the click is told it was delivered.
    await stamped(() => deps.quarantines.markChoiceDelivered(waiting.caseId, at)).catch(() => undefined);
  return { resumed: true };
}

const STAMP_ATTEMPTS = 3;

/**
 * The delivery stamp, tried again when it fails (a throttle): the workflow has the decision now, and
 * the record must say so. The write is idempotent (the same time, set again).
 */
async function stamped(write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= STAMP_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/**
 * Which delivery a resumption records: the approvers' decision, the quarantine's choice (after a
 * trip, or a release during the watch), or none (a watch's ending, recorded before it resumed).
 */
function stampOf(resumption: Resumption): 'decision' | 'choice' | undefined {
  if (resumption.wait === 'decision') return 'decision';
  if (resumption.wait === 'after-trip') return 'choice';
  return resumption.verdict.verdict === 'released' ? 'choice' : undefined;
}
