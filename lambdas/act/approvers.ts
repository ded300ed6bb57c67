import type { CaseRecord } from '../commons/case/record';
import type { JanitorConfig } from '../commons/config/config';
import { SLACK_USER_ID } from '../commons/config/schema';
import { isIrreversible, type DecisionRecord } from '../commons/contracts/decision';
import { TwoPersonRuleError } from '../commons/runtime/errors';
import { deciderName } from '../commons/runtime/text';
import { operatorDecider, type Deciders } from './recheck';

/** Who decided what the remover carries out, and the rules on them: two approvers, nobody about themselves. */

/** Which decision an Act Task carries out (ACT_STEPS in handler.ts). */
export type ActStep = 'decision' | 'quarantine-over' | 'after-trip';

/**
 * The release this step carries out, if any: the choice after a trip, or one asked for while the
 * wait ended in silence, which wins over the deletion (nothing is deleted).
 */
export function releaseChoice(
  record: CaseRecord,
  decision: DecisionRecord,
  step: ActStep,
): DecisionRecord | undefined {
  const asked = record.quarantine?.decision;
  const release = step === 'after-trip' ? decision : step === 'quarantine-over' && asked ? asked : undefined;
  return release?.decision === 'release' ? release : undefined;
}

/**
 * The two-person rule, enforced where the change happens too: an irreversible decision that
 * reached the remover with one approver (whatever path it took) changes nothing.
 */
export function requireTwoApprovers(
  config: JanitorConfig,
  record: CaseRecord,
  decision: DecisionRecord,
): void {
  if (!config.twoPersonDelete || !isIrreversible(decision.decision, record.candidate.credential)) return;
  if (decision.firstApprover && decision.firstApprover !== decision.decidedBy) return;
  throw new TwoPersonRuleError(
    `A ${decision.decision} cannot be fully undone and twoPersonDelete is on, but it carries one approver (${deciderName(decision.decidedBy)}); nothing was changed.`,
  );
}

/** Everyone who decided, with the e-mails Slack gave at their clicks: the live user must be none of them. */
export function decidersOf(
  config: JanitorConfig,
  decision: DecisionRecord,
  afterTrip?: DecisionRecord,
): Deciders {
  return {
    identityTagKey: config.approverIdentityTagKey,
    people: [
      person(decision.decidedBy, decision.decidedByEmail),
      ...(decision.firstApprover ? [person(decision.firstApprover, decision.firstApproverEmail)] : []),
      ...(afterTrip ? [person(afterTrip.decidedBy, afterTrip.decidedByEmail)] : []),
    ],
  };
}

/**
 * A decider as the self-decision rule weighs them: a Slack user with the e-mail Slack gave (none:
 * unknown, which refuses an e-mail identity tag), or an operator's `iam-janitor release --by NAME`.
 */
function person(decidedBy: string, email: string | undefined): Deciders['people'][number] {
  if (email !== undefined || SLACK_USER_ID.test(decidedBy)) return { slackId: decidedBy, email };
  return operatorDecider(decidedBy);
}
