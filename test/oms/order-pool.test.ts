import { describe, expect, it } from 'vitest';
import { OrderPool, SIDE_BUY } from '../../runtime/oms/order-pool.ts';
import { ORDER_STATE } from '../../runtime/oms/order-state.ts';

describe('OrderPool', () => {
  it('allocates fresh PendingNew orders, reuses released slots and keeps columns across growth', () => {
    const pool = new OrderPool({ capacity: 2 });
    const a = pool.allocate(3, 1, SIDE_BUY, 100, 10, 1);
    const b = pool.allocate(4, 1, SIDE_BUY, 101, 20, 2);
    const c = pool.allocate(5, 2, SIDE_BUY, 102, 30, 3);
    expect([a, b, c]).toEqual([0, 1, 2]);
    expect(pool.capacity).toBe(4);
    expect([pool.instrument[b], pool.price[b], pool.leaves[b], pool.clOrdId[b], pool.state[b]]).toEqual([4, 101, 20, 2, ORDER_STATE.PENDING_NEW]);
    pool.cum[a] = 5;
    pool.release(a);
    expect(pool.isInUse(a)).toBe(false);
    const d = pool.allocate(6, 1, SIDE_BUY, 99, 7, 4);
    expect(d).toBe(a);
    expect([pool.cum[d], pool.leaves[d], pool.orderId[d]]).toEqual([0, 7, -1]);
    expect(pool.size).toBe(3);
    expect(() => pool.release(99)).toThrow('order 99 is not in use');
  });

  it('a fixed pool refuses past its capacity instead of growing', () => {
    const pool = new OrderPool({ capacity: 1, fixed: true });
    expect(pool.allocate(0, 0, SIDE_BUY, 1, 1, 1)).toBe(0);
    expect(pool.allocate(0, 0, SIDE_BUY, 1, 1, 2)).toBe(-1);
    expect(pool.capacity).toBe(1);
  });
});
