/**
 * Seeding jsverify per case. jsverify draws from one global generator (RC4 over 16
 * symbols: an 18-hex-digit state, which jsc.check's rngState option sets), so case i is
 * made right after setting that state to one derived from (seed, i) only: the seed's
 * xorshift128plus jumped i + 1 times, as fast-check's stream does, shuffles the RC4
 * permutation and picks its two indices. Case i is then the same whoever makes it, in
 * whatever order, with any number of workers.
 */
import jsc from 'jsverify';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xorshift128plus } from 'pure-rand/generator/xorshift128plus';

/** RC4small's alphabet */
const N = 16;

/** jsverify's random, with the two state functions its .d.ts leaves out (lib/random.js has them) */
const random = jsc.random as unknown as { setStateString(s: string): void; currentStateString(): string };

type Rng = ReturnType<typeof xorshift128plus>;

export class CaseRng {
  private readonly base: Rng;
  private rng: Rng;
  /** index of the case the next jump reaches */
  private next = 0;

  constructor(seed: number) {
    // a 32-bit seed, as in fast-check's stream (seed | 0)
    this.base = xorshift128plus(seed | 0);
    this.rng = this.base.clone();
  }

  /** jsverify's generator state for case `index`; cheapest when asked in increasing order */
  stateAt(index: number): string {
    if (index < this.next) [this.rng, this.next] = [this.base.clone(), 0];
    for (; this.next <= index; this.next++) this.rng.jump!();
    const r = this.rng.clone();
    const s = Array.from({ length: N }, (_, k) => k);
    for (let k = N - 1; k > 0; k--) {
      const j = uniformInt(r, 0, k);
      [s[k], s[j]] = [s[j]!, s[k]!];
    }
    return [uniformInt(r, 0, N - 1), uniformInt(r, 0, N - 1), ...s].map((d) => d.toString(16)).join('');
  }

  /** sets jsverify's generator to case `index`'s state */
  seedCase(index: number): void {
    random.setStateString(this.stateAt(index));
  }
}
