import { CASE_STATE_KEYS } from '../../lambdas/commons/case-state';
import { runMachine } from '../../lib/sim/machines';
import {
  aslText,
  functionArnPlaceholder,
  substitutionsFor,
  tasksOf,
  WORKFLOW,
  type MachineKey,
} from '../../lib/infra/workflow';
import * as fs from 'node:fs';
import * as path from 'node:path';
import aslValidator from 'asl-validator';

const LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

function load(name: string): Record<string, unknown> {
  return JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '..', 'statemachine', `${name}.asl.json`), 'utf8'),
  );
}

type State = {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string };
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
};

function allStates(definition: {
  States: Record<string, State & { ItemProcessor?: { States: Record<string, State> } }>;
}) {
  const states: [string, State][] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    states.push([name, state]);
    if (state.ItemProcessor) states.push(...Object.entries(state.ItemProcessor.States));
  }
  return states;
}

describe.each(['sweep', 'organization-sweep', 'case'])('statemachine/%s.asl.json', (name) => {
  const definition = load(name);

  it('passes asl-validator', () => {
    const result = aslValidator(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('fails asl-validator once a Next dangles', () => {
    // GIVEN a copy whose first state points to a state that does not exist
    const broken = structuredClone(definition) as {
      StartAt: string;
      States: Record<string, { Next?: string }>;
    };
    const first = Object.values(broken.States).find((state) => state.Next)!;
    first.Next = 'NoSuchState';
    expect(aslValidator(broken).isValid).toBe(false);
  });

  it('retries every Lambda task on Lambda service errors and catches the rest', () => {
    const lambdaTasks = allStates(definition as never).filter(
      // Service integrations (starting a case, reading its candidate) are not Lambda tasks.
      ([, state]) =>
        state.Type === 'Task' && !/^arn:aws:states:::(states|dynamodb):/.test(state.Resource ?? ''),
    );
    expect(lambdaTasks.length).toBeGreaterThan(0);
    for (const [stateName, state] of lambdaTasks) {
      const retried = (state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
      expect({ stateName, retried: LAMBDA_ERRORS.filter((error) => retried.includes(error)) }).toEqual({
        stateName,
        retried: LAMBDA_ERRORS,
      });
      const caught = (state.Catch ?? []).flatMap((catcher) => catcher.ErrorEquals);
      expect({ stateName, catchesAll: caught.includes('States.ALL') }).toEqual({
        stateName,
        catchesAll: true,
      });
    }
  });
});

describe('case machine', () => {
  const definition = load('case') as {
    States: Record<string, State & { TimeoutSecondsPath?: string; Next?: string }>;
  };

  it('waits for the approval with a task token and a timeout that ends the case expired', () => {
    const request = definition.States.RequestApproval!;
    expect(request.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(request.TimeoutSecondsPath).toBeDefined();
    expect(request.Catch![0]).toMatchObject({ ErrorEquals: ['States.Timeout'], Next: 'Expired' });
    expect(definition.States.Expired).toMatchObject({
      Type: 'Pass',
      Result: 'expired',
      Next: 'RecordOutcome',
    });
  });

  it('sends every failure to RecordOutcome with the outcome failed', () => {
    // The one exception: the trip's Jira comment is best effort, and the approvers are asked whatever Jira does.
    const bestEffort: Record<string, string> = { CommentTrip: 'AskAfterTrip' };
    for (const [name, state] of allStates(definition as never)) {
      const catchAll = state.Catch?.find((catcher) => catcher.ErrorEquals.includes('States.ALL'));
      if (catchAll && catchAll.Next !== 'RecordingFailed')
        expect(catchAll.Next).toBe(bestEffort[name] ?? 'RecordFailure');
    }
    expect(definition.States.RecordFailure).toMatchObject({
      Type: 'Pass',
      Result: 'failed',
      Next: 'RecordOutcome',
    });
  });
});

describe('the workflow registry', () => {
  it.each(Object.keys(WORKFLOW) as MachineKey[])(
    'binds every placeholder and every Lambda Task state of the %s machine, and nothing else',
    (machine) => {
      const text = aslText(machine);
      const placeholders = [...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]).sort();
      const substitutions = substitutionsFor(
        machine,
        (name) => `fn:${name}`,
        (other) => `sm:${other}`,
        'table',
      );
      expect(Object.keys(substitutions).sort()).toEqual([...new Set(placeholders)]);
      const definition = JSON.parse(text) as Parameters<typeof allStates>[0];
      const states = new Map(allStates(definition));
      const lambdaTasks = [...states.entries()]
        .filter(([, state]) =>
          /FunctionArn/.test(`${state.Resource ?? ''}${state.Parameters?.FunctionName ?? ''}`),
        )
        .map(([name]) => name)
        .sort();
      expect(
        tasksOf(machine)
          .map(([state]) => state)
          .sort(),
      ).toEqual(lambdaTasks);
      for (const [state, lambdaName] of tasksOf(machine)) {
        const bound = states.get(state)!;
        expect(`${bound.Resource}${bound.Parameters?.FunctionName ?? ''}`).toContain(
          `\${${functionArnPlaceholder(lambdaName)}}`,
        );
      }
    },
  );
});

describe('the offline engine, as strict as Step Functions on payloads', () => {
  it('fails an execution whose state output passes 256 KB (States.DataLimitExceeded)', async () => {
    const { StateMachine } = await import('aws-local-stepfunctions');
    const machine = new StateMachine(
      {
        StartAt: 'Big',
        States: {
          Big: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:big',
            Next: 'After',
          },
          After: { Type: 'Pass', End: true },
        },
      } as never,
      { validationOptions: { checkArn: false, checkPaths: false } },
    );
    const run = (bytes: number) =>
      runMachine(machine, {}, {}, { Big: async () => ({ blob: 'x'.repeat(bytes) }) });
    // 256 KB is 262,144 bytes; the JSON around the blob adds 11: exactly at the limit passes.
    expect((await run(262_144 - 11)).error).toBeUndefined();
    const over = await run(262_144 - 10);
    expect(over.error).toMatch(/^States\.DataLimitExceeded: the output of state Big is 262145 bytes/);
    expect(over.output).toBeNull();
  });
});

describe("the case machine's state document", () => {
  it('puts every step result at a key of CaseState, and every key but the input is written by some step', () => {
    // The paths as the ASL writes them, read from the file itself: the Catch ResultPaths included.
    const text = fs.readFileSync(path.join(__dirname, '..', '..', 'statemachine', 'case.asl.json'), 'utf8');
    const written = new Set([...text.matchAll(/"ResultPath":\s*"\$\.(\w+)"/g)].map((match) => match[1]));
    expect([...written].sort()).toEqual(CASE_STATE_KEYS.filter((key) => key !== 'candidate').sort());
    // RecordOutcome gets the whole document.
    expect(text).toContain('"state.$": "$"');
  });
});
