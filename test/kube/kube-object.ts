// The loose JSON shape of every object the test API server stores. Kept local (not imported
// from cdk8s/) so the server depends on nothing of the code it tests.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface StoredOwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

export interface StoredMetadata {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: StoredOwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

/** A Kubernetes object as JSON: apiVersion, kind, metadata, and anything else (spec, status, data...). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: StoredMetadata;
  [key: string]: unknown;
}
