import * as v from 'valibot';

/**
 * Organization mode: what each iteration of the Distributed Map hands the organization guard, one
 * account's counts (the candidates wait in the case table), so that hundreds of accounts fit the
 * 256 KB payload; or, through the iteration's Catch, the account's failure.
 */
export const populationSchema = v.object({
  users: v.number(),
  userCandidates: v.number(),
  credentials: v.number(),
  credentialCandidates: v.number(),
});

/** One iteration of the Distributed Map: an account's counts, or the failure the Catch turned it into. */
export const accountResultSchema = v.union([
  v.object({
    accountId: v.string(),
    failed: v.literal(true),
    error: v.string(),
  }),
  v.object({
    accountId: v.string(),
    accountAlias: v.string(),
    usersScanned: v.number(),
    population: populationSchema,
    candidateCount: v.number(),
    stashed: v.number(),
    staleCredentials: v.number(),
    halted: v.boolean(),
    haltReason: v.optional(v.string()),
    rootWarnings: v.number(),
    skippedReportRows: v.number(),
  }),
]);

export type AccountResult = v.InferOutput<typeof accountResultSchema>;
export type AccountSweepOutput = Exclude<AccountResult, { failed: true }>;
