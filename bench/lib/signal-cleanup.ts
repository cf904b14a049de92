// Cleanups that must run even when the bench is interrupted (SIGINT, SIGTERM), where
// `finally` blocks do not: kill spinning children, remove temporary directories.
const cleanups = new Set<() => void>();
let installed = false;

/** Registers a synchronous cleanup; returns the function that unregisters it. */
export function cleanupOnSignal(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.once('SIGINT', () => runAndExit(130));
    process.once('SIGTERM', () => runAndExit(143));
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function runAndExit(code: number): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // keep cleaning up the rest
    }
  }
  process.exit(code);
}
