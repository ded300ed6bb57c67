// Writes a large-account scenario: npx tsx examples/generate-account.ts [users] [inactiveFraction] > big.json
// then: npx iam-janitor simulate --scenario big.json
import { generateScenario } from '../lib/sim/generate';

const [users = '5000', inactiveFraction = '0.1'] = process.argv.slice(2);
process.stdout.write(
  `${JSON.stringify(generateScenario({ users: Number(users), inactiveFraction: Number(inactiveFraction) }), null, 1)}\n`,
);
