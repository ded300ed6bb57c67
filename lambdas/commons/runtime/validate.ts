import * as v from 'valibot';

/**
 * How the Lambdas check what reaches them (the config, events, secrets, stored snapshots, report
 * rows): with valibot rather than zod. Both are made for the job; valibot's schemas are plain
 * objects built by small functions that esbuild shakes, so a bundle carries about 12 KB of it where
 * zod put 96 KB in every bundle and built each schema's methods at cold start: about 25 ms of the
 * heaviest functions' load, on Node 24 here. Zod stays where no Lambda loads it: jira.js's own
 * dependency, and the simulator's scenario files.
 */

/** `candidate.userName: Invalid length: Expected >=1 but received 0`, one per problem. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
}

export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
}

/** The value as `schema` makes it, or an InvalidInputError that names every bad field of `what`. */
export function parseAs<Schema extends v.GenericSchema>(
  schema: Schema,
  value: unknown,
  what: string,
): v.InferOutput<Schema> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw new InvalidInputError(`Invalid ${what}: ${describeIssues(result.issues).join('; ')}`);
}

/** A string of at least one character: most ids and names the events carry. */
export const nonEmpty = () => v.pipe(v.string(), v.minLength(1));
