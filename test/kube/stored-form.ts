// What the server makes of a written object before storing it, in the order a real one does:
// decode into the Go structs (go-normalisation.ts), fill in defaults (defaulting.ts), encode
// (the round trip again, so a default never leaves a zero value the encoder would drop).
import type { Defaulter } from './defaulting.ts';
import { normaliseAsGo } from './go-normalisation.ts';
import type { KubeObject } from './kube-object.ts';
import type { ResourceType } from './resource-registry.ts';

export class StoredForm {
  private readonly defaulter: Defaulter | undefined;
  private readonly goRoundTrip: boolean;

  constructor(defaulter: Defaulter | undefined, goRoundTrip: boolean) {
    this.defaulter = defaulter;
    this.goRoundTrip = goRoundTrip;
  }

  /** Turns `object` (in place) into what is stored; `previous` keeps what the server allocated (a Service's clusterIP). */
  apply(type: ResourceType, object: KubeObject, previous?: KubeObject): void {
    if (this.goRoundTrip) normaliseAsGo(type, object, 'decode');
    this.defaulter?.apply(type, object, previous);
    if (this.goRoundTrip) normaliseAsGo(type, object, 'encode');
  }
}
