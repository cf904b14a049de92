// Several agents on one thread, polled in turn (Aeron's CompositeAgent): e.g. the
// publisher's generator and its TCP fan-out, so records leave on TCP in the same slice
// they were published in. Done when the first agent (the one that drives) is done.
import type { Agent } from './agent-runner.ts';

export class CompositeAgent implements Agent {
  private readonly agents: readonly Agent[];

  constructor(agents: readonly Agent[]) {
    if (agents.length === 0) throw new Error('a composite agent needs at least one agent');
    this.agents = agents;
  }

  doWork(): number {
    let work = 0;
    for (const agent of this.agents) work += agent.doWork();
    return work;
  }

  isDone(): boolean {
    return this.agents[0].isDone();
  }
}
