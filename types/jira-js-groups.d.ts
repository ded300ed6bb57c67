// jira.js publishes each API group at a subpath of its own (its package.json `exports` maps `./*`),
// which TypeScript's node10 resolution cannot follow; these name the types those subpaths carry.
declare module 'jira.js/version3/issues' {
  export { Issues } from 'jira.js/dist/esm/types/version3/issues';
}
declare module 'jira.js/version3/issueComments' {
  export { IssueComments } from 'jira.js/dist/esm/types/version3/issueComments';
}
declare module 'jira.js/version3/issueSearch' {
  export { IssueSearch } from 'jira.js/dist/esm/types/version3/issueSearch';
}
declare module 'jira.js/version3/myself' {
  export { Myself } from 'jira.js/dist/esm/types/version3/myself';
}
declare module 'jira.js/version3/projects' {
  export { Projects } from 'jira.js/dist/esm/types/version3/projects';
}
