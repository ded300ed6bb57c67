import { NotImplementedError } from '../../lambdas/commons/errors';
import type { CommandIo } from './main';

export async function runSimulate(..._args: [...unknown[], CommandIo]): Promise<number> {
  throw new NotImplementedError('simulate is not built yet.');
}
