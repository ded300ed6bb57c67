import { handler as inventoryHandler } from '../../lambdas/inventory/handler';
import { handler as organizationGuardHandler } from '../../lambdas/organization-guard/handler';
import { invoked, slowed, type TaskHandler } from './handlers';
import type { dynamoIntegration } from './wiring';

/**
 * The sweep machines' Task states as the simulator serves them: the Lambdas on the scenario's
 * clock, and the machines' own DynamoDB calls to the simulation's table. `startCase` is the
 * engine's StartExecution.
 */
export function sweepTasks(
  startedAt: Date,
  slowMs: number,
  table: ReturnType<typeof dynamoIntegration>,
  startCase: TaskHandler,
): Record<string, TaskHandler> {
  // aws-local-stepfunctions sets $$.Execution.StartTime from the host's clock; in AWS it is the
  // clock at the start of the execution, which here is the scenario's.
  const onScenarioClock =
    (handler: TaskHandler): TaskHandler =>
    (input) =>
      slowed(handler, slowMs)({ ...(input as object), startedAt: startedAt.toISOString() } as never);
  return {
    Inventory: onScenarioClock(inventoryHandler),
    InventoryAccount: onScenarioClock(inventoryHandler),
    ListAccounts: onScenarioClock(invoked('list-accounts')),
    OrganizationGuard: onScenarioClock(organizationGuardHandler),
    LoadCandidate: table.getItem,
    LoadAccountPage: table.getItem,
    AccountFailed: table.putItem,
    StartCase: startCase,
  };
}
