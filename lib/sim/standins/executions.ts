import type { ExecutionStatus } from '../../../lambdas/commons/case/organization-sweep-store';
import { StandinError } from './standin-types';

interface Execution {
  status: Exclude<ExecutionStatus, 'unknown'>;
  readonly startDate: Date;
  stopDate?: Date;
}

/**
 * The executions Step Functions knows, as DescribeExecution answers for them: the simulator's own
 * sweeps, from their start to their end. An ARN it never started is ExecutionDoesNotExist, as in
 * Step Functions (which also forgets a closed execution 90 days after it ended).
 */
export class Executions {
  private readonly known = new Map<string, Execution>();

  started(executionArn: string, at: Date): void {
    this.known.set(executionArn, { status: 'RUNNING', startDate: at });
  }

  ended(executionArn: string, status: Execution['status'], at: Date): void {
    const execution = this.known.get(executionArn);
    if (!execution) throw new Error(`No execution ${executionArn} was started`);
    Object.assign(execution, { status, stopDate: at });
  }

  /** DescribeExecution's answer: dates in epoch seconds, as the JSON protocol sends them. */
  describe(executionArn: string): Record<string, unknown> {
    // An execution's name has no white space, brackets, wildcards or other special characters.
    if (
      !/^arn:aws:states:[\w-]+:\d{12}:execution:[^:]+:[^\s:<>{}[\]?*"#%\\^|~`$&,;/]{1,80}$/.test(executionArn)
    )
      throw new StandinError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    const execution = this.known.get(executionArn);
    if (!execution)
      throw new StandinError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    const name = executionArn.split(':').at(-1)!;
    return {
      executionArn,
      stateMachineArn: executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
      name,
      status: execution.status,
      startDate: execution.startDate.getTime() / 1000,
      ...(execution.stopDate ? { stopDate: execution.stopDate.getTime() / 1000 } : {}),
    };
  }
}
