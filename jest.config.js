/**
 * Four projects, one per folder of test/, so that a developer runs the fast ones alone
 * (`npx jest --selectProjects unit`, a few seconds); `npm test` runs all four.
 * - unit: plain logic, and handlers against a stand-in, no state machine;
 * - workflow: the real ASL through the offline engine and the simulator;
 * - cli: the commands people type, against the simulator and the stand-ins;
 * - infrastructure: the CDK stack, cdk-nag and the bundles.
 */
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFiles: ['<rootDir>/test/setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/cleanup.ts'],
  testTimeout: 60000,
};

const project = (name) => ({
  ...base,
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
});

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  maxWorkers: 2,
  projects: ['unit', 'workflow', 'cli', 'infrastructure'].map(project),
};
