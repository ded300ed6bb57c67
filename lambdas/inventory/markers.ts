import type { IAMClient } from '@aws-sdk/client-iam';
import type { UserCase } from '../commons/case/history';
import type { ExemptionOrigin, ExemptionSeen } from '../commons/case/exemption-record';
import { isActiveCredential, readUser, type Snapshot } from '../commons/iam/snapshot';
import {
  DISABLED_AT_TAG_KEY,
  MFA_OWNER_TAG_KEY,
  QUARANTINE_ENDS_TAG_KEY,
  QUARANTINE_STARTED_TAG_KEY,
  markerWrite,
  tagKeyOf,
  type Tags,
} from '../commons/iam/tags';
import { errorName } from '../commons/runtime/errors';
import type { CredentialReportRow } from './credential-report';

/**
 * A marker tag is one iam-janitor writes on a user to remember a decision: disabled-at, the two
 * quarantine tags, keep-until. Anyone who may tag the user can write the same tag (the subject
 * itself, another admin), so a marker alone never decides a verdict: it counts only where the case
 * table holds the decision that wrote it, with this very value, and the live user agrees.
 */

/** Where a marker came from: a decision recorded in a case, or nothing iam-janitor recorded. */
export type MarkerOrigin = ExemptionOrigin;

/** What the inventory makes of one user's markers. */
export interface MarkerReading {
  /** Set only when a recorded Disable wrote the user's disabled-at tag and it has no way in. */
  readonly disabled?: { readonly since: string; readonly origin: MarkerOrigin & { by: 'case' } };
  /** Each marker that counts for nothing, and why: the sweep shows them, the user is judged anyway. */
  readonly warnings: string[];
  /** The user's exemptions (protected, keep-until), each with its origin and first sighting. */
  readonly exemptions?: readonly ExemptionSeen[];
}

export const NO_MARKERS: MarkerReading = { warnings: [] };

/** The cases of the users asked about, by user id (the case table's cases-by-user index). */
export type UserCases = (userIds: readonly string[]) => Promise<ReadonlyMap<string, readonly UserCase[]>>;

const QUARANTINE_MARKERS = [QUARANTINE_STARTED_TAG_KEY, QUARANTINE_ENDS_TAG_KEY] as const;

/** Whether the user carries any tag iam-janitor writes as a marker (not keep-until: see exemptions). */
export function hasMarker(tags: Tags): boolean {
  return [DISABLED_AT_TAG_KEY, MFA_OWNER_TAG_KEY, ...QUARANTINE_MARKERS].some(
    (key) => tagKeyOf(tags, key) !== undefined,
  );
}

/** The case whose Act wrote `key=value`, by its record of what it did; compared as IAM compares keys. */
export function caseThatWrote(
  cases: readonly UserCase[],
  key: string,
  value: string,
  outcome: UserCase['outcome'],
): UserCase | undefined {
  const written = markerWrite(key, value).toLowerCase();
  return cases.find(
    (userCase) =>
      userCase.outcome === outcome && (userCase.removed ?? []).some((step) => step.toLowerCase() === written),
  );
}

export const originOf = (userCase: UserCase): MarkerOrigin & { by: 'case' } => ({
  by: 'case',
  caseId: userCase.caseId,
  decidedBy: userCase.decision?.decidedBy ?? 'an unknown approver',
});

/**
 * Reads one user's markers against its cases and, for a user a recorded Disable marked, its live
 * credentials: `disabled` holds only while nothing lets the user in.
 */
export async function readMarkers(
  iam: IAMClient,
  row: CredentialReportRow,
  tags: Tags,
  known: readonly UserCase[] | undefined,
): Promise<MarkerReading> {
  // Without the case table (`report` given no table), no marker can be proven: each is ignored.
  const cases = known ?? [];
  const missing = known ? 'no Disable in the case table wrote it' : 'the case table was not read to prove it';
  const warnings = [...quarantineWarnings(tags, cases, known !== undefined), ...ownerTagWarnings(tags)];
  const disabledKey = tagKeyOf(tags, DISABLED_AT_TAG_KEY);
  if (disabledKey === undefined) return { warnings };
  const since = tags[disabledKey] ?? '';
  const shown = `tag ${disabledKey}="${since}" ignored`;
  const disable = caseThatWrote(cases, DISABLED_AT_TAG_KEY, since, 'disabled');
  if (!disable)
    return {
      warnings: [...warnings, `${shown}: ${missing}; the user is judged from its last uses`],
    };
  const wayIn = reportedWayIn(row) ?? (await liveWayIn(iam, row.user));
  if (wayIn)
    return {
      warnings: [
        ...warnings,
        `${shown}: case ${disable.caseId} disabled the user, but ${wayIn} again; the user is judged from its last uses`,
      ],
    };
  return { disabled: { since, origin: originOf(disable) }, warnings };
}

/** A quarantine tag counts only as the quarantine of a case wrote it: the same start, the same end. */
function quarantineWarnings(tags: Tags, cases: readonly UserCase[], tableRead: boolean): string[] {
  const missing = tableRead
    ? 'no quarantine in the case table wrote it'
    : 'the case table was not read to prove it';
  return QUARANTINE_MARKERS.flatMap((key) => {
    const stored = tagKeyOf(tags, key);
    if (stored === undefined) return [];
    const value = tags[stored] ?? '';
    const field = key === QUARANTINE_STARTED_TAG_KEY ? 'startedAt' : 'endsAt';
    const wrote = cases.some(({ quarantine }) => quarantine?.appliedAt && quarantine[field] === value);
    return wrote ? [] : [`tag ${stored}="${value}" ignored: ${missing}`];
  });
}

/** iam-janitor tags MFA devices with deactivated-for, never a user: on a user it is someone else's. */
function ownerTagWarnings(tags: Tags): string[] {
  const stored = tagKeyOf(tags, MFA_OWNER_TAG_KEY);
  return stored === undefined
    ? []
    : [
        `tag ${stored}="${tags[stored] ?? ''}" ignored: iam-janitor writes it on MFA devices only, never on a user`,
      ];
}

/** A way in the credential report shows: a password or an active access key. */
function reportedWayIn(row: CredentialReportRow): string | undefined {
  if (row.password_enabled === 'true') return 'its console password is set';
  if (row.access_key_1_active === 'true') return 'access key 1 is active';
  if (row.access_key_2_active === 'true') return 'access key 2 is active';
  return undefined;
}

/**
 * The credentials the report leaves out (SSH keys, service-specific credentials) and those it may
 * show hours late, read live through the snapshot's own reader: only for users a recorded Disable
 * marked, so the cost follows those users, never the account.
 */
async function liveWayIn(iam: IAMClient, userName: string): Promise<string | undefined> {
  let user: Snapshot;
  try {
    user = await readUser(iam, userName);
  } catch (error) {
    // Deleted since the report: nothing lets it in, and the inventory drops it anyway.
    if (errorName(error) === 'UnknownUserError') return undefined;
    throw error;
  }
  return wayInOf(user);
}

/** The first credential that lets the user in, as IAM lists it (an `Active` status), or undefined. */
export function wayInOf(user: Snapshot): string | undefined {
  if (user.loginProfile) return 'its console password is set';
  const active = [
    ...user.accessKeys.filter(isActiveCredential).map((key) => `access key ${key.id} is active`),
    ...user.sshPublicKeys.filter(isActiveCredential).map((key) => `SSH public key ${key.id} is active`),
    ...user.serviceSpecificCredentials
      .filter(isActiveCredential)
      .map((credential) => `service-specific credential ${credential.id} is active`),
    ...user.signingCertificates
      .filter(isActiveCredential)
      .map((cert) => `signing certificate ${cert.id} is active`),
  ];
  return active[0];
}
