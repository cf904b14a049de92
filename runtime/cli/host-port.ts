import { UsageError } from './options.ts';

/** HOST:PORT, HOST being a name, an IPv4 address or a bracketed IPv6 address; `option` names the flag in the error (e.g. "marketfeed record: --tcp"). */
export function parseHostPort(text: string, option: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65535) throw new UsageError(`${option} must be HOST:PORT, got "${text}"`);
  return { host: match[1] ?? match[2], port };
}
