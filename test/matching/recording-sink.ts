// A MatchingEventSink that records every event as a flat tuple, so that tests can compare
// the engine's events with the reference matcher's (and read them) with one toEqual.
import type { MatchingEventSink } from '../../runtime/matching/matching-events.ts';

export type RecordedEvent = [string, ...Array<number | boolean>];

export class RecordingSink implements MatchingEventSink {
  events: RecordedEvent[] = [];

  take(): RecordedEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  onAccepted(orderId: number, ownerId: number, side: number, orderType: number, timeInForce: number, price: number, quantity: number): void {
    this.events.push(['accepted', orderId, ownerId, side, orderType, timeInForce, price, quantity]);
  }

  onRejected(command: number, orderId: number, reason: number): void {
    this.events.push(['rejected', command, orderId, reason]);
  }

  onTrade(
    aggressorId: number,
    restingId: number,
    price: number,
    quantity: number,
    aggressorLeaves: number,
    aggressorCum: number,
    aggressorNotional: number,
    restingLeaves: number,
    restingCum: number,
    restingNotional: number,
  ): void {
    this.events.push(['trade', aggressorId, restingId, price, quantity, aggressorLeaves, aggressorCum, aggressorNotional, restingLeaves, restingCum, restingNotional]);
  }

  onCanceled(orderId: number, canceledQuantity: number, cum: number, notional: number, reason: number): void {
    this.events.push(['canceled', orderId, canceledQuantity, cum, notional, reason]);
  }

  onReplaced(orderId: number, newOrderId: number, price: number, leaves: number, cum: number, notional: number, keptPriority: boolean): void {
    this.events.push(['replaced', orderId, newOrderId, price, leaves, cum, notional, keptPriority]);
  }

  onExpired(orderId: number, expiredQuantity: number, cum: number, notional: number): void {
    this.events.push(['expired', orderId, expiredQuantity, cum, notional]);
  }

  onBookChanged(bidPrice: number, bidQuantity: number, askPrice: number, askQuantity: number): void {
    this.events.push(['top', bidPrice, bidQuantity, askPrice, askQuantity]);
  }
}
