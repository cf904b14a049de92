// A worker thread at one end of a MessageChannel (impl "postMessage"): what a Node
// developer would use without shared memory. The receiver is event-driven, as such a
// receiver would be: it sleeps in the event loop until a message wakes it.
import { workerData, type MessagePort } from 'node:worker_threads';
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { native } from '../../runtime/native/native-addon.ts';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { reportToParent, type DoneMessage, type ReadyMessage, type ResultMessage } from '../lib/peer-messages.ts';
import { ReceiveMeasurement } from '../lib/receive-measurement.ts';
import type { ReceiveResult } from '../lib/result-rows.ts';
import { isPaced, type LoadSpec } from '../lib/load-spec.ts';
import { PostMessageTransmitter } from './post-message-transmitter.ts';
import { publishFor } from '../lib/load-sender.ts';
import type { Role } from './ring-endpoint.ts';

export interface PostMessageWorkerData {
  role: Role;
  load: LoadSpec;
  port: MessagePort;
  /** One Int32: messages the receiver has taken, for the sender's flow-control window. */
  acknowledged: SharedArrayBuffer;
  /** Most messages in flight; absent = no flow control. */
  window?: number;
  cpu?: number;
}

/** Posted after the last record: anything that is not an ArrayBuffer. */
const END_OF_STREAM = null;

const data = workerData as PostMessageWorkerData;
if (data.cpu !== undefined) native.setAffinity([data.cpu], false);
const acknowledged = new Int32Array(data.acknowledged);

if (data.role === 'writer') {
  const sent = publishFor(new PostMessageTransmitter(data.port, acknowledged, data.window ?? Infinity), data.load);
  data.port.postMessage(END_OF_STREAM);
  reportToParent({ type: 'done', sent } satisfies DoneMessage);
} else {
  const paced = isPaced(data.load);
  const measurement = await ReceiveMeasurement.create(data.load.warmupNs, paced);
  const record = new MarketDataRecord();
  let received = 0;
  data.port.on('message', (message: unknown) => {
    if (!(message instanceof ArrayBuffer)) {
      data.port.close();
      reportToParent({ type: 'result', result: measurement.result(received) } satisfies ResultMessage<ReceiveResult>);
      return;
    }
    const now = monotonicNs();
    received++;
    if (paced) measurement.recordLatency(record.wrap(new Int32Array(message), 0).publishTimeNs, now);
    measurement.sampleRate(now, received);
    Atomics.store(acknowledged, 0, received);
  });
  reportToParent({ type: 'ready' } satisfies ReadyMessage);
}
