import * as z from 'zod';

/**
 * Organization mode: what each iteration of the Distributed Map hands the organization guard, one
 * account's counts (the candidates wait in the case table), so that hundreds of accounts fit the
 * 256 KB payload; or, through the iteration's Catch, the account's failure.
 */
export const populationSchema = z.object({
  users: z.number(),
  userCandidates: z.number(),
  credentials: z.number(),
  credentialCandidates: z.number(),
});

/** One iteration of the Distributed Map: an account's counts, or the failure the Catch turned it into. */
export const accountResultSchema = z.union([
  z.object({
    accountId: z.string(),
    failed: z.literal(true),
    error: z.string(),
  }),
  z.object({
    accountId: z.string(),
    accountAlias: z.string(),
    usersScanned: z.number(),
    population: populationSchema,
    candidateCount: z.number(),
    stashed: z.number(),
    staleCredentials: z.number(),
    halted: z.boolean(),
    haltReason: z.string().optional(),
    rootWarnings: z.number(),
    skippedReportRows: z.number(),
  }),
]);

export type AccountResult = z.infer<typeof accountResultSchema>;
export type AccountSweepOutput = Exclude<AccountResult, { failed: true }>;
