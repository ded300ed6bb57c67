import type { CaseRecord } from '../commons/case/record';
import { quarantineStore } from '../commons/case/stores';
import { formatTime, mention } from '../commons/runtime/text';
import { tripChoiceWord } from '../commons/case/quarantine-text';
import { choiceDelivered } from '../commons/case/lifecycle';
import { tripDecidedMessage } from '../commons/slack/quarantine-messages';
import type { Ballot } from './decide';

/**
 * Release or Delete now, after a quarantine tripped: the first click wins (a conditional write), and
 * goes to the task token the case waits on. The deletion itself was approved before the quarantine
 * (by two approvers under twoPersonDelete), so one approver chooses what follows the trip.
 */
export function afterTripBallot(caseId: string): Ballot {
  return {
    noun: 'choice',
    word: (decision) => tripChoiceWord(decision.decision),
    claim: (decision) => quarantineStore().recordTripDecision(caseId, decision),
    held: (record) => record.quarantine?.decision,
    wait: 'after-trip',
    // The choice has a delivery stamp of its own, beside the approval's.
    delivered: (record) => record.outcome !== undefined || choiceDelivered(record.quarantine),
    // Nothing asks for a choice again once its wait has ended: one that no workflow received is taken back.
    retract: (decision) => quarantineStore().retractTripDecision(caseId, decision),
    taken: (record: CaseRecord) => {
      const chosen = record.quarantine?.decision;
      return chosen
        ? `Already chosen: *${tripChoiceWord(chosen.decision)}* by ${mention(chosen.decidedBy)} at ${formatTime(chosen.decidedAt)}.`
        : `This case is ${record.status}; it takes no choice now.`;
    },
    shown: (record, decision) => ({
      ts: record.quarantine?.tripMessageTs,
      message: tripDecidedMessage(record, decision),
    }),
  };
}
