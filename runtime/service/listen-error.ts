// What a server that cannot listen tells the user: which port on which address, why (in
// use, privileged, not an address of this host), and the option that changes it. The
// original error's code stays, so it is still recognised as an expected failure.
import { asError } from '../observability/fatal-error.ts';

export interface ListenTarget {
  /** What listens, e.g. "TCP feed", "metrics". */
  what: string;
  host: string;
  port: number;
  /** The option that sets the port, e.g. "--tcp-port". */
  portOption: string;
  /** What port 0 means for it, e.g. "no TCP feed". */
  zeroMeans: string;
}

export function describeListenError(error: unknown, target: ListenTarget): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${target.what} port ${target.port} on ${target.host}`;
  const change = `choose another with ${target.portOption} (0 = ${target.zeroMeans})`;
  const message =
    code === 'EADDRINUSE'
      ? `${where} is in use (EADDRINUSE): stop what holds it, or ${change}`
      : code === 'EACCES'
        ? `${where} needs privileges (EACCES: ports below 1024 do): ${change}`
        : code === 'EADDRNOTAVAIL'
          ? `cannot listen on ${target.host} (EADDRNOTAVAIL): it is not an address of this host`
          : undefined;
  if (message === undefined) return asError(error);
  return Object.assign(new Error(message), { code, syscall: 'listen', address: target.host, port: target.port });
}
