import * as v from 'valibot';
import { candidateSchema, type Candidate } from './contracts/candidate';
import { OUTCOMES, type ActOutcome, type Outcome } from './contracts/outcome';
import { type DecisionRecord } from './contracts/decision';

/**
 * The case machine's state document (statemachine/case.asl.json), typed once: the execution's
 * input, and each step's result at its ResultPath. The Task handlers return these parts,
 * RecordOutcome reads the whole, and test/unit/asl.test.ts holds every ResultPath of the ASL to
 * these keys.
 */
export interface CaseState {
  /** The execution's input. */
  readonly candidate: Candidate;
  /** GatherContext's result. */
  readonly case?: OpenedCase;
  /** OpenTicket's result. */
  readonly ticket?: TicketRef;
  /** What RequestApproval's task token was answered with. */
  readonly decision?: DecisionRecord;
  /** Act's result (of the last Act state the case went through). */
  readonly action?: ActOutput;
  /** What the quarantine watcher answered the wait with. */
  readonly quarantine?: QuarantineVerdict;
  /** After a quarantine tripped: Release or Delete now. */
  readonly afterTrip?: DecisionRecord;
  /** A Pass state's outcome, when nothing was acted on (expired, aborted, failed). */
  readonly outcome?: Outcome;
  /** What a Catch caught. */
  readonly error?: { readonly Error: string; readonly Cause?: unknown };
}

/** The keys of the document, each a ResultPath (`$.<key>`) or the input. */
export const CASE_STATE_KEYS = [
  'candidate',
  'case',
  'ticket',
  'decision',
  'action',
  'quarantine',
  'afterTrip',
  'outcome',
  'error',
] as const satisfies readonly (keyof CaseState)[];

export interface OpenedCase {
  readonly caseId: string;
  readonly userName: string;
  /** The approval wait, read by the state machine's TimeoutSecondsPath. */
  readonly approvalTimeoutSeconds: number;
  /**
   * The backstop of a quarantine's wait: quarantineDays and three more days. The daily watcher
   * answers within a day of the end; a wait that outlives this ends the case `failed`, the user
   * still quarantined.
   */
  readonly quarantineTimeoutSeconds: number;
}

/**
 * The answer to a quarantine's wait: the daily watcher's (silence until the end, and the deletion
 * runs; an attempt, and the approvers choose; a user who is no longer the one quarantined), or an
 * operator's release.
 */
export interface QuarantineVerdict {
  readonly verdict: 'silent' | 'tripped' | 'changed' | 'released';
  /** With `released`: who asked for the release (`iam-janitor release`), carried to the remover. */
  readonly decision?: DecisionRecord;
}

export interface TicketRef {
  readonly jiraKey: string;
  readonly jiraUrl: string;
}

export interface ActOutput {
  readonly outcome: ActOutcome;
  readonly planned: string[];
  readonly done: string[];
  readonly snapshotSaved: boolean;
}

/**
 * The document as RecordOutcome reads it: what it needs (the candidate, the outcome wherever it
 * is, the error), tolerant of executions started by older releases.
 */
export const caseStateSchema = v.object({
  // Executions started before subjectId existed still record their outcome.
  candidate: v.object({ ...candidateSchema.entries, subjectId: v.optional(v.string()) }),
  outcome: v.optional(v.picklist(OUTCOMES)),
  action: v.optional(v.object({ outcome: v.optional(v.picklist([...OUTCOMES, 'quarantined'])) })),
  error: v.optional(v.object({ Error: v.string(), Cause: v.optional(v.unknown()) })),
});
