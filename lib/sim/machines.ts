import { StateMachine } from 'aws-local-stepfunctions';
import type { CaseStore, CaseRecord } from '../../lambdas/commons/case/case-store';
import { clock } from '../../lambdas/commons/runtime/clock';
import { substitutionsFor, aslText, type MachineKey } from '../infra/workflow';
import { candidateOf, type SimUser } from './account';
import { CASE_TABLE } from './standins/dynamo';

/** The state machines as the simulator runs them: the registry's ASL with local ARNs. */

export const REGION = 'us-east-1';
/** The account a simulation deploys to when its scenario names none (account mode's default). */
const DEFAULT_ACCOUNT = '123456789012';
/** The deployment's functions and machines, in the account the stack runs in (the hub, in organization mode). */
export const lambdaArn = (name: string, accountId = DEFAULT_ACCOUNT) =>
  `arn:aws:lambda:${REGION}:${accountId}:function:iam-janitor-${name}`;
export const machineArn = (key: MachineKey, accountId = DEFAULT_ACCOUNT) =>
  `arn:aws:states:${REGION}:${accountId}:stateMachine:iam-janitor-${key}`;
export const CASE_MACHINE_ARN = machineArn('case');
export const executionArn = (machine: string, name: string) =>
  `${machine.replace(':stateMachine:', ':execution:')}:${name}`;

/** The machine's ASL with its placeholders filled, as CDK's definitionSubstitutions would. */
export function loadMachine(key: MachineKey, accountId = DEFAULT_ACCOUNT): StateMachine {
  let text = aslText(key);
  const substitutions = substitutionsFor(
    key,
    (name) => lambdaArn(name, accountId),
    (started) => machineArn(started, accountId),
    CASE_TABLE,
  );
  for (const [placeholder, value] of Object.entries(substitutions))
    text = text.split(`\${${placeholder}}`).join(value);
  let definition = JSON.parse(text) as Record<string, unknown>;
  if (key === 'case') definition = timeoutPathOnEffectiveInput(definition);
  return new StateMachine(definition as never, { validationOptions: { checkArn: false, checkPaths: false } });
}

export interface MachineRun {
  output: unknown;
  error?: string;
  transitions: number;
  historyEvents: number;
  states: string[];
}

/** Runs one execution with local handlers, counting transitions as Step Functions bills them. */
export async function runMachine(
  machine: StateMachine,
  input: Record<string, unknown>,
  context: Record<string, unknown>,
  handlers: Record<string, (input: unknown) => Promise<unknown>>,
  /** Every state's input and output as it enters and leaves, weighed (the benchmark's largest payload). */
  onPayload?: (state: string, bytes: number) => void,
): Promise<{
  output: unknown;
  error?: string;
  transitions: number;
  historyEvents: number;
  states: string[];
  caughtError?: string;
}> {
  const retryIntervalOverrides = Object.fromEntries(Object.keys(handlers).map((name) => [name, 20]));
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
    context: context as never,
  });
  let transitions = 0;
  let historyEvents = 0;
  const states: string[] = [];
  let caughtError: string | undefined;
  let oversized: string | undefined;
  const counting = (async () => {
    for await (const event of execution.eventLogs) {
      historyEvents++;
      const state = (event as unknown as { state?: { name: string; input?: unknown; output?: unknown } })
        .state;
      if (event.type === 'StateEntered') {
        transitions++;
        states.push(state!.name);
        caughtError = caughtIn(state!.input) ?? caughtError;
      }
      if (event.type === 'StateRetried') transitions++;
      // Step Functions refuses a state's input or output over 256 KB (States.DataLimitExceeded).
      const payload =
        event.type === 'StateEntered'
          ? state?.input
          : event.type === 'StateExited'
            ? state?.output
            : undefined;
      const bytes = payload === undefined ? 0 : payloadBytes(payload);
      if (payload !== undefined)
        onPayload?.(`${state!.name} ${event.type === 'StateEntered' ? 'input' : 'output'}`, bytes);
      if (bytes > PAYLOAD_LIMIT_BYTES && !oversized) {
        oversized = `the ${event.type === 'StateEntered' ? 'input' : 'output'} of state ${state!.name} is ${bytes} bytes, over Step Functions' limit of ${PAYLOAD_LIMIT_BYTES}`;
        execution.abort();
      }
    }
  })();
  let output: unknown = null;
  let failure: string | undefined;
  try {
    output = await execution.result;
  } catch (error) {
    failure = `${(error as Error).name}: ${(error as Error).message}`;
  }
  await counting.catch(() => undefined);
  const error = oversized ? `States.DataLimitExceeded: ${oversized}` : failure;
  const caught = caughtError ? { caughtError } : {};
  return error
    ? { output: null, error, transitions, historyEvents, states, ...caught }
    : { output, transitions, historyEvents, states, ...caught };
}

/** The error name a Catch put at `$.error` of a state's input (every Catch of the ASL writes there). */
function caughtIn(input: unknown): string | undefined {
  const error = (input as { error?: { Error?: unknown } } | null | undefined)?.error?.Error;
  return typeof error === 'string' ? error : undefined;
}

/** Step Functions' limit on a state's input or output: 256 KB of UTF-8 text. */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;
const payloadBytes = (payload: unknown) => Buffer.byteLength(JSON.stringify(payload) ?? '');

export function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * aws-local-stepfunctions reads TimeoutSecondsPath from the state's effective input (after
 * Parameters), where Step Functions reads it from the state's input. The same value is passed
 * through Parameters, so that the engine's own timer and the ASL's States.Timeout catch run as
 * written, on the wait GatherContext set.
 */
function timeoutPathOnEffectiveInput(definition: Record<string, unknown>): Record<string, unknown> {
  const states = definition.States as Record<string, Record<string, unknown>>;
  return {
    ...definition,
    States: Object.fromEntries(
      Object.entries(states).map(([name, state]) => {
        if (state.TimeoutSecondsPath === undefined) return [name, state];
        const parameters = {
          ...(state.Parameters as object),
          'timeoutSeconds.$': String(state.TimeoutSecondsPath),
        };
        return [name, { ...state, Parameters: parameters, TimeoutSecondsPath: '$.timeoutSeconds' }];
      }),
    ),
  };
}

/** Opens a case for a user the way the context Lambda does, without running the workflow. */
export function openCaseFor(
  store: CaseStore,
  user: SimUser,
  caseId: string,
  openedAt = clock.now(),
  { accountId, reason }: { readonly accountId?: string | undefined; readonly reason?: string } = {},
): Promise<CaseRecord> {
  const candidate = candidateOf(user, reason ? { reason } : {}, openedAt);
  return store.open({
    caseId,
    userName: user.userName,
    userId: user.userId,
    arn: user.arn,
    candidate: accountId
      ? { ...candidate, accountId, subjectId: `${accountId}-${candidate.subjectId}` }
      : candidate,
    executionArn: executionArn(CASE_MACHINE_ARN, caseId),
    openedAt: openedAt.toISOString(),
  });
}
