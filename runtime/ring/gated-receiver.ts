// One consumer of a backpressure ring. It owns a consumer slot in the header (claimed with
// a compare-and-swap of a random owner token: pids repeat across containers), reads records in place (the writer cannot overwrite
// them until this consumer's position passes them), and publishes its position after
// each batch. A consumer that restarts resumes at the last position it published: no
// record is lost; records handled after the last published position are delivered again.
import { randomInt } from 'node:crypto';
import { MarketDataRecord } from '../record/market-data-record.ts';
import { monotonicNs } from '../clock/clock.ts';
import { ConsumerSlotDouble, ConsumerSlotWord, HEARTBEAT_INTERVAL_MS, consumerSlotWord } from '../shm/segment-layout.ts';
import { AtomicPositionWriter, readAtomicPosition } from '../shm/atomic-position.ts';
import { isProcessAlive } from '../shm/process-liveness.ts';
import type { RecordHandler } from './broadcast-receiver.ts';
import type { RecordReceiver } from './record-receiver.ts';
import { RingCursor } from './ring-cursor.ts';
import type { RingMemory } from './ring-memory.ts';
import { slotWord } from './slot.ts';

export interface GatedReceiverOptions {
  /** Consumer slot to claim; default: the first free or abandoned one. */
  slot?: number;
  /** Pid written into the slot for liveness checks and logs (tests may simulate several processes). */
  pid?: number;
  /** A slot whose owner's heartbeat is older than this may be taken over. */
  staleAfterMs?: number;
}

export class NoConsumerSlotError extends Error {
  override readonly name = 'NoConsumerSlotError';
}

export class GatedReceiver extends RingCursor implements RecordReceiver {
  /** Always 0: the writer waits instead of overwriting. */
  readonly lostRecords = 0;
  readonly gaps = 0;
  readonly slot: number;
  private readonly doubles: Float64Array;
  private readonly slotWordBase: number;
  private readonly heartbeatIndex: number;
  private readonly token: number;
  private readonly position: AtomicPositionWriter;
  private readonly record = new MarketDataRecord();
  private released = false;

  constructor(ring: RingMemory, options: GatedReceiverOptions = {}) {
    const doubles = new Float64Array(ring.words.buffer, ring.words.byteOffset, ring.dataWord / 2);
    const token = randomInt(1, 0x7fff_ffff);
    const slot = claimSlot(ring, ring.words, doubles, token, options);
    const slotWordBase = consumerSlotWord(slot);
    super(ring, readAtomicPosition(ring.words, slotWordBase + ConsumerSlotWord.position));
    this.doubles = doubles;
    this.token = token;
    this.slot = slot;
    this.slotWordBase = slotWordBase;
    Atomics.store(this.words, slotWordBase + ConsumerSlotWord.ownerPid, options.pid ?? process.pid);
    this.heartbeatIndex = slotWordBase / 2 + ConsumerSlotDouble.heartbeatMs;
    this.position = new AtomicPositionWriter(ring.words, slotWordBase + ConsumerSlotWord.position);
    this.beat();
  }

  /** Delivers up to `limit` records in place (valid until the handler returns), then frees their slots. */
  poll(handler: RecordHandler, limit = 4096): number {
    const count = this.peek(handler, limit);
    if (count > 0) this.consume();
    return count;
  }

  /**
   * Delivers up to `limit` records as poll() does but keeps their slots: the writer cannot
   * reuse them until consume(). A reader that must not lose a record it took (the audit
   * journal's writer, until the record is in its file) frees them only then.
   */
  peek(handler: RecordHandler, limit = 4096): number {
    const head = this.newHead();
    if (head < 0) return 0;
    const words = this.words;
    const end = Math.min(head, this.cursor + limit);
    const start = this.cursor;
    for (let sequence = start; sequence < end; sequence++) {
      this.cursor = sequence + 1;
      handler(this.record.wrap(words, slotWord(this.dataWord, this.mask, sequence)));
    }
    return end - start;
  }

  /** Frees the slots of every record delivered so far (publishes this consumer's position). */
  consume(): void {
    this.position.set(this.cursor);
  }

  /** Forgets what peek() delivered since the last consume(): the next peek() delivers it again. */
  rewind(): void {
    this.cursor = readAtomicPosition(this.words, this.slotWordBase + ConsumerSlotWord.position);
  }

  /** Marks this consumer alive; the publisher's process calls nothing, consumers call this periodically. */
  beat(): void {
    this.doubles[this.heartbeatIndex] = monotonicNs() / 1e6;
  }

  /** Gives the slot up; its position stays, so the next consumer of the slot resumes there. */
  release(): void {
    if (this.released) return;
    this.released = true;
    Atomics.compareExchange(this.words, this.slotWordBase + ConsumerSlotWord.ownerToken, this.token, 0);
  }
}

function claimSlot(ring: RingMemory, words: Int32Array, doubles: Float64Array, token: number, options: GatedReceiverOptions): number {
  const staleAfterMs = options.staleAfterMs ?? 3000;
  const candidates = options.slot === undefined ? Array.from({ length: ring.consumerSlots }, (_, slot) => slot) : [options.slot];
  for (const slot of candidates) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= ring.consumerSlots) {
      throw new NoConsumerSlotError(`consumer slot ${slot} does not exist: the ring has ${ring.consumerSlots}`);
    }
    const tokenWord = consumerSlotWord(slot) + ConsumerSlotWord.ownerToken;
    const owner = Atomics.load(words, tokenWord);
    const ownerPid = Atomics.load(words, consumerSlotWord(slot) + ConsumerSlotWord.ownerPid);
    const heartbeatAgeMs = monotonicNs() / 1e6 - doubles[consumerSlotWord(slot) / 2 + ConsumerSlotDouble.heartbeatMs];
    // kill(pid, 0) only sees our pid namespace, so a vanished pid counts only with a late heartbeat.
    const abandoned =
      owner === 0 || heartbeatAgeMs > staleAfterMs || (!isProcessAlive(ownerPid) && heartbeatAgeMs > 3 * HEARTBEAT_INTERVAL_MS);
    if (abandoned && Atomics.compareExchange(words, tokenWord, owner, token) === owner) return slot;
  }
  const which = options.slot === undefined ? `all ${ring.consumerSlots} consumer slots are` : `consumer slot ${options.slot} is`;
  throw new NoConsumerSlotError(`${which} taken by live consumers; start the publisher with more --consumers`);
}
