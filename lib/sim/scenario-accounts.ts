import type { JanitorConfig } from '../../lambdas/commons/config/config';
import { addUser, emptyAccount, type SimAccount } from './account';
import type { Scenario, ScenarioAccount } from './scenario';
import type { SimOrganization } from './standins/organization-standin';

/** The simulated organization's id and root: what the config's organization keys default to. */
export const SIM_ORGANIZATION = { id: 'o-simulated01', rootId: 'r-sim1' } as const;

/** One account the scenario seeds: the only one in account mode, each member in organization mode. */
export interface ScenarioAccountRun {
  /** Organization mode only. */
  readonly accountId?: string;
  readonly account: SimAccount;
  readonly fields: ScenarioAccount;
  readonly memberRoles: boolean;
  /** Organization mode: whether the sweep reaches the account (ACTIVE, and in no excluded OU). */
  readonly swept: boolean;
}

/**
 * The accounts of the scenario, and, with `accounts`, the organization around them: a root, one OU
 * per organizationalUnitId, and the member roles the config names.
 */
export function scenarioAccounts(
  scenario: Scenario,
  parsed: JanitorConfig,
): { hub: SimAccount; runs: ScenarioAccountRun[]; organization?: SimOrganization } {
  const hub = buildAccount(scenario.accounts ? { ...scenario, users: [], cloudTrail: [] } : scenario);
  if (!scenario.accounts)
    return { hub, runs: [{ account: hub, fields: scenario, memberRoles: true, swept: true }] };
  const runs = scenario.accounts.map((fields) => ({
    accountId: fields.accountId,
    account: buildAccount(fields),
    fields,
    memberRoles: fields.memberRoles,
    swept:
      fields.state === 'ACTIVE' &&
      !parsed.excludeAccountIds.includes(fields.accountId) &&
      !parsed.excludeOrganizationalUnitIds.includes(fields.organizationalUnitId ?? ''),
  }));
  const units = [...new Set(scenario.accounts.flatMap((fields) => fields.organizationalUnitId ?? []))];
  return {
    hub,
    runs,
    organization: {
      id: parsed.organizationId ?? SIM_ORGANIZATION.id,
      managementAccountId: scenario.accountId,
      rootId: SIM_ORGANIZATION.rootId,
      units: units.map((id) => ({ id, parentId: SIM_ORGANIZATION.rootId, name: id })),
      members: scenario.accounts.map((fields, index) => ({
        accountId: fields.accountId,
        name: fields.name ?? fields.accountId,
        parentId: fields.organizationalUnitId ?? SIM_ORGANIZATION.rootId,
        state: fields.state,
        account: runs[index]!.account,
        memberRoles: fields.memberRoles,
      })),
      memberRoleNames: [`${parsed.memberRoleName}-reader`, `${parsed.memberRoleName}-remover`],
      externalId: parsed.memberExternalId,
    },
  };
}

/** Builds the emulated account, with every date exactly as the scenario writes it. */
export function buildAccount(scenario: ScenarioAccount): SimAccount {
  const date = (iso: string) => new Date(iso);
  const account = emptyAccount(scenario.accountId);
  if (scenario.alias) account.alias = scenario.alias;
  account.root = {
    passwordLastUsed: scenario.root.passwordLastUsed ? date(scenario.root.passwordLastUsed) : null,
    mfaActive: scenario.root.mfaActive,
    accessKey1Active: scenario.root.accessKey1Active,
    accessKey2Active: scenario.root.accessKey2Active,
  };
  for (const user of scenario.users) {
    const created = date(user.createDate);
    addUser(account, {
      userName: user.userName,
      path: user.path,
      createDate: created,
      password: user.password
        ? { createDate: created, lastUsed: user.passwordLastUsed ? date(user.passwordLastUsed) : null }
        : null,
      accessKeys: user.accessKeys.map((key) => ({
        id: key.id,
        status: key.status,
        createDate: date(key.createDate),
        lastUsedDate: key.lastUsedDate ? date(key.lastUsedDate) : null,
        lastUsedService: key.lastUsedService,
        lastUsedRegion: key.lastUsedRegion,
      })),
      mfaDevices: user.mfaDevices.map((device) => ({ ...device, enableDate: created })),
      signingCertificates: user.signingCertificates,
      sshPublicKeys: user.sshPublicKeys,
      serviceSpecificCredentials: user.serviceSpecificCredentials.map((credential) => ({
        ...credential,
        status: 'Active' as const,
      })),
      groups: user.groups,
      managedPolicies: user.managedPolicies,
      inlinePolicies: Object.fromEntries(
        Object.entries(user.inlinePolicies).map(([name, document]) => [name, JSON.stringify(document)]),
      ),
      permissionsBoundary: user.permissionsBoundary ?? null,
      tags: user.tags,
    });
  }
  account.cloudTrail = scenario.cloudTrail.map((event) => ({ ...event, eventTime: date(event.eventTime) }));
  return account;
}
