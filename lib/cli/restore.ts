import { NotImplementedError } from '../../lambdas/commons/errors';
import type { CommandIo } from './main';

export async function runRestore(..._args: [...unknown[], CommandIo]): Promise<number> {
  throw new NotImplementedError('restore is not built yet.');
}
