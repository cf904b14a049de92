// One end of a ring, the same for both ring impls (processes over /dev/shm, worker threads
// over a SharedArrayBuffer): they differ only in where the ring's memory comes from and
// how the end of the stream is marked.
import { BroadcastTransmitter } from '../../runtime/ring/broadcast-transmitter.ts';
import type { RingMemory } from '../../runtime/ring/ring-memory.ts';
import { reportToParent, type DoneMessage, type ReadyMessage, type ResultMessage } from '../lib/peer-messages.ts';
import type { ReceiveResult } from '../lib/result-rows.ts';
import type { LoadSpec } from '../lib/load-spec.ts';
import { publishFor } from '../lib/load-sender.ts';
import { prepareRingRead, type RingReadOptions } from './ring-reader.ts';

export type Role = 'writer' | 'reader';

export interface EndOfStream {
  mark(): void;
  isMarked(): boolean;
}

export async function runRingEndpoint(role: Role, ring: RingMemory, load: LoadSpec, end: EndOfStream, readOptions: RingReadOptions = {}): Promise<void> {
  if (role === 'writer') {
    const sent = publishFor(new BroadcastTransmitter(ring, { batchSize: load.batchSize }), load);
    end.mark();
    reportToParent({ type: 'done', sent } satisfies DoneMessage);
    return;
  }
  const read = await prepareRingRead(ring, load, readOptions);
  reportToParent({ type: 'ready' } satisfies ReadyMessage);
  const result = read(() => end.isMarked());
  reportToParent({ type: 'result', result } satisfies ResultMessage<ReceiveResult>);
}
