/**
 * Where every AWS client goes and as whom: the endpoints, credentials and region the CLI and the
 * simulator set once, and that each client reads when it is made.
 */
import { resetClients } from './per-container';

export type ClientService =
  | 'iam'
  | 'account'
  | 'cloudtrail'
  | 'sfn'
  | 'dynamodb'
  | 'secretsmanager'
  | 'sts'
  | 'organizations'
  | 'cloudformation'
  | 'sns';

/**
 * Settings given to every client explicitly. The simulator uses them rather than the
 * AWS_ENDPOINT_URL_* variables: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the same setting in
 * ~/.aws/config) turns those off, and an offline run would then reach real AWS with the caller's
 * credentials. An endpoint passed to a client's constructor is never ignored.
 */
export interface ClientSettings {
  readonly endpoints?: Partial<Record<ClientService, string>>;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region?: string;
  /**
   * Attempts at an address that refuses connections or does not resolve; the CLI sets 2, so that
   * a wrong endpoint is explained in a second rather than after a minute of silent retries.
   * @default the client's own maximum
   */
  readonly unreachableAttempts?: number;
}

let settings: ClientSettings = {};

/** The settings in force, so that a caller can add to them and put them back. */
export function clientSettings(): ClientSettings {
  return settings;
}

/** Points every client at the given endpoints and credentials; `{}` returns to the default chain. */
export function configureClients(next: ClientSettings): void {
  settings = next;
  resetClients();
}
