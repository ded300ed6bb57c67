/** What an approver decides, as the Slack decision carries it to the waiting case workflow. */
import * as v from 'valibot';
import { nonEmpty } from '../runtime/validate';
import type { CaseKind } from './candidate';

export const DECISIONS = ['delete', 'disable', 'keep', 'deactivate', 'release'] as const;
export type Decision = (typeof DECISIONS)[number];

/** The decisions each kind of case takes: a credential case never deletes or disables a user. */
export const DECISIONS_FOR: Record<CaseKind, readonly Decision[]> = {
  user: ['delete', 'disable', 'keep'],
  credential: ['deactivate', 'keep'],
};

/**
 * What a quarantine that tripped takes: Release (the deny and the tags removed, the user kept) or
 * Delete now. Nothing else, and only then.
 */
export const AFTER_TRIP_DECISIONS: readonly Decision[] = ['release', 'delete'];

/**
 * The decisions that cannot be fully undone, which `twoPersonDelete` puts to a second approver:
 * Delete (a restored user has a new id, and no secret of a deleted key or password comes back),
 * Disable (IAM cannot deactivate a console password: it is deleted, and a restore sets a new one),
 * and Deactivate of a console password (deleted, likewise). Keep and Deactivate of an access key
 * are undone by a click or one API call.
 */
export function isIrreversible(
  decision: Decision,
  credential?: { readonly kind: 'password' | 'access-key' },
): boolean {
  if (decision === 'delete' || decision === 'disable') return true;
  return decision === 'deactivate' && credential?.kind === 'password';
}

/** The longest decision reason kept; Slack's input allows no more. */
export const MAX_REASON_LENGTH = 500;

/** What the interactions Lambda sends with SendTaskSuccess, and what the case machine acts on. */
export const decisionSchema = v.object({
  decision: v.picklist(DECISIONS),
  decidedBy: nonEmpty(),
  decidedAt: nonEmpty(),
  /** Why, in the approver's words: optional, typed in the message before clicking. */
  reason: v.optional(v.pipe(v.string(), v.maxLength(MAX_REASON_LENGTH))),
  /** With twoPersonDelete: the first approver of a Delete; decidedBy is the second. */
  firstApprover: v.optional(nonEmpty()),
  /**
   * The deciders' e-mail addresses as Slack gave them at the click (absent when Slack would not
   * say): the remover compares them with the user's identity tag, read live.
   */
  decidedByEmail: v.optional(nonEmpty()),
  firstApproverEmail: v.optional(nonEmpty()),
  /**
   * The deciders' names as Slack showed them at the click, kept for the audit trail: a Slack id
   * means nothing to an auditor, and a person may leave the workspace before the audit.
   */
  decidedByName: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  firstApproverName: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
});
export type DecisionRecord = v.InferOutput<typeof decisionSchema>;
