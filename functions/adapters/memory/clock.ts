/** A clock a test sets and moves; `now` is bound, so it can be passed as a `() => Date` port. */
export class ManualClock {
  private t: number;

  constructor(start: Date | string = new Date()) {
    this.t = new Date(start).getTime();
  }

  readonly now = (): Date => new Date(this.t);

  set(at: Date | string): void {
    this.t = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.t += ms;
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Ids shaped like ULIDs (26 characters of Crockford base 32, increasing), deterministic per
 * generator: `prefix` (default 'M') then a counter, so they sort in creation order.
 */
export function sequentialIds(prefix = 'M'): () => string {
  if (!/^[0-9A-HJKMNP-TV-Z]{0,10}$/.test(prefix))
    throw new RangeError('prefix: up to 10 Crockford characters');
  let n = 0;
  return () => {
    n++;
    let digits = '';
    for (let v = n; v > 0; v = Math.floor(v / 32)) digits = CROCKFORD[v % 32] + digits;
    return prefix + digits.padStart(26 - prefix.length, '0');
  };
}
