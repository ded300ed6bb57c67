import { BaseClient } from 'jira.js';
import { IssueComments } from 'jira.js/version3/issueComments';
import { IssueSearch } from 'jira.js/version3/issueSearch';
import { Issues } from 'jira.js/version3/issues';
import { Myself } from 'jira.js/version3/myself';
import { Projects } from 'jira.js/version3/projects';

/**
 * jira.js's Version3Client cut to the five API groups iam-janitor calls. Version3Client builds all of
 * its ninety-odd groups in its constructor, so every bundle that holds it holds them all; this class is
 * built as Version3Client is (a BaseClient, each group handed the client), from the same jira.js.
 */
export class JiraClient extends BaseClient {
  readonly issues = new Issues(this);
  readonly issueComments = new IssueComments(this);
  readonly issueSearch = new IssueSearch(this);
  readonly myself = new Myself(this);
  readonly projects = new Projects(this);
}
