import { regenerateSection } from '../readme-section';
import { CONFIG_SECTION, configSection } from './config-table';
import { LAMBDA_SECTION, lambdaSection } from './lambda-table';

// npm run docs: rewrites the README's config reference (lib/docs/config-docs.ts and the schema) and
// its functions table (lib/infra/lambdas.ts).
regenerateSection(CONFIG_SECTION, configSection());
regenerateSection(LAMBDA_SECTION, lambdaSection());
