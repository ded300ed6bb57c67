import { lookupPace } from '../../lambdas/commons/cloudtrail/rate-limiter';

describe("CloudTrail's pacing scale", () => {
  afterEach(() => delete process.env.IAM_JANITOR_LOOKUP_PACE);

  it('is real time unless a fraction in (0, 1] is set: no value paces lookups faster than AWS allows by mistake', () => {
    expect(lookupPace()).toBe(1);
    for (const value of ['0', '-0.5', '2', 'fast', '', 'NaN', 'Infinity']) {
      process.env.IAM_JANITOR_LOOKUP_PACE = value;
      expect([value, lookupPace()]).toEqual([value, 1]);
    }
    process.env.IAM_JANITOR_LOOKUP_PACE = '0.1';
    expect(lookupPace()).toBe(0.1);
  });
});
