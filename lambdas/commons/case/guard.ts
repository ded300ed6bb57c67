import type { Candidate } from '../contracts/candidate';
import type { GuardAcknowledgement } from './guard-acknowledgement';

/**
 * How many cases a sweep opens, and when it opens none. The count cap is a batch size: the
 * longest-idle candidates go first and the rest wait for the next sweep. The fraction guard is the
 * anomaly brake: a sudden share of candidates points at a broken report, a restored account or a
 * mass outage, not at idle users, and it halts the sweep unless an operator acknowledged it.
 */

export interface GuardPolicy {
  readonly maxCasesPerRun: number;
  readonly maxCandidateFraction: number;
}

export interface Population {
  /** Users judged this run, and the ones of them that are candidates for a user case. */
  readonly users: number;
  readonly userCandidates: number;
  /** Active credentials of active users judged this run, and the stale ones that would open a case. */
  readonly credentials: number;
  readonly credentialCandidates: number;
}

export type GuardVerdict =
  | { readonly halted: false; readonly acknowledged?: GuardAcknowledgement; readonly overridden?: string }
  | { readonly halted: true; readonly haltReason: string };

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;

/** The fraction guard, for users and for credentials, each against maxCandidateFraction. */
export function fractionAlarm(population: Population, policy: GuardPolicy): string | undefined {
  const { users, userCandidates, credentials, credentialCandidates } = population;
  if (users > 0 && userCandidates / users > policy.maxCandidateFraction) {
    return `${userCandidates} of ${users} users (${percent(userCandidates / users)}) are candidates, above maxCandidateFraction (${percent(policy.maxCandidateFraction)})`;
  }
  if (credentials > 0 && credentialCandidates / credentials > policy.maxCandidateFraction) {
    return `${credentialCandidates} of ${credentials} active credentials (${percent(credentialCandidates / credentials)}) are stale, above maxCandidateFraction (${percent(policy.maxCandidateFraction)})`;
  }
  return undefined;
}

/**
 * Halts on the fraction alarm unless a live acknowledgement covers this many candidates. An expired
 * acknowledgement, or one for fewer candidates than found now, halts as if there were none.
 */
export function applyGuard(
  population: Population,
  policy: GuardPolicy,
  now: Date,
  acknowledgement?: GuardAcknowledgement,
): GuardVerdict {
  const alarm = fractionAlarm(population, policy);
  if (!alarm) return { halted: false };
  const total = population.userCandidates + population.credentialCandidates;
  if (!acknowledgement) return { halted: true, haltReason: alarm };
  if (new Date(acknowledgement.expiresAt).getTime() <= now.getTime()) {
    return {
      halted: true,
      haltReason: `${alarm}; the acknowledgement by ${acknowledgement.acknowledgedBy} expired at ${acknowledgement.expiresAt}`,
    };
  }
  if (total > acknowledgement.maxCandidates) {
    return {
      halted: true,
      haltReason: `${alarm}; the acknowledgement by ${acknowledgement.acknowledgedBy} covers ${acknowledgement.maxCandidates} candidates, not ${total}`,
    };
  }
  return { halted: false, acknowledged: acknowledgement, overridden: alarm };
}

/**
 * The cases this run opens: the longest-idle first, at most one per user (a user has one open case
 * at a time), at most maxCasesPerRun. Everything else is the backlog, for the next sweeps.
 */
export function batchOf(
  candidates: readonly Candidate[],
  maxCasesPerRun: number,
): { batch: Candidate[]; backlog: Candidate[] } {
  const ordered = [...candidates].sort(
    (a, b) => b.idleDays - a.idleDays || a.subjectId.localeCompare(b.subjectId),
  );
  const batch: Candidate[] = [];
  const backlog: Candidate[] = [];
  const users = new Set<string>();
  for (const candidate of ordered) {
    if (batch.length < maxCasesPerRun && !users.has(candidate.userId)) {
      batch.push(candidate);
      users.add(candidate.userId);
    } else {
      backlog.push(candidate);
    }
  }
  return { batch, backlog };
}
