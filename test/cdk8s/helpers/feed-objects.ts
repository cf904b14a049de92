// Views into the objects desiredObjects() returns, and the Kubernetes name and label rules
// they must meet (apimachinery's validation, as regular expressions).
import type { KubeObject } from '../../../cdk8s/api/kube-object.ts';
import { MARKETFEED_API_VERSION, MARKETFEED_KIND, type MarketFeed, type MarketFeedSpecInput } from '../../../cdk8s/api/marketfeed-types.ts';

export interface Container {
  name: string;
  args?: string[];
  image: string;
  imagePullPolicy?: string;
  ports?: { containerPort: number; name?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
  securityContext?: Record<string, unknown>;
  livenessProbe?: { httpGet?: { path: string; port: number } };
  readinessProbe?: { httpGet?: { path: string; port: number } };
  startupProbe?: unknown;
  envFrom?: { configMapRef?: { name: string } }[];
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; emptyDir?: { medium?: string; sizeLimit?: string } }[];
  securityContext?: Record<string, unknown>;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
}

export interface DeploymentObject extends KubeObject {
  spec: {
    replicas: number;
    selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    strategy: { type: string };
    template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
  };
}

export function marketFeed(name: string, spec: MarketFeedSpecInput = {}, namespace = 'trading'): MarketFeed {
  return { apiVersion: MARKETFEED_API_VERSION, kind: MARKETFEED_KIND, metadata: { name, namespace }, spec: spec as MarketFeed['spec'] };
}

export function objectsOfKind(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function deploymentNamed(objects: KubeObject[], name: string): DeploymentObject {
  const found = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === name);
  if (found === undefined) throw new Error(`no Deployment ${name}`);
  return found as DeploymentObject;
}

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

export function isDns1035Label(name: string): boolean {
  return name.length <= 63 && DNS1035_LABEL.test(name);
}

export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  return (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix))) && name.length <= 63 && QUALIFIED_NAME.test(name);
}

export function isPortName(name: string): boolean {
  return name.length <= 15 && IANA_SVC_NAME.test(name) && /[a-z]/.test(name) && !name.includes('--');
}

/** Whether a matchLabels selector selects a pod with these labels. */
export function selects(matchLabels: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (matchLabels === undefined || Object.keys(matchLabels).length === 0) return false;
  return Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
}
