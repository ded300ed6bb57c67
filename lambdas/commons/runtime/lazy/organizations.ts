// Loaded with `await import()` by the functions that may ask Organizations (organization mode only).
// A dynamic import keeps every export of the module it names, so it names this file, which keeps
// only what iam-janitor sends, rather than the whole client package.
export {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  OrganizationsClient,
  paginateListParents,
} from '@aws-sdk/client-organizations';
