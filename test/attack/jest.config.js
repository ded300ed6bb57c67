/**
 * The attacker's repros for the case lifecycle (issue 35): run alone with
 * `npx jest -c test/attack/jest.config.js`; not part of `npm test` (the root config's projects).
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/attack'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFiles: ['<rootDir>/test/setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/cleanup.ts'],
  testMatch: ['<rootDir>/test/attack/**/*.test.ts'],
  testTimeout: 120000,
  maxWorkers: 1,
};
