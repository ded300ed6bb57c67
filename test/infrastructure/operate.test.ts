import { lambdaRows, lambdaSection, LAMBDA_SECTION } from '../../lib/docs/lambda-table';
import { LAMBDA_NAMES } from '../../lib/infra/lambdas';
import { currentSection } from '../../lib/readme-section';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { CONFIG_KEYS } from '../../lambdas/commons/config/config';
import { diagramSection, readmeSection } from '../../lib/diagram/mermaid';
import { configRows, configSection, readmeConfigSection } from '../../lib/docs/config-table';
import { synthStack } from '../helpers/stack';

describe('the README diagram', () => {
  it('is the one npm run diagram generates from the ASL files', () => {
    // WHEN this fails: run `npm run diagram` and commit the README.
    expect(readmeSection()).toBe(diagramSection());
  });

  it('shows every state of every machine, the states inside a Map included', () => {
    const dir = path.join(__dirname, '..', '..', 'statemachine');
    type Definition = { States: Record<string, { ItemProcessor?: Definition; Iterator?: Definition }> };
    const names = (definition: Definition): string[] =>
      Object.entries(definition.States).flatMap(([name, state]) => [
        name,
        ...[state.ItemProcessor, state.Iterator].flatMap((inner) => (inner ? names(inner) : [])),
      ]);
    const files = fs.readdirSync(dir).filter((file) => file.endsWith('.asl.json'));
    // The organization sweep too: a machine added later is drawn or this fails.
    expect(files.sort()).toEqual(['case.asl.json', 'organization-sweep.asl.json', 'sweep.asl.json']);
    for (const file of files) {
      const definition = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Definition;
      for (const state of names(definition))
        expect({ file, state, drawn: diagramSection().includes(`"${state}`) }).toEqual({
          file,
          state,
          drawn: true,
        });
    }
  });

  it('notices a README that no longer matches', () => {
    const stale = fs
      .readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8')
      .replace('case_Act -->', 'case_Act -.->');
    expect(readmeSection(stale)).not.toBe(diagramSection());
  });
});

describe('the README functions table', () => {
  it('is the one npm run docs generates from lib/infra/lambdas.ts, the declarations the stack builds from', () => {
    // WHEN this fails: run `npm run docs` and commit the README.
    expect(currentSection(LAMBDA_SECTION)).toBe(lambdaSection());
    // One row per function, the organization's included, with what its declaration grants.
    expect(lambdaRows().map(([name]) => name)).toEqual(LAMBDA_NAMES.map((name) => `\`${name}\``));
    const act = lambdaRows().find(([name]) => name === '`act`')!;
    expect(act[6]).toBe(
      'IAM and CloudTrail (account mode); the member remover role (organization mode); Organizations reads (organization mode)',
    );
    // What starts each function besides its Task states, as declared.
    const row = (name: string) => lambdaRows().find(([cell]) => cell === `\`${name}\``)!;
    expect(row('watch-quarantine')[2]).toBe('schedule rate(1 day)');
    expect(row('summary')[2]).toBe('schedule `summarySchedule`');
    expect(row('slack-interactions')[2]).toBe('Function URL (output `SlackInteractionsUrl`)');
    expect(row('inventory')[2]).toBe('Task states (Sweep, OrganizationSweep)');
  });
});

describe('the README config reference', () => {
  it('is the one npm run docs generates from the schema and lib/docs/config-docs.ts', () => {
    // WHEN this fails: run `npm run docs` and commit the README.
    expect(readmeConfigSection()).toBe(configSection());
  });

  it('has a row for every key of the schema, with the default the schema applies', () => {
    expect(configRows().map(([key]) => key)).toEqual(CONFIG_KEYS.map((key) => `\`${key}\``));
    const row = (key: string) => configRows().find(([name]) => name === `\`${key}\``)!;
    expect(row('thresholdDays')[1]).toBe('`45`');
    expect(row('exemptUserNames')[1]).toBe('`[]`');
    expect(row('slackChannelId')[1]).toBe('required');
  });

  it('notices a README whose table no longer matches', () => {
    const stale = fs
      .readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8')
      .replace(/(\| `keepDays`\s+\| )`90`/, '$1`30`');
    expect(stale).not.toBe(fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8'));
    expect(readmeConfigSection(stale)).not.toBe(configSection());
  });
});

describe('slack-app-manifest.yaml', () => {
  const manifest = parse(
    fs.readFileSync(path.join(__dirname, '..', '..', 'slack-app-manifest.yaml'), 'utf8'),
  ) as {
    oauth_config: { scopes: { bot: string[] } };
    settings: { interactivity: { is_enabled: boolean; request_url: string } };
    features: { bot_user: { display_name: string } };
  };

  it('asks for exactly the bot scope iam-janitor uses', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(['chat:write', 'users:read', 'users:read.email']);
  });

  it('turns interactivity on, with the stack output as the request URL placeholder', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toContain('SlackInteractionsUrl');
  });

  it('has a bot user', () => {
    expect(manifest.features.bot_user.display_name).toBe('iam-janitor');
  });
});

describe('observability in the template', () => {
  const { template } = synthStack();

  it.each([
    ['GuardHalts', 1],
    ['FailedOutcomes', 1],
    ['RejectedSlackRequests', 20],
  ])('alarms on the %s metric', (metricName, threshold) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'IamJanitor',
      MetricName: metricName,
      Dimensions: [{ Name: 'service', Value: 'iam-janitor' }],
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('has a dashboard with the sweep, decisions, outcomes and problems', () => {
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(Object.values(dashboards)[0]);
    for (const title of ['Sweep', 'Decisions', 'Outcomes', 'Problems', 'Alarms'])
      expect(body).toContain(`\\"title\\":\\"${title}\\"`);
    // Every button an approver can click has its line, a credential case's Deactivate included.
    for (const decision of ['delete', 'disable', 'keep', 'deactivate', 'release'])
      expect(body).toContain(`\\"decision\\",\\"${decision}\\"`);
  });

  it('has no alarm topic unless alarmEmail is set', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes alarmEmail to every alarm when set', () => {
    const { template: withEmail } = synthStack({ alarmEmail: 'security@example.com' });
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security@example.com',
    });
    const alarms = Object.values(withEmail.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBe(8);
    // A quarantine that trips is an alarm: someone tried a credential that was meant to be dead.
    expect(JSON.stringify(alarms)).toContain('"MetricName":"QuarantineTrips"');
    for (const alarm of alarms)
      expect(JSON.stringify(alarm.Properties.AlarmActions)).toMatch(
        /^\[\{"Ref":"IamJanitorAlarmTopic\w+"\}\]$/,
      );
    // doctor finds the topic through this output, to see that the subscription was confirmed.
    withEmail.hasOutput('AlarmTopicArn', { Value: { Ref: Match.stringLikeRegexp('^IamJanitorAlarmTopic') } });
    expect(template.toJSON().Outputs.AlarmTopicArn).toBeUndefined();
  });
});
