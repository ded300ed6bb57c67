/**
 * What a Lambda container keeps between invocations (clients, credential providers, caches), made
 * on first use and dropped together by resetClients, so that tests and the simulator can point
 * the next call at other endpoints.
 */
const resets: (() => void)[] = [];

/** A cache kept in another module, dropped with the clients (account-client.ts). */
export const onReset = (reset: () => void): number => resets.push(reset);

/** One instance per container, made on first use. */
export function once<T>(create: () => T): () => T {
  let instance: T | undefined;
  resets.push(() => (instance = undefined));
  return () => (instance ??= create());
}

/** Drops every cached client, so that the next call reads the settings again (tests, simulator). */
export function resetClients(): void {
  for (const reset of resets) reset();
}
