// The code of the FixError an action throws, or undefined if it throws none (any other error is rethrown).
import { FixError } from '../../runtime/fix/fix-error.ts';

export function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof FixError) return error.code;
    throw error;
  }
  return undefined;
}
