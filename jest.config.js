/**
 * Three projects, so that a developer runs the fast ones alone (`npx jest --selectProjects unit`,
 * a few seconds); `npm test` runs all three.
 * - unit: plain logic, and handlers against a stand-in, no state machine;
 * - workflow: the real ASL through the offline engine, the simulator, the CLI against it;
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

const files = (...names) => names.map((name) => `<rootDir>/test/${name}.test.ts`);

const infrastructure = files('bundle', 'operate', 'stack');
const workflow = files(
  'audit',
  'case-machine',
  'check-setup',
  'credentials',
  'decision-delivery',
  'determinism',
  'interactions',
  'later-sweeps',
  'log-hygiene',
  'lookup-rate',
  'offboard',
  'organization',
  'organization-cli',
  'organization-scope',
  'remind',
  'self-decision',
  'sentences',
  'simulate',
  'summary',
);

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  maxWorkers: 2,
  projects: [
    { ...base, displayName: 'infrastructure', testMatch: infrastructure },
    { ...base, displayName: 'workflow', testMatch: workflow },
    // Every other test file is a unit test: a new file runs somewhere without being listed.
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        ...[...infrastructure, ...workflow].map((file) => file.replace('<rootDir>', '')),
      ],
    },
  ],
};
