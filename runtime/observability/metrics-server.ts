// The small HTTP server every long-running process runs: /metrics (Prometheus text from
// prom-client), /healthz (the process is serving), /readyz (it is doing its job: a
// publisher has its segment, a consumer is attached). Port 0 turns it off.
import http from 'node:http';
import type { Registry } from 'prom-client';
import { closeHttp, listenHttp } from '../service/http-listen.ts';
import type { Logger } from './logger.ts';

export interface MetricsServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  /** Why the process is not ready, or undefined when it is. */
  notReadyReason: () => string | undefined;
  logger: Logger;
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer | undefined> {
  if (options.port === 0) return undefined;
  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply(response, 405, 'method not allowed\n');
    } else if (url === '/metrics') {
      options.registry.metrics().then(
        (text) => reply(response, 200, text, options.registry.contentType),
        (error: unknown) => reply(response, 500, `${(error as Error).message}\n`),
      );
    } else if (url === '/healthz') {
      reply(response, 200, 'ok\n');
    } else if (url === '/readyz') {
      const reason = options.notReadyReason();
      reply(response, reason === undefined ? 200 : 503, reason === undefined ? 'ready\n' : `not ready: ${reason}\n`);
    } else {
      reply(response, 404, 'not found: try /metrics, /healthz, /readyz\n');
    }
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '0.0.0.0';
  const port = await listenHttp(server, { what: 'metrics', host, port: options.port, portOption: '--metrics-port', zeroMeans: 'no metrics server' });
  options.logger.info({ port }, 'metrics server listening');
  return { port, close: () => closeHttp(server) };
}

function reply(response: http.ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
