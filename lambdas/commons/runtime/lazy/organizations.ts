// Loaded on first use through lazy/index.ts, which says why a file of our own.
export {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  OrganizationsClient,
  paginateListParents,
} from '@aws-sdk/client-organizations';
