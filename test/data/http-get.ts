// GETs one whole response body into memory over node:http / node:https (the data files are
// at most a few MB). Not fetch(): undici's parser asserts and kills the process when a server
// closes the connection while a body is paused under backpressure (nodejs/undici#5360), which
// Python's http.server (HTTP/1.0) did on every run. Node's own HTTP client reads a body framed
// by Content-Length, chunked or ended by the close, and reports a body cut short as an error;
// the byte count is checked against Content-Length all the same. The global agents are used,
// so NODE_USE_ENV_PROXY=1 with HTTPS_PROXY works as it does for fetch.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as sent (decoded if the server compressed it); empty unless the status is 200. */
  body: Buffer;
  /** false when the body had no length and ended with the connection: a cut is then indistinguishable from the end. */
  framed: boolean;
}

/** No answer at all: no connection, or it failed before a status line (DNS, refused, reset, timeout). */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
}

/** An answer that started but did not arrive whole: its body cut short, too large, or undecodable. */
export class IncompleteAnswerError extends Error {
  override name = 'IncompleteAnswerError';
}

export async function httpGet(url: string, options: { timeoutMs: number; maxBytes: number }): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let current = new URL(url);
  for (let redirects = 0; ; redirects++) {
    const response = await request(current, signal, options.timeoutMs);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) return await answer(response, signal, options);
    response.resume();
    if (redirects === MAX_REDIRECTS) throw new IncompleteAnswerError(`more than ${MAX_REDIRECTS} redirects`);
    current = new URL(location, current);
  }
}

function request(url: URL, signal: AbortSignal, timeoutMs: number): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (client === undefined) return Promise.reject(new NoAnswerError(`${url.protocol} is not http: or https:`));
  return new Promise((resolve, reject) => {
    // Identity: the pinned digests are of the files' bytes, not of a compressed form.
    const outgoing = client.get(url, { signal, headers: { 'accept-encoding': 'identity', 'user-agent': 'marketfeed-test-data' } }, resolve);
    // After the status line an error surfaces on the response instead; this one is then ignored.
    outgoing.on('error', (error) => reject(new NoAnswerError(describeNetworkError(error, timeoutMs))));
  });
}

async function answer(response: IncomingMessage, signal: AbortSignal, { maxBytes, timeoutMs }: { maxBytes: number; timeoutMs: number }): Promise<HttpAnswer> {
  const status = response.statusCode ?? 0;
  const { headers } = response;
  if (status !== 200) {
    response.resume();
    return { status, headers, body: Buffer.alloc(0), framed: true };
  }
  const declared = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  const chunks: Buffer[] = [];
  let received = 0;
  const sofar = (): string => `the connection closed after ${received}${declared === undefined ? '' : ` of ${declared}`} bytes`;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > maxBytes) {
        response.destroy();
        throw new IncompleteAnswerError(`the body is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof IncompleteAnswerError) throw error;
    throw new IncompleteAnswerError(signal.aborted ? `no whole answer within ${timeoutMs / 1000} s (${received} bytes came)` : sofar());
  }
  if (declared !== undefined && received !== declared) throw new IncompleteAnswerError(sofar());
  const framed = declared !== undefined || /\bchunked\b/i.test(headers['transfer-encoding'] ?? '');
  return { status, headers, body: decode(Buffer.concat(chunks), headers['content-encoding']), framed };
}

/** A body the server compressed though identity was asked for. */
function decode(body: Buffer, encoding: string | undefined): Buffer {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  try {
    if (name === 'identity' || name === '') return body;
    if (name === 'gzip' || name === 'x-gzip') return zlib.gunzipSync(body);
    if (name === 'deflate') return zlib.inflateSync(body);
    if (name === 'br') return zlib.brotliDecompressSync(body);
  } catch (error) {
    throw new IncompleteAnswerError(`the ${name} body does not decompress: ${(error as Error).message}`);
  }
  throw new IncompleteAnswerError(`unsupported Content-Encoding ${name}`);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** A connection error's reason; Node reports a refused dual-stack connect as an AggregateError with no message of its own. */
function describeNetworkError(error: Error, timeoutMs: number): string {
  if (isTimeout(error)) return `no answer within ${timeoutMs / 1000} s`;
  if (error instanceof AggregateError && error.message === '') return `no answer: ${error.errors.map((inner: Error) => inner.message).join('; ')}`;
  return `no answer: ${error.message}`;
}
