import { emptyAccount } from './account';
import { Simulation } from './engine';
import { type SimulationOptions } from './engine-options';
import { SIM_BASE_CONFIG } from './scenario-report';
import type { SimOrganization } from './standins/organization-standin';

/** The hub account the organization simulations deploy to: also the organization's management account. */
export const HUB = '999999999999';

/** An organization of these members under one root, with the member roles the StackSet deploys. */
export function organizationOf(
  id: string,
  rootId: string,
  members: SimOrganization['members'] = [],
): SimOrganization {
  return {
    id,
    managementAccountId: HUB,
    rootId,
    units: [],
    members,
    memberRoleNames: ['iam-janitor-member-reader', 'iam-janitor-member-remover'],
    externalId: 'iam-janitor',
  };
}

/**
 * A hub deployment in organization mode over the whole organization (its root), with this config
 * on top; `options` for the simulation's hooks.
 */
export function organizationSimulation(
  organization: SimOrganization,
  config: Record<string, unknown> = {},
  options: Partial<SimulationOptions> = {},
): Simulation {
  return new Simulation({
    ...options,
    account: emptyAccount(HUB),
    organization,
    config: {
      ...SIM_BASE_CONFIG,
      deploymentMode: 'organization',
      organizationId: organization.id,
      memberOrganizationalUnitIds: [organization.rootId],
      ...config,
    },
  });
}
