import type { CloudTrailSummary } from '../cloudtrail/lookup';

/** The evidence of a case, as the context step stores it in the case record. */

export interface IamFacts {
  /** The user's stable id when the evidence was read; a different id under the name is another person. */
  readonly userId?: string;
  readonly groups: string[];
  readonly managedPolicies: string[];
  readonly inlinePolicies: string[];
  readonly accessKeys: {
    id: string;
    status: string;
    createDate: string | null;
    lastUsedDate: string | null;
    lastUsedService: string | null;
  }[];
  /** CodeCommit SSH keys: the credential report does not show them. */
  readonly sshPublicKeys?: { id: string; status: string; uploadDate: string | null }[];
  /** CodeCommit HTTPS, Bedrock or Keyspaces credentials: the credential report does not show them either. */
  readonly serviceSpecificCredentials?: {
    id: string;
    serviceName: string;
    status: string;
    createDate: string | null;
  }[];
  readonly mfaDevices: string[];
  readonly consoleAccess: boolean;
  readonly loginProfileCreated?: string | null;
  readonly passwordLastUsed: string | null;
  readonly permissionsBoundary: string | null;
  /** The user's IAM tags when the evidence was read (absent in evidence gathered before they were kept). */
  readonly tags?: Record<string, string>;
}

export interface CaseContext {
  readonly gatheredAt: string;
  readonly iam: IamFacts;
  readonly cloudTrail: CloudTrailSummary;
}
