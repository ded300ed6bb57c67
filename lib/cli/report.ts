import { NotImplementedError } from '../../lambdas/commons/errors';
import type { CommandIo } from './main';

export async function runReport(..._args: [...unknown[], CommandIo]): Promise<number> {
  throw new NotImplementedError('report is not built yet.');
}
