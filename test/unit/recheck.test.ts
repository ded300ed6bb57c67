import { usedAfter } from '../../lambdas/act/recheck';

describe('the one "activity since" rule', () => {
  const openedOn = '2026-09-01T10:00:00.000Z';

  it('takes a use later than the one the case was opened on as new, to the second', () => {
    expect(usedAfter('2026-09-01T10:00:01.000Z', openedOn)).toBe(true);
    // IAM and the credential report keep whole seconds: the same second, written finer, is the same use.
    expect(usedAfter('2026-09-01T10:00:00.900Z', openedOn)).toBe(false);
    expect(usedAfter('2026-08-31T10:00:00.000Z', openedOn)).toBe(false);
  });

  it('takes any use as new when the case was opened on none, and no use as nothing new', () => {
    expect(usedAfter('2026-01-01T00:00:00.000Z', null)).toBe(true);
    expect(usedAfter(null, null)).toBe(false);
    expect(usedAfter(null, openedOn)).toBe(false);
  });
});
