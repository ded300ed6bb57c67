/**
 * The attacker's repros (issue 34): not one of the four projects of jest.config.js, so that the
 * suite stays as it is. Run one with `npx jest -c test/attack/jest.config.js test/attack/FILE`.
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFiles: ['<rootDir>/test/setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/cleanup.ts'],
  testMatch: ['<rootDir>/test/attack/**/*.test.ts'],
  testTimeout: 180000,
};
