import { tagValue, type Tags } from '../iam/tags';

/**
 * Nobody decides about themselves. A user's `approverIdentityTagKey` tag names who they are in
 * Slack: a member id or an e-mail. The one rule, read by the interactions Lambda at the click (on
 * the tags saved when the case opened) and by the remover right before the change (on the tags
 * read live, which may have changed while the case waited).
 */

/** The identity a user's tag names, found as IAM finds tag keys; undefined when untagged. */
export function identityOf(tags: Tags, identityTagKey: string): string | undefined {
  return tagValue(tags, identityTagKey)?.trim() || undefined;
}

/**
 * Whether the person is the one the identity names. `unknown` when the identity is an e-mail and
 * the person's e-mail is not known: it cannot be ruled out, and every caller refuses it like a match.
 */
export function isSelf(
  identity: string,
  person: { readonly slackId: string; readonly email?: string },
): boolean | 'unknown' {
  if (!identity.includes('@')) return identity.toUpperCase() === person.slackId.toUpperCase();
  if (person.email === undefined) return 'unknown';
  return person.email.toLowerCase() === identity.toLowerCase();
}
