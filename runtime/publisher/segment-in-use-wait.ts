// A writer starting on a feed whose segment a live-looking writer holds waits until that
// heartbeat goes stale (it may have just died: a pid in another container cannot be
// checked), then gives up with the IN_USE error. Shared by publishers and relays.
import { DEFAULT_STALE_AFTER_MS } from '../shm/segment.ts';
import { SegmentError } from '../shm/segment-error.ts';
import { HEARTBEAT_INTERVAL_MS } from '../shm/segment-layout.ts';
import type { Service } from '../service/service.ts';

/** Runs `attempt` (which throws IN_USE while the segment is held) until it succeeds, the holder goes stale, or the service stops. */
export async function retryWhileSegmentInUse<T>(service: Service, attempt: () => T): Promise<T> {
  const deadline = Date.now() + DEFAULT_STALE_AFTER_MS + 1000;
  for (let tries = 0; ; tries++) {
    try {
      return attempt();
    } catch (error) {
      if (!(error instanceof SegmentError) || error.code !== 'IN_USE' || Date.now() > deadline || service.stopping) throw error;
      if (tries === 0) service.logger.warn({ reason: error.message }, 'segment in use; waiting for it to go stale');
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_INTERVAL_MS));
    }
  }
}
