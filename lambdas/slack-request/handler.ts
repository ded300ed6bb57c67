import { z } from 'zod';
import { NotImplementedError } from '../commons/errors';

const eventSchema = z.object({});

export async function handler(event: unknown): Promise<never> {
  eventSchema.parse(event);
  throw new NotImplementedError('The slack-request Lambda is not built yet.');
}
