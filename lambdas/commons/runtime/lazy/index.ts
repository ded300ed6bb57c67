/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * What a function loads on first use rather than at cold start: the clients only some invocations
 * call (Organizations in organization mode, the member-role sessions, the secrets, STS for the CLI,
 * jira.js).
 * - Each names a file of ours that re-exports only what iam-janitor calls: esbuild keeps every export
 *   of a module loaded this way, so naming the package would keep all of it.
 * - Each is a `require`, not an `import()`: esbuild bundles either as a module evaluated on first
 *   call, but the CLI runs through tsx, which leaves an `import()` to Node, and Node's own loader
 *   cannot load a TypeScript file.
 */
export const organizationsSdk = () => require('./organizations') as typeof import('./organizations');
export const secretsSdk = () => require('./secrets') as typeof import('./secrets');
export const stsSdk = () => require('./sts') as typeof import('./sts');
export const memberCredentialsSdk = () =>
  require('./member-credentials') as typeof import('./member-credentials');
export const jiraSdk = () => require('../../jira/client') as typeof import('../../jira/client');
