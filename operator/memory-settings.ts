// How the operator process keeps its memory small (README: Operator). The operator is a
// control-plane process: its JavaScript waits on the API server, it never runs hot. V8's
// optimizing tiers (Maglev, TurboFan) compile in background threads whose compiler zones
// and malloc arenas stay resident; without them the operator's peak RSS with 200 feeds is
// ~12 MB lower (bench/operator). Sparkplug (baseline code, in the heap) stays on. The same
// holds for WebAssembly: the only module is undici's HTTP parser (llhttp), and tiering it
// up to TurboFan cost ~8 MB of peak RSS; it stays Liftoff (baseline) code, which parses
// the operator's few requests and watch streams fast enough.
// These flags cannot be given in NODE_OPTIONS, and changing tiers after start only
// affects code compiled from then on, which is nearly all of the operator's (undici
// compiles llhttp on its first connection).
import v8 from 'node:v8';

export const OPERATOR_V8_FLAGS = ['--no-maglev', '--no-turbofan', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering'] as const;

/** Turns V8's optimizing tiers off for the rest of this process. */
export function limitJitTiers(): void {
  for (const flag of OPERATOR_V8_FLAGS) v8.setFlagsFromString(flag);
}
