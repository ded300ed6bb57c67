// Loaded with `await import()` by the CLI's identity check (see lazy/organizations.ts for why a file).
export { STSClient } from '@aws-sdk/client-sts';
