// The receiving child of a TCP measurement:
//   node tcp-receiver-endpoint.ts --impl I --encoding binary|json --port P --load JSON [--cpu N]
// Connects, measures until the sender closes, and reports its figures as a 'result'.
import { parseArgs } from 'node:util';
import { placeOnCpus } from '../../runtime/cpu/cpu-pinning.ts';
import type { FeedEncoding } from '../../runtime/tcp/feed-protocol.ts';
import type { LoadSpec } from '../lib/load-spec.ts';
import { reportToParent, type ResultMessage } from '../lib/peer-messages.ts';
import type { ReceiveResult } from '../lib/result-rows.ts';
import { receiveUntilClosed } from './receivers.ts';
import { SENDER_IMPLS, type SenderImpl } from './send-channels.ts';

const { values } = parseArgs({
  options: { impl: { type: 'string' }, encoding: { type: 'string' }, port: { type: 'string' }, load: { type: 'string' }, cpu: { type: 'string' } },
  strict: true,
});
const impl = values.impl as SenderImpl;
const encoding = values.encoding as FeedEncoding;
if (!SENDER_IMPLS.includes(impl) || (encoding !== 'binary' && encoding !== 'json') || values.port === undefined || values.load === undefined) {
  throw new Error(`usage: tcp-receiver-endpoint.ts --impl ${SENDER_IMPLS.join('|')} --encoding binary|json --port P --load JSON [--cpu N]`);
}
if (values.cpu !== undefined) placeOnCpus([Number(values.cpu)]);

const result = await receiveUntilClosed(impl, { port: Number(values.port), encoding, load: JSON.parse(values.load) as LoadSpec });
reportToParent({ type: 'result', result } satisfies ResultMessage<ReceiveResult>);
process.exit(0);
