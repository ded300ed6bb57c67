import { StateMachine } from 'aws-local-stepfunctions';
import { runMachine } from '../../lib/sim/machines';

/**
 * Step Functions weighs a Map's gathered result against its 256 KiB payload limit even when the
 * Map's ResultPath is null (States.DataLimitExceeded; aws/aws-cdk#24799 reports a Distributed Map
 * failing so). The simulator must refuse it as AWS does, or a design that returns each iteration's
 * error from a Distributed Map passes here and fails in production.
 */
async function run(items: number, outputBytes: number) {
  const definition = new StateMachine(
    {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ResultPath: null,
          ItemProcessor: {
            StartAt: 'Work',
            States: {
              Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:w', End: true },
            },
          },
          End: true,
        },
      },
    } as never,
    { validationOptions: { checkArn: false, checkPaths: false } },
  );
  return runMachine(
    definition,
    { items: Array.from({ length: items }, (_, index) => index) },
    {},
    {
      Work: async () => ({ detail: 'x'.repeat(outputBytes) }),
    },
  );
}

describe("a Map's gathered result", () => {
  it('fails the execution over 256 KiB, though ResultPath drops it and every state is small', async () => {
    // 300 iterations of about 1 KB: each state's payload is small, their array is not.
    const { error } = await run(300, 1000);
    expect(error).toMatch(
      /^States\.DataLimitExceeded: the result its iterations returned to Map state Each is \d+ bytes/,
    );
  });

  it('passes under the limit', async () => {
    const { error, output } = await run(100, 1000);
    expect(error).toBeUndefined();
    expect(output).toEqual({ items: expect.any(Array) });
  });
});
