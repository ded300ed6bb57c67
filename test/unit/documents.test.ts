import Ajv from 'ajv-draft-04';
import adfSchema from '@atlaskit/adf-schema/json-schema/v1/full.json';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { aliceCase } from '../helpers/case-record';
import type { CaseContext } from '../../lambdas/commons/case/evidence';
import type { TrailEvent } from '../../lambdas/commons/cloudtrail/lookup';
import { caseDescription, commentDoc } from '../../lambdas/commons/jira/adf';
import { approvalMessage, decidedMessage, expiredMessage } from '../../lambdas/commons/slack/messages';

/**
 * Slack's Block Kit reference, written here rather than read from the code under test: a message
 * holds at most 50 blocks; a section's text at most 3,000 characters and at most 10 fields of
 * 2,000 each; a header's text 150; a button's value 2,000.
 */
const SLACK = {
  maxBlocks: 50,
  maxSectionText: 3000,
  maxFields: 10,
  maxFieldText: 2000,
  maxButtonValue: 2000,
};

const validateAdf = new Ajv({ allErrors: true, strict: false }).compile(adfSchema);

function record(context?: CaseContext, overrides: Partial<CaseRecord> = {}): CaseRecord {
  return aliceCase({ ...(context ? { context } : {}), ...overrides });
}

/** The largest case: the longest names IAM allows, 20 recent events with long user agents, many groups and policies. */
function largestContext(): CaseContext {
  const long = (prefix: string, length: number) => (prefix + 'x'.repeat(length)).slice(0, length);
  const events: TrailEvent[] = Array.from({ length: 20 }, (_, index) => ({
    eventTime: `2026-08-${String(10 + index).padStart(2, '0')}T10:00:00.000Z`,
    eventName: long(`Event${index}<script>`, 64),
    eventSource: long('service.amazonaws.com', 64),
    region: 'ap-southeast-2',
    sourceIPAddress: '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    userAgent: long('Mozilla/5.0 <script>&"', 400),
  }));
  return {
    gatheredAt: '2026-11-22T09:00:00.000Z',
    iam: {
      groups: Array.from({ length: 10 }, (_, index) => long(`group-${index}-`, 128)),
      managedPolicies: Array.from(
        { length: 20 },
        (_, index) => `arn:aws:iam::123456789012:policy/${long(`p${index}-`, 128)}`,
      ),
      inlinePolicies: Array.from({ length: 10 }, (_, index) => long(`inline-${index}-`, 128)),
      accessKeys: [
        {
          id: 'AKIA0000000000000001',
          status: 'Active',
          createDate: '2024-01-01T00:00:00.000Z',
          lastUsedDate: null,
          lastUsedService: null,
        },
        {
          id: 'AKIA0000000000000002',
          status: 'Inactive',
          createDate: '2024-01-01T00:00:00.000Z',
          lastUsedDate: '2026-01-01T00:00:00.000Z',
          lastUsedService: 's3',
        },
      ],
      mfaDevices: ['arn:aws:iam::123456789012:mfa/alice'],
      consoleAccess: true,
      passwordLastUsed: '2026-07-25T10:00:00.000Z',
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
    },
    cloudTrail: {
      regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      windowDays: 90,
      totalEvents: 5000,
      truncated: true,
      lastEvent: events[0]!,
      countsByEventName: Object.fromEntries(events.map((event) => [event.eventName, 250])),
      sourceIps: ['203.0.113.5'],
      userAgents: ['aws-cli/2'],
      recentEvents: events,
    },
  };
}

const longestUser = {
  userName: 'u'.repeat(64),
  arn: `arn:aws:iam::123456789012:user/${'p'.repeat(400)}/${'u'.repeat(64)}`,
};

describe('the Jira description in Atlassian Document Format', () => {
  it.each([
    ['the largest case', record(largestContext(), longestUser)],
    ['a case with empty context', record(undefined)],
    [
      'a case with no CloudTrail events',
      record({
        ...largestContext(),
        cloudTrail: {
          ...largestContext().cloudTrail,
          totalEvents: 0,
          recentEvents: [],
          lastEvent: null,
          countsByEventName: {},
        },
      }),
    ],
  ])("validates against Atlassian's ADF schema for %s", (_label, caseRecord) => {
    const valid = validateAdf(caseDescription(caseRecord));
    expect(validateAdf.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('holds a facts table, the permissions, the events table and the execution link', () => {
    const text = JSON.stringify(caseDescription(record(largestContext())));
    expect(text).toContain('"text":"Facts"');
    expect(text).toContain('"text":"Permissions"');
    expect(text).toContain('Recent CloudTrail events (90 days, us-east-1, eu-west-1, ap-southeast-2)');
    expect(text).toContain('"type":"tableHeader"');
    expect(text).toContain(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/',
    );
  });

  it('fails the schema for an empty text node, so the check has teeth', () => {
    expect(
      validateAdf({
        version: 1,
        type: 'doc',
        content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }],
      }),
    ).toBe(false);
  });

  it('validates the outcome comment', () => {
    expect(validateAdf(commentDoc(['Outcome: deleted.', 'Decision: delete by U1.']))).toBe(true);
  });
});

describe('the Slack approval message', () => {
  const messages = {
    largest: approvalMessage(record(largestContext(), longestUser), 168, true),
    empty: approvalMessage(record(undefined), 168, false),
    decided: decidedMessage(record(largestContext(), longestUser), {
      decision: 'delete',
      decidedBy: 'U0123ABCDEF',
      decidedAt: '2026-11-22T10:00:00Z',
    }),
    expired: expiredMessage(record(largestContext(), longestUser)),
  };

  it.each(Object.entries(messages))('stays within the Block Kit limits (%s)', (_label, message) => {
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK.maxBlocks);
    for (const block of message.blocks) {
      const text = (block.text as { text?: string } | undefined)?.text;
      if (block.type === 'section' && text) expect(text.length).toBeLessThanOrEqual(SLACK.maxSectionText);
      const fields = (block.fields as { text: string }[] | undefined) ?? [];
      expect(fields.length).toBeLessThanOrEqual(SLACK.maxFields);
      for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(SLACK.maxFieldText);
      if (block.type === 'header')
        expect((block.text as { text: string }).text.length).toBeLessThanOrEqual(150);
      for (const element of (block.elements as { value?: string }[] | undefined) ?? []) {
        if (element.value) expect(element.value.length).toBeLessThanOrEqual(SLACK.maxButtonValue);
      }
    }
  });

  it('offers Delete (danger, with a confirm dialog), Disable and Keep, each carrying only the case id', () => {
    const actions = messages.largest.blocks.find((block) => block.type === 'actions') as {
      elements: Record<string, unknown>[];
    };
    expect(
      actions.elements.map((element) => [
        element.action_id,
        element.style,
        element.value,
        Boolean(element.confirm),
      ]),
    ).toEqual([
      ['approval:delete', 'danger', 'AIDAX-2026-11-22', true],
      ['approval:disable', undefined, 'AIDAX-2026-11-22', false],
      ['approval:keep', 'primary', 'AIDAX-2026-11-22', false],
    ]);
  });

  it('escapes Slack control characters from user data', () => {
    expect(JSON.stringify(messages.largest.blocks)).not.toContain('<script>');
    expect(JSON.stringify(messages.largest.blocks)).toContain('&lt;script&gt;');
  });

  it('shows the Jira link and says that no decision keeps the user, and that this is a dry run', () => {
    const context = JSON.stringify(messages.largest.blocks.find((block) => block.type === 'context'));
    expect(context).toContain('<https://example.atlassian.net/browse/SEC-42|SEC-42>');
    expect(context).toContain('no decision within 168 h keeps the user');
    expect(context).toContain('dry run');
  });
});
