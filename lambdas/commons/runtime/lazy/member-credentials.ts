// Loaded on first use through lazy/index.ts, which says why a file of our own.
export { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
