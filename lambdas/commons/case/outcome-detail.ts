import type { Outcome } from '../contracts/outcome';
import { REFUSAL_ERRORS } from '../runtime/errors';
import { clip } from '../runtime/text';

/** The one-line detail beside an outcome: why it ended so, or what a dry run would have done. */

/** The errors whose message is written for people; any other keeps its name, for whoever debugs it. */
const EXPLAINED_ERRORS = new Set<string>([
  'UserBecameActiveError',
  'UserChangedError',
  ...REFUSAL_ERRORS,
  // Their messages name the service and what it answered; the class name means nothing to an approver.
  'JiraUnavailableError',
  'SlackUnavailableError',
]);

/** A one-line reason from the state machine's error, without stack traces or error class names. */
export function outcomeDetail(
  outcome: Outcome,
  error: { Error: string; Cause?: unknown } | undefined,
  decision?: string,
): string | undefined {
  // The outcome's own words say why an expired case was kept, and why a tripped one is still quarantined.
  if (outcome === 'expired' || outcome === 'quarantine-tripped') return undefined;
  if (!error) return outcome === 'failed' ? `no known decision ("${decision ?? 'none'}")` : undefined;
  let message = typeof error.Cause === 'string' ? error.Cause : '';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: string };
    if (parsed.errorMessage) message = parsed.errorMessage;
  } catch {
    // Cause was plain text.
  }
  message = clip(message, 300).replace(/[.;]+$/, '');
  if (EXPLAINED_ERRORS.has(error.Error) && message) return message;
  return `${error.Error}${message ? `: ${message}` : ''}`;
}

/**
 * A dry run's detail: what a real run would have done, in the words of its steps. It is the
 * outcome's detail, so every place that shows the outcome (Slack, Jira, the terminal, the evidence
 * page) says it, not only the ticket.
 */
export const dryRunDetail = (planned: readonly string[] | undefined): string | undefined =>
  planned && planned.length > 0 ? `A real run would have done: ${planned.join('; ')}` : undefined;
