// Where `marketfeed operator` finds its cluster: --kubeconfig, else the pod's service
// account (in a cluster), else $KUBECONFIG, else ~/.kube/config. Nothing found is an
// error that says where it looked: the client library would otherwise fall back to
// http://localhost:8080 and the operator would retry a server that is not there forever.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UsageError } from './options.ts';
import { systemErrorReason } from './system-error-reason.ts';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** No kubeconfig where one was named, or none anywhere. */
export class KubeConfigNotFoundError extends Error {
  override readonly name = 'KubeConfigNotFoundError';
  readonly code = 'NO_KUBECONFIG';
}

/**
 * A kubeconfig that cannot be read or parsed, named with where it came from. Its message
 * carries nothing of the file's content: a kubeconfig holds credentials, and the YAML
 * parser's own error quotes the lines around the fault (and keeps the whole file).
 */
export class KubeConfigInvalidError extends Error {
  override readonly name = 'KubeConfigInvalidError';
  readonly code = 'BAD_KUBECONFIG';
}

export interface KubeConfigChoice {
  kubeconfig: string | undefined;
  context: string | undefined;
}

export function loadKubeConfig(choice: KubeConfigChoice, env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): { kubeConfig: KubeConfig; source: string } {
  const kubeConfig = new KubeConfig();
  const homeConfig = path.join(home, '.kube', 'config');
  const serviceHost = env.KUBERNETES_SERVICE_HOST ?? '';
  const inCluster = serviceHost !== '' && fs.existsSync(SERVICE_ACCOUNT_TOKEN);
  const kubeconfigFiles = (env.KUBECONFIG ?? '').split(path.delimiter).filter((file) => file !== '');
  let source: string;
  if (choice.kubeconfig !== undefined) {
    loadFiles(kubeConfig, [choice.kubeconfig], '--kubeconfig');
    source = choice.kubeconfig;
  } else if (inCluster && choice.context === undefined) {
    kubeConfig.loadFromCluster();
    source = 'in-cluster service account';
  } else if (kubeconfigFiles.length > 0) {
    loadFiles(kubeConfig, kubeconfigFiles, '$KUBECONFIG');
    source = env.KUBECONFIG!;
  } else if (fs.existsSync(homeConfig)) {
    loadFiles(kubeConfig, [homeConfig], '~/.kube/config');
    source = homeConfig;
  } else {
    const cluster = serviceHost === '' ? 'KUBERNETES_SERVICE_HOST not set' : `${SERVICE_ACCOUNT_TOKEN} does not exist`;
    throw new KubeConfigNotFoundError(
      `no kubeconfig found: --kubeconfig not given, $KUBECONFIG not set, ${homeConfig} does not exist, and no in-cluster service account (${cluster})`,
    );
  }
  if (choice.context !== undefined) {
    if (kubeConfig.getContextObject(choice.context) === null) throw new UsageError(`marketfeed operator: --context ${choice.context} is not in ${source}`);
    kubeConfig.setCurrentContext(choice.context);
  }
  if (kubeConfig.getCurrentCluster() === null) throw new UsageError(`marketfeed operator: no current cluster in ${source}`);
  return { kubeConfig, source };
}

/** Loads kubeconfig files, merged in order as kubectl does; a missing one is named with where it came from. */
function loadFiles(kubeConfig: KubeConfig, files: readonly string[], from: string): void {
  for (const [index, file] of files.entries()) {
    if (!fs.existsSync(file)) throw new KubeConfigNotFoundError(`kubeconfig ${file} (from ${from}) does not exist`);
    const next = index === 0 ? kubeConfig : new KubeConfig();
    try {
      next.loadFromFile(file);
    } catch (error) {
      throw new KubeConfigInvalidError(`kubeconfig ${file} (from ${from}) ${whatIsWrong(error)}`);
    }
    if (next !== kubeConfig) kubeConfig.mergeConfig(next);
  }
}

/** Why a kubeconfig did not load, in words that quote none of its content. */
function whatIsWrong(error: unknown): string {
  if (typeof (error as NodeJS.ErrnoException).errno === 'number') return `cannot be read: ${systemErrorReason(error)}`;
  const { name, reason, mark } = error as { name?: string; reason?: string; mark?: { line: number; column: number } };
  if (name === 'YAMLException') return `is not valid YAML: ${reason ?? 'unreadable'}${mark === undefined ? '' : ` at line ${mark.line + 1}, column ${mark.column + 1}`}`;
  // The client library's own checks of the structure ("clusters[0].name is missing").
  const message = error instanceof Error ? error.message : String(error);
  return `is not a valid kubeconfig: ${message.split('\n')[0]}`;
}
