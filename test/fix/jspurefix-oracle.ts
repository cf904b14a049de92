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
}

export async function makeJspurefixParser(dictionaryPath: string): Promise<(message: Buffer) => JspurefixMessage[]> {
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
  const parser = new AsciiParser(config, null, container.resolve<ElasticBuffer>('ReceiveBuffer'));
  let received: JspurefixMessage[] = [];
  let source: Buffer = Buffer.alloc(0);
  parser.on('msg', (msgType: string, view: MsgView) => {
    const tags = view.structure?.tags;
    const fields: JspurefixField[] = [];
    for (let i = 0; tags !== undefined && i < tags.nextTagPos; i++) {
      const position = tags.tagPos[i];
      fields.push({ tag: position.tag, value: source.toString('latin1', position.start, position.start + position.len) });
    }
    received.push({ msgType, fields });
  });
  return (message: Buffer): JspurefixMessage[] => {
    received = [];
    source = message;
    parser.parseBuffer(message);
    return received;
  };
}
