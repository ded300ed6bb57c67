/** An operator's "this many candidates is real" for one sweep (`iam-janitor acknowledge-guard`). */
export interface GuardAcknowledgement {
  readonly acknowledgedBy: string;
  readonly acknowledgedAt: string;
  /** The acknowledgement covers at most this many candidates: a bigger surprise halts again. */
  readonly maxCandidates: number;
  readonly expiresAt: string;
}
