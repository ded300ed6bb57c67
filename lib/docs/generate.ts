import { regenerateSection } from '../readme-section';
import { CONFIG_SECTION, configSection } from './config-table';

// npm run docs: rewrites the README's config reference from lib/docs/config-docs.ts and the schema.
regenerateSection(CONFIG_SECTION, configSection());
