// jspurefix (devDependency) as an oracle: its ASCII parser, set up the way its own bench
// does, turns one message into the list of (tag, value) pairs it saw.
import 'reflect-metadata';
import { AsciiParser, type ElasticBuffer, type MsgView, SessionContainer } from 'jspurefix';

export interface JspurefixField {
  tag: number;
  value: string;
}

export interface JspurefixMessage {
  msgType: string;
  fields: JspurefixField[];
  /** "NoXxx:entries" for every repeating group in jspurefix's decoded object, sorted. */
  groups: string[];
}

function collectGroups(value: unknown, out: string[]): void {
  if (value === null || typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (Array.isArray(child)) {
      out.push(`${key}:${child.length}`);
      for (const entry of child) collectGroups(entry, out);
    } else {
      collectGroups(child, out);
    }
  }
}

/** jspurefix's AsciiParser for one dictionary, built through its DI container as its own bench does (also used by bench/fix). */
export async function createJspurefixParser(dictionaryPath: string): Promise<AsciiParser> {
  const system = new SessionContainer();
  system.registerGlobal('error');
  const container = await system.makeSystem({
    application: { protocol: 'ascii', type: 'acceptor', name: 'oracle', dictionary: dictionaryPath, tcp: { host: 'localhost', port: 1 }, resilient: false, reconnectSeconds: 0 },
    Name: 'oracle',
    SenderCompId: 'a',
    TargetCompID: 'b',
    SenderSubID: '',
    TargetSubID: '',
    Username: '',
    Password: '',
    ResetSeqNumFlag: true,
    HeartBtInt: 30,
    BeginString: 'FIX.4.4',
  });
  const config = container.resolve<ConstructorParameters<typeof AsciiParser>[0]>('IJsFixConfig');
  return new AsciiParser(config, null, container.resolve<ElasticBuffer>('ReceiveBuffer'));
}

export async function makeJspurefixParser(dictionaryPath: string): Promise<(message: Buffer) => JspurefixMessage[]> {
  const parser = await createJspurefixParser(dictionaryPath);
  let received: JspurefixMessage[] = [];
  let source: Buffer = Buffer.alloc(0);
  parser.on('msg', (msgType: string, view: MsgView) => {
    const tags = view.structure?.tags;
    const fields: JspurefixField[] = [];
    for (let i = 0; tags !== undefined && i < tags.nextTagPos; i++) {
      const position = tags.tagPos[i];
      fields.push({ tag: position.tag, value: source.toString('latin1', position.start, position.start + position.len) });
    }
    const groups: string[] = [];
    collectGroups(view.toObject(), groups);
    received.push({ msgType, fields, groups: groups.sort() });
  });
  return (message: Buffer): JspurefixMessage[] => {
    received = [];
    source = message;
    parser.parseBuffer(message);
    return received;
  };
}
