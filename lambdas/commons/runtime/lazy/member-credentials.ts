// Loaded with `await import()` on the first member-role session, in organization mode only (see
// lazy/organizations.ts for why a file).
export { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
