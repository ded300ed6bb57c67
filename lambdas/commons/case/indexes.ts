/** The case table's secondary indexes, as the stack declares them and the stores query them. */
/** The sparse index of the case table that holds one marker per user with an open case. */
export const OPEN_CASES_INDEX = 'openCasesByUser';

/**
 * The index of the case table by user id: the cases of one user, to prove that a marker tag on it
 * was written by a decision (a Disable, a Keep, a quarantine) recorded here, and by whom.
 */
export const CASES_BY_USER_INDEX = 'casesByUser';

/** What that index holds of a case: enough to name the decision, never the snapshot. */
export const CASES_BY_USER_ATTRIBUTES = [
  'caseId',
  'candidate',
  'outcome',
  'decision',
  'removed',
  'quarantine',
] as const;
