// One measurement between a sending and a receiving child. Both children are stopped
// whatever happens, and a measurement that hangs fails after a time limit.
//   measurePair: the receiver starts first and says when it is polling, so that the
//     sender's first record is already awaited (rings, channels).
//   measureServerClient: the sender is a server; it says where it listens, the receiver
//     connects there, and the sender starts sending once its subscriber is attached (TCP).
import type { Peer } from './peer.ts';
import type { DoneMessage, ListeningMessage, ResultMessage } from './peer-messages.ts';

export function measurePair<R>(startReceiver: () => Peer, startSender: () => Peer, timeLimitMs: number): Promise<R> {
  return withPeers(timeLimitMs, async (started) => {
    const receiver = started(startReceiver());
    await receiver.waitFor('ready');
    const sender = started(startSender());
    return await resultAndDone<R>(receiver, sender);
  });
}

export function measureServerClient<R>(startSender: () => Peer, startReceiver: (port: number) => Peer, timeLimitMs: number): Promise<R> {
  return withPeers(timeLimitMs, async (started) => {
    const sender = started(startSender());
    const { port } = await sender.waitFor<ListeningMessage>('listening');
    const receiver = started(startReceiver(port));
    return await resultAndDone<R>(receiver, sender);
  });
}

async function resultAndDone<R>(receiver: Peer, sender: Peer): Promise<R> {
  const [result] = await Promise.all([receiver.waitFor<ResultMessage<R>>('result'), sender.waitFor<DoneMessage>('done')]);
  return result.result;
}

/** Runs `measure`, which registers each child it starts through `started`; stops them all at the end. */
async function withPeers<R>(timeLimitMs: number, measure: (started: (peer: Peer) => Peer) => Promise<R>): Promise<R> {
  const peers: Peer[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeLimit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${timeLimitMs / 1000} s`)), timeLimitMs);
  });
  try {
    return await Promise.race([
      measure((peer) => {
        peers.push(peer);
        return peer;
      }),
      timeLimit,
    ]);
  } finally {
    clearTimeout(timer);
    await Promise.all(peers.map((peer) => peer.stop()));
  }
}
