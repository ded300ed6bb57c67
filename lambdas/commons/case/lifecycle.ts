/**
 * A case's lifecycle: its statuses, as one type, and every move between them, each a named
 * operation with the DynamoDB condition it is written under (as Powertools' idempotency record has
 * one `IdempotencyRecordStatus`, moved only by `saveInProgress` and `saveSuccess`). CaseStore and
 * QuarantineStore write a status only through `Transitions`; everything else reads it through the
 * predicates below, never by spelling a status.
 *
 *   open ─► awaiting-decision ─► decided ─► quarantined ─► quarantine-tripped
 *   (any of them) ─► closed, by the outcome; nothing moves a closed case again (every wait's
 *   condition refuses it, so a stale attempt of a waiting step cannot reopen it)
 */
export const CaseStatus = {
  /** Opened by GatherContext: the evidence and the ticket are on their way. */
  open: 'open',
  /** RequestApproval waits for the approvers (a task token). */
  awaitingDecision: 'awaiting-decision',
  /** The first decision is written; Act carries it out. */
  decided: 'decided',
  /** A Delete's quarantine is watched daily (a task token, answered by the watcher). */
  quarantined: 'quarantined',
  /** Someone tried the quarantined user: AskAfterTrip waits for Release or Delete now (a task token). */
  quarantineTripped: 'quarantine-tripped',
  /** The outcome is written, once. */
  closed: 'closed',
} as const;

export type CaseStatus = (typeof CaseStatus)[keyof typeof CaseStatus];

/**
 * What a case waits for with a task token: the approvers' decision, the daily quarantine watcher,
 * or, after a quarantine tripped, Release or Delete now. RequestApproval serves all three.
 */
export const WAITS = ['decision', 'quarantine', 'after-trip'] as const;
export type Wait = (typeof WAITS)[number];

/**
 * A move of the status: the status it writes, and the condition (with the names and values it
 * uses) under which it may. The stores add their own fields beside it.
 */
export interface Transition {
  readonly to: CaseStatus;
  readonly condition: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, unknown>>;
}

/** Every move of a case's status, named after the store operation that makes it. */
export const Transitions = {
  /** `CaseStore.open`: the case item is created, once (after its open marker was claimed). */
  open: { to: CaseStatus.open, condition: 'attribute_not_exists(pk)', names: {}, values: {} },
  /**
   * `CaseStore.awaitDecision`: the request step waits, only while no decision is stored (one
   * stored during an earlier attempt stands, and is delivered to the new token instead).
   */
  awaitDecision: {
    to: CaseStatus.awaitingDecision,
    condition: 'attribute_not_exists(#decision) AND #status <> :closed',
    names: { '#decision': 'decision' },
    values: { ':closed': CaseStatus.closed },
  },
  /** `CaseStore.recordDecision`: the first decision wins, only while the case waits for one. */
  recordDecision: {
    to: CaseStatus.decided,
    condition: 'attribute_not_exists(#decision) AND #status = :awaiting',
    names: { '#decision': 'decision' },
    values: { ':awaiting': CaseStatus.awaitingDecision },
  },
  /**
   * `QuarantineStore.awaitEnd`: the watch, once the quarantine is written and until it trips; or a
   * later attempt of the same wait, which takes over a trip the watcher found between the two (its
   * answer went to the earlier attempt's dead token), and never once the case went on to ask.
   */
  awaitEnd: {
    to: CaseStatus.quarantined,
    condition:
      'attribute_exists(#q) AND (attribute_not_exists(#q.#tripped) OR #status = :quarantined) AND #status <> :closed',
    names: { '#q': 'quarantine', '#tripped': 'trippedAt' },
    values: { ':quarantined': CaseStatus.quarantined, ':closed': CaseStatus.closed },
  },
  /** `QuarantineStore.awaitTripDecision`: after a trip, the wait for Release or Delete now. */
  awaitTripDecision: {
    to: CaseStatus.quarantineTripped,
    condition: 'attribute_exists(#q.#trippedAt) AND #status <> :closed',
    names: { '#q': 'quarantine', '#trippedAt': 'trippedAt' },
    values: { ':closed': CaseStatus.closed },
  },
  /** `CaseStore.close`: the outcome, written once; a retry may write the same one (`:outcome`) again. */
  close: {
    to: CaseStatus.closed,
    condition: 'attribute_not_exists(#outcome) OR #outcome = :outcome',
    names: { '#outcome': 'outcome' },
    values: {},
  },
} as const satisfies Record<string, Transition>;

/**
 * The parts of an UpdateItem that makes the move: `SET` it beside the store's own fields, AND its
 * condition with the store's own, and merge the names and values.
 */
export function moveBy(transition: Transition) {
  return {
    set: '#status = :to',
    condition: transition.condition,
    names: { '#status': 'status', ...transition.names },
    values: { ':to': transition.to, ...transition.values },
  };
}

interface HasStatus {
  readonly status: CaseStatus;
}

/** The outcome is written: nothing resumes the case again. */
export const isClosed = (record: HasStatus) => record.status === CaseStatus.closed;
/** The request step waits for the approvers' decision. */
export const awaitsDecision = (record: HasStatus) => record.status === CaseStatus.awaitingDecision;
/** The quarantine is being watched: the watcher answers the wait, and no click decides anything. */
export const isWatched = (record: HasStatus) => record.status === CaseStatus.quarantined;
/** The quarantine tripped: the case waits for Release or Delete now. */
export const awaitsTripChoice = (record: HasStatus) => record.status === CaseStatus.quarantineTripped;
/** Open in its quarantine: watched, or waiting for a choice after a trip. */
export const inQuarantineWait = (record: HasStatus) => isWatched(record) || awaitsTripChoice(record);

/**
 * Whether the approvers' decision reached the workflow, from what was recorded: the delivery stamp
 * the resumer writes once SendTaskSuccess took it, or the case's end.
 */
export const decisionDelivered = (record: {
  readonly decisionDeliveredAt?: string;
  readonly outcome?: string;
}) => record.decisionDeliveredAt !== undefined || record.outcome !== undefined;

/**
 * Whether the quarantine's choice (Release or Delete now, or a release asked for during the watch)
 * reached the workflow, from what was recorded: the resumer's stamp on the quarantine.
 */
export const choiceDelivered = (quarantine: { readonly decisionDeliveredAt?: string } | undefined) =>
  quarantine?.decisionDeliveredAt !== undefined;
