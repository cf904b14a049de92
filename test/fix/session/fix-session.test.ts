// FixSession's rules on a fake clock: heartbeats, TestRequest and the silent-peer disconnect
// at the HeartBtInt multiples FIX (and QuickFIX) use, logon and logout timeouts, sequence
// checks, resend from the store, ResetSeqNumFlag, BusinessMessageReject, the schedule, and
// an initiator's side of the Logon.
import { describe, expect, it } from 'vitest';
import { MemoryMessageStore } from '../../../runtime/fix/session/message-store.ts';
import { type Harness, logOn, sessionHarness } from './session-harness.ts';

describe('FixSession timers (fake clock)', () => {
  it('sends a Heartbeat after HeartBtInt without sending, a TestRequest after 1.2 × HeartBtInt without receiving, and disconnects after 2.4 ×', () => {
    const h = sessionHarness();
    logOn(h, 10);
    h.clock.advance(9_000);
    expect(h.sent).toEqual([]);
    h.clock.advance(1_000);
    expect(h.types()).toEqual(['0']);
    h.clock.advance(2_000);
    expect(h.types()).toEqual(['0', '1']);
    expect(h.value(-1, 112)).toBe('TEST');
    expect(h.closed()).toBe(false);
    h.clock.advance(12_000);
    expect(h.closed()).toBe(true);
    expect(h.session.isConnected).toBe(false);
  });

  it('a peer that answers the TestRequest stays connected', () => {
    const h = sessionHarness();
    logOn(h, 10);
    h.clock.advance(12_000);
    expect(h.types()).toEqual(['0', '1']);
    h.deliver('0', 2, [[112, 'TEST']]);
    h.clock.advance(11_000);
    expect(h.closed()).toBe(false);
    expect(h.types()).toEqual(['0', '1', '0']);
  });

  it('closes a connection that sends no Logon within logonTimeoutMs', () => {
    const h = sessionHarness({ logonTimeoutMs: 5_000 });
    h.clock.advance(4_000);
    expect(h.closed()).toBe(false);
    h.clock.advance(1_000);
    expect(h.closed()).toBe(true);
    expect(h.sent).toEqual([]);
  });

  it('waits logoutTimeoutMs for the answer to its own Logout, then disconnects', () => {
    const h = sessionHarness({ logoutTimeoutMs: 3_000 });
    logOn(h);
    h.session.logout('bye');
    expect(h.types()).toEqual(['5']);
    expect(h.value(0, 58)).toBe('bye');
    h.clock.advance(2_000);
    expect(h.closed()).toBe(false);
    h.clock.advance(1_000);
    expect(h.closed()).toBe(true);
  });

  it('logs out at the end of its schedule', () => {
    let open = true;
    const h = sessionHarness({ schedule: { isSessionTime: () => open } });
    logOn(h);
    h.clock.advance(1_000);
    expect(h.sent).toEqual([]);
    open = false;
    h.clock.advance(1_000);
    expect(h.types()).toEqual(['5']);
  });
});

describe('FixSession schedule and Logon checks', () => {
  it('closes a connection whose Logon comes outside the schedule, without answering', () => {
    const h = sessionHarness({ schedule: { isSessionTime: () => false } });
    h.deliver('A', 1, [
      [98, '0'],
      [108, '30'],
    ]);
    expect(h.sent).toEqual([]);
    expect(h.closed()).toBe(true);
  });

  it('starts sequence numbers again at the first connection of a new session period', () => {
    const store = new MemoryMessageStore(new Date(Date.UTC(2026, 11, 2, 12)));
    store.setNextSenderMsgSeqNum(40);
    store.setNextTargetMsgSeqNum(30);
    const sameDay = (a: Date, b: Date): boolean => a.toISOString().slice(0, 10) === b.toISOString().slice(0, 10);
    const h = sessionHarness({ store, schedule: { isSessionTime: () => true, isSameSession: sameDay } });
    h.deliver('A', 1, [
      [98, '0'],
      [108, '30'],
    ]);
    expect(h.types()).toEqual(['A']);
    expect(h.value(0, 34)).toBe('1');
    expect(store.nextTargetMsgSeqNum).toBe(2);
  });

  it('logs out and disconnects on a negative HeartBtInt', () => {
    const h = sessionHarness();
    h.deliver('A', 1, [
      [98, '0'],
      [108, '-5'],
    ]);
    expect(h.types()).toEqual(['5']);
    expect(h.closed()).toBe(true);
  });
});

describe('FixSession sequence numbers', () => {
  it('answers a Logon with one of its own and a MsgSeqNum too high with one ResendRequest, queueing what came early', () => {
    const seen: string[] = [];
    const h = sessionHarness({ application: { msgTypes: new Set(['D']), onApplicationMessage: (_, view) => seen.push(view.getString(11)) } });
    logOn(h);
    const order = (id: string): [number, string][] => [
      [11, id],
      [21, '1'],
      [55, 'X'],
      [54, '1'],
      [60, '20261203-12:00:00'],
      [40, '1'],
    ];
    h.deliver('D', 4, order('c'));
    h.deliver('D', 5, order('d'));
    expect(h.types()).toEqual(['2']);
    expect([h.value(0, 7), h.value(0, 16)]).toEqual(['2', '0']);
    h.deliver('D', 2, order('a'));
    h.deliver('D', 3, order('b'));
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(h.session.store.nextTargetMsgSeqNum).toBe(6);
  });

  it('logs out and disconnects on a MsgSeqNum too low without PossDupFlag', () => {
    const h = sessionHarness();
    logOn(h);
    h.deliver('0', 2);
    h.deliver('0', 2);
    expect(h.types()).toEqual(['5']);
    expect(h.value(0, 58)).toBe('MsgSeqNum too low, expecting 3 but received 2');
    expect(h.closed()).toBe(true);
  });

  it('serves a ResendRequest: application messages again with PossDupFlag and OrigSendingTime, admin messages gap-filled', () => {
    const h = sessionHarness();
    logOn(h);
    const first = h.clock.wall;
    h.session.send('D', (encoder) => encoder.string(11, 'x').char(21, '1').string(55, 'X').char(54, '1').utcTimestamp(60, first).char(40, '1'));
    h.clock.advance(30_000); // a Heartbeat, seq 3
    h.clock.advance(5_000);
    h.sent.length = 0;
    h.deliver('2', 2, [
      [7, '1'],
      [16, '0'],
    ]);
    expect(h.types()).toEqual(['4', 'D', '4']);
    expect([h.value(0, 34), h.value(0, 36), h.value(0, 123), h.value(0, 43)]).toEqual(['1', '2', 'Y', 'Y']);
    expect([h.value(1, 34), h.value(1, 43), h.value(1, 11)]).toEqual(['2', 'Y', 'x']);
    expect(h.value(1, 122)).toBe('20261203-12:00:00.000');
    expect(h.value(1, 52)).not.toBe(h.value(1, 122));
    expect([h.value(2, 34), h.value(2, 36)]).toEqual(['3', '4']);
    // Resends keep the next MsgSeqNum.
    expect(h.session.store.nextSenderMsgSeqNum).toBe(4);
  });

  it('resends a data field byte for byte, the delimiter inside it included', () => {
    const h = sessionHarness();
    logOn(h);
    const text = Buffer.from('a\x01b=c', 'latin1');
    h.session.send('D', (encoder) => encoder.string(11, 'x').char(21, '1').string(55, 'X').char(54, '1').utcTimestamp(60, h.clock.wall).char(40, '1').data(354, 355, text));
    h.raw.length = 0;
    h.deliver('2', 2, [
      [7, '2'],
      [16, '2'],
    ]);
    expect(h.raw).toHaveLength(1);
    expect(h.raw[0].toString('latin1')).toContain('\x01354=5\x01355=a\x01b=c\x01');
    expect(h.raw[0].toString('latin1')).toContain('\x0143=Y\x01');
  });

  it('resets both sequence numbers on a Logon with ResetSeqNumFlag=Y and says so in its answer', () => {
    const h = sessionHarness();
    logOn(h);
    h.deliver('0', 2);
    h.deliver('0', 3);
    h.deliver('A', 1, [
      [98, '0'],
      [108, '30'],
      [141, 'Y'],
    ]);
    expect(h.types()).toEqual(['A']);
    expect([h.value(0, 34), h.value(0, 141)]).toEqual(['1', 'Y']);
    expect(h.session.store.nextTargetMsgSeqNum).toBe(2);
  });
});

describe('FixSession application messages', () => {
  it('answers a MsgType the application does not take with BusinessMessageReject (380=3), and goes on', () => {
    const h = sessionHarness();
    logOn(h);
    h.deliver('F', 2, [
      [41, 'a'],
      [11, 'b'],
      [55, 'X'],
      [54, '1'],
      [60, '20261203-12:00:00'],
    ]);
    expect(h.types()).toEqual(['j']);
    expect([h.value(0, 45), h.value(0, 372), h.value(0, 380), h.value(0, 58)]).toEqual(['2', 'F', '3', 'Unsupported Message Type']);
    expect(h.session.store.nextTargetMsgSeqNum).toBe(3);
  });

  it('rejects an invalid message with the first finding in QuickFIX order, and counts it as received', () => {
    const h = sessionHarness();
    logOn(h);
    h.deliver('D', 2, [
      [11, 'b'],
      [55, 'X'],
      [54, 'Z'],
      [60, '20261203-12:00:00'],
      [40, '1'],
    ]);
    expect(h.types()).toEqual(['3']);
    expect([h.value(0, 45), h.value(0, 371), h.value(0, 372), h.value(0, 373)]).toEqual(['2', '54', 'D', '5']);
    expect(h.session.store.nextTargetMsgSeqNum).toBe(3);
  });

  it('refuses to send an application message before logon', () => {
    const h = sessionHarness();
    expect(() => h.session.send('D', () => {})).toThrow(/not logged on/);
  });
});

describe('FixSession as initiator', () => {
  const initiator = (): Harness => sessionHarness({ role: 'initiator', heartBtInt: 15, resetOnLogon: true });

  it('sends its Logon at connect (ResetSeqNumFlag=Y with resetOnLogon) and is logged on by the answer', () => {
    let logons = 0;
    const h = sessionHarness({ role: 'initiator', heartBtInt: 15, resetOnLogon: true, application: { msgTypes: new Set(), onApplicationMessage: () => {}, onLogon: () => logons++ } });
    expect(h.types()).toEqual(['A']);
    expect([h.value(0, 108), h.value(0, 141), h.value(0, 34)]).toEqual(['15', 'Y', '1']);
    h.deliver('A', 1, [
      [98, '0'],
      [108, '15'],
      [141, 'Y'],
    ]);
    expect(h.session.isLoggedOn).toBe(true);
    expect(logons).toBe(1);
    expect(h.types()).toEqual(['A']);
  });

  it('gives up when no Logon answer comes within logonTimeoutMs', () => {
    const h = initiator();
    h.clock.advance(10_000);
    expect(h.closed()).toBe(true);
  });
});
