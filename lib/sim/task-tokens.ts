/**
 * The task tokens the simulated case machines wait on, as Step Functions keeps them: each attempt
 * of a waitForTaskToken state has its own, a SendTaskSuccess resumes the one wait it names, and a
 * token that is answered, failed or timed out is dead (TaskTimedOut).
 */
interface Waiter {
  readonly caseId: string;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class TaskTokens {
  private readonly waiting = new Map<string, Waiter>();
  private counter = 0;

  /** A token of its own for one execution, or one attempt of a state. */
  next(prefix: string): string {
    return `${prefix}-${++this.counter}`;
  }

  /** Resolves with what the token is answered with; rejects when the wait fails. */
  wait(taskToken: string, caseId: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.waiting.set(taskToken, { caseId, resolve, reject }));
  }

  isWaiting(taskToken: string): boolean {
    return this.waiting.has(taskToken);
  }

  /** The token dies: a later SendTaskSuccess gets TaskTimedOut. */
  drop(taskToken: string): void {
    this.waiting.delete(taskToken);
  }

  /** Fails the wait with this error, and kills the token. False when nothing waited on it. */
  fail(taskToken: string, error: Error): boolean {
    const waiter = this.waiting.get(taskToken);
    if (!waiter) return false;
    this.waiting.delete(taskToken);
    waiter.reject(error);
    return true;
  }

  /** Ends the wait on this token without answering it: the caller fails it once ready. */
  detach(taskToken: string): ((error: Error) => void) | undefined {
    const waiter = this.waiting.get(taskToken);
    this.waiting.delete(taskToken);
    return waiter?.reject;
  }

  /** The token a case waits on now, if any. */
  tokenOf(caseId: string): string | undefined {
    return [...this.waiting.entries()].find(([, waiter]) => waiter.caseId === caseId)?.[0];
  }

  /** SendTaskSuccess, as the Step Functions stand-in forwards it; an error answer for a dead token. */
  answer(call: { taskToken: string; output?: string }) {
    const waiter = this.waiting.get(call.taskToken);
    if (!waiter) return { code: 'TaskTimedOut', message: 'Task Timed Out: the approval already expired' };
    this.waiting.delete(call.taskToken);
    waiter.resolve(call.output ? JSON.parse(call.output) : {});
    return undefined;
  }

  /**
   * A waitForTaskToken state: the handler stores the token, and the wait ends by the task callback
   * (a click, the watcher) or by a timeout. Step Functions gives every attempt of the state a token
   * of its own, valid from the start of the attempt; a failed attempt's token dies with it.
   */
  async request(
    input: unknown,
    tokens: string[],
    options: {
      readonly invoke: (payload: unknown) => Promise<unknown>;
      /** The engine's own timer, in real seconds; undefined: only an answer or a failure ends the wait. */
      readonly timeoutSeconds?: number;
      readonly onWaiting: (caseId: string, taskToken: string) => Promise<void> | undefined;
      readonly log?: (line: string) => void;
    },
  ): Promise<unknown> {
    const payload = (input as { Payload: { caseId: string; taskToken: string } }).Payload;
    const taskToken = this.next(`${payload.taskToken}-attempt`);
    tokens.push(taskToken);
    const answered = this.wait(taskToken, payload.caseId);
    try {
      await options.invoke({ ...payload, taskToken });
    } catch (error) {
      this.drop(taskToken);
      throw error;
    }
    // The token dies with the engine's timeout, as in Step Functions: a later SendTaskSuccess gets TaskTimedOut.
    if (options.timeoutSeconds !== undefined)
      setTimeout(() => this.drop(taskToken), options.timeoutSeconds * 1000).unref();
    void Promise.resolve(options.onWaiting(payload.caseId, taskToken)).catch((error) =>
      options.log?.(`the scenario's driver failed: ${String(error)}`),
    );
    return answered;
  }
}
