import { IGNORED_FINDINGS, IGNORED_RULES, type Finding } from '../../lib/ci/lint-templates';

/**
 * `.ci/run` fails on any cfn-lint finding but those it ignores, each with its reason: a rule
 * ignored whole, or one finding known wrong, which must not hide the same rule's true findings.
 */
const succeedOutputPath = IGNORED_FINDINGS.find((known) => known.rule === 'E3601')!;

/** A template holding one state machine whose Map iteration ends in `state`, as CDK writes it. */
function templateWith(state: Record<string, unknown>): unknown {
  const definition = {
    StartAt: 'StartCases',
    States: {
      StartCases: {
        Type: 'Map',
        ItemProcessor: { StartAt: 'AlreadyStarted', States: { AlreadyStarted: state } },
        End: true,
      },
    },
  };
  return {
    Resources: {
      Sweep: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { DefinitionString: JSON.stringify(definition) },
      },
    },
  };
}

/** The finding as cfn-lint 1.x prints it for an unexpected field of that state. */
const finding = (field: string): Finding => ({
  Level: 'Error',
  Message: `Additional properties are not allowed ('${field}' was unexpected) at 'States/StartCases/ItemProcessor/States/AlreadyStarted/${field}'`,
  Rule: { Id: 'E3601' },
  Location: {
    Path: [
      'Resources',
      'Sweep',
      'Properties',
      'DefinitionString',
      'States',
      'StartCases',
      'ItemProcessor',
      'States',
      'AlreadyStarted',
      field,
    ],
  },
});

describe('the cfn-lint findings .ci/run ignores', () => {
  it('each say why', () => {
    for (const reason of [...Object.values(IGNORED_RULES), ...IGNORED_FINDINGS.map((known) => known.reason)])
      expect(reason.length).toBeGreaterThan(80);
  });

  it('take OutputPath and InputPath on a Succeed state, which the States Language allows', () => {
    const template = templateWith({ Type: 'Succeed', OutputPath: '$.ref.subjectId' });
    expect(succeedOutputPath.applies(finding('OutputPath'), template)).toBe(true);
    expect(succeedOutputPath.applies(finding('InputPath'), template)).toBe(true);
  });

  it('keep the same finding on a Fail state, which allows neither', () => {
    const template = templateWith({ Type: 'Fail', Error: 'Failed', OutputPath: '$.ref.subjectId' });
    expect(succeedOutputPath.applies(finding('OutputPath'), template)).toBe(false);
  });

  it('keep any other field a Succeed state does not allow', () => {
    const template = templateWith({ Type: 'Succeed', ResultPath: null });
    expect(succeedOutputPath.applies(finding('ResultPath'), template)).toBe(false);
  });
});
