export interface ExemptionPolicy {
  readonly exemptUserNames: readonly string[];
  readonly exemptPathPrefixes: readonly string[];
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
