// Polling waits for the operator tests: they wait for a state, never for a time.
export async function waitFor(condition: () => boolean | Promise<boolean>, options: { timeoutMs?: number; intervalMs?: number; what?: string | (() => string) } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${(typeof options.what === 'function' ? options.what() : options.what) ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

/** Polls until fn returns a value other than undefined, and returns it. */
export async function eventually<T>(fn: () => T | undefined | Promise<T | undefined>, options: { timeoutMs?: number; what?: string | (() => string) } = {}): Promise<T> {
  let value: T | undefined;
  await waitFor(async () => (value = await fn()) !== undefined, options);
  return value!;
}
