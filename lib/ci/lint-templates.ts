import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { configFromContext } from '../../lambdas/commons/config/config';
import type { IamJanitorProps } from '../infra/iam-janitor';
import { IamJanitorStack } from '../infra/iam-janitor-stack';

/**
 * Every template iam-janitor deploys, linted by cfn-lint (AWS's CloudFormation linter, which nobody
 * here wrote) where the machine has it: the stack in account mode, the hub stack in organization
 * mode, and the member template that the hub's StackSet deploys in every member account. Run by
 * `.ci/run` (`npx tsx lib/ci/lint-templates.ts`); it exits 1 on any finding not ignored below, and
 * says plainly, exiting 0, when cfn-lint is not installed (`pip install cfn-lint`).
 */

/** The rules not applied, each with its reason. Anything else cfn-lint reports fails the run. */
export const IGNORED_RULES: Record<string, string> = {
  W3005:
    "CDK makes each Lambda function and state machine DependsOn its role and the role's default " +
    'policy, beside the GetAtt of the role that already implies the first, so that the grants ' +
    "exist before the resource does. The repetition is harmless, and CDK's to write.",
};

/** One finding as `cfn-lint --format json` prints it. */
export interface Finding {
  readonly Level: string;
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: readonly (string | number)[] };
}

/** Single findings of a rule that is applied everywhere else, each known wrong, with its reason. */
export const IGNORED_FINDINGS: readonly {
  readonly rule: string;
  readonly reason: string;
  readonly applies: (finding: Finding, template: unknown) => boolean;
}[] = [
  {
    rule: 'E3601',
    reason:
      'InputPath or OutputPath on a Succeed state: the States Language allows both in every state ' +
      "but Fail (AWS's common state fields; CDK's Succeed takes both), and cfn-lint 1.51's schema " +
      "has them the wrong way round (allowed in Fail, refused in Succeed). The sweeps' " +
      'AlreadyStarted returns the subject id alone that way.',
    applies: (finding, template) =>
      /^Additional properties are not allowed \('(InputPath|OutputPath)' was unexpected\)/.test(
        finding.Message,
      ) && stateAt(template, finding.Location.Path)?.Type === 'Succeed',
  },
];

/**
 * The state a finding's path points into: the path runs through the resource's DefinitionString
 * (a JSON text, parsed here) to `States/<name>/<field>`.
 */
function stateAt(template: unknown, where: readonly (string | number)[]): { Type?: unknown } | undefined {
  const definitionAt = where.indexOf('DefinitionString');
  if (definitionAt < 0) return undefined;
  let node: unknown = template;
  for (const step of where.slice(0, definitionAt + 1)) node = (node as Record<string, unknown>)?.[step];
  if (typeof node !== 'string') return undefined;
  node = JSON.parse(node);
  for (const step of where.slice(definitionAt + 1, -1)) node = (node as Record<string, unknown>)?.[step];
  return node as { Type?: unknown } | undefined;
}

const ROOT = path.join(__dirname, '..', '..');

interface Linted {
  readonly name: string;
  readonly template: unknown;
}

/** The stack as `cdk synth` makes it from cdk.json's context, in the deployment mode asked for. */
function synthesized(deploymentMode: 'account' | 'organization'): Record<string, unknown> {
  const { context } = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  // Bundling skipped: a Lambda's code is an asset the template only points to.
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new IamJanitorStack(app, 'IamJanitor', {
    config: { ...configFromContext(context), deploymentMode } as unknown as IamJanitorProps,
  });
  return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
}

/** The member template as the hub deploys it: the TemplateBody of its StackSet. */
function memberTemplate(hub: Record<string, unknown>): unknown {
  const resources = Object.values(hub.Resources as Record<string, { Type: string; Properties: unknown }>);
  const stackSet = resources.find((resource) => resource.Type === 'AWS::CloudFormation::StackSet');
  const body = (stackSet?.Properties as { TemplateBody?: unknown } | undefined)?.TemplateBody;
  if (typeof body !== 'string') throw new Error('the hub stack has no StackSet with a TemplateBody');
  return JSON.parse(body);
}

export function templates(): Linted[] {
  const hub = synthesized('organization');
  return [
    { name: 'account stack', template: synthesized('account') },
    { name: 'organization hub stack', template: hub },
    { name: 'StackSet member template', template: memberTemplate(hub) },
  ];
}

/** cfn-lint's findings in one template that no entry above accounts for. */
export function lint(file: string, template: unknown): Finding[] {
  const ignore = Object.keys(IGNORED_RULES).flatMap((rule) => ['--ignore-checks', rule]);
  const run = spawnSync('cfn-lint', ['--format', 'json', ...ignore, '--', file], { encoding: 'utf8' });
  if (run.error) throw run.error;
  let findings: Finding[];
  try {
    findings = JSON.parse(run.stdout || '[]') as Finding[];
  } catch {
    throw new Error(`cfn-lint did not answer in JSON (exit ${run.status}): ${run.stdout}${run.stderr}`);
  }
  return findings.filter(
    (finding) =>
      !IGNORED_FINDINGS.some((known) => known.rule === finding.Rule.Id && known.applies(finding, template)),
  );
}

function cfnLintVersion(): string | undefined {
  const run = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return run.error || run.status !== 0 ? undefined : run.stdout.trim();
}

function main(): number {
  const version = cfnLintVersion();
  if (!version) {
    console.log(
      'cfn-lint is not installed: the templates were NOT linted (pip install cfn-lint to lint them).',
    );
    return 0;
  }
  console.log(`${version}; ignored, each for its reason:`);
  for (const [rule, reason] of Object.entries(IGNORED_RULES)) console.log(`  ${rule} (the rule): ${reason}`);
  for (const { rule, reason } of IGNORED_FINDINGS) console.log(`  ${rule} (one finding): ${reason}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-janitor-templates-'));
  let failed = 0;
  for (const { name, template } of templates()) {
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(template, null, 1));
    const findings = lint(file, template);
    console.log(`${findings.length > 0 ? 'FAIL' : 'ok  '} ${name}`);
    for (const finding of findings)
      console.log(`  ${finding.Rule.Id} ${finding.Message} (${finding.Location.Path.join('/')})`);
    if (findings.length > 0) failed++;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return failed === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main());
