import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DecisionRecord } from '../../lambdas/commons/contracts/decision';
import { CaseStatus } from '../../lambdas/commons/case/lifecycle';
import { resumeCase, type ResumerDeps } from '../../lambdas/commons/case/resumer';

const ROOT = join(__dirname, '..', '..');
const RELEASE: DecisionRecord = {
  decision: 'release',
  decidedBy: 'U0123ABCDEF',
  decidedAt: '2026-11-24T09:00:00.000Z',
};

/** A resumer whose Step Functions answers `answer` (undefined: it takes the token), and what it recorded. */
function resumer(answer?: Error) {
  const sent: string[] = [];
  const stamps: string[] = [];
  const deps: ResumerDeps = {
    sfn: {
      send: async (command: { input: { output?: string } }) => {
        if (answer) throw answer;
        sent.push(command.input.output ?? '');
        return {};
      },
    } as unknown as ResumerDeps['sfn'],
    cases: { markDelivered: async (caseId) => void stamps.push(`decision ${caseId}`) },
    quarantines: { markChoiceDelivered: async (caseId) => void stamps.push(`choice ${caseId}`) },
  };
  return { deps, sent, stamps };
}

/** Step Functions' own error, by the name its API reference gives it. */
const stepFunctionsError = (name: string) => Object.assign(new Error(name), { name });

describe('the case lifecycle', () => {
  it('holds the statuses the case record section of ARCHITECTURE.md lists', () => {
    expect(Object.values(CaseStatus).sort()).toEqual(
      ['open', 'awaiting-decision', 'decided', 'quarantined', 'quarantine-tripped', 'closed'].sort(),
    );
  });
});

describe('resumeCase', () => {
  it("records the approvers' decision as delivered once Step Functions took it", async () => {
    // GIVEN a case waiting on a token
    const { deps, sent, stamps } = resumer();
    // WHEN its decision is delivered
    const resumed = await resumeCase(
      deps,
      { caseId: 'c-1', taskToken: 't-1' },
      { wait: 'decision', decision: RELEASE },
    );
    // THEN the workflow got the decision, and the record says so
    expect(resumed).toEqual({ resumed: true });
    expect(sent.map((output) => JSON.parse(output))).toEqual([RELEASE]);
    expect(stamps).toEqual(['decision c-1']);
  });

  it('records a choice after a trip and a release during the watch on the quarantine', async () => {
    const { deps, sent, stamps } = resumer();
    await resumeCase(deps, { caseId: 'c-1', taskToken: 't-1' }, { wait: 'after-trip', decision: RELEASE });
    await resumeCase(
      deps,
      { caseId: 'c-2', taskToken: 't-2' },
      { wait: 'quarantine', verdict: { verdict: 'released', decision: RELEASE } },
    );
    expect(JSON.parse(sent[1]!)).toEqual({ verdict: 'released', decision: RELEASE });
    expect(stamps).toEqual(['choice c-1', 'choice c-2']);
  });

  it("stamps nothing for a watch's own ending, which the watcher recorded before resuming", async () => {
    const { deps, sent, stamps } = resumer();
    await resumeCase(
      deps,
      { caseId: 'c-1', taskToken: 't-1' },
      { wait: 'quarantine', verdict: { verdict: 'silent' } },
    );
    expect(sent).toHaveLength(1);
    expect(stamps).toEqual([]);
  });

  it('records nothing when no workflow waits on the token, and says so', async () => {
    for (const name of ['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']) {
      const { deps, stamps } = resumer(stepFunctionsError(name));
      const resumed = await resumeCase(
        deps,
        { caseId: 'c-1', taskToken: 't-1' },
        { wait: 'decision', decision: RELEASE },
      );
      expect(resumed).toMatchObject({ resumed: false, notWaiting: true, reason: name });
      expect(stamps).toEqual([]);
    }
    const { deps, sent } = resumer();
    expect(await resumeCase(deps, { caseId: 'c-1' }, { wait: 'decision', decision: RELEASE })).toMatchObject({
      resumed: false,
      notWaiting: true,
    });
    expect(sent).toEqual([]);
  });

  it('records nothing when Step Functions fails otherwise, and keeps its error for a retry', async () => {
    // Its negative control: a throttled call is no proof that nothing waits.
    const throttled = stepFunctionsError('ThrottlingException');
    const { deps, stamps } = resumer(throttled);
    const resumed = await resumeCase(
      deps,
      { caseId: 'c-1', taskToken: 't-1' },
      { wait: 'after-trip', decision: RELEASE },
    );
    expect(resumed).toEqual({
      resumed: false,
      notWaiting: false,
      reason: 'ThrottlingException',
      error: throttled,
    });
    expect(stamps).toEqual([]);
  });
});

/** Every .ts file under a folder of the repository, as a path from its root. */
function sources(folder: string): string[] {
  const path = join(ROOT, folder);
  return readdirSync(path).flatMap((name) => {
    const child = join(path, name);
    if (statSync(child).isDirectory()) return sources(relative(ROOT, child));
    return name.endsWith('.ts') ? [relative(ROOT, child)] : [];
  });
}

describe('one lifecycle, one resumer', () => {
  const files = [...sources('lambdas'), ...sources('lib')].filter(
    (file) => !file.startsWith('lib/sim/standins/'),
  );

  it('resumes a waiting workflow in resumer.ts alone', () => {
    const senders = files.filter((file) =>
      readFileSync(join(ROOT, file), 'utf8').includes('SendTaskSuccessCommand'),
    );
    expect(senders).toEqual(['lambdas/commons/case/resumer.ts']);
  });

  it('spells a status in lifecycle.ts alone', () => {
    const statuses = Object.values(CaseStatus).join('|');
    // A status compared with, or assigned to, a case's status (or a condition's placeholder for it).
    const spelled = new RegExp(`(status\\s*(===|!==|:|=)\\s*|':\\w+':\\s*)'(${statuses})'`);
    const spellers = files.filter(
      (file) =>
        file !== 'lambdas/commons/case/lifecycle.ts' && spelled.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(spellers).toEqual([]);
  });
});
