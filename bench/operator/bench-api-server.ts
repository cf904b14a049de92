// What every operator bench starts with: a test API server (test/kube) in the bench process,
// with the bench's namespace, and a kubeconfig file for the operator process it spawns.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApiServer, type TestApiServer } from '../../test/kube/test-api-server.ts';

export const BENCH_NAMESPACE = 'bench';
/** The CLI the benches run the operator from (unbundled: the bundle is measured in operator-memory.ts). */
export const OPERATOR_CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'runtime', 'cli', 'marketfeed.ts');

export interface BenchApiServer {
  server: TestApiServer;
  /** A temporary directory holding the kubeconfig; removed by close(). */
  directory: string;
  kubeconfig: string;
  close(): Promise<void>;
}

export async function startBenchApiServer(directoryPrefix: string): Promise<BenchApiServer> {
  const server = await startTestApiServer({ namespaces: ['default', BENCH_NAMESPACE] });
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), directoryPrefix));
  const kubeconfig = path.join(directory, 'kubeconfig');
  fs.writeFileSync(kubeconfig, server.kubeConfig().exportConfig());
  return {
    server,
    directory,
    kubeconfig,
    async close() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
