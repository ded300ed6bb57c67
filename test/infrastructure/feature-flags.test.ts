import * as fs from 'node:fs';
import * as path from 'node:path';
import { CURRENTLY_RECOMMENDED_FLAGS, CURRENT_VERSION_FLAG_DEFAULTS } from 'aws-cdk-lib/cx-api';

/**
 * `cdk synth` warns "N feature flags are not configured" for every flag whose behaviour, left
 * unset, differs from CDK's recommendation, and the CLI has no setting to silence it
 * (aws/aws-cdk-cli#913). cdk.json pins each such flag to the behaviour it has unset (written by
 * `cdk flags --unstable=flags --set --unconfigured --default`, which reported no template
 * difference), so the warning is gone and an upgrade of aws-cdk-lib changes no resource silently.
 */
describe('cdk.json', () => {
  it('configures every feature flag whose unset behaviour differs from the recommended one', () => {
    const context = (
      JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
        context: Record<string, unknown>;
      }
    ).context;
    const defaults = CURRENT_VERSION_FLAG_DEFAULTS as Record<string, unknown>;
    const needsAttention = Object.entries(CURRENTLY_RECOMMENDED_FLAGS as Record<string, unknown>)
      .filter(([flag, recommended]) => JSON.stringify(defaults[flag]) !== JSON.stringify(recommended))
      .map(([flag]) => flag);
    expect(needsAttention.length).toBeGreaterThan(0);
    expect(needsAttention.filter((flag) => !(flag in context))).toEqual([]);
  });
});
