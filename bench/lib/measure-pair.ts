// One measurement between a sending and a receiving child: the receiver starts first and
// says when it is polling, so that the sender's first record is already awaited; then the
// receiver's figures are awaited along with the sender's end. Both children are stopped
// whatever happens, and a measurement that hangs fails after a time limit.
import type { Peer } from './peer.ts';
import type { DoneMessage, ResultMessage } from './peer-messages.ts';

export async function measurePair<R>(startReceiver: () => Peer, startSender: () => Peer, timeLimitMs: number): Promise<R> {
  const peers: Peer[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeLimit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${timeLimitMs / 1000} s`)), timeLimitMs);
  });
  try {
    const measure = async (): Promise<R> => {
      const receiver = startReceiver();
      peers.push(receiver);
      await receiver.waitFor('ready');
      const sender = startSender();
      peers.push(sender);
      const [result] = await Promise.all([receiver.waitFor<ResultMessage<R>>('result'), sender.waitFor<DoneMessage>('done')]);
      return result.result;
    };
    return await Promise.race([measure(), timeLimit]);
  } finally {
    clearTimeout(timer);
    await Promise.all(peers.map((peer) => peer.stop()));
  }
}
