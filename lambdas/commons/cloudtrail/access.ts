/** Which CloudTrail a function reads, and at what pace: its own, or a member account's. */
import { requireEnv } from '../config/env';
import { cloudTrailClient, documentClient } from '../runtime/clients';
import type { MemberTarget } from '../runtime/member-role';
import { once } from '../runtime/per-container';
import type { LookupDeps } from './lookup';
import { SHARED_LOOKUP_GAP_MS, TableSlotLimiter, type LookupLimiter } from './rate-limiter';

/** Organization mode's CloudTrail pacing, shared through the case table by every container. */
export const sharedLookupLimiter = /* @__PURE__ */ once(
  () => new TableSlotLimiter(documentClient(), requireEnv('CASE_TABLE_NAME'), SHARED_LOOKUP_GAP_MS),
);

/**
 * Where a function's CloudTrail lookups go, and how they are paced: in account mode its own
 * clients and its in-process limiter; in organization mode the member account's clients, paced per
 * account and region through the case table, so that accounts never wait for each other.
 */
export function trailAccess(
  member: MemberTarget | undefined,
  localLimiter: LookupLimiter,
): Pick<LookupDeps, 'clientFor' | 'limiter'> {
  return member === undefined
    ? { clientFor: (region) => cloudTrailClient(region), limiter: localLimiter }
    : memberTrailAccess(member);
}

/** A member account's CloudTrail: its clients, paced per account and region through the case table. */
export function memberTrailAccess(member: MemberTarget): Pick<LookupDeps, 'clientFor' | 'limiter'> {
  const shared = sharedLookupLimiter();
  return {
    clientFor: (region) => cloudTrailClient(region, member),
    limiter: { run: (region, call) => shared.run(`${member.accountId}/${region}`, call) },
  };
}
