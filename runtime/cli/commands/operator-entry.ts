// The `operator` line of the command table, shared by the full CLI (runtime/cli/marketfeed.ts)
// and the operator's bundled entry (operator/main.ts), so both show the same help.
import type { CommandEntry } from '../cli-main.ts';

export const operatorEntry: CommandEntry = {
  summary: 'run the MarketFeed operator: reconcile MarketFeeds on Kubernetes (in-cluster or from a kubeconfig)',
  load: async () => (await import('./operator.ts')).operatorCommand,
};
