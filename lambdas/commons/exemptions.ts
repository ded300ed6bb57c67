export interface ExemptionPolicy {
  readonly exemptUserNames: readonly string[];
  readonly exemptPathPrefixes: readonly string[];
}

export type Exemption = { readonly by: 'name' } | { readonly by: 'path'; readonly prefix: string };

/**
 * The one definition of an exempt user, read by the inventory (never a candidate) and by the
 * remover (never changed): a listed name, or a path under a listed prefix.
 */
export function exemptionOf(userName: string, path: string, policy: ExemptionPolicy): Exemption | undefined {
  if (policy.exemptUserNames.includes(userName)) return { by: 'name' };
  const prefix = policy.exemptPathPrefixes.find((candidate) => path.startsWith(candidate));
  return prefix ? { by: 'path', prefix } : undefined;
}
