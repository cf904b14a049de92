// `npx cdk8s synth` (cdk8s.yaml: `app: node cdk8s/main.ts`) writes, to dist/manifests/:
//   0000-namespace.k8s.yaml            the operator's namespace (Pod Security "restricted")
//   0001-marketfeed-operator.k8s.yaml  OperatorInstall: CRD, RBAC, Deployment, Service, PDB
//   0002-example-marketfeed.k8s.yaml   examples/marketfeed.yaml, the example MarketFeed
// Chart dependencies number the files, so `kubectl apply -f dist/manifests/` goes in that order.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import YAML from 'yaml';
import type { KubeObject } from './api/kube-object.ts';
import { DEFAULT_OPERATOR_NAMESPACE, OperatorInstall, operatorLabels, type OperatorInstallProps } from './install/operator-install.ts';

export const EXAMPLE_MARKETFEED_PATH = path.join(import.meta.dirname, '..', 'examples', 'marketfeed.yaml');

export function exampleMarketFeed(): KubeObject {
  return YAML.parse(readFileSync(EXAMPLE_MARKETFEED_PATH, 'utf8')) as KubeObject;
}

export interface InstallAppOptions extends OperatorInstallProps {
  outdir?: string;
}

/** The App `cdk8s synth` synthesizes; tests build it with their own outdir. */
export function installApp(options: InstallAppOptions = {}): App {
  const { outdir, ...installProps } = options;
  const app = new App(outdir === undefined ? {} : { outdir });
  const namespace = installProps.namespace ?? DEFAULT_OPERATOR_NAMESPACE;

  const namespaceChart = new Chart(app, 'namespace', { disableResourceNameHashes: true });
  new kplus.k8s.KubeNamespace(namespaceChart, 'namespace', {
    metadata: {
      name: namespace,
      labels: {
        ...operatorLabels(),
        // Every pod of the operator (and of the feeds) meets the restricted profile.
        'pod-security.kubernetes.io/enforce': 'restricted',
      },
    },
  });

  const operatorChart = new Chart(app, 'marketfeed-operator', { disableResourceNameHashes: true });
  new OperatorInstall(operatorChart, 'install', installProps);
  operatorChart.addDependency(namespaceChart);

  const exampleChart = new Chart(app, 'example-marketfeed', { disableResourceNameHashes: true });
  const { apiVersion, kind, metadata, ...rest } = exampleMarketFeed();
  new ApiObject(exampleChart, 'example', { apiVersion, kind, metadata, ...rest });
  exampleChart.addDependency(operatorChart);
  return app;
}

if (import.meta.main) installApp().synth();
