#!/usr/bin/env node
// The CLI is TypeScript, run through tsx so that `npx iam-janitor` works right after `npm ci`.
require('tsx/cjs');
require('../lib/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
