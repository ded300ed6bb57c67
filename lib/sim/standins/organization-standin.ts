import { stableId, type SimAccount } from '../account';
import { StandinError } from './standin-types';

/**
 * AWS Organizations (JSON 1.1) and STS AssumeRole (query protocol) as the organization stand-in
 * answers them: the hub lists the member accounts, and its functions assume a member role in one
 * account to read or change that account's IAM. The AWS stand-in routes every IAM and CloudTrail
 * request by the access key that signed it, so a call made without assuming reaches the hub's own
 * (empty) account, as it would in AWS.
 */

export interface SimMemberAccount {
  readonly accountId: string;
  readonly name: string;
  /** The OU (or root) the account sits in. */
  readonly parentId: string;
  readonly state?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';
  readonly account: SimAccount;
  /** False when the StackSet never reached the account: every AssumeRole there is AccessDenied. */
  readonly memberRoles?: boolean;
}

export interface SimOrganization {
  readonly id: string;
  readonly managementAccountId: string;
  readonly rootId: string;
  readonly units: readonly { id: string; parentId: string; name: string }[];
  readonly members: readonly SimMemberAccount[];
  /** The roles the StackSet deploys in every member account, by name, and the external id they require. */
  readonly memberRoleNames: readonly string[];
  readonly externalId: string;
}

/** A session a member role handed out: whose account it reaches, and as which role. */
export interface MemberSession {
  readonly member: SimMemberAccount;
  readonly roleName: string;
}

export class OrganizationModel {
  private readonly sessions = new Map<string, MemberSession>();
  private issued = 0;

  constructor(readonly organization: SimOrganization) {}

  /** The session an access key belongs to; undefined for the hub's own credentials. */
  session(accessKeyId: string | undefined): MemberSession | undefined {
    return accessKeyId === undefined ? undefined : this.sessions.get(accessKeyId);
  }

  member(accountId: string): SimMemberAccount | undefined {
    return this.organization.members.find((member) => member.accountId === accountId);
  }

  /** STS AssumeRole, with the checks the member role's trust policy makes. */
  assumeRole(params: Record<string, string>, caller: MemberSession | undefined): unknown {
    const roleArn = params.RoleArn ?? '';
    const sessionName = params.RoleSessionName ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName))
      throw new StandinError(
        'ValidationError',
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint`,
      );
    const match = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@-]+)$/.exec(roleArn);
    if (!match) throw new StandinError('ValidationError', `${roleArn} is not a valid role ARN`);
    const [, accountId, roleName] = match as unknown as [string, string, string];
    const denied = () =>
      new StandinError(
        'AccessDenied',
        `User: arn:aws:sts::${this.organization.managementAccountId}:assumed-role/hub is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    // The trust policy names the hub's roles: a member session cannot chain into another account.
    if (caller) throw denied();
    const member = this.member(accountId);
    if (!member || member.memberRoles === false || !this.organization.memberRoleNames.includes(roleName))
      throw denied();
    // A suspended (closed) account can be signed in to by its root user only, to see its bills:
    // its roles can no longer be assumed.
    if ((member.state ?? 'ACTIVE') !== 'ACTIVE') throw denied();
    if (params.ExternalId !== this.organization.externalId) throw denied();
    const duration = Number(params.DurationSeconds ?? 3600);
    if (duration < 900 || duration > 43200)
      throw new StandinError('ValidationError', `DurationSeconds ${duration} is outside 900-43200`);
    const accessKeyId = `ASIA${stableId('', `${accountId}/${roleName}/${++this.issued}`, 16)}`;
    this.sessions.set(accessKeyId, { member, roleName });
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: `secret-${accessKeyId}`,
        SessionToken: `token-${accessKeyId}`,
        Expiration: new Date(Date.now() + duration * 1000).toISOString(),
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROA${stableId('', roleArn, 16)}:${sessionName}`,
        Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      },
    };
  }

  private describeOrganization() {
    const { id, managementAccountId } = this.organization;
    return {
      Organization: {
        Id: id,
        Arn: `arn:aws:organizations::${managementAccountId}:organization/${id}`,
        FeatureSet: 'ALL',
        MasterAccountId: managementAccountId,
        MasterAccountArn: `arn:aws:organizations::${managementAccountId}:account/${id}/${managementAccountId}`,
        MasterAccountEmail: `aws+${managementAccountId}@example.com`,
      },
    };
  }

  /** The parent of an account or OU: the root or an OU, as ListParents names it. */
  private listParents(childId: string) {
    const parentId =
      childId === this.organization.managementAccountId
        ? this.organization.rootId
        : (this.member(childId)?.parentId ??
          this.organization.units.find((unit) => unit.id === childId)?.parentId);
    if (!parentId)
      throw new StandinError(
        'ChildNotFoundException',
        `We can't find an organizational unit (OU) or AWS account with the ChildId ${childId}.`,
      );
    return {
      Parents: [
        { Id: parentId, Type: parentId === this.organization.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' },
      ],
    };
  }

  /** Organizations, as the management (or delegated administrator) account may call it. */
  organizations(action: string, body: Record<string, unknown>, caller: MemberSession | undefined): unknown {
    if (caller)
      throw new StandinError('AccessDeniedException', "You don't have permissions to access this resource.");
    const page = <T>(items: T[], key: string) => {
      const size = Math.min(Number(body.MaxResults ?? 20), 20);
      const offset = Number(body.NextToken ?? 0);
      const slice = items.slice(offset, offset + size);
      return { [key]: slice, ...(offset + size < items.length ? { NextToken: String(offset + size) } : {}) };
    };
    const parent = () => {
      const parentId = String(body.ParentId ?? '');
      if (
        parentId !== this.organization.rootId &&
        !this.organization.units.some((unit) => unit.id === parentId)
      )
        throw new StandinError(
          'ParentNotFoundException',
          `We can't find a root or OU with the ParentId ${parentId}.`,
        );
      return parentId;
    };
    // Organizations lists the management account with the others (at the root, here); it is a
    // member of its organization, though StackSets never deploy to it.
    const accounts = () => [
      this.managementShape(),
      ...this.organization.members.map((member) => this.accountShape(member)),
    ];
    switch (action) {
      case 'DescribeOrganization':
        return this.describeOrganization();
      case 'DescribeAccount': {
        const account = accounts().find((shape) => shape.Id === body.AccountId);
        if (!account)
          throw new StandinError(
            'AccountNotFoundException',
            `You specified an account that doesn't exist: ${String(body.AccountId)}.`,
          );
        return { Account: account };
      }
      case 'ListParents':
        return this.listParents(String(body.ChildId ?? ''));
      case 'ListAccounts':
        return page(accounts(), 'Accounts');
      case 'ListAccountsForParent': {
        const parentId = parent();
        return page(
          [
            ...(parentId === this.organization.rootId ? [this.managementShape()] : []),
            ...this.organization.members
              .filter((member) => member.parentId === parentId)
              .map((member) => this.accountShape(member)),
          ],
          'Accounts',
        );
      }
      case 'ListOrganizationalUnitsForParent': {
        const parentId = parent();
        return page(
          this.organization.units
            .filter((unit) => unit.parentId === parentId)
            .map((unit) => ({
              Id: unit.id,
              Name: unit.name,
              Arn: `arn:aws:organizations::${this.organization.managementAccountId}:ou/${this.organization.id}/${unit.id}`,
            })),
          'OrganizationalUnits',
        );
      }
      default:
        throw new StandinError('UnknownOperationException', action);
    }
  }

  private managementShape() {
    const id = this.organization.managementAccountId;
    return this.accountShape({
      accountId: id,
      name: 'Management',
      parentId: this.organization.rootId,
    } as SimMemberAccount);
  }

  private accountShape(member: Pick<SimMemberAccount, 'accountId' | 'name' | 'state'>) {
    const state = member.state ?? 'ACTIVE';
    return {
      Id: member.accountId,
      Arn: `arn:aws:organizations::${this.organization.managementAccountId}:account/${this.organization.id}/${member.accountId}`,
      Email: `aws+${member.accountId}@example.com`,
      Name: member.name,
      // Status is deprecated in favour of State; both are sent, as Organizations does.
      Status: state === 'ACTIVE' ? 'ACTIVE' : 'SUSPENDED',
      State: state,
      JoinedMethod: 'CREATED',
      JoinedTimestamp: Date.parse('2023-01-01T00:00:00Z') / 1000,
    };
  }
}
