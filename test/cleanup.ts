import { Simulation } from '../lib/sim/engine';

// A test that fails before its sim.stop() must not leave stand-ins, DynamoDB or timers behind for the
// next test, or keep the worker from exiting: whatever is still running is stopped after each test.
afterEach(async () => {
  await Promise.all([...Simulation.running].map((sim) => sim.stop()));
});
