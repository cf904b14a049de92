// Read a feed from shared memory on the same host, with the client library.
//   npx node examples/shm-reader.ts [feed] [records]   (npx: the Node 24 of node_modules)
// Polls with a plain loop; a real service would use its own idle strategy.
import { BroadcastReceiver, Segment, monotonicNs } from '../runtime/index.ts';

const [feed = 'marketfeed', wanted = '10'] = process.argv.slice(2);
const segment = Segment.open({ name: feed }, false);
const receiver = new BroadcastReceiver(segment.ring(), 'latest');
let seen = 0;
while (seen < Number(wanted)) {
  seen += receiver.poll((record) => {
    console.log(`#${record.sequence} instrument ${record.instrumentId} one-way ${monotonicNs() - record.publishTimeNs} ns`);
  }, Number(wanted) - seen);
}
console.log(`lost ${receiver.lostRecords}`);
segment.close();
