/**
 * The public intake's heavy steps (the receipt code's Argon2id hash and check, the photo's clean
 * copy) run one at a time per process, in arrival order. They run in the low-priority process
 * (low-priority.ts), which does one at a time anyway: queueing here keeps a single photo's bytes in
 * flight instead of a flood's, and when that process is unavailable and a step runs here instead,
 * it takes one thread of libuv's small pool (4 threads), which also compresses every page, reads
 * files and derives keys for the rest of the site, and never all of them. A reporter waits a little
 * longer under a flood; everyone else does not notice it.
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private started = 0;

  /** How many steps are queued or running (for tests and the bench). */
  get pending(): number {
    return this.waiting;
  }

  /** How many steps have started since the process began (the bench counts the flood's heavy work). */
  get ran(): number {
    return this.started;
  }

  run<T>(step: () => Promise<T>): Promise<T> {
    this.waiting++;
    const counted = () => {
      this.started++;
      return step();
    };
    const result = this.tail.then(counted, counted);
    // The chain continues whether the step succeeds or fails; failures reach only their caller.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => this.waiting--);
  }
}

export const intakeHeavyWork = new OneAtATime();
