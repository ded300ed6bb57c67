import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The flow in one place: each state machine, its ASL file, and each Task state with the Lambda
 * (folder under lambdas/) that serves it. The stack, the simulator and the README diagram all
 * derive their definitionSubstitutions and handler bindings from this table, so a state added to
 * the ASL and not here fails at once rather than running unbound.
 */
export const WORKFLOW = {
  sweep: {
    title: 'Sweep',
    file: 'sweep.asl.json',
    tasks: { CheckSetup: 'check-setup', Inventory: 'inventory' },
    /** The machines this one starts, named in its ASL as `${<Title>StateMachineArn}`. */
    starts: ['case'],
    /**
     * The case table items the machine reads or writes itself, named as `${CaseTableName}`: by
     * action, the key patterns it may touch (each started case's candidate).
     */
    caseTableItems: { 'dynamodb:GetItem': ['candidate#*'] },
  },
  /** Organization mode's sweep, instead of `sweep`: a Distributed Map over the member accounts. */
  organizationSweep: {
    title: 'OrganizationSweep',
    file: 'organization-sweep.asl.json',
    tasks: {
      CheckSetup: 'check-setup',
      ListAccounts: 'list-accounts',
      InventoryAccount: 'inventory',
      OrganizationGuard: 'organization-guard',
    },
    starts: ['case'],
    // The listing's pages and the candidates; an account's failure, which its Catch records.
    caseTableItems: {
      'dynamodb:GetItem': ['candidate#*', 'accounts#*'],
      'dynamodb:PutItem': ['sweep#*#result#*'],
    },
  },
  case: {
    title: 'Case',
    file: 'case.asl.json',
    tasks: {
      GatherContext: 'gather-context',
      OpenTicket: 'open-ticket',
      RequestApproval: 'request-approval',
      Act: 'act',
      Quarantine: 'request-approval',
      CompleteDeletion: 'act',
      CommentTrip: 'open-ticket',
      AskAfterTrip: 'request-approval',
      ActAfterTrip: 'act',
      RecordOutcome: 'record-outcome',
    },
    starts: [],
    caseTableItems: {},
  },
} as const;

export type MachineKey = keyof typeof WORKFLOW;

/** The organization sweep's fixed name: the policies that name its executions are written from it. */
export const organizationSweepName = (stack: { readonly stackName: string }) =>
  `${stack.stackName}-OrganizationSweep`;
export type TaskLambda = {
  [M in MachineKey]: (typeof WORKFLOW)[M]['tasks'][keyof (typeof WORKFLOW)[M]['tasks']];
}[MachineKey];

export const ASL_DIR = path.join(__dirname, '..', '..', 'statemachine');

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());

/** `${ContextFunctionArn}`: the placeholder a Task's Lambda has in the ASL. */
export const functionArnPlaceholder = (lambdaName: string) => `${pascal(lambdaName)}FunctionArn`;

/** Each Task state of a machine with the Lambda that serves it. */
export function tasksOf(machine: MachineKey): [state: string, lambdaName: TaskLambda][] {
  return Object.entries(WORKFLOW[machine].tasks) as [string, TaskLambda][];
}

/** The machine's definitionSubstitutions, from where each Lambda and machine lives. */
export function substitutionsFor(
  machine: MachineKey,
  functionArn: (lambdaName: TaskLambda) => string,
  machineArn: (started: MachineKey) => string,
  caseTableName: string,
): Record<string, string> {
  return {
    ...(Object.keys(WORKFLOW[machine].caseTableItems).length > 0 ? { CaseTableName: caseTableName } : {}),
    ...Object.fromEntries(
      tasksOf(machine).map(([, lambdaName]) => [functionArnPlaceholder(lambdaName), functionArn(lambdaName)]),
    ),
    ...Object.fromEntries(
      WORKFLOW[machine].starts.map((started: MachineKey) => [
        `${WORKFLOW[started].title}StateMachineArn`,
        machineArn(started),
      ]),
    ),
  };
}

/** The ASL text as written, with its `${…}` placeholders. */
export function aslText(machine: MachineKey): string {
  return fs.readFileSync(path.join(ASL_DIR, WORKFLOW[machine].file), 'utf8');
}
