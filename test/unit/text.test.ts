import { clip } from '../../lambdas/commons/runtime/text';
import { caseDescription, type AdfNode } from '../../lambdas/commons/jira/adf';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { summarize } from '../../lambdas/commons/cloudtrail/lookup';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('clip', () => {
  it('leaves text within the limit as it is', () => {
    expect(clip('GitPull', 7)).toBe('GitPull');
  });

  it.each([
    ['a surrogate pair', '🚀'],
    ['an emoji with a skin-tone modifier', '👍🏽'],
    ['a family emoji joined by ZWJ', '👩‍👩‍👧'],
    ['a flag', '🇫🇷'],
  ])('never cuts inside %s at the boundary', (_label, emoji) => {
    for (let prefix = 70; prefix < 80; prefix++) {
      const text = `${'a'.repeat(prefix)}${emoji}${'b'.repeat(20)}`;
      const clipped = clip(text, 80);
      expect(clipped.length).toBeLessThanOrEqual(80);
      expect(clipped.endsWith('…')).toBe(true);
      expect(LONE_SURROGATE.test(clipped)).toBe(false);
      // Either the whole emoji is kept or none of it.
      const kept = clipped.slice(prefix, -1);
      expect(kept === '' || kept.startsWith(emoji)).toBe(true);
    }
  });

  it('is what a naive slice is not: slice(0, 80) would split the emoji', () => {
    const text = `${'a'.repeat(79)}🚀tail`;
    expect(LONE_SURROGATE.test(text.slice(0, 80))).toBe(true);
    expect(LONE_SURROGATE.test(clip(text, 80))).toBe(false);
  });
});

describe('user agents with emoji in the evidence', () => {
  it('keep the Jira ticket free of split characters', () => {
    const userAgent = `${'Mozilla/5.0 '.repeat(6)}x🚀🚀🚀 custom-agent`;
    const trail = summarize(
      [
        {
          eventTime: '2026-11-01T10:00:00.000Z',
          eventName: 'GetObject',
          eventSource: 's3.amazonaws.com',
          region: 'us-east-1',
          sourceIPAddress: '203.0.113.5',
          userAgent,
        },
      ],
      ['us-east-1'],
      false,
    );
    const record = {
      caseId: 'case-1',
      userName: 'emoji',
      arn: 'arn:aws:iam::123456789012:user/emoji',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:case:case-1',
      candidate: {
        userName: 'emoji',
        userId: 'AIDAEMOJI',
        arn: 'arn:aws:iam::123456789012:user/emoji',
        reason: 'idle',
        lastActivity: null,
        lastActivitySource: 'user_creation_time',
        idleDays: 400,
      },
      context: {
        gatheredAt: '2026-11-22T09:00:00.000Z',
        iam: {
          groups: [],
          managedPolicies: [],
          inlinePolicies: [],
          accessKeys: [],
          mfaDevices: [],
          consoleAccess: false,
          passwordLastUsed: null,
          permissionsBoundary: null,
        },
        cloudTrail: trail,
      },
    } as unknown as CaseRecord;
    const texts: string[] = [];
    const walk = (node: AdfNode) => {
      if (node.text) texts.push(node.text);
      node.content?.forEach(walk);
    };
    caseDescription(record).content.forEach(walk);
    const agentCell = texts.find((text) => text.startsWith('Mozilla/5.0'));
    expect(agentCell).toMatch(/…$/);
    expect(texts.filter((text) => LONE_SURROGATE.test(text))).toEqual([]);
  });
});
