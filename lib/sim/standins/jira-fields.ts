import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import adfSchema from '@atlaskit/adf-schema/json-schema/v1/full.json';

/**
 * What Jira Cloud refuses in the fields iam-janitor writes, judged as Jira judges it and answered
 * with Jira's own 400 bodies, so that a body the product builds wrong fails here and not on a site:
 * - a rich-text body (a description, a comment) that Atlassian's own ADF JSON schema
 *   (`@atlaskit/adf-schema`, `json-schema/v1/full.json`) does not accept. Jira's words: "Operation
 *   value must be an Atlassian Document (see the Atlassian Document Format)" for a description, and
 *   "Comment body is not valid!" for a comment;
 * - a summary over 255 characters;
 * - a text field over 32,767 characters. A v3 create with a longer description answers
 *   `{"errorMessages":["CONTENT_LIMIT_EXCEEDED"],"errors":{}}` (Atlassian's JRACLOUD-78553), a longer
 *   comment "The entered text is too long. It exceeds the allowed limit of 32,767 characters." Jira
 *   does not say how it counts an ADF body; this counts its JSON, as sent, in UTF-16 units (as Java
 *   counts), which is never less than the text it holds.
 * The limits are Jira's, written here from its references, never read from the product's code.
 */
export const JIRA_SUMMARY_MAX = 255;
export const JIRA_TEXT_FIELD_MAX = 32_767;

export interface JiraRefusal {
  status: 400;
  body: { errorMessages: string[]; errors: Record<string, string> };
}

const refusal = (errorMessages: string[], errors: Record<string, string> = {}): JiraRefusal => ({
  status: 400,
  body: { errorMessages, errors },
});

let validateAdf: ValidateFunction | undefined;

/**
 * Compiles Atlassian's schema once a process (about 0.7 s): the Jira stand-in does it as it starts,
 * so that the compile never falls inside a case, between a question and its answer.
 */
export function adfValidator(): ValidateFunction {
  validateAdf ??= new Ajv({ allErrors: true, strict: false }).compile(adfSchema);
  return validateAdf;
}

/** Atlassian's schema's own complaints about a body, or none when it accepts it. */
export function adfProblems(body: unknown): string[] {
  const validateAdf = adfValidator();
  if (validateAdf(body)) return [];
  return (validateAdf.errors ?? []).map(
    (error) => `${error.instancePath || '(root)'} ${error.message ?? ''}`,
  );
}

const serializedLength = (body: unknown) => JSON.stringify(body).length;

export function refusedSummary(summary: string): JiraRefusal | undefined {
  if (summary.length > JIRA_SUMMARY_MAX)
    return refusal([], { summary: `Summary must be less than ${JIRA_SUMMARY_MAX} characters.` });
  return undefined;
}

/** A description is optional; one that is there must be a valid document within the limit. */
export function refusedDescription(description: unknown): JiraRefusal | undefined {
  if (description === undefined || description === null) return undefined;
  if (adfProblems(description).length > 0)
    return refusal([], {
      description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
    });
  if (serializedLength(description) > JIRA_TEXT_FIELD_MAX) return refusal(['CONTENT_LIMIT_EXCEEDED']);
  return undefined;
}

export function refusedComment(body: unknown): JiraRefusal | undefined {
  if (adfProblems(body).length > 0) return refusal([], { comment: 'Comment body is not valid!' });
  if (serializedLength(body) > JIRA_TEXT_FIELD_MAX)
    return refusal([], {
      comment: `The entered text is too long. It exceeds the allowed limit of ${JIRA_TEXT_FIELD_MAX.toLocaleString('en-US')} characters.`,
    });
  return undefined;
}
