import type { IncomingHttpHeaders } from 'node:http';
import { HttpStandin } from './http-standin';
import { adfValidator, refusedComment, refusedDescription, refusedSummary } from './jira-fields';

export interface JiraIssue {
  key: string;
  fields: {
    project: { key: string };
    issuetype: { name: string };
    summary: string;
    description: unknown;
    labels: string[];
  };
  comments: unknown[];
  status: string;
}

/** The one account that calls this stand-in (GET /myself), and so the author of every comment. */
const JANITOR_ACCOUNT_ID = '5b10ac8d82e05b22cc7d4ef5';

/**
 * GET /issue/{key}/comment: a page of the issue's comments (`orderBy=-created` newest first,
 * `startAt`, `maxResults`), each with its id, author and ADF body, as Jira's reference returns them.
 */
function commentPage(issue: JiraIssue, url: URL) {
  const all = issue.comments.map((body, index) => ({
    id: String(index + 1),
    author: { accountId: JANITOR_ACCOUNT_ID },
    body,
  }));
  if (url.searchParams.get('orderBy') === '-created') all.reverse();
  const startAt = Number(url.searchParams.get('startAt') ?? 0);
  const maxResults = Number(url.searchParams.get('maxResults') ?? 5000);
  return { startAt, maxResults, total: all.length, comments: all.slice(startAt, startAt + maxResults) };
}

/**
 * A Jira Cloud REST v3 stand-in: create, enhanced JQL search by label, comments (post and list),
 * transitions. Every description and comment is held to Atlassian's ADF schema and Jira's field
 * limits (`jira-fields.ts`), refused with Jira's 400 as Jira refuses it. It checks basic auth and
 * can fail its first N calls (HTTP 503), or all of them.
 */
export class JiraStandin extends HttpStandin {
  readonly issues = new Map<string, JiraIssue>();
  readonly requests: { method: string; path: string }[] = [];
  failuresLeft = 0;
  /** Requests answered 503 by `failuresLeft` or `failWhen`: the faults this stand-in injected. */
  failedRequests = 0;
  /** Requests for which this returns true fail with 503 every time: a Jira that is down for good. */
  failWhen: (request: string) => boolean = () => false;
  transitions = [
    { id: '31', name: 'Done' },
    { id: '21', name: 'In Progress' },
  ];
  /**
   * The projects of the site, each with its issue types (GET /project/{key}/statuses). Creating an
   * issue in another project, or of another type, is refused with 400, as Jira refuses it.
   */
  projects: Record<string, string[]> | undefined;
  /**
   * Jira's search is eventually consistent (the enhanced search reference says a new issue may not
   * show at once): a created issue is left out of the next `indexLagSearches` searches. Counted in
   * searches, not seconds, so that a run repeats exactly on any machine.
   */
  indexLagSearches = 2;
  /** The next N creates commit the issue and then answer 503, as a lost answer would. */
  loseCreateAnswers = 0;
  private searches = 0;
  private readonly indexedAfter = new Map<string, number>();
  private counter = 0;

  constructor(
    private readonly email = 'janitor@example.com',
    private readonly apiToken = 'sim-jira-token',
  ) {
    super();
  }

  // Atlassian's schema compiled before any case runs, never between a question and its answer.
  override async start(): Promise<string> {
    adfValidator();
    return super.start();
  }

  /** GET /project/{key}/statuses: each issue type of the project with its workflow's statuses. */
  private statusesOf(projectKey: string) {
    const types = this.issueTypesOf(projectKey);
    if (!types) return { status: 404, body: { errorMessages: ['No project could be found with key.'] } };
    return {
      status: 200,
      body: types.map((name, index) => ({
        id: String(10001 + index),
        name,
        subtask: false,
        statuses: ['To Do', 'In Progress', 'Done'].map((status) => ({ name: status })),
      })),
    };
  }

  private issueTypesOf(projectKey: string): string[] | undefined {
    return this.projects ? this.projects[projectKey] : ['Task', 'Bug', 'Story'];
  }

  /**
   * Jira's answers to a create it refuses: a missing summary, project or issue type, a summary too
   * long, a description that is not a valid document or too long (`jira-fields.ts`).
   */
  private refusedFields(fields: JiraIssue['fields'] | undefined) {
    if (!fields?.project?.key || !fields.summary)
      return { status: 400, body: { errors: { summary: 'required' } } };
    const refused = refusedSummary(fields.summary) ?? refusedDescription(fields.description);
    if (refused) return refused;
    const types = this.issueTypesOf(fields.project.key);
    if (!types) return { status: 400, body: { errors: { project: 'valid project is required' } } };
    if (!types.includes(fields.issuetype?.name))
      return { status: 400, body: { errors: { issuetype: 'valid issue type is required' } } };
    return undefined;
  }

  protected async route(method: string, url: URL, body: string, headers: IncomingHttpHeaders) {
    this.requests.push({ method, path: url.pathname });
    if (this.failuresLeft > 0 || this.failWhen(`${method} ${url.pathname}${url.search} ${body}`)) {
      if (this.failuresLeft > 0) this.failuresLeft--;
      this.failedRequests++;
      return { status: 503, body: { errorMessages: ['Service unavailable'] } };
    }
    const expected = `Basic ${Buffer.from(`${this.email}:${this.apiToken}`).toString('base64')}`;
    if (headers.authorization !== expected) return { status: 401, body: { errorMessages: ['Unauthorized'] } };
    const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const path = url.pathname;
    if (path === '/rest/api/3/myself' && method === 'GET')
      return { status: 200, body: { accountId: JANITOR_ACCOUNT_ID, emailAddress: this.email, active: true } };
    const statuses = /^\/rest\/api\/3\/project\/([^/]+)\/statuses$/.exec(path);
    if (statuses && method === 'GET') return this.statusesOf(decodeURIComponent(statuses[1]!));
    if (path === '/rest/api/3/search/jql') {
      const jql = String(method === 'GET' ? url.searchParams.get('jql') : json.jql);
      const label = /labels = "([^"]+)"/.exec(jql)?.[1];
      const project = /project = "([^"]+)"/.exec(jql)?.[1];
      const open = /statusCategory != Done/.test(jql);
      const search = ++this.searches;
      const found = [...this.issues.values()].filter(
        (issue) =>
          search > (this.indexedAfter.get(issue.key) ?? 0) &&
          (!label || issue.fields.labels.includes(label)) &&
          (!project || issue.fields.project.key === project) &&
          (!open || issue.status !== 'Done'),
      );
      if (/ORDER BY created DESC/.test(jql)) found.reverse();
      const limit = Number((method === 'GET' ? url.searchParams.get('maxResults') : json.maxResults) ?? 50);
      found.splice(limit);
      return {
        status: 200,
        body: { issues: found.map((issue) => ({ id: issue.key, key: issue.key })), isLast: true },
      };
    }
    if (path === '/rest/api/3/issue' && method === 'POST') {
      const fields = json.fields as JiraIssue['fields'];
      const refused = this.refusedFields(fields);
      if (refused) return refused;
      const key = `${fields.project.key}-${++this.counter}`;
      this.issues.set(key, { key, fields, comments: [], status: 'To Do' });
      this.indexedAfter.set(key, this.searches + this.indexLagSearches);
      if (this.loseCreateAnswers > 0) {
        this.loseCreateAnswers--;
        return { status: 503, body: { errorMessages: ['Service unavailable'] } };
      }
      return {
        status: 201,
        body: { id: String(this.counter), key, self: `${this.url}/rest/api/3/issue/${key}` },
      };
    }
    const match = /^\/rest\/api\/3\/issue\/([^/]+)\/(comment|transitions)$/.exec(path);
    const issue = match ? this.issues.get(decodeURIComponent(match[1]!)) : undefined;
    if (match && !issue) return { status: 404, body: { errorMessages: ['Issue does not exist'] } };
    if (match?.[2] === 'comment' && method === 'POST') {
      const refused = refusedComment(json.body);
      if (refused) return refused;
      issue!.comments.push(json.body);
      return { status: 201, body: { id: String(issue!.comments.length) } };
    }
    if (match?.[2] === 'comment' && method === 'GET') return { status: 200, body: commentPage(issue!, url) };
    if (match?.[2] === 'transitions' && method === 'GET')
      return { status: 200, body: { transitions: this.transitions } };
    if (match?.[2] === 'transitions' && method === 'POST') {
      const transition = this.transitions.find(
        (candidate) => candidate.id === (json.transition as { id: string }).id,
      );
      if (!transition) return { status: 400, body: { errorMessages: ['Transition not valid'] } };
      issue!.status = transition.name;
      return { status: 204, body: undefined };
    }
    return { status: 404, body: { errorMessages: [`no route ${method} ${path}`] } };
  }
}
