import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type * as v from 'valibot';
import { logger, metrics } from './observability';
import { parseAs } from './validate';

/**
 * The one wrapper of every Task handler: the event is parsed with its schema before anything runs
 * (a malformed event fails at once, naming the field), the invocation gets a child logger keyed by
 * what the event names (never the event itself, which can carry task tokens) and by the Lambda
 * context (request id, function, cold start), as Powertools' injectLambdaContext adds it, and
 * stored metrics are flushed once at the end, whatever happens.
 */
export function taskHandler<Schema extends v.GenericSchema, Result>(
  schema: Schema,
  keys: (event: v.InferOutput<Schema>) => Record<string, string>,
  body: (event: v.InferOutput<Schema>, log: Logger) => Promise<Result>,
): (event: unknown, context?: Context) => Promise<Result> {
  return async (raw, context) => {
    const event = parseAs(schema, raw, context ? `${context.functionName} event` : 'event');
    // A child logger per invocation: keys never leak from one case to the next.
    const log = logger.createChild({ persistentKeys: keys(event) });
    if (context) log.addContext(context);
    try {
      return await body(event, log);
    } finally {
      // Only what is left: a handler that flushed its own (or stored none) adds no empty-metrics warning.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
