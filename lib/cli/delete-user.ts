import { NotImplementedError } from '../../lambdas/commons/errors';
import type { CommandIo } from './main';

export async function runDeleteUser(..._args: [...unknown[], CommandIo]): Promise<number> {
  throw new NotImplementedError('delete-user is not built yet.');
}
