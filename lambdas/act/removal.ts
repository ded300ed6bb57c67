/**
 * The removal routine's parts, for the remover Lambda, the CLI and the tests: the user reader and
 * snapshot (commons/snapshot.ts), the re-checks (recheck.ts), the steps (steps.ts), the runner
 * (runner.ts) and the routine that joins them (act.ts), and
 * the credential case's routine (credential.ts).
 */
export { latestUse, readUser as planRemoval, snapshotSchema, type Snapshot } from '../commons/iam/snapshot';
export * from './act';
export * from './credential';
export * from './recheck';
export * from './runner';
export * from './steps';
