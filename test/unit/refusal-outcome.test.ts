import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { outcomeComment, outcomeReply } from '../../lambdas/commons/case/outcome';
import { outcomeDetail } from '../../lambdas/commons/case/outcome-detail';
import { OUTCOMES } from '../../lambdas/commons/contracts/outcome';
import {
  AccountOutOfScopeError,
  ProtectedUserError,
  SelfDecisionError,
  TwoPersonRuleError,
} from '../../lambdas/commons/runtime/errors';

// A guard that refuses a decision it must not carry out (a protected user, a decider's own
// account, one approver for an irreversible decision, an account out of scope) did its job: the
// case must not end `failed`, which the FailedOutcome alarm counts and pages on. The property:
// wherever a state of the case machine can end a case failed, each refusal ends it otherwise.

interface Catcher {
  readonly ErrorEquals: string[];
  readonly Next: string;
}
interface State {
  readonly Type: string;
  readonly Result?: unknown;
  readonly Next?: string;
  readonly Catch?: Catcher[];
}
const machine = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'statemachine', 'case.asl.json'), 'utf8'),
) as { States: Record<string, State> };

/** Where Step Functions sends an error: the first catcher that names it, or States.ALL (in order). */
const caughtBy = (state: State, error: string) =>
  state.Catch?.find(
    (catcher) => catcher.ErrorEquals.includes(error) || catcher.ErrorEquals.includes('States.ALL'),
  );

/** The outcome a Pass state names before RecordOutcome, following Pass states to it. */
function outcomeAt(name: string): unknown {
  const state = machine.States[name]!;
  return state.Type === 'Pass' && state.Result !== undefined ? state.Result : undefined;
}

const refusals = [ProtectedUserError, SelfDecisionError, TwoPersonRuleError, AccountOutOfScopeError].map(
  (refusal) => new refusal('refused').name,
);
// The states where some error ends the case failed: those are the ones a refusal could reach.
const failing = Object.entries(machine.States).filter(([, state]) =>
  state.Catch?.some((catcher) => outcomeAt(catcher.Next) === 'failed'),
);

describe('a refusal by a guard is not a failure', () => {
  it('has states to check', () => expect(failing.length).toBeGreaterThan(3));

  it.each(failing.map(([name]) => name))('%s ends each refusal with an outcome other than failed', (name) => {
    for (const error of refusals) {
      const next = caughtBy(machine.States[name]!, error)!.Next;
      const outcome = outcomeAt(next);
      expect({ error, outcome }).toEqual({ error, outcome: expect.not.stringMatching(/^failed$/) });
      expect(OUTCOMES).toContain(outcome);
    }
  });
});

describe('what a refused case says', () => {
  const record = {
    caseId: 'AIDAVIP-2026-11-22',
    userName: 'vip',
    candidate: { kind: 'user' },
  } as unknown as CaseRecord;
  it.each(refusals)('%s: the reason in words, and no word of a failure', (error) => {
    const detail = outcomeDetail('refused', { Error: error, Cause: 'vip carries the protected tag' });
    const said = [
      outcomeReply(record, 'refused', detail),
      ...outcomeComment(record, 'refused', detail, 'cases'),
    ];
    expect(said.join(' ')).toContain('vip carries the protected tag');
    expect(said.join(' ')).not.toMatch(/fail/i);
  });
});
