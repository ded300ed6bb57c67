import { parseCredentialReport } from '../../lambdas/inventory/credential-report';
import type { Candidate } from '../../lambdas/commons/contracts/candidate';
import { applyGuard, batchOf, fractionAlarm } from '../../lambdas/commons/case/guard';
import { judgeActivity, judgeTags, reportDate, rootWarnings } from '../../lambdas/inventory/verdict';
import { parseKeepUntil } from '../../lambdas/inventory/exemptions';
import { pathOfArn } from '../../lambdas/commons/case/exemptions';
import { daysAgo, NOW, POLICY, row } from '../helpers/report';

const DAY = 86_400_000;

describe('judgeActivity', () => {
  it('puts a user created one second short of thresholdDays in grace', () => {
    const created = new Date(NOW.getTime() - 45 * DAY + 1000).toISOString();
    expect(judgeActivity(row({ user_creation_time: created }), 45, NOW)).toMatchObject({ verdict: 'grace' });
  });

  it('takes a user created exactly thresholdDays ago out of grace', () => {
    const created = new Date(NOW.getTime() - 45 * DAY).toISOString();
    expect(judgeActivity(row({ user_creation_time: created }), 45, NOW)).toMatchObject({
      verdict: 'inactive',
      idleDays: 45,
      reason: 'no password or access key in the credential report; created 45 days ago',
    });
  });

  it('judges a recent user as grace even when they used nothing', () => {
    expect(judgeActivity(row({ user_creation_time: daysAgo(3) }), 45, NOW)).toMatchObject({
      verdict: 'grace',
      reason: 'created 3 days ago, within the 45-day grace period',
    });
  });

  it('marks an old user with an active key that was never used as inactive, by creation time', () => {
    const verdict = judgeActivity(
      row({
        access_key_1_active: 'true',
        access_key_1_last_rotated: daysAgo(400),
        access_key_1_last_used_date: 'N/A',
      }),
      45,
      NOW,
    );
    expect(verdict).toMatchObject({
      verdict: 'inactive',
      lastActivity: null,
      lastActivitySource: 'user_creation_time',
      idleDays: 400,
      reason: 'no use recorded; access key 1 active but never used; created 400 days ago',
    });
  });

  it('counts a recent use of key 2 over an old password', () => {
    const verdict = judgeActivity(
      row({
        password_enabled: 'true',
        password_last_used: daysAgo(300),
        access_key_2_active: 'true',
        access_key_2_last_used_date: daysAgo(2),
      }),
      45,
      NOW,
    );
    expect(verdict).toMatchObject({
      verdict: 'active',
      lastActivitySource: 'access_key_2',
      idleDays: 2,
      reason: 'access key 2 used 2 days ago',
    });
  });

  it('marks a user whose last use is older than the threshold inactive, naming the source', () => {
    const verdict = judgeActivity(
      row({ password_enabled: 'true', password_last_used: daysAgo(120) }),
      45,
      NOW,
    );
    expect(verdict).toMatchObject({
      verdict: 'inactive',
      lastActivitySource: 'password',
      idleDays: 120,
      reason: 'password last used 120 days ago (threshold 45)',
    });
  });

  it('treats a use exactly thresholdDays ago as inactive, and one a second later as active', () => {
    expect(judgeActivity(row({ access_key_1_last_used_date: daysAgo(45) }), 45, NOW).verdict).toBe(
      'inactive',
    );
    const justInside = new Date(NOW.getTime() - 45 * DAY + 1000).toISOString();
    expect(judgeActivity(row({ access_key_1_last_used_date: justInside }), 45, NOW).verdict).toBe('active');
  });

  it('reads no_information as a password with no recorded use', () => {
    const verdict = judgeActivity(
      row({
        password_enabled: 'true',
        password_last_used: 'no_information',
        password_last_changed: daysAgo(400),
      }),
      45,
      NOW,
    );
    expect(verdict).toMatchObject({
      verdict: 'inactive',
      reason: 'no use recorded; password active but never used; created 400 days ago',
    });
  });

  it('keeps a just-issued, unused key in grace on an old user', () => {
    const verdict = judgeActivity(
      row({ access_key_1_active: 'true', access_key_1_last_rotated: daysAgo(3) }),
      45,
      NOW,
    );
    expect(verdict).toMatchObject({
      verdict: 'grace',
      reason: 'access key 1 issued 3 days ago and not used yet',
    });
  });

  it('judges a user with no password and no keys past grace as inactive with a reason that names what the report can show', () => {
    expect(judgeActivity(row(), 45, NOW).reason).toBe(
      'no password or access key in the credential report; created 400 days ago',
    );
  });
});

describe('special values', () => {
  it.each(['N/A', 'no_information', 'not_supported', ''])('reads %p as no recorded date', (value) => {
    expect(reportDate(value)).toBeNull();
  });

  it('reads an ISO date with an offset', () => {
    expect(reportDate('2026-01-02T03:04:05+00:00')?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });
});

describe('paths and names', () => {
  it.each([
    ['arn:aws:iam::123456789012:user/alice', '/'],
    ['arn:aws:iam::123456789012:user/team/ops/alice', '/team/ops/'],
    ['arn:aws:iam::123456789012:user/service-accounts/ci/deploy+bot=1,x.y@z_w-v', '/service-accounts/ci/'],
  ])('takes the path of %s from the ARN', (arn, path) => {
    expect(pathOfArn(arn)).toBe(path);
  });

  it('parses user names with +=,.@_- through a real CSV parser', () => {
    const csv =
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n' +
      '"a+b=c,d.e@f_g-h","arn:aws:iam::123456789012:user/x/a+b=c,d.e@f_g-h",2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n';
    const [parsed] = parseCredentialReport(csv).rows;
    expect(parsed).toMatchObject({
      user: 'a+b=c,d.e@f_g-h',
      arn: 'arn:aws:iam::123456789012:user/x/a+b=c,d.e@f_g-h',
    });
    expect(pathOfArn(parsed!.arn)).toBe('/x/');
  });

  it('names the missing column of a report in another layout', () => {
    expect(() => parseCredentialReport('user,arn\nalice,arn:aws:iam::1:user/alice\n')).toThrow(
      /no column user_creation_time, password_enabled/,
    );
  });

  it('fails on the 2015 layout, which has no *_last_used_* columns, naming them', () => {
    const columns2015 = HEADER.split(',').filter(
      (column) => !/_last_used_/.test(column) && column !== 'password_last_used',
    );
    expect(() => parseCredentialReport(`${columns2015.join(',')}\n`)).toThrow(
      /no column password_last_used, access_key_1_last_used_date, access_key_2_last_used_date.*2015 layout/,
    );
  });
});

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
/** One CSV line in the layout IAM writes today, from the helper's row plus the columns it leaves out. */
const csvLine = (user: string, fields: Record<string, string> = {}) => {
  const values: Record<string, string> = {
    ...row({ user, arn: `arn:aws:iam::123456789012:user/${user}` }),
    ...fields,
  };
  return HEADER.split(',')
    .map((column) => values[column] ?? 'N/A')
    .join(',');
};

describe('odd rows of real reports', () => {
  it('reads booleans in any case: TRUE is an active key, not an absent one', () => {
    const { rows } = parseCredentialReport(
      `${HEADER}\n${csvLine('upper', { access_key_1_active: 'TRUE', access_key_1_last_rotated: daysAgo(2) })}\n`,
    );
    expect(rows[0]!.access_key_1_active).toBe('true');
    // An unused key issued 2 days ago puts the user in grace; read as "false" the user would look credential-less.
    expect(judgeActivity(rows[0]!, 45, NOW).verdict).toBe('grace');
  });

  it('skips a malformed row with its line number and keeps every other row', () => {
    const csv = [
      HEADER,
      csvLine('first'),
      'broken,arn:aws:iam::123456789012:user/broken,2020-01-01T00:00:00+00:00,false',
      csvLine('garbled', { access_key_1_active: 'true', access_key_1_last_used_date: 'yesterday' }),
      csvLine('last'),
    ].join('\n');
    const { rows, skipped } = parseCredentialReport(csv);
    expect(rows.map((parsed) => parsed.user)).toEqual(['first', 'last']);
    expect(skipped).toEqual([
      {
        line: 3,
        userName: 'broken',
        reason: expect.stringMatching(/^it has no value for password_last_used/),
      },
      { line: 4, userName: 'garbled', reason: 'access_key_1_last_used_date is "yesterday", not a date' },
    ]);
  });
});

describe('judgeTags', () => {
  it('exempts a user with the protected tag, whatever its value', () => {
    expect(judgeTags({ 'iam-janitor:protected': '' }, POLICY, NOW)).toEqual({
      verdict: 'exempt',
      reason: 'protected: tagged iam-janitor:protected (set by hand)',
    });
  });

  it('snoozes a user whose keep-until is in the future', () => {
    expect(judgeTags({ 'iam-janitor:keep-until': '2026-12-31' }, POLICY, NOW)).toEqual({
      verdict: 'snoozed',
      reason: 'kept until 2026-12-31 (tag iam-janitor:keep-until)',
    });
  });

  it('does not snooze a user whose keep-until has passed, and warns', () => {
    expect(judgeTags({ 'iam-janitor:keep-until': '2026-11-21' }, POLICY, NOW)).toEqual({
      verdict: undefined,
      warning: 'tag iam-janitor:keep-until="2026-11-21" has passed; the user is judged again',
    });
  });

  it('keeps a user snoozed through the whole keep-until day', () => {
    expect(judgeTags({ 'iam-janitor:keep-until': '2026-11-22' }, POLICY, NOW).verdict).toBe('snoozed');
  });

  it.each(['soon', '2026-13-45', '31/12/2026', ''])(
    'ignores the unparseable keep-until %p, and warns',
    (value) => {
      const judgement = judgeTags({ 'iam-janitor:keep-until': value }, POLICY, NOW);
      expect(judgement.verdict).toBeUndefined();
      expect(judgement).toHaveProperty('warning', expect.stringContaining('is not a date'));
      expect(parseKeepUntil(value)).toBeNull();
    },
  );
});

describe('root account', () => {
  it('warns about active root keys and a root without MFA', () => {
    expect(
      rootWarnings(row({ user: '<root_account>', access_key_1_active: 'true', mfa_active: 'false' })),
    ).toEqual([
      'root access key 1 is active: delete it, root needs no keys',
      'root has no MFA device: enable MFA on the root user',
    ]);
    expect(rootWarnings(row({ user: '<root_account>', mfa_active: 'true' }))).toEqual([]);
  });
});

describe('the guard', () => {
  const population = (userCandidates: number, credentialCandidates = 0) => ({
    users: 10,
    userCandidates,
    credentials: 10,
    credentialCandidates,
  });
  const acknowledgement = (maxCandidates: number, expiresAt = '2026-11-23T00:00:00.000Z') => ({
    acknowledgedBy: 'alice',
    acknowledgedAt: '2026-11-22T09:00:00.000Z',
    maxCandidates,
    expiresAt,
  });

  it('halts above maxCandidateFraction of all users, or of all active credentials', () => {
    expect(fractionAlarm(population(3), POLICY)).toBe(
      '3 of 10 users (30%) are candidates, above maxCandidateFraction (20%)',
    );
    expect(fractionAlarm(population(2), POLICY)).toBeUndefined();
    expect(fractionAlarm(population(0, 3), POLICY)).toBe(
      '3 of 10 active credentials (30%) are stale, above maxCandidateFraction (20%)',
    );
  });

  it('passes once on an acknowledgement that covers the candidates, and not on one that does not', () => {
    expect(applyGuard(population(3), POLICY, NOW, acknowledgement(3))).toMatchObject({ halted: false });
    expect(applyGuard(population(3), POLICY, NOW)).toMatchObject({ halted: true });
    // A bigger surprise than the one acknowledged halts again.
    expect(applyGuard(population(4), POLICY, NOW, acknowledgement(3))).toEqual({
      halted: true,
      haltReason: expect.stringContaining('covers 3 candidates, not 4'),
    });
    // An old acknowledgement is no acknowledgement.
    expect(applyGuard(population(3), POLICY, NOW, acknowledgement(3, '2026-11-22T00:00:00.000Z'))).toEqual({
      halted: true,
      haltReason: expect.stringContaining('expired'),
    });
  });

  it('opens the longest-idle first, one case per user, and leaves the rest as the backlog', () => {
    const candidate = (userId: string, idleDays: number, subjectId = userId): Candidate => ({
      userName: userId.toLowerCase(),
      userId,
      arn: `arn:aws:iam::123456789012:user/${userId}`,
      reason: '',
      lastActivity: null,
      lastActivitySource: 'user_creation_time',
      idleDays,
      kind: subjectId === userId ? 'user' : 'credential',
      subjectId,
    });
    const { batch, backlog } = batchOf(
      [
        candidate('A', 50),
        candidate('B', 300),
        candidate('C', 90, 'C-key1'),
        candidate('C', 200, 'C-key2'),
        candidate('D', 60),
      ],
      3,
    );
    // C's second credential waits even though the batch has room for it: one open case per user.
    expect(batch.map((item) => item.subjectId)).toEqual(['B', 'C-key2', 'D']);
    expect(backlog.map((item) => item.subjectId)).toEqual(['C-key1', 'A']);
  });
});
