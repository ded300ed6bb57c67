import { ProtectedUserError } from '../runtime/errors';
import { tagKeyOf } from '../iam/tags';

export interface ExemptionPolicy {
  readonly exemptUserNames: readonly string[];
  readonly exemptPathPrefixes: readonly string[];
}

/** What makes a user untouchable whatever was decided: an exemption, or the protected tag. */
export interface ProtectionPolicy extends ExemptionPolicy {
  readonly protectedTagKey: string;
}

export type Exemption = { readonly by: 'name' } | { readonly by: 'path'; readonly prefix: string };

/**
 * The one definition of an exempt user, read by the inventory (never a candidate) and by the
 * remover (never changed): a listed name (in any letter case, as IAM compares names), or a path
 * under a listed prefix (paths are case-sensitive in IAM).
 */
export function exemptionOf(userName: string, path: string, policy: ExemptionPolicy): Exemption | undefined {
  // IAM user names are unique without regard to case: "Admin" and "admin" cannot both exist.
  const name = userName.toLowerCase();
  if (policy.exemptUserNames.some((exempt) => exempt.toLowerCase() === name)) return { by: 'name' };
  const prefix = policy.exemptPathPrefixes.find((candidate) => path.startsWith(candidate));
  return prefix ? { by: 'path', prefix } : undefined;
}

/** Protected, exempt-name and exempt-path users are refused before any change, and never offboarded. */
export function refuseIfProtected(
  user: { readonly userName: string; readonly path: string; readonly tags: Record<string, string> },
  policy: ProtectionPolicy,
): void {
  const protectedKey = tagKeyOf(user.tags, policy.protectedTagKey);
  if (protectedKey !== undefined) {
    throw new ProtectedUserError(
      `${user.userName} carries the protected tag ${protectedKey}; iam-janitor refuses to change it.`,
      protectedKey,
    );
  }
  const exemption = exemptionOf(user.userName, user.path, policy);
  if (exemption?.by === 'name') {
    throw new ProtectedUserError(
      `${user.userName} is listed in exemptUserNames; iam-janitor refuses to change it.`,
    );
  }
  if (exemption?.by === 'path') {
    throw new ProtectedUserError(
      `${user.userName} is under the exempt path ${exemption.prefix}; iam-janitor refuses to change it.`,
    );
  }
}

/** `arn:aws:iam::123456789012:user/team/ops/alice` has the path `/team/ops/`. */
export function pathOfArn(arn: string): string {
  const segments = arn.split(':').slice(5).join(':').split('/').slice(1, -1);
  return segments.length === 0 ? '/' : `/${segments.join('/')}/`;
}
