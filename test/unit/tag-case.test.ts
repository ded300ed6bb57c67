import { IAMClient, ListUserTagsCommand, TagUserCommand, UntagUserCommand } from '@aws-sdk/client-iam';
import { isIrreversible } from '../../lambdas/commons/contracts/decision';
import { refuseIfProtected } from '../../lambdas/commons/case/exemptions';
import { judgeTags } from '../../lambdas/inventory/verdict';
import { act } from '../../lambdas/act/act';
import { addUser, emptyAccount } from '../../lib/sim/account';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { parseScenario } from '../../lib/sim/scenario';
import { NOW, POLICY } from '../helpers/report';
import { startStandin } from '../helpers/standin';

/**
 * IAM's reference: a user's tag keys are "not case sensitive, but case is preserved" (one tag per
 * key in any case), and the condition keys aws:ResourceTag/<key> and iam:ResourceTag/<key> match
 * the key in any case. Every rule that reads a tag must find it the same way.
 */
describe('tag keys in any case, as IAM matches them', () => {
  it.each(['IAM-Janitor:Protected', 'IAM-JANITOR:PROTECTED', 'iam-janitor:Protected'])(
    'exempts a user tagged %s from the inventory',
    (key) => {
      expect(judgeTags({ [key]: '' }, POLICY, NOW)).toEqual({
        verdict: 'exempt',
        reason: `protected: tagged ${key} (set by hand)`,
      });
    },
  );

  it('snoozes on a keep-until tag written in another case', () => {
    expect(judgeTags({ 'IAM-Janitor:Keep-Until': '2026-12-31' }, POLICY, NOW)).toMatchObject({
      verdict: 'snoozed',
    });
  });

  it('refuses a change to a user protected in another case (the remover, offboarding, the context step)', () => {
    const policy = { protectedTagKey: 'iam-janitor:protected', exemptUserNames: [], exemptPathPrefixes: [] };
    expect(() =>
      refuseIfProtected({ userName: 'x', path: '/', tags: { 'IAM-Janitor:Protected': 'yes' } }, policy),
    ).toThrow(
      expect.objectContaining({
        name: 'ProtectedUserError',
        message: expect.stringContaining('IAM-Janitor:Protected'),
      }),
    );
    // The twin: a key that only contains the word is no protection.
    expect(() =>
      refuseIfProtected({ userName: 'x', path: '/', tags: { 'not-iam-janitor:protected': '' } }, policy),
    ).not.toThrow();
  });
});

describe('the IAM stand-in keeps one tag per key in any case', () => {
  let standin: AwsStandin | undefined;
  afterEach(() => standin?.stop());

  async function setUp(tags: Record<string, string> = {}) {
    const account = emptyAccount();
    addUser(account, { userName: 'dana', tags });
    standin = await startStandin(account, { denyMutationsOnTag: 'iam-janitor:protected' });
    const iam = new IAMClient({
      endpoint: standin.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
    });
    return { account, iam };
  }

  it('updates the existing tag, keeping the case it was written in', async () => {
    const { iam } = await setUp({ Team: 'data' });
    await iam.send(new TagUserCommand({ UserName: 'dana', Tags: [{ Key: 'team', Value: 'platform' }] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'dana' }))).Tags).toEqual([
      { Key: 'Team', Value: 'platform' },
    ]);
    await iam.send(new UntagUserCommand({ UserName: 'dana', TagKeys: ['TEAM'] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'dana' }))).Tags).toEqual([]);
  });

  it('refuses one request holding two keys that differ only in case', async () => {
    const { iam } = await setUp();
    await expect(
      iam.send(
        new TagUserCommand({
          UserName: 'dana',
          Tags: [
            { Key: 'Team', Value: 'a' },
            { Key: 'team', Value: 'b' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it("denies a change to a user whose protected tag is in another case, as the role's Deny would", async () => {
    const { account, iam } = await setUp({ 'IAM-Janitor:Protected': '' });
    // Even with every code check bypassed (no expectations, no policy match), IAM refuses.
    const unguarded = { protectedTagKey: 'some-other-tag', exemptUserNames: [], exemptPathPrefixes: [] };
    await expect(
      act({
        iam,
        action: 'delete',
        userName: 'dana',
        policy: { ...unguarded, keepUntilTagKey: 'k', keepDays: 1 },
        dryRun: false,
        now: new Date(),
        saveSnapshot: async () => undefined,
      }),
    ).rejects.toMatchObject({ name: expect.stringMatching(/AccessDenied/) });
    expect(account.users.has('dana')).toBe(true);
  });
});

describe('scenarios as IAM would hold them', () => {
  const base = { now: '2026-11-22T09:00:00Z' };
  const user = (userName: string, tags: Record<string, string> = {}) => ({
    userName,
    createDate: '2024-01-01T00:00:00Z',
    tags,
  });

  it('refuses two user names that differ only in case', () => {
    expect(() => parseScenario({ ...base, users: [user('Alice'), user('alice')] }, 'x.json')).toThrow(
      /users\[1\]\.userName: alice differs from Alice only in case/,
    );
  });

  it('refuses a user with two tag keys that differ only in case', () => {
    expect(() =>
      parseScenario({ ...base, users: [user('alice', { Team: 'a', team: 'b' })] }, 'x.json'),
    ).toThrow(/team differs from Team only in case/);
  });
});

describe('irreversible decisions (the two-person rule)', () => {
  it.each([
    ['delete', undefined, true],
    ['disable', undefined, true],
    ['deactivate', { kind: 'password' as const }, true],
    ['deactivate', { kind: 'access-key' as const }, false],
    ['keep', undefined, false],
  ] as const)('%s of %j is irreversible: %s', (decision, credential, expected) => {
    expect(isIrreversible(decision, credential)).toBe(expected);
  });
});
