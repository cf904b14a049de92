// Is a revision's own data plane healthy? Judged from the health monitor's latest scrape
// round of a feed, on the endpoints of the revision's pods only (told apart by their
// pod-template label), never on the Healthy condition, which may describe the pods of the
// revision before. Pure: the monitor keeps the round, the rollout asks.
//
// A revision is healthy when, in the latest round:
//  - every Deployment of the revision has its replicas running that template, all Ready, and
//    no pod of another template of the same component is scraped;
//  - every endpoint of those pods answered and was read before, while its pod was Ready (so
//    rates and p99 are measured over an interval in which the pods were ready);
//  - the Healthy judgement of those endpoints alone is True (spec.slo, when there is one);
//  - and records flow: the publisher published records in that interval.
import type { FeedSlo } from '../../cdk8s/api/feed-health-types.ts';
import type { RevisionPods } from '../rollout/revision.ts';
import { judgeHealth, measureFeed, type EndpointOutcome, type EndpointSnapshot } from './feed-health.ts';
import type { PodFacts } from './pod-endpoints.ts';

export interface ScrapedEndpoint {
  pod: PodFacts;
  outcome: EndpointOutcome;
}

/** One scrape round of a feed, as the monitor keeps it for rollouts. */
export interface FeedRound {
  endpoints: readonly ScrapedEndpoint[];
  /** Earlier readings of endpoints, each taken while its pod was Ready. */
  readyBefore: ReadonlyMap<string, EndpointSnapshot>;
}

export interface RevisionHealth {
  healthy: boolean;
  /** Why not (or, when healthy, what was checked). */
  message: string;
}

const NOT_SCRAPED = 'no scrape of its ready pods has been judged yet';

/** The revision whose Deployments run `pods`, judged on `round` against `slo`. */
export function judgeRevisionHealth(round: FeedRound | undefined, pods: readonly RevisionPods[], slo: FeedSlo | undefined): RevisionHealth {
  if (round === undefined) return { healthy: false, message: NOT_SCRAPED };
  const own: ScrapedEndpoint[] = [];
  for (const deployment of pods) {
    const ofComponent = round.endpoints.filter((endpoint) => endpoint.pod.component === deployment.component);
    const ofTemplate = ofComponent.filter((endpoint) => endpoint.pod.templateHash === deployment.templateHash);
    const readyPods = new Set(ofTemplate.filter((endpoint) => endpoint.pod.ready).map((endpoint) => endpoint.pod.uid));
    // Pods of an earlier template still scraped, or fewer ready pods than asked: not this revision's round yet.
    if (ofTemplate.length < ofComponent.length || readyPods.size < deployment.replicas || ofTemplate.some((endpoint) => !endpoint.pod.ready)) {
      return { healthy: false, message: NOT_SCRAPED };
    }
    own.push(...ofTemplate);
  }
  const measurement = measureFeed(round.readyBefore, own.map((endpoint) => endpoint.outcome));
  const judgement = judgeHealth(measurement, slo, false);
  if (judgement.status === 'False') return { healthy: false, message: `unhealthy: ${judgement.message}` };
  if (judgement.status !== 'True' || measurement.intervalEndpoints < measurement.endpoints) {
    return { healthy: false, message: 'its ready pods have been scraped once; rates need a second scrape' };
  }
  if ((measurement.recordsPerSecond ?? 0) <= 0) return { healthy: false, message: 'unhealthy: its publisher published no record between two scrapes' };
  return { healthy: true, message: judgement.message };
}
