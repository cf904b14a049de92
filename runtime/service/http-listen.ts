// Starting and stopping the small HTTP servers of a process (metrics, admin) the same way:
// a listen error becomes a clear message naming the flag to change, and a close ends
// keep-alive connections instead of waiting for them.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeListenError, type ListenTarget } from './listen-error.ts';

/** Listens on `target.port` of `target.host`; resolves to the port (the one chosen when 0). */
export async function listenHttp(server: http.Server, target: ListenTarget): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(describeListenError(error, target)));
    server.listen(target.port, target.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server and every connection it holds. */
export function closeHttp(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
