// The book bench's cases (names are fixed: scripts compare them across commits). Every
// case replays the same LOBSTER workload through both books; they differ in what is measured.
export const THROUGHPUT_CASE = 'lobster-throughput';
export const LATENCY_CASE = 'lobster-update-latency';
export const ALLOCATION_CASE = 'lobster-allocation';

export const BOOK_CASE_TITLES: Record<string, string> = {
  [THROUGHPUT_CASE]: 'LOBSTER AAPL book operations in a tight loop, one clock read before and after each pass',
  [LATENCY_CASE]: 'each book operation timed on its own with monotonicNs (clock read included, clock_p50_ns beside it)',
  [ALLOCATION_CASE]: 'passes with no clock at all: V8 heap bytes per book operation, 2N passes minus N passes (fixed cost cancelled); collections of the 2N run',
};
