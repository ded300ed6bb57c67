/**
 * Bundles only: esbuild aliases `form-data` to this file (see BUNDLE in lib/infra/janitor-function.ts).
 *
 * axios, under jira.js, imports the form-data package for multipart bodies, which iam-janitor never
 * sends; form-data brings mime-db, a 137 KB table, into the bundles of the functions that call Jira,
 * read at every cold start. Node has had a spec-compliant FormData of its own since version 18, and
 * axios sends one as it sends form-data's (its http adapter checks for either).
 */
export default globalThis.FormData;
