import { GroupCommit, type GroupCommitOptions } from '../common/group-commit';

/**
 * How long an API process goes by what it read of a token's standing (its account's token generation, whether its
 * session ended): tokens ended through another process end here at once by its news (`TokenNews`), and within this
 * time when the news was lost (Redis away).
 */
export const TOKEN_GENERATION_TRUSTED_MS = 30_000;
/** Keys (accounts, sessions) remembered at most; the longest remembered are forgotten first. */
export const GENERATIONS_REMEMBERED_AT_MOST = 100_000;
/** Keys read together by default: a cheap read of many keys (by index) at once. */
const MANY_KEYS_A_READ: GroupCommitOptions = { maxBatch: 500, maxBatchesAtOnce: 2 };

export interface RememberedReadsOptions<V> {
  /** A value that can no longer change, so is remembered for good. */
  lasting?: (value: V) => boolean;
  /**
   * How keys are read together: by default many keys a read; one key a read, several at once, where a key's read is
   * slow or may fail on its own, so that it neither delays nor fails the others'.
   */
  batching?: GroupCommitOptions;
}

/**
 * A standing of tokens read for every request, so remembered for a while: the reads of concurrent requests share one
 * statement (a key's read still running serves the `current` of that key asked meanwhile), and a key's read serves its
 * next requests for `TOKEN_GENERATION_TRUSTED_MS`, or for good once `lasting` says it can no longer change. What is heard or read again is `merged` into what was known (a standing that only
 * moves one way is never undone by an older read).
 */
export class RememberedReads<V> {
  private readonly known = new Map<string, { value: V; readAt: number }>();
  private readonly reads: GroupCommit<string, V | undefined>;
  private readonly reading = new Map<string, Promise<V | undefined>>();
  /** Times each key was forgotten (kept for as many keys as `known`): a read that began before is not remembered. */
  private readonly forgets = new Map<string, number>();

  private readonly lasting: (value: V) => boolean;

  constructor(
    read: (keys: string[]) => Promise<(V | undefined)[]>,
    private readonly merged: (known: V, heard: V) => V,
    { lasting = () => false, batching = MANY_KEYS_A_READ }: RememberedReadsOptions<V> = {},
  ) {
    this.lasting = lasting;
    this.reads = new GroupCommit(read, batching);
  }

  /** As this process last read or heard it, read again once no longer trusted; undefined when there is none. */
  async current(key: string): Promise<V | undefined> {
    const known = this.known.get(key);
    if (known && (this.lasting(known.value) || Date.now() - known.readAt < TOKEN_GENERATION_TRUSTED_MS)) return known.value;
    const reading = this.reading.get(key);
    if (reading) return reading;
    const read = this.latest(key).finally(() => {
      if (this.reading.get(key) === read) this.reading.delete(key);
    });
    this.reading.set(key, read);
    return read;
  }

  /** As the database has it now. */
  async latest(key: string): Promise<V | undefined> {
    const forgetsBefore = this.forgets.get(key);
    const value = await this.reads.submit(key);
    if (value !== undefined && this.forgets.get(key) === forgetsBefore) this.remember(key, value);
    return value;
  }

  /** Reads it again at its next `current`: what this process did shows it changed, so a read running now is not kept. */
  forget(key: string): void {
    this.known.delete(key);
    this.reading.delete(key);
    const forgets = (this.forgets.get(key) ?? 0) + 1;
    this.forgets.delete(key);
    this.forgets.set(key, forgets);
    if (this.forgets.size > GENERATIONS_REMEMBERED_AT_MOST) this.forgets.delete(this.forgets.keys().next().value!);
  }

  /** `forget` of every key known or being read that `matches`. */
  forgetMatching(matches: (key: string) => boolean): void {
    for (const key of new Set([...this.known.keys(), ...this.reading.keys()])) if (matches(key)) this.forget(key);
  }

  remember(key: string, value: V): void {
    const known = this.known.get(key);
    this.known.delete(key);
    this.known.set(key, { value: known ? this.merged(known.value, value) : value, readAt: Date.now() });
    if (this.known.size > GENERATIONS_REMEMBERED_AT_MOST) this.known.delete(this.known.keys().next().value!);
  }
}
