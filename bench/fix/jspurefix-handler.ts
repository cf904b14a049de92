// The jspurefix impls, fed the same bytes: its AsciiParser (set up as its own bench and
// our differential test do) emits a MsgView per message, valid only inside the 'msg'
// callback, where the handler reads the fields. Validation is what jspurefix itself does:
// its parser checks the order of 8, 9 and 35, and its session compares CheckSum (10)
// with view.checksum() (AsciiSession.checkIntegrity); it does not check BodyLength.
// 'view' reads typed values with getTyped (timestamps come back as Dates, its API);
// 'toObject' materializes the whole message as an object first and reads that.
import type { MsgView } from 'jspurefix';
import { createJspurefixParser } from '../../test/fix/jspurefix-oracle.ts';
import type { FieldReading } from './fix-cases.ts';
import { type MessageHandler, foldResult } from './message-loop.ts';

export type JspurefixPath = 'view' | 'toObject';

export async function jspurefixHandler(dictionaryPath: string, reading: FieldReading, path: JspurefixPath): Promise<MessageHandler> {
  const parser = await createJspurefixParser(dictionaryPath);
  const strings = reading === 'handler-fields';
  let sink = 0;
  let emitted = 0;
  parser.on('msg', (msgType: string, view: MsgView) => {
    const stated = Number.parseInt(view.getString(10) ?? '', 10);
    if (stated !== view.checksum()) throw new Error(`jspurefix: CheckSum ${stated} is not ${view.checksum()}`);
    if (reading === 'parse-only') {
      if (path === 'toObject') view.toObject();
      sink = foldResult(msgType.charCodeAt(0) + stated);
    } else {
      sink = foldResult(path === 'view' ? readView(msgType, view, strings) : readObject(msgType, view.toObject() as FixObject, strings));
    }
    emitted++;
  });
  return (message) => {
    const before = emitted;
    parser.parseBuffer(message);
    if (emitted !== before + 1) throw new Error(`jspurefix emitted ${emitted - before} messages for one`);
    return sink;
  };
}

function readView(msgType: string, view: MsgView, strings: boolean): number {
  switch (msgType) {
    case 'D':
      return char(view, 54) + decimal(view, 38) + decimal(view, 44) + time(view, 60) + (strings ? length(view, 11) + length(view, 55) : 0);
    case '8':
      return char(view, 150) + char(view, 39) + char(view, 54) + decimal(view, 32) + decimal(view, 31) + decimal(view, 151) +
        decimal(view, 14) + decimal(view, 6) + time(view, 60) + (strings ? length(view, 37) + length(view, 17) + length(view, 55) : 0);
    case 'X': {
      const group = view.getView('NoMDEntries');
      if (group === null) throw new Error('jspurefix: no NoMDEntries');
      let sum = 0;
      for (let i = 0; i < group.groupCount(); i++) {
        const entry = group.getGroupInstance(i)!;
        sum += char(entry, 279) + char(entry, 269) + decimal(entry, 270) + decimal(entry, 271);
      }
      return sum;
    }
    default:
      throw new Error(`unexpected MsgType ${msgType}`);
  }
}

// Typed reads; plain functions rather than closures so the harness allocates nothing of its own.
function char(view: MsgView, tag: number): number {
  return (view.getTyped(tag) as string).charCodeAt(0);
}

function decimal(view: MsgView, tag: number): number {
  return view.getTyped(tag) as number;
}

function time(view: MsgView, tag: number): number {
  return (view.getTyped(tag) as Date).getTime();
}

function length(view: MsgView, tag: number): number {
  return (view.getTyped(tag) as string).length;
}

/** The parts of jspurefix's decoded objects read here (FIX 4.4 component nesting). */
interface FixObject {
  ClOrdID: string;
  OrderID: string;
  ExecID: string;
  Instrument: { Symbol: string };
  Side: string;
  ExecType: string;
  OrdStatus: string;
  OrderQtyData: { OrderQty: number };
  Price: number;
  LastQty: number;
  LastPx: number;
  LeavesQty: number;
  CumQty: number;
  AvgPx: number;
  TransactTime: Date;
  MDIncGrp: { NoMDEntries: { MDUpdateAction: string; MDEntryType: string; MDEntryPx: number; MDEntrySize: number }[] };
}

function readObject(msgType: string, message: FixObject, strings: boolean): number {
  switch (msgType) {
    case 'D':
      return message.Side.charCodeAt(0) + message.OrderQtyData.OrderQty + message.Price + message.TransactTime.getTime() +
        (strings ? message.ClOrdID.length + message.Instrument.Symbol.length : 0);
    case '8':
      return message.ExecType.charCodeAt(0) + message.OrdStatus.charCodeAt(0) + message.Side.charCodeAt(0) + message.LastQty + message.LastPx +
        message.LeavesQty + message.CumQty + message.AvgPx + message.TransactTime.getTime() +
        (strings ? message.OrderID.length + message.ExecID.length + message.Instrument.Symbol.length : 0);
    case 'X': {
      let sum = 0;
      for (const entry of message.MDIncGrp.NoMDEntries) {
        sum += entry.MDUpdateAction.charCodeAt(0) + entry.MDEntryType.charCodeAt(0) + entry.MDEntryPx + entry.MDEntrySize;
      }
      return sum;
    }
    default:
      throw new Error(`unexpected MsgType ${msgType}`);
  }
}
