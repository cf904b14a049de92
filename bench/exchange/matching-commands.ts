// The orders a matching bench pass submits, as typed-array columns built before any timing,
// so that both engines get exactly the same commands and nothing is parsed or allocated in
// the timed loop (ids are also kept as strings for hft-limit-order-book, built here once).
//
// A flow is recorded by driving our MatchingEngine while generating it (FlowRecorder): the
// generator sees the live book (touch prices, queue positions, live ids), so cancels and
// replaces always target resting orders. The same flow is then checked command by command
// against the peer (matching-check.ts).
import { MatchingEngine } from '../../runtime/matching/matching-engine.ts';
import { IgnoringEventSink, ORDER_TYPE_LIMIT, ORDER_TYPE_MARKET, SIDE_BUY, TIF_GTC } from '../../runtime/matching/matching-events.ts';

export const SUBMIT = 1;
export const CANCEL = 2;
/** Same id, same side: FIX semantics, `quantities` = new total order quantity, `peerSizes` = new open quantity. */
export const REPLACE = 3;

export interface MatchingCommands {
  length: number;
  kinds: Uint8Array;
  ids: Float64Array;
  idStrings: string[];
  /** FIX Side, OrdType, TimeInForce codes. */
  sides: Uint8Array;
  types: Uint8Array;
  tifs: Uint8Array;
  prices: Float64Array;
  quantities: Float64Array;
  peerSizes: Float64Array;
}

export interface MatchingFlow {
  name: string;
  seed: MatchingCommands;
  stream: MatchingCommands;
  /** Ids resting after the stream (the peer cancels them between passes, untimed). */
  leftoverIds: Float64Array;
  leftoverIdStrings: string[];
  /** Stream commands by kind, for the notes: passive adds, aggressive orders (market, IOC, FOK, marketable GTC), cancels, replaces. */
  mix: { passive: number; aggressive: number; cancels: number; replaces: number; trades: number };
}

interface Command {
  kind: number;
  id: number;
  side: number;
  type: number;
  tif: number;
  price: number;
  quantity: number;
  peerSize: number;
}

function pack(commands: readonly Command[]): MatchingCommands {
  const length = commands.length;
  const packed: MatchingCommands = {
    length,
    kinds: Uint8Array.from(commands, (command) => command.kind),
    ids: Float64Array.from(commands, (command) => command.id),
    idStrings: commands.map((command) => String(command.id)),
    sides: Uint8Array.from(commands, (command) => command.side),
    types: Uint8Array.from(commands, (command) => command.type),
    tifs: Uint8Array.from(commands, (command) => command.tif),
    prices: Float64Array.from(commands, (command) => command.price),
    quantities: Float64Array.from(commands, (command) => command.quantity),
    peerSizes: Float64Array.from(commands, (command) => command.peerSize),
  };
  return packed;
}

/** Counts trades and keeps the set of live ids as the generating engine reports them. */
class LiveOrders extends IgnoringEventSink {
  readonly ids: number[] = [];
  private readonly index = new Map<number, number>();
  trades = 0;

  add(id: number): void {
    if (this.index.has(id)) return;
    this.index.set(id, this.ids.length);
    this.ids.push(id);
  }

  remove(id: number): void {
    const at = this.index.get(id);
    if (at === undefined) return;
    const last = this.ids.pop()!;
    this.index.delete(id);
    if (last !== id) {
      this.ids[at] = last;
      this.index.set(last, at);
    }
  }

  override onTrade(_aggressorId: number, restingId: number, _price: number, _quantity: number, _aggressorLeaves: number, _aggressorCum: number, _aggressorNotional: number, restingLeaves: number): void {
    this.trades++;
    if (restingLeaves === 0) this.remove(restingId);
  }

  override onCanceled(orderId: number): void {
    this.remove(orderId);
  }

  override onReplaced(orderId: number): void {
    this.remove(orderId);
  }
}

/** Applies commands to a generating engine and records them. */
export class FlowRecorder {
  readonly live = new LiveOrders();
  readonly engine = new MatchingEngine(this.live);
  readonly mix = { passive: 0, aggressive: 0, cancels: 0, replaces: 0, trades: 0 };
  private commands: Command[] = [];
  private seed: Command[] = [];

  /** What has been recorded so far becomes the seed; the stream starts now. */
  endSeed(): void {
    this.seed = this.commands;
    this.commands = [];
    this.live.trades = 0;
    this.mix.passive = 0;
    this.mix.aggressive = 0;
  }

  submit(id: number, side: number, type: number, tif: number, price: number, quantity: number): void {
    const book = this.engine.book;
    const opposite = side === SIDE_BUY ? book.bestAskPrice() : book.bestBidPrice();
    const crosses = opposite !== undefined && (type === ORDER_TYPE_MARKET || (side === SIDE_BUY ? price >= opposite : price <= opposite));
    if (crosses) this.mix.aggressive++;
    else this.mix.passive++;
    this.apply({ kind: SUBMIT, id, side, type, tif, price: type === ORDER_TYPE_MARKET ? 0 : price, quantity, peerSize: quantity });
  }

  cancel(id: number): void {
    this.mix.cancels++;
    this.apply({ kind: CANCEL, id, side: 0, type: 0, tif: 0, price: 0, quantity: 0, peerSize: 0 });
  }

  /** Replace with a new open quantity `leaves` (the recorded FIX quantity adds what the order has filled). */
  replace(id: number, price: number, leaves: number): void {
    this.mix.replaces++;
    const cum = this.engine.orderCum(id) ?? 0;
    this.apply({ kind: REPLACE, id, side: 0, type: ORDER_TYPE_LIMIT, tif: TIF_GTC, price, quantity: cum + leaves, peerSize: leaves });
  }

  /** Whether a resting order is last in its queue (where losing priority and keeping it are the same). */
  isLastInQueue(id: number): boolean {
    const book = this.engine.book;
    const row = book.rowOf(id);
    return row !== -1 && book.pool.next[row] === -1;
  }

  finish(name: string): MatchingFlow {
    this.mix.trades = this.live.trades;
    const leftover = [...this.live.ids];
    return { name, seed: pack(this.seed), stream: pack(this.commands), leftoverIds: Float64Array.from(leftover), leftoverIdStrings: leftover.map(String), mix: { ...this.mix } };
  }

  private apply(command: Command): void {
    const engine = this.engine;
    let result = 0;
    if (command.kind === SUBMIT) result = engine.submit(command.id, 0, command.side, command.type, command.tif, command.price, command.quantity);
    else if (command.kind === CANCEL) result = engine.cancel(command.id);
    else result = engine.replace(command.id, command.id, command.price, command.quantity);
    if (result !== 0) throw new Error(`flow generation: command ${JSON.stringify(command)} rejected (${result})`);
    if (command.kind !== CANCEL && engine.book.hasOrder(command.id)) this.live.add(command.id);
    this.commands.push(command);
  }
}
