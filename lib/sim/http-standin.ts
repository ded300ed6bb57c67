import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny HTTP server for the Slack and Jira stand-ins: routes, JSON bodies, optional latency. */
export abstract class HttpStandin {
  private server?: http.Server;
  latencyMs = 0;

  protected abstract route(
    method: string,
    url: URL,
    body: string,
    headers: http.IncomingHttpHeaders,
  ): Promise<{ status: number; body: unknown }>;

  async start(): Promise<string> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void (async () => {
          if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
          const url = new URL(request.url ?? '/', 'http://127.0.0.1');
          try {
            const result = await this.route(
              request.method ?? 'GET',
              url,
              Buffer.concat(chunks).toString('utf8'),
              request.headers,
            );
            response.writeHead(result.status, { 'content-type': 'application/json' });
            response.end(result.body === undefined ? '' : JSON.stringify(result.body));
          } catch (error) {
            response.writeHead(500, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ error: String(error) }));
          }
        })();
      });
    });
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

/** Parses a Slack Web API body, which clients send as form fields (JSON-encoding nested values) or as JSON. */
export function parseSlackBody(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(body || '{}') as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    fields[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return fields;
}
