import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'aws-lambda';
import { clientSettings, configureClients } from '../../lambdas/commons/runtime/client-settings';
import { handlerEntry, type LambdaName } from '../infra/lambdas';
import { tasksOf, type MachineKey } from '../infra/workflow';
import { REMOVER_CREDENTIALS } from './engine-options';

/** The Lambdas as the simulator invokes them: the real handlers, each with a Lambda context. */

export type TaskHandler = (input: unknown) => Promise<unknown>;
type LambdaHandler = (input: unknown, context: Context) => Promise<unknown>;

let invocations = 0;
const invocationsByFunction = new Map<string, number>();

/** How many times each Lambda was invoked in this process, by function name (the benchmark counts them). */
export function invocationCounts(): Record<string, number> {
  return Object.fromEntries(invocationsByFunction);
}

/**
 * A Lambda context as the runtime passes one, so that the handlers log their request id as they do
 * in AWS; the ids count up from the process's first invocation.
 */
export function lambdaContext(functionName: string): Context {
  const requestId = `00000000-0000-4000-8000-${String(++invocations).padStart(12, '0')}`;
  invocationsByFunction.set(functionName, (invocationsByFunction.get(functionName) ?? 0) + 1);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `iam-janitor-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:iam-janitor-${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/iam-janitor-${functionName}`,
    logStreamName: 'simulated',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A handler invoked as Lambda invokes it, with a context of its own each time. */
const invokedAs =
  (functionName: string, handler: LambdaHandler): TaskHandler =>
  (input) =>
    handler(input, lambdaContext(functionName));

/**
 * The real handler of a declared Lambda, from the file the stack bundles (`lambdas/<name>/handler.ts`),
 * so that a function declared in lib/infra/lambdas.ts runs here with no table to keep beside it.
 * Node caches the module: a handler imported elsewhere too is the same one.
 */
function handlerOf(lambdaName: LambdaName): LambdaHandler {
  const file = handlerEntry(lambdaName);
  // require, not import(): the path is known only from the declaration, and bindTasks stays synchronous.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(file) as { handler?: unknown };
  if (typeof handler !== 'function') throw new Error(`${file} exports no handler function`);
  return handler as LambdaHandler;
}

/** Every Task state of the machine bound to its Lambda's handler, or to the simulator's own stand-in for it. */
export function bindTasks(
  machine: MachineKey,
  overrides: Record<string, TaskHandler>,
  slowMs = 0,
  removerIdentity = false,
): Record<string, TaskHandler> {
  const tasks = {
    ...Object.fromEntries(
      tasksOf(machine).map(([state, lambdaName]) => [state, slowed(invoked(lambdaName), slowMs)]),
    ),
    ...overrides,
  };
  return removerIdentity ? asRemover(machine, tasks) : tasks;
}

/** A handler that takes `slowMs` longer, as on a loaded machine or a cold Lambda. */
export function slowed<T extends (input: never) => Promise<unknown>>(handler: T, slowMs: number): T {
  if (slowMs <= 0) return handler;
  return (async (input: never) => {
    await sleep(slowMs);
    return handler(input);
  }) as T;
}

/** The real handler of a declared Lambda, invoked as Lambda invokes it. */
export function invoked(lambdaName: LambdaName): TaskHandler {
  return invokedAs(lambdaName, handlerOf(lambdaName));
}

/** The same tasks, each reporting its input and output to `onTask` (the benchmark weighs payloads). */
export function spiedOn(
  tasks: Record<string, TaskHandler>,
  onTask?: (state: string, input: unknown, output: unknown) => void,
): Record<string, TaskHandler> {
  if (!onTask) return tasks;
  return Object.fromEntries(
    Object.entries(tasks).map(([state, handler]) => [
      state,
      async (input: unknown) => {
        const result = await handler(input);
        onTask(state, input, result);
        return result;
      },
    ]),
  );
}

/**
 * The machine's tasks with every state that invokes the remover (the Act Lambda) signing as the
 * remover role: the clients carry REMOVER_CREDENTIALS for the task's duration, then the shared ones
 * again. Only while one task runs at a time (sequential cases), as the scenario runner runs them.
 */
function asRemover(machine: MachineKey, tasks: Record<string, TaskHandler>): Record<string, TaskHandler> {
  const removerStates = new Set(tasksOf(machine).flatMap(([state, name]) => (name === 'act' ? [state] : [])));
  return Object.fromEntries(
    Object.entries(tasks).map(([state, handler]) => [
      state,
      removerStates.has(state)
        ? async (input: unknown) => {
            const shared = clientSettings();
            configureClients({ ...shared, credentials: REMOVER_CREDENTIALS });
            try {
              return await handler(input);
            } finally {
              configureClients(shared);
            }
          }
        : handler,
    ]),
  );
}
