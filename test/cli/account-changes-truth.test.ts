import * as path from 'node:path';
import type { Snapshot } from '../../lambdas/commons/iam/snapshot';
import { timeline, DEMO_SCENARIO } from '../../lib/cli/simulate';
import { runScenario } from '../../lib/sim/run-scenario';
import { type SimulationDetail } from '../../lib/sim/scenario-report';
import { loadScenario } from '../../lib/sim/scenario';

// "What changed in the account" is the account's side of each case, as a responder rebuilds it:
// a deleted user's count is of the dependent items IAM held (its snapshot), not of the calls it
// took (a tag written, an MFA device deactivated then deleted); the list names every change the
// case's record says was made, every tag written among them, and the user's own deletion.

const examples = [DEMO_SCENARIO, path.join(__dirname, '..', '..', 'examples', 'quarantine.json')];
const runs: { detail: SimulationDetail; text: string }[] = [];
beforeAll(async () => {
  for (const file of examples) {
    const scenario = loadScenario(file);
    const detail = await runScenario(scenario);
    runs.push({ detail, text: timeline(file, scenario.now, 'the account', detail) });
  }
}, 240_000);

/**
 * What IAM held of the user that a deletion must remove first: AWS's DeleteUser reference lists
 * the password, access keys, signing certificate, SSH public key, Git credentials, MFA device,
 * inline policies, attached managed policies and group memberships (a permissions boundary is not
 * among them: it goes with the user).
 */
function dependentItems(snapshot: Snapshot): number {
  return (
    (snapshot.loginProfile ? 1 : 0) +
    snapshot.accessKeys.length +
    snapshot.signingCertificates.length +
    snapshot.sshPublicKeys.length +
    snapshot.serviceSpecificCredentials.length +
    snapshot.mfaDevices.length +
    Object.keys(snapshot.inlinePolicies).length +
    snapshot.managedPolicies.length +
    snapshot.groups.length
  );
}

/** The block of one user under "What changed in the account": its heading and its listed changes. */
function block(text: string, userName: string) {
  const lines = text.slice(text.indexOf('What changed in the account')).split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${userName}: `));
  const listed: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('    - ')) break;
    listed.push(line.slice('    - '.length));
  }
  return { heading: lines[start] ?? '', listed };
}

describe('what changed in the account, per deleted user', () => {
  it('counts the dependent items IAM held, and lists every change, every tag and the deletion', () => {
    let deleted = 0;
    for (const { detail, text } of runs) {
      for (const { record } of detail.cases) {
        if (record?.outcome !== 'deleted' || !record.snapshot) continue;
        deleted++;
        const { heading, listed } = block(text, record.userName);
        const counted = Number(/after (\d+) dependent items? removed/.exec(heading)?.[1]);
        expect({ user: record.userName, counted }).toEqual({
          user: record.userName,
          counted: dependentItems(record.snapshot),
        });
        expect(listed).toContain('user deleted');
        // Every tag the record says was written (the quarantine's start and end) is listed.
        const written = (record.removed ?? [])
          .filter((step) => step.startsWith('tag '))
          .flatMap((step) => [...step.matchAll(/([\w:-]+)=(\S+?)(?= and |;|$)/g)].map((match) => match[0]));
        expect(written.length).toBeGreaterThan(0);
        for (const tag of written) expect(listed.some((line) => line.includes(tag))).toBe(true);
      }
    }
    expect(deleted).toBeGreaterThan(1);
  });
});
