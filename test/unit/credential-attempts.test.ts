import { addUser, emptyAccount } from '../../lib/sim/account';
import { recordAttempt } from '../../lib/sim/standins/credential-attempts';

// What AWS records of an attempt to use a credential, with and without an explicit deny
// (ARCHITECTURE.md, "Quarantine before delete"): the stand-ins must be no kinder than AWS.
describe('an attempt to use a credential, as IAM and CloudTrail record it', () => {
  const at = new Date('2026-11-25T03:14:00Z');
  const setup = (denied: boolean) => {
    const account = emptyAccount();
    const user = addUser(account, {
      userName: 'tina',
      password: { createDate: new Date('2024-01-01T00:00:00Z'), lastUsed: null },
      accessKeys: [
        {
          id: 'AKIATINA000000000001',
          status: 'Active',
          createDate: new Date('2024-01-01'),
          lastUsedDate: null,
        },
      ],
      sshPublicKeys: [{ id: 'APKATINA000000000001', status: 'Active' }],
      managedPolicies: denied ? ['arn:aws:iam::aws:policy/AWSDenyAll'] : [],
    });
    return { account, user };
  };

  it('refuses a key under AWSDenyAll: the key is dated and CloudTrail records AccessDenied', () => {
    const { account, user } = setup(true);
    recordAttempt(account, 'tina', { at, credential: 'AKIATINA000000000001', region: 'eu-west-1' });
    expect(user.accessKeys[0]).toMatchObject({
      lastUsedDate: at,
      lastUsedService: 's3',
      lastUsedRegion: 'eu-west-1',
    });
    expect(account.cloudTrail).toEqual([
      expect.objectContaining({
        eventName: 'ListBuckets',
        accessKeyId: 'AKIATINA000000000001',
        errorCode: 'AccessDenied',
        errorMessage: expect.stringContaining('with an explicit deny in an identity-based policy'),
      }),
    ]);
  });

  it('lets the same key through without the deny: no error recorded', () => {
    const { account } = setup(false);
    recordAttempt(account, 'tina', { at, credential: 'AKIATINA000000000001' });
    expect(account.cloudTrail[0]?.errorCode).toBeUndefined();
  });

  it('signs in with the password even under the deny: authentication is not an identity policy matter', () => {
    const { account, user } = setup(true);
    recordAttempt(account, 'tina', { at, credential: 'password' });
    expect(user.password?.lastUsed).toEqual(at);
    expect(account.cloudTrail).toEqual([
      expect.objectContaining({ eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Success' } }),
    ]);
    expect(account.cloudTrail[0]?.errorCode).toBeUndefined();
  });

  it('shows an SSH key only in CloudTrail: IAM keeps no last use of it', () => {
    const { account, user } = setup(true);
    recordAttempt(account, 'tina', { at, credential: 'APKATINA000000000001' });
    expect(user.accessKeys[0]?.lastUsedDate).toBeNull();
    expect(account.cloudTrail).toEqual([
      expect.objectContaining({
        eventName: 'GitPull',
        eventSource: 'codecommit.amazonaws.com',
        errorCode: 'AccessDenied',
      }),
    ]);
  });
});
