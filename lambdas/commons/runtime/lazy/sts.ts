// Loaded on first use through lazy/index.ts, which says why a file of our own.
export { STSClient } from '@aws-sdk/client-sts';
