/**
 * Seeding jsverify per case. jsverify draws from one global generator (RC4 over 16
 * symbols: an 18-hex-digit state, which jsc.check's rngState option sets), so case i is
 * made right after setting that state to one derived from (seed, i) only: the seed's
 * xorshift128plus jumped i + 1 times, as fast-check's stream does, shuffles the RC4
 * permutation (16! of them: distinct for every case a campaign can run, all but by chance). Case i is then the same whoever makes it, in
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
    // i = j = 0, as after RC4's key schedule: a state with j = i + 1 and S[j] = 1 would be on
    // one of Finney's short cycles (N(N - 1) steps), where a case could draw the same few
    // values forever; a state with i = j is never on one
    return [0, 0, ...s].map((d) => d.toString(16)).join('');
  }

  /** sets jsverify's generator to case `index`'s state */
  seedCase(index: number): void {
    random.setStateString(this.stateAt(index));
  }
}
