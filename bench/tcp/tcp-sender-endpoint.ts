// The sending child of a TCP measurement:
//   node tcp-sender-endpoint.ts --impl marketfeed|naive|naive-binary --load JSON [--cpu N]
// Listens on a loopback port (reported as a 'listening' message), waits for its one
// subscriber, sends the load in busy-spinning duty cycles of the publisher's AgentRunner
// (1 ms slices between event-loop turns), closes, and reports 'done'.
import { parseArgs } from 'node:util';
import { AgentRunner } from '../../runtime/agent/agent-runner.ts';
import { CompositeAgent } from '../../runtime/agent/composite-agent.ts';
import { BusySpinIdleStrategy } from '../../runtime/agent/idle-strategy.ts';
import { placeOnCpus } from '../../runtime/cpu/cpu-pinning.ts';
import type { LoadSpec } from '../lib/load-spec.ts';
import { LoadSender } from '../lib/load-sender.ts';
import { reportToParent, type DoneMessage, type ListeningMessage } from '../lib/peer-messages.ts';
import { SENDER_IMPLS, openSendChannel, type SenderImpl } from './send-channels.ts';

const { values } = parseArgs({ options: { impl: { type: 'string' }, load: { type: 'string' }, cpu: { type: 'string' } }, strict: true });
const impl = values.impl as SenderImpl;
if (!SENDER_IMPLS.includes(impl) || values.load === undefined) {
  throw new Error(`usage: tcp-sender-endpoint.ts --impl ${SENDER_IMPLS.join('|')} --load JSON [--cpu N]`);
}
// Every thread of the process, V8's helpers included, on this core.
if (values.cpu !== undefined) placeOnCpus([Number(values.cpu)]);

const channel = await openSendChannel(impl);
reportToParent({ type: 'listening', port: channel.port } satisfies ListeningMessage);
const { transmitter, agents } = await channel.attached;
const sender = new LoadSender(transmitter, JSON.parse(values.load) as LoadSpec);
await new AgentRunner(new CompositeAgent([sender, ...agents]), new BusySpinIdleStrategy()).run();
await channel.close();
reportToParent({ type: 'done', sent: sender.sent } satisfies DoneMessage);
process.exit(0);
