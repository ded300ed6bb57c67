/** How a case ends, as the case record and the alarms name it. */
export const OUTCOMES = [
  'deleted',
  'disabled',
  'kept',
  'deactivated',
  'released',
  'quarantine-tripped',
  'expired',
  'aborted-active',
  'aborted-changed',
  'refused',
  'failed',
  'dry-run',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * What the Act Lambda may answer: an outcome, or `quarantined` (a Delete that waits, denied
 * everything, for quarantineDays before the deletion runs; never a case's ending).
 */
export type ActOutcome = Outcome | 'quarantined';
