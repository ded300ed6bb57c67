import { setTimeout as sleep } from 'node:timers/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server on a free loopback port, the base of every stand-in. */
export abstract class LoopbackServer {
  private server?: http.Server;

  protected abstract handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void>;

  async start(): Promise<string> {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('stand-in not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }
}

export async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The Slack and Jira stand-ins: routes answering JSON, with optional latency. */
export abstract class HttpStandin extends LoopbackServer {
  latencyMs = 0;

  protected abstract route(
    method: string,
    url: URL,
    body: string,
    headers: http.IncomingHttpHeaders,
  ): Promise<{ status: number; body: unknown }>;

  protected async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (this.latencyMs) await sleep(this.latencyMs);
    try {
      const result = await this.route(
        request.method ?? 'GET',
        new URL(request.url ?? '/', 'http://127.0.0.1'),
        body,
        request.headers,
      );
      response.writeHead(result.status, { 'content-type': 'application/json' });
      response.end(result.body === undefined ? '' : JSON.stringify(result.body));
    } catch (error) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: String(error) }));
    }
  }
}

/** Parses a Slack Web API body, which clients send as form fields (JSON-encoding nested values) or as JSON. */
export function parseSlackBody(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(body || '{}') as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    fields[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return fields;
}
