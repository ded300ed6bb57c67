import { StateMachine } from 'aws-local-stepfunctions';
import type { CaseStore } from '../../lambdas/commons/case/case-store';
import type { CaseRecord } from '../../lambdas/commons/case/record';
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
  definition = toleratedFailures(definition);
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
  const limits = new PayloadLimits(onPayload);
  const counting = (async () => {
    for await (const event of execution.eventLogs) {
      const state = (event as StateEvent).state;
      if (SIMULATOR_STATE.test(state?.name ?? '')) continue;
      historyEvents++;
      if (event.type === 'StateEntered') {
        transitions++;
        states.push(state!.name);
        caughtError = caughtIn(state!.input) ?? caughtError;
      }
      if (event.type === 'StateRetried') transitions++;
      if (limits.overAfter(event as StateEvent)) execution.abort();
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
  const error = limits.oversized ? `States.DataLimitExceeded: ${limits.oversized}` : failure;
  const caught = caughtError ? { caughtError } : {};
  return error
    ? { output: null, error, transitions, historyEvents, states, ...caught }
    : { output, transitions, historyEvents, states, ...caught };
}

interface StateEvent {
  readonly type: string;
  readonly index?: number;
  readonly state?: { name: string; type?: string; input?: unknown; output?: unknown };
}

/**
 * Step Functions refuses a state's input or output over 256 KB (States.DataLimitExceeded), and a
 * Map's result too: the outputs of its iterations gathered into one array, weighed even when the
 * Map's ResultPath drops it. The events show each iteration's states (with the iteration's index):
 * the last output of each is what the iteration returns.
 */
class PayloadLimits {
  oversized?: string;
  private iterations: number[] = [];

  constructor(private readonly onPayload?: (state: string, bytes: number) => void) {}

  /** Weighs what the event carries; true once something is over the limit (the first is kept). */
  overAfter({ type, index, state }: StateEvent): boolean {
    if (!state || (type !== 'StateEntered' && type !== 'StateExited')) return false;
    const side = type === 'StateEntered' ? 'input' : 'output';
    const payload = side === 'input' ? state.input : state.output;
    if (payload === undefined) return this.oversized !== undefined;
    const bytes = payloadBytes(payload);
    this.onPayload?.(`${state.name} ${side}`, bytes);
    if (index !== undefined && side === 'output') this.iterations[index] = bytes;
    if (index === undefined && state.type === 'Map') {
      if (side === 'input') this.iterations = [];
      else {
        // The gathered array: its brackets, its iterations' outputs and the commas between them.
        const gathered = this.iterations.reduce((sum, part) => sum + (part ?? 4) + 1, 1);
        this.onPayload?.(`${state.name} gathered result`, gathered);
        this.weigh(`the result its iterations returned to Map state ${state.name}`, gathered);
      }
    }
    return this.weigh(`the ${side} of state ${state.name}`, bytes);
  }

  private weigh(what: string, bytes: number): boolean {
    if (bytes > PAYLOAD_LIMIT_BYTES)
      this.oversized ??= `${what} is ${bytes} bytes, over Step Functions' limit of ${PAYLOAD_LIMIT_BYTES}`;
    return this.oversized !== undefined;
  }
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

/** The states the simulator adds to model what the engine lacks; never billed as transitions. */
const SIMULATOR_STATE = /^\(simulator\) /;

/**
 * aws-local-stepfunctions fails a Map at its first failed iteration, whatever its
 * ToleratedFailurePercentage. A Distributed Map that tolerates every failure (100) goes on in Step
 * Functions, its failed children counted in the Map Run: here each iteration runs inside a Parallel
 * state that catches what the iteration did not, and ends it there. Any other percentage would need
 * counting, which nothing here models, so it is refused rather than run as if it were 0.
 */
function toleratedFailures(definition: Record<string, unknown>): Record<string, unknown> {
  const states = definition.States as Record<string, Record<string, unknown>>;
  const wrapped = Object.entries(states).map(([name, state]) => {
    const tolerated = state.ToleratedFailurePercentage;
    if (state.Type !== 'Map' || tolerated === undefined) return [name, state];
    if (tolerated !== 100)
      throw new Error(
        `${name}: the simulator models ToleratedFailurePercentage 100 only, not ${String(tolerated)}`,
      );
    const processor = state.ItemProcessor as Record<string, unknown>;
    const { ProcessorConfig, ...branch } = processor;
    const iteration = '(simulator) iteration';
    const failed = '(simulator) failed iteration, tolerated';
    return [
      name,
      {
        ...state,
        ItemProcessor: {
          ProcessorConfig,
          StartAt: iteration,
          States: {
            [iteration]: {
              Type: 'Parallel',
              Branches: [branch],
              OutputPath: '$[0]',
              Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: failed }],
              End: true,
            },
            // A failed child's output is its error, which the Map Run keeps: nothing of it reaches the map's result.
            [failed]: { Type: 'Pass', Result: null, End: true },
          },
        },
      },
    ];
  });
  return { ...definition, States: Object.fromEntries(wrapped) };
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
