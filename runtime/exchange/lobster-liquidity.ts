// `--liquidity FILE`: a LOBSTER message file replayed as other participants' orders into
// the first instrument's book, so clients trade against real historical liquidity. Each
// message becomes the engine command that reproduces it on our book:
//   1 add      → a DAY limit order (the file's order id mapped to a fresh engine id)
//   2 reduce   → a replace down to the remaining quantity (keeps its queue place)
//   3 delete   → a cancel
//   4 execute  → an IOC order against the resting side at that price and size (the
//                historical aggressor; it may now meet our clients' orders first)
//   5, 6, 7    → skipped (hidden executions, auction crosses, trading status: no visible order)
// LOBSTER prices are USD × 10,000; they become ticks of the configured size, rounded to the
// nearest tick. Messages about orders the book no longer has (filled by a client first,
// or placed before the file starts) are skipped; `skipped` counts them.
import { ORDER_TYPE_LIMIT, SIDE_BUY, SIDE_SELL, TIF_DAY, TIF_IOC } from '../matching/matching-events.ts';
import { OrderEventType } from '../replay/order-event.ts';
import { LobsterMessageReader } from '../replay/lobster-message-reader.ts';
import type { ExchangeBook } from './exchange-book.ts';
import type { Exchange } from './exchange.ts';
import type { LiquiditySource } from './liquidity-source.ts';

/** Fixed-point units (1e-8) per LOBSTER price unit (1e-4). */
const LOBSTER_PRICE_UNITS = 10_000;

export class LobsterLiquidity implements LiquiditySource {
  readonly ownerId: number;
  messages = 0;
  skipped = 0;
  private readonly exchange: Exchange;
  private readonly book: ExchangeBook;
  private readonly reader: LobsterMessageReader;
  private readonly engineIds = new Map<number, number>();

  constructor(exchange: Exchange, file: string) {
    this.exchange = exchange;
    this.book = exchange.books[0];
    this.ownerId = exchange.nextOwnerId();
    this.reader = new LobsterMessageReader(file, { instrumentId: this.book.instrument.instrumentId });
  }

  /** Replays the next message; false at the end of the file (then the file is closed). Throws ReplayInputError on a malformed line. */
  step(): boolean {
    const reader = this.reader;
    if (!reader.next()) {
      reader.close();
      return false;
    }
    this.messages++;
    const event = reader.event;
    const book = this.book;
    const ticks = Math.round((event.price * LOBSTER_PRICE_UNITS) / book.instrument.tickUnits);
    switch (event.type) {
      case OrderEventType.add: {
        const orderId = this.exchange.nextOrderId();
        this.engineIds.set(event.orderId, orderId);
        book.submit(orderId, this.ownerId, event.direction === 1 ? SIDE_BUY : SIDE_SELL, ORDER_TYPE_LIMIT, TIF_DAY, ticks, event.size);
        break;
      }
      case OrderEventType.reduce: {
        const orderId = this.restingId(event.orderId);
        if (orderId === undefined) break;
        const leaves = book.engine.orderLeaves(orderId)!;
        const cum = book.engine.orderCum(orderId)!;
        if (leaves <= event.size) this.cancel(event.orderId, orderId);
        else book.replace(orderId, orderId, book.engine.book.orderPrice(orderId)!, cum + leaves - event.size);
        break;
      }
      case OrderEventType.cancel: {
        const orderId = this.restingId(event.orderId);
        if (orderId !== undefined) this.cancel(event.orderId, orderId);
        break;
      }
      case OrderEventType.execute:
        // The resting order's direction is given; the historical aggressor was the other side.
        book.submit(this.exchange.nextOrderId(), this.ownerId, event.direction === 1 ? SIDE_SELL : SIDE_BUY, ORDER_TYPE_LIMIT, TIF_IOC, ticks, event.size);
        break;
      default:
        this.skipped++;
    }
    return true;
  }

  close(): void {
    this.reader.close();
  }

  /** The engine id of a file order that still rests, or undefined (counted as skipped). */
  private restingId(fileOrderId: number): number | undefined {
    const orderId = this.engineIds.get(fileOrderId);
    if (orderId === undefined || this.book.engine.orderLeaves(orderId) === undefined) {
      if (orderId !== undefined) this.engineIds.delete(fileOrderId);
      this.skipped++;
      return undefined;
    }
    return orderId;
  }

  private cancel(fileOrderId: number, orderId: number): void {
    this.engineIds.delete(fileOrderId);
    this.book.cancel(orderId);
  }
}
