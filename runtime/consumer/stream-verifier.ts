// Checks every delivered record against the stream the publisher generated: same seed and
// instrument count give the same quotes in the same order, so each record's payload
// (instrument, type, flags, prices, sizes) must equal the regenerated one. A torn record
// mixes two records' fields and fails. Skipped (lost) records are regenerated and dropped.
import { QuoteGenerator, type QuoteGeneratorOptions } from '../generator/quote-generator.ts';
import { MarketDataRecord } from '../record/market-data-record.ts';
import { RECORD_WORDS, Word } from '../record/record-layout.ts';

export class StreamVerifier {
  mismatches = 0;
  checked = 0;
  firstMismatch: { sequence: number; expected: object; actual: object } | undefined;
  private readonly options: QuoteGeneratorOptions;
  private generator: QuoteGenerator;
  private readonly expected = new MarketDataRecord();
  private nextSequence = 0;

  constructor(options: QuoteGeneratorOptions) {
    this.options = options;
    this.generator = new QuoteGenerator(options);
  }

  /** A new stream (publisher restart): generation starts again from sequence 0. */
  reset(): void {
    this.generator = new QuoteGenerator(this.options);
    this.nextSequence = 0;
  }

  check(record: MarketDataRecord): boolean {
    const sequence = record.sequence;
    if (sequence < this.nextSequence) {
      this.fail(sequence, record);
      return false;
    }
    while (this.nextSequence <= sequence) {
      this.generator.next(this.expected, 0, 0);
      this.nextSequence++;
    }
    this.checked++;
    const a = record.words;
    const b = this.expected.words;
    for (let i = Word.instrumentId; i < RECORD_WORDS; i++) {
      if (a[record.base + i] !== b[i]) {
        this.fail(sequence, record);
        return false;
      }
    }
    return true;
  }

  private fail(sequence: number, record: MarketDataRecord): void {
    this.mismatches++;
    this.firstMismatch ??= { sequence, expected: this.expected.toFields(), actual: record.toFields() };
  }
}
