#!/usr/bin/env node
// The CLI is TypeScript, run through tsx so that `npx iam-janitor` works right after `npm ci`.
// The SDK warns on every run that Node 20 support ends in 2027; Lambda runs Node 24, and the CLI says so in the README.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The CLI prints its own output; the Lambdas' structured logs and metrics stay quiet unless asked for.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
require('tsx/cjs');
// Said once, before any command: npm's EBADENGINE warning was at install time, if anyone read it.
const oldNode = require('../lib/cli/node-version.ts').nodeVersionWarning(process.versions.node);
if (oldNode) process.stderr.write(`${oldNode}\n`);
require('../lib/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
