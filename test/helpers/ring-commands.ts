// Pieces shared by the model-based ring tests.
import type fc from 'fast-check';
import type { RecordTransmitter } from '../../runtime/ring/record-transmitter.ts';

export interface WriterModel {
  batch: number;
  written: number;
  published: number;
}

/** The model of a writer's commit: the position is published once per batch. */
export function modelCommit(model: WriterModel): void {
  model.written++;
  if (model.written - model.published >= model.batch) model.published = model.written;
}

export class FlushCommand<M extends WriterModel, R extends { transmitter: RecordTransmitter }> implements fc.Command<M, R> {
  check(): boolean {
    return true;
  }
  run(model: M, real: R): void {
    real.transmitter.flush();
    model.published = model.written;
  }
  toString(): string {
    return 'flush';
  }
}
