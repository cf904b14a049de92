// One scrape: GET http://<pod IP>:<port>/metrics with a deadline covering the whole
// exchange (connect, headers, body) and a cap on the body, so that a hung or flooding
// endpoint costs one slot of the scrape pool for at most the timeout and never more
// memory than the cap. Failures are values (ScrapeFailure), not exceptions: one bad pod
// is a status reason, not a failed loop.
import http from 'node:http';
import { MetricsParseError, parsePrometheusText } from './prometheus-text.ts';
import { NotFeedMetricsError, readEndpoint, type EndpointReading } from './feed-metrics.ts';

export type ScrapeFailureKind = 'timeout' | 'unreachable' | 'http-status' | 'too-large' | 'malformed';

export interface ScrapeFailure {
  kind: ScrapeFailureKind;
  message: string;
}

export type ScrapeResult = { ok: true; reading: EndpointReading } | { ok: false; failure: ScrapeFailure };

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

type BodyResult = { ok: true; text: string } | { ok: false; failure: ScrapeFailure };

/** GET with node:http, one connection per scrape (no pool per pod kept open between scrapes). */
function getCapped(url: string, limits: FetchLimits): Promise<BodyResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.destroy();
      resolve(result);
    };
    const fail = (kind: ScrapeFailureKind, message: string): void => finish({ ok: false, failure: { kind, message: `${url}: ${message}` } });
    const request = http.get(url, { agent: false, headers: { accept: 'text/plain;version=0.0.4' } }, (response) => {
      if (response.statusCode !== 200) {
        fail('http-status', `HTTP ${response.statusCode}`);
        return;
      }
      const declared = Number(response.headers['content-length'] ?? Number.NaN);
      if (declared > limits.maxBytes) {
        fail('too-large', `${declared} bytes, over the ${limits.maxBytes}-byte limit`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) fail('too-large', `more than the ${limits.maxBytes}-byte limit`);
        else chunks.push(chunk);
      });
      response.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => fail('unreachable', error.message));
    });
    request.on('error', (error: NodeJS.ErrnoException) => fail('unreachable', error.code ?? error.message));
    const deadline = setTimeout(() => fail('timeout', `no complete answer within ${limits.timeoutMs} ms`), limits.timeoutMs);
  });
}

export async function fetchMetrics(url: string, limits: FetchLimits): Promise<ScrapeResult> {
  const body = await getCapped(url, limits);
  if (!body.ok) return body;
  const text = body.text;
  try {
    return { ok: true, reading: readEndpoint(parsePrometheusText(text)) };
  } catch (error) {
    if (error instanceof MetricsParseError || error instanceof NotFeedMetricsError) {
      return { ok: false, failure: { kind: 'malformed', message: `${url}: ${error.message}` } };
    }
    throw error;
  }
}
