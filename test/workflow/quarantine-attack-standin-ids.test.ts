import { addUser, emptyAccount } from '../../lib/sim/account';

/**
 * IAM gives every new user a unique id and never the id of a deleted user ("unique IDs",
 * IAM identifiers): a user deleted and created again under the same name is another person. The
 * stand-in's addUser derives the id from the account and the name, so a re-created user gets the
 * old id, and every "same name, other id" rule (verifyIdentity, locateUser, byUser) is tested
 * against a case AWS never produces. quarantine-attack-renamed-before-deletion shows it: with the derived id
 * the deletion took the newcomer for the quarantined user and said its deny was off.
 */
describe('the IAM stand-in gives a re-created user a new id', () => {
  it('a user deleted and created again under the same name has another id', () => {
    const account = emptyAccount();
    const first = addUser(account, { userName: 'idle' });
    account.users.delete('idle');
    const second = addUser(account, { userName: 'idle' });
    expect(second.userId).not.toBe(first.userId);
  });

  it('a renamed user and a new user under its old name have different ids', () => {
    const account = emptyAccount();
    const first = addUser(account, { userName: 'idle' });
    account.users.delete('idle');
    first.userName = 'idle-moved';
    account.users.set('idle-moved', first);
    const second = addUser(account, { userName: 'idle' });
    expect(second.userId).not.toBe(first.userId);
  });
});
