// The SHM consumer's polling work: drain the ring into the sink, up to a record limit.
import type { Agent } from '../agent/agent-runner.ts';
import type { RecordReceiver } from '../ring/record-receiver.ts';
import type { RecordSink } from './record-sink.ts';

const POLL_LIMIT = 4096;

export class ShmConsumerAgent implements Agent {
  receiver: RecordReceiver | undefined;
  ended = false;
  private readonly sink: RecordSink;
  private readonly limit: number;

  constructor(sink: RecordSink, count: number) {
    this.sink = sink;
    this.limit = count > 0 ? count : Number.MAX_SAFE_INTEGER;
  }

  isDone(): boolean {
    return this.ended || this.sink.records >= this.limit;
  }

  doWork(): number {
    const receiver = this.receiver;
    if (receiver === undefined) return 0;
    this.sink.beginBatch();
    return receiver.poll(this.sink.handle, Math.min(POLL_LIMIT, this.limit - this.sink.records));
  }
}
