import * as fs from 'node:fs';
import { diagramSection, README, readmeSection } from './mermaid';

// npm run diagram: rewrites the README's diagram section from the ASL files.
const readme = fs.readFileSync(README, 'utf8');
const current = readmeSection(readme);
if (!current) {
  console.error('README.md has no diagram markers; add the begin and end markers where the diagram belongs.');
  process.exit(1);
}
const fresh = diagramSection();
if (current === fresh) {
  console.log('README.md diagram is up to date.');
} else {
  fs.writeFileSync(README, readme.replace(current, fresh));
  console.log('README.md diagram regenerated from statemachine/*.asl.json.');
}
