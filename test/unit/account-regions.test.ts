import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { emptyAccount } from '../../lib/sim/account';
import { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { enabledRegions } from '../../lambdas/watch-quarantine/regions';

/** The Account API stand-in, as strict as ListRegions' reference: MaxResults 1 to 50, NextToken, statuses. */
describe('the ListRegions stand-in and the watcher reading it', () => {
  const account = emptyAccount();
  account.regions = [
    ...Array.from({ length: 60 }, (_, index) => ({
      name: `us-test-${index + 1}`,
      status: 'ENABLED_BY_DEFAULT' as const,
    })),
    { name: 'me-south-1', status: 'ENABLED' },
    { name: 'af-south-1', status: 'DISABLED' },
    { name: 'ap-east-1', status: 'ENABLING' },
  ];
  const standin = new AwsStandin(account);
  let client: AccountClient;
  beforeAll(async () => {
    const endpoint = await standin.start();
    client = new AccountClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIATESTSTANDIN00000', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await standin.stop();
  });

  it('reads every enabled region across pages, none disabled, and the ones being switched apart', async () => {
    const { enabled, changing } = await enabledRegions(client);
    expect(enabled).toHaveLength(61);
    expect(enabled).toContain('me-south-1');
    expect(enabled).not.toContain('af-south-1');
    expect(changing).toEqual(['ap-east-1']);
    // 62 regions at 50 a page: two calls, the second with the first's NextToken
    expect(standin.callsOf('ListRegions')).toHaveLength(2);
  });

  it('refuses MaxResults above 50, as the reference bounds it', async () => {
    await expect(client.send(new ListRegionsCommand({ MaxResults: 51 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});
