// `marketfeed kill`: the operator's kill switch for a running `marketfeed trade`, over its
// admin port with the admin token. Without flags it halts the trader (new orders refused,
// open orders canceled) and prints what the trader reports; --status only asks; --reset
// --operator NAME lifts a halt. Exit 0 when the trader did it, 1 when it refused or could not
// be reached (the reason on stderr).
import { DEFAULT_ADMIN_PORT } from '../../trader/admin-server.ts';
import { AdminTokenError, DEFAULT_ADMIN_TOKEN_FILE, loadAdminToken } from '../../trader/admin-token.ts';
import { defineCommand } from '../command.ts';
import { UsageError } from '../options.ts';

export const killCommand = defineCommand({
  name: 'kill',
  description:
    "Halts a running `marketfeed trade` through its admin port: new orders are refused and every open order is\n" +
    'canceled; prints the trader\'s answer (JSON). --status only asks for its state; --reset --operator NAME lifts a\n' +
    'halt (a halted trader stays halted, across restarts too, until then). The admin token comes from\n' +
    'MARKETFEED_ADMIN_TOKEN or --admin-token-file, the same as the trader\'s. Exit 1 when the trader refuses or\n' +
    'cannot be reached.',
  examples: ['npx marketfeed kill --reason "runaway quotes"', 'npx marketfeed kill --status', 'npx marketfeed kill --reset --operator alice'],
  options: {
    'admin-host': { type: 'string', default: '127.0.0.1', description: "the trader's admin address" },
    'admin-port': { type: 'integer', min: 1, max: 65535, default: DEFAULT_ADMIN_PORT, description: "the trader's admin port" },
    'admin-token-file': { type: 'string', default: DEFAULT_ADMIN_TOKEN_FILE, description: 'file holding the admin token (MARKETFEED_ADMIN_TOKEN takes precedence)' },
    reason: { type: 'string', default: 'manual', env: 'MARKETFEED_KILL_REASON', description: 'why: logged and journaled by the trader' },
    status: { type: 'boolean', default: false, env: 'MARKETFEED_KILL_STATUS', description: 'only print the trader\'s state' },
    reset: { type: 'boolean', default: false, env: 'MARKETFEED_KILL_RESET', description: 'lift a halt (needs --operator)' },
    operator: { type: 'string', env: 'MARKETFEED_KILL_OPERATOR', description: 'who lifts the halt (--reset)' },
    timeout: { type: 'number', min: 0.1, default: 5, env: 'MARKETFEED_KILL_TIMEOUT', description: 'seconds to wait for the answer' },
  },
  async run(options) {
    if (options.status && options.reset) throw new UsageError('marketfeed kill: --status and --reset do not go together');
    if (options.reset && (options.operator === undefined || options.operator.trim() === '')) throw new UsageError('marketfeed kill: --reset needs --operator NAME (who lifts the halt is journaled)');
    let token: string;
    try {
      token = loadAdminToken({ file: options.adminTokenFile, readOnly: true }).token;
    } catch (error) {
      if (!(error instanceof AdminTokenError)) throw error;
      process.stderr.write(`marketfeed kill: ${error.message}\n`);
      return 1;
    }
    const [method, route, body] = options.status ? ['GET', '/state', undefined] : options.reset ? ['POST', '/reset', { operator: options.operator }] : ['POST', '/kill', { reason: options.reason }];
    const url = `http://${options.adminHost.includes(':') ? `[${options.adminHost}]` : options.adminHost}:${options.adminPort}${route}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeout * 1000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      process.stderr.write(`marketfeed kill: no answer from ${url}: ${cause}\n`);
      return 1;
    }
    const text = (await response.text()).trim();
    if (!response.ok) {
      process.stderr.write(`marketfeed kill: ${method} ${route} refused (${response.status}): ${text}\n`);
      return 1;
    }
    process.stdout.write(`${text}\n`);
    return 0;
  },
});
