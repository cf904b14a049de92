// The trader's admin port: GET /state, POST /kill (halt now: new orders refused, open orders
// canceled) and POST /reset (an operator lifts a halt). Every request must carry the admin
// token as `Authorization: Bearer <token>`; anything else is answered 401 and logged with the
// peer's address. Bodies are small JSON objects (at most 4 KiB). Listens on 127.0.0.1 unless
// told otherwise: the token is the guard, the address a second one.
import http from 'node:http';
import type { Logger } from '../observability/logger.ts';
import { closeHttp, listenHttp } from '../service/http-listen.ts';
import { tokenMatches } from './admin-token.ts';

const MAX_BODY_BYTES = 4096;
/** The trader's admin port when not told (the FIX order entry is 9878, the TCP feed 9000). */
export const DEFAULT_ADMIN_PORT = 9879;

/** What the admin port acts on (the kill switch and the trader's state). */
export interface AdminActions {
  state(): Record<string, unknown>;
  kill(reason: string): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Throws an Error whose message says why a reset cannot be done (e.g. not halted). */
  reset(operator: string): Record<string, unknown>;
}

export interface AdminServerOptions {
  port: number;
  host?: string;
  token: string;
  actions: AdminActions;
  logger: Logger;
}

export interface AdminServer {
  readonly port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const log = options.logger.child({ component: 'admin' });
  const server = http.createServer((request, response) => {
    handle(request, options, log).then(
      (body) => reply(response, 200, body),
      (error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        if (status === 401) response.setHeader('www-authenticate', 'Bearer');
        reply(response, status, { error: (error as Error).message });
      },
    );
  });
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  const host = options.host ?? '127.0.0.1';
  const port = await listenHttp(server, { what: 'admin', host, port: options.port, portOption: '--admin-port', zeroMeans: 'any free port' });
  log.info({ host, port }, 'admin port listening');
  return { port, close: () => closeHttp(server) };
}

async function handle(request: http.IncomingMessage, options: AdminServerOptions, log: Logger): Promise<Record<string, unknown>> {
  const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
  const route = `${request.method} ${(request.url ?? '/').split('?')[0]}`;
  const authorization = request.headers.authorization ?? '';
  const presented = authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
  if (!tokenMatches(options.token, presented)) {
    log.warn({ peer, route, reason: presented === '' ? 'no token' : 'wrong token' }, 'admin request refused');
    throw new HttpError(401, 'a valid admin token is required (Authorization: Bearer …)');
  }
  const body = await readJson(request);
  switch (route) {
    case 'GET /state':
      return options.actions.state();
    case 'POST /kill': {
      const reason = typeof body.reason === 'string' && body.reason !== '' ? body.reason : 'manual';
      log.warn({ peer, reason }, 'kill requested on the admin port');
      return options.actions.kill(reason);
    }
    case 'POST /reset': {
      if (typeof body.operator !== 'string' || body.operator.trim() === '') throw new HttpError(400, 'a reset must name its operator: {"operator": "…"}');
      log.warn({ peer, operator: body.operator }, 'reset requested on the admin port');
      try {
        return options.actions.reset(body.operator.trim());
      } catch (error) {
        throw new HttpError(409, (error as Error).message);
      }
    }
    default:
      throw new HttpError(['/state', '/kill', '/reset'].some((path) => route.endsWith(` ${path}`)) ? 405 : 404, `no ${route}: try GET /state, POST /kill, POST /reset`);
  }
}

function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        reject(new HttpError(413, `a request body is at most ${MAX_BODY_BYTES} bytes`));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({});
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
        resolve(value as Record<string, unknown>);
      } catch {
        reject(new HttpError(400, 'the body must be a JSON object'));
      }
    });
  });
}

function reply(response: http.ServerResponse, status: number, body: Record<string, unknown>): void {
  if (response.headersSent || response.destroyed) return;
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
