// The demo's writes, which stop once their reader has gone (npm start | head): an EPIPE
// would otherwise end the process with its children still running. The reader going
// away stops the demo as a signal does.
export class DemoOutput {
  private readonly closed = new Set<NodeJS.WritableStream>();
  private readonly watched = new Set<NodeJS.WritableStream>();
  private readonly onClosed: () => void;

  constructor(onClosed: () => void) {
    this.onClosed = onClosed;
  }

  write(stream: NodeJS.WritableStream, text: string): void {
    if (!this.watched.has(stream)) {
      this.watched.add(stream);
      stream.on('error', () => {
        this.closed.add(stream);
        this.onClosed();
      });
    }
    if (!this.closed.has(stream)) stream.write(text);
  }
}
