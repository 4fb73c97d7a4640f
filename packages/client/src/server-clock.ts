/**
 * The server's time as this device can tell it, from the `Date` header of the API's answers. The API refuses answers
 * dated more than a few minutes ahead of its own clock (`CLOCK_SKEW_ALLOWANCE_MINUTES`), so a device whose clock runs
 * fast (or was set by hand) stamps its classifications by this instead of by its own clock.
 */
export class ServerClock {
  /** A `Date` header is to the second, and its answer took a while to come: smaller differences are left alone. */
  static readonly TOLERANCE_MS = 5000;
  private static readonly KEPT = 5;
  private readonly offsets: number[] = [];

  /** Notes an answer's `Date` header (an HTTP date), received at `receivedAt` by this device's clock. */
  observe(header: string | null, receivedAt = Date.now()): void {
    const date = header ? Date.parse(header) : Number.NaN;
    if (!Number.isFinite(date)) return;
    // The header drops the milliseconds: its second's middle is the best guess.
    this.offsets.push(date + 500 - receivedAt);
    if (this.offsets.length > ServerClock.KEPT) this.offsets.shift();
  }

  /** How far the server's clock is ahead of this device's (negative: behind), in ms; 0 within the tolerance. */
  offset(): number {
    if (!this.offsets.length) return 0;
    // The median of the last few: one answer held up on the way does not move it.
    const sorted = [...this.offsets].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    return Math.abs(median) > ServerClock.TOLERANCE_MS ? median : 0;
  }

  /** Now, by the server's clock (ms since the epoch). */
  now(): number {
    return Date.now() + this.offset();
  }
}

/** The one every client shares by default: all of a page's answers come from the same server. */
export const serverClock = new ServerClock();
