import { createCaseTicket, jiraClient, recordOutcomeInJira } from '../../lambdas/commons/jira/tracker';
import { commentDoc } from '../../lambdas/commons/jira/adf';
import type { CaseContext } from '../../lambdas/commons/case/evidence';
import type { TrailEvent } from '../../lambdas/commons/cloudtrail/lookup';
import { aliceCase } from '../helpers/case-record';
import { JIRA_SETTINGS, useJiraStandin } from '../helpers/jira';

/**
 * Jira refuses, with 400, a description or comment that is not an Atlassian document (Atlassian's
 * ADF schema is the judge) and one over its text limit of 32,767 characters; the stand-in does as
 * Jira does, and the product's bodies stay within the limit whatever the evidence holds.
 */
const JIRA_TEXT_LIMIT = 32_767;

const standin = useJiraStandin();
const SETTINGS = JIRA_SETTINGS;

async function post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const answer = await fetch(`${standin().url}/rest/api/3${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${SETTINGS.email}:${SETTINGS.apiToken}`).toString('base64')}`,
    },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: await answer.json() };
}

const create = (description: unknown) =>
  post('/issue', {
    fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'A case', description },
  });

/** A one-paragraph document whose JSON is exactly `length` characters long, written by hand. */
function documentOfLength(length: number): unknown {
  const of = (value: string) => ({
    version: 1,
    type: 'doc',
    content: [{ type: 'paragraph', content: [{ type: 'text', text: value }] }],
  });
  return of('x'.repeat(length - JSON.stringify(of('')).length));
}

describe('the Jira stand-in', () => {
  it("refuses a description that Atlassian's ADF schema rejects, as Jira does, and opens no issue", async () => {
    // An empty text node: ADF's schema demands at least one character.
    const invalid = {
      version: 1,
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }],
    };
    expect(await create(invalid)).toEqual({
      status: 400,
      body: {
        errorMessages: [],
        errors: {
          description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
        },
      },
    });
    expect(await create('plain text, as REST v2 takes it')).toMatchObject({ status: 400 });
    expect(standin().issues.size).toBe(0);
  });

  it("refuses a comment that Atlassian's ADF schema rejects", async () => {
    const { body } = await create(documentOfLength(200));
    const key = (body as { key: string }).key;
    expect(await post(`/issue/${key}/comment`, { body: 'plain text' })).toEqual({
      status: 400,
      body: { errorMessages: [], errors: { comment: 'Comment body is not valid!' } },
    });
    expect(await post(`/issue/${key}/comment`, { body: { type: 'doc', content: [] } })).toMatchObject({
      status: 400,
    });
    expect(standin().issues.get(key)!.comments).toEqual([]);
  });

  it('takes a description and a comment of 32,767 characters, and refuses one more', async () => {
    expect((await create(documentOfLength(JIRA_TEXT_LIMIT))).status).toBe(201);
    expect(await create(documentOfLength(JIRA_TEXT_LIMIT + 1))).toEqual({
      status: 400,
      body: { errorMessages: ['CONTENT_LIMIT_EXCEEDED'], errors: {} },
    });
    const key = [...standin().issues.keys()][0]!;
    expect((await post(`/issue/${key}/comment`, { body: documentOfLength(JIRA_TEXT_LIMIT) })).status).toBe(
      201,
    );
    expect(await post(`/issue/${key}/comment`, { body: documentOfLength(JIRA_TEXT_LIMIT + 1) })).toEqual({
      status: 400,
      body: {
        errorMessages: [],
        errors: {
          comment: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.',
        },
      },
    });
  });
});

/** IAM's and CloudTrail's longest: names at their limits, a path of 512, many distinct event names. */
function worstCaseContext(): CaseContext {
  const long = (prefix: string, length: number) => (prefix + 'x'.repeat(length)).slice(0, length);
  const events: TrailEvent[] = Array.from({ length: 20 }, (_, index) => ({
    eventTime: `2026-08-${String(10 + index).padStart(2, '0')}T10:00:00.000Z`,
    eventName: long(`Event${index}`, 64),
    eventSource: long('service.amazonaws.com', 64),
    region: 'ap-southeast-2',
    sourceIPAddress: '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    userAgent: long('Mozilla/5.0 ', 400),
  }));
  const path = `/${'p'.repeat(510)}/`;
  return {
    gatheredAt: '2026-11-22T09:00:00.000Z',
    iam: {
      groups: Array.from({ length: 10 }, (_, index) => long(`group-${index}-`, 128)),
      managedPolicies: Array.from(
        { length: 20 },
        (_, index) => `arn:aws:iam::123456789012:policy${path}${long(`p${index}-`, 128)}`,
      ),
      inlinePolicies: Array.from({ length: 100 }, (_, index) => long(`inline-${index}-`, 128)),
      accessKeys: [],
      sshPublicKeys: Array.from({ length: 5 }, (_, index) => ({
        id: `APKA${String(index).padStart(16, '0')}`,
        status: 'Active',
        uploadDate: null,
      })),
      mfaDevices: [],
      consoleAccess: false,
      passwordLastUsed: null,
      permissionsBoundary: `arn:aws:iam::123456789012:policy${path}boundary`,
    },
    cloudTrail: {
      regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      windowDays: 90,
      totalEvents: 5000,
      truncated: true,
      lastEvent: events[0]!,
      countsByEventName: Object.fromEntries(
        Array.from({ length: 600 }, (_, index) => [long(`Event${index}-`, 64), 600 - index]),
      ),
      sourceIps: Array.from({ length: 20 }, (_, index) => `2001:db8::${index}`),
      userAgents: Array.from({ length: 10 }, (_, index) => long(`agent-${index}-`, 200)),
      recentEvents: events,
    },
  };
}

describe("the product's Jira bodies", () => {
  it('keep the worst case within 32,767 characters, say what they leave out, and are accepted', async () => {
    // GIVEN evidence whose event names alone are past Jira's limit: shown whole, Jira refuses it
    const context = worstCaseContext();
    const names = Object.keys(context.cloudTrail.countsByEventName).join(', ');
    expect(names.length).toBeGreaterThan(JIRA_TEXT_LIMIT);
    const record = aliceCase({
      jiraKey: undefined,
      jiraUrl: undefined,
      context,
      userName: 'u'.repeat(64),
      arn: `arn:aws:iam::123456789012:user/${'p'.repeat(510)}/${'u'.repeat(64)}`,
    });
    // WHEN the ticket is opened
    const { jiraKey } = await createCaseTicket(await jiraClient(SETTINGS), SETTINGS, record);
    // THEN the stand-in took it, within the limit, with the facts whole and the cut lists marked
    const description = JSON.stringify(standin().issues.get(jiraKey)!.fields.description);
    expect(description.length).toBeLessThanOrEqual(JIRA_TEXT_LIMIT);
    expect(description).toContain(record.arn);
    expect(description).toContain(record.caseId);
    expect(description).toMatch(
      /"Events by name: "},{"type":"text","text":"Event0-x+ 600, [^"]*… \d+ more not shown"/,
    );
    expect(description).toMatch(/"Inline policies: inline-0-x+, [^"]*… \d+ more not shown"/);
  });

  it('keep a description within the limit even when one fact alone is past it', async () => {
    // A reason no code of ours writes so long: the last resort cuts every text, and says so.
    const record = aliceCase({ jiraKey: undefined, jiraUrl: undefined });
    const { jiraKey } = await createCaseTicket(await jiraClient(SETTINGS), SETTINGS, {
      ...record,
      candidate: { ...record.candidate, reason: 'r'.repeat(40_000) },
    });
    const description = JSON.stringify(standin().issues.get(jiraKey)!.fields.description);
    expect(description.length).toBeLessThanOrEqual(JIRA_TEXT_LIMIT);
    expect(description).toMatch(/r… \d+ more characters not shown/);
  });

  it('keep a comment of many long lines within the limit, and say how much is not shown', async () => {
    const { jiraKey } = await createCaseTicket(
      await jiraClient(SETTINGS),
      SETTINGS,
      aliceCase({ jiraKey: undefined, jiraUrl: undefined }),
    );
    const lines = [
      'Outcome: deleted.',
      ...Array.from({ length: 2000 }, (_, index) => `Attempt ${index}: ${'y'.repeat(300)}`),
    ];
    await recordOutcomeInJira(await jiraClient(SETTINGS), SETTINGS, jiraKey, lines);
    const comment = standin().issues.get(jiraKey)!.comments[0] as {
      content: { content: { text: string }[] }[];
    };
    expect(JSON.stringify(comment).length).toBeLessThanOrEqual(JIRA_TEXT_LIMIT);
    const texts = comment.content.map((paragraph) => paragraph.content[0]!.text);
    expect(texts[0]).toBe('Outcome: deleted.');
    expect(texts[1]).toMatch(/^Attempt 0: y+… \d+ more characters not shown$/);
    const hidden = Number(/^… (\d+) more lines not shown$/.exec(texts.at(-1)!)![1]);
    expect(texts.length - 1 + hidden).toBe(lines.length);
  });

  it('keep one line of 100,000 characters within the limit', async () => {
    const { jiraKey } = await createCaseTicket(
      await jiraClient(SETTINGS),
      SETTINGS,
      aliceCase({ jiraKey: undefined, jiraUrl: undefined }),
    );
    await recordOutcomeInJira(await jiraClient(SETTINGS), SETTINGS, jiraKey, ['z'.repeat(100_000)]);
    const comment = JSON.stringify(standin().issues.get(jiraKey)!.comments[0]);
    expect(comment.length).toBeLessThanOrEqual(JIRA_TEXT_LIMIT);
    expect(comment).toMatch(/z… \d+ more characters not shown/);
  });

  it('leave a comment that fits as it is', () => {
    const lines = ['Outcome: deleted.', 'Snapshot kept.'];
    expect(commentDoc(lines).content.map((paragraph) => paragraph.content?.[0]?.text)).toEqual(lines);
  });
});
