import { regenerateSection } from '../readme-section';
import { DIAGRAM_SECTION, diagramSection } from './mermaid';

// npm run diagram: rewrites the README's diagram section from the ASL files.
regenerateSection(DIAGRAM_SECTION, diagramSection());
