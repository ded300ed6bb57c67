import * as fs from 'node:fs';
import { configSection, README, readmeConfigSection } from './config-table';

// npm run docs: rewrites the README's config reference from lib/docs/config-docs.ts and the schema.
const readme = fs.readFileSync(README, 'utf8');
const current = readmeConfigSection(readme);
if (!current) {
  console.error('README.md has no config markers; add the begin and end markers where the table belongs.');
  process.exit(1);
}
const fresh = configSection();
if (current === fresh) {
  console.log('README.md config reference is up to date.');
} else {
  fs.writeFileSync(README, readme.replace(current, fresh));
  console.log('README.md config reference regenerated from lib/docs/config-docs.ts.');
}
