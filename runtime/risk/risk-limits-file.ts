// The limits file at run time: loaded at start, reloaded on SIGHUP or the admin endpoint.
// A reload that fails (unreadable file, bad line, a consumer refusing the limits: an unknown
// symbol) changes nothing: the limits in force stay, and the error says why.
import { readFileSync } from 'node:fs';
import { type RiskLimits, RiskLimitsError, emptyRiskLimits, riskLimitsWithFlags } from './risk-limits.ts';

export type RiskLimitsReload = { ok: true; limits: RiskLimits } | { ok: false; error: RiskLimitsError };

export function readRiskLimitsFile(path: string | undefined, flagLines: readonly string[]): RiskLimits {
  let text = '';
  if (path !== undefined) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new RiskLimitsError(path, 0, '', `cannot read the limits file: ${(error as Error).message}`);
    }
  }
  return riskLimitsWithFlags(text, path ?? '(no limits file)', flagLines);
}

export class RiskLimitsFile {
  private limits: RiskLimits = emptyRiskLimits();

  /**
   * `apply` installs limits (PreTradeRisk.applyLimits); it may refuse them by throwing a
   * RiskLimitsError, before changing anything. The first load throws (a trader must not start
   * on bad limits); later loads report.
   */
  readonly path: string | undefined;
  readonly flagLines: readonly string[];
  private readonly apply: (limits: RiskLimits) => void;

  constructor(path: string | undefined, flagLines: readonly string[], apply: (limits: RiskLimits) => void) {
    this.path = path;
    this.flagLines = flagLines;
    this.apply = apply;
    const result = this.reload();
    if (!result.ok) throw result.error;
  }

  get current(): RiskLimits {
    return this.limits;
  }

  reload(): RiskLimitsReload {
    try {
      const limits = readRiskLimitsFile(this.path, this.flagLines);
      this.apply(limits);
      this.limits = limits;
      return { ok: true, limits };
    } catch (error) {
      if (error instanceof RiskLimitsError) return { ok: false, error };
      throw error;
    }
  }
}
