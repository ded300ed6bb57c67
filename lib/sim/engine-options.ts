import type { OrganizationSweepOutput } from '../../lambdas/organization-guard/handler';
import type { SweepOutput } from '../../lambdas/inventory/handler';
import type { SimAccount } from './account';
import type { SimClock } from './clock';
import type { AwsStandinOptions } from './standins/standin-types';
import type { SimOrganization } from './standins/organization-standin';

/** What a simulation is given, and what its sweeps and cases give back. */

export const SIM_SECRETS = {
  slackBotToken: 'xoxb-sim-token',
  slackSigningSecret: 'simsigningsecret8f742231b10e8888abcd99',
  jiraEmail: 'janitor@example.com',
  jiraApiToken: 'sim-jira-token',
};
export const SLACK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:iam-janitor-slack-sim';
export const JIRA_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:iam-janitor-jira-sim';
/** Fixed, fake credentials: the simulation never reads the caller's, and needs none. */
export const SIM_CREDENTIALS = { accessKeyId: 'AKIASIMULATION00000', secretAccessKey: 'simulated-secret' };
/** The remover function's own role (removerIdentity), on which the stand-in's Deny can be limited. */
export const REMOVER_CREDENTIALS = {
  accessKeyId: 'AKIASIMREMOVER00000',
  secretAccessKey: 'simulated-remover',
};

export interface SimulationOptions {
  readonly account: SimAccount;
  /** Config as cdk.json holds it; the Jira URL is pointed at the stand-in. */
  readonly config: Record<string, unknown>;
  readonly standin?: AwsStandinOptions;
  /** Organization mode: the member accounts behind the hub (`account` is then the hub's own). */
  readonly organization?: SimOrganization;
  readonly jiraFailures?: number;
  readonly slackFailures?: number;
  /**
   * The approval wait the engine's own timer enforces, in real seconds, instead of the config's
   * hours. Without it the wait is the config's (days): only `expire` ends a wait, when the driver
   * knows no decision is coming, at the deadline in scenario time, whatever the machine's speed.
   */
  readonly approvalTimeoutSeconds?: number;
  /**
   * Runs the case executions one after another once the sweep ends, in the order of its batch, so
   * that ticket keys and message ids are the same on every run.
   */
  readonly sequentialCases?: boolean;
  /**
   * The Act Lambda (the remover) signs with REMOVER_CREDENTIALS, as its own role would, so that a
   * Deny the stand-in limits to it (`standin.denyOnlyFor`) refuses its calls and no one else's.
   * The clients are switched for each Act task, so it needs sequentialCases.
   */
  readonly removerIdentity?: boolean;
  /** The secrets' text as stored, in place of the filled ones (`{}` is a secret never filled). */
  readonly secretValues?: { readonly slack?: string; readonly jira?: string };
  /**
   * CloudTrail's pacing as a fraction of real time: the lambdas' gap between lookups
   * (IAM_JANITOR_LOOKUP_PACE) and the stand-in's one-second rate window shrink alike, so a lookup
   * paced too closely is still throttled. Unset: real time, 2 lookups a second.
   */
  readonly lookupPace?: number;
  /** Delays every Lambda handler by this much real time: the proof that nothing depends on speed. */
  readonly slowHandlersMs?: number;
  /** With sequentialCases: called as each case of a sweep ends, for a progress line. */
  readonly onCaseEnded?: (done: number, total: number) => void;
  /** Called once the approval request is posted; the driver decides (or not). */
  readonly onApprovalRequested?: (caseId: string) => Promise<void>;
  /** Called once a quarantine's wait begins; by default the watcher runs daily until it answers. */
  readonly onQuarantine?: (caseId: string, taskToken: string) => Promise<void>;
  /** Called once the approvers are asked after a trip; the wait expires unless the driver chooses. */
  readonly onAfterTrip?: (caseId: string) => Promise<void>;
  readonly log?: (line: string) => void;
  /** Sees every sweep Task's input and output (the benchmark weighs the payloads with it). */
  readonly onSweepTask?: (state: string, input: unknown, output: unknown) => void;
  /** Every state's input and output in the sweep, by its size in bytes, as Step Functions weighs it. */
  readonly onSweepPayload?: (state: string, bytes: number) => void;
  /** The scenario's clock, read by every handler while the simulation runs. @default the system clock */
  readonly clock?: SimClock;
}

export interface CaseRun {
  readonly caseId: string;
  readonly userName: string;
  readonly output: Record<string, unknown> | null;
  readonly error?: string;
  /** State transitions as Step Functions bills them: states entered, plus retries. */
  readonly transitions: number;
  readonly historyEvents: number;
  readonly states: string[];
  /** The error a Catch routed the case on, by name: what its outcome was recorded with. */
  readonly caughtError?: string;
}

/** An organization sweep that found another still running, and stopped (statemachine SweepStillRunning). */
export interface OverlappingSweepOutput {
  readonly sweepId: string;
  readonly overlapping: { readonly sweepId: string; readonly since: string };
}

export interface SweepRun {
  readonly output: SweepOutput | OrganizationSweepOutput | OverlappingSweepOutput;
  readonly cases: CaseRun[];
  readonly transitions: number;
}
