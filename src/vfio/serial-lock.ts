// A mutex for async flows on the virtual clock (the kernel's `eeh_dev_mutex`, linux-eeh.md
// §5.1): callers run one at a time, in the order they asked, even when a holder sleeps.

export class SerialLock {
  private tail: Promise<void> = Promise.resolve();

  /** Run `f` once every earlier holder is done; the lock is released however `f` ends. */
  run<R>(f: () => Promise<R>): Promise<R> {
    const result = this.tail.then(f);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
