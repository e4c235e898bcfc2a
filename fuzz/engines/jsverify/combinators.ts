/**
 * The few combinators the case generator needs that jsverify lacks, built from its own
 * parts (jsc.bless, its generator and shrink functions, jsc.random). jsverify maps an
 * arbitrary only with an inverse (smap), and its oneof does not shrink; here a mapped or
 * weighted value remembers what it was made from (a WeakMap per arbitrary), so it shrinks
 * through the arbitrary it came from, as fast-check's map and oneof do.
 */
import jsc from 'jsverify';
import type { Weighted } from '../../gen/pools.js';

export type Arb<T> = jsc.Arbitrary<T>;

/** `arb` as an arbitrary of a wider type: it still only shrinks values it made */
export const widen = <T extends W, W>(arb: Arb<T>): Arb<W> => arb as unknown as Arb<W>;

/** jsverify's shrink results are arrays or lazy sequences (lazy-seq): walked lazily, best first */
interface Lazy<T> {
  readonly isNil: boolean;
  head(): T;
  tail(): Lazy<T>;
}
export function* shrinksOf<T>(arb: Arb<T>, v: T): Generator<T> {
  const r = arb.shrink?.(v) as unknown as T[] | Lazy<T> | undefined;
  if (r === undefined) return;
  if (Array.isArray(r)) return yield* r;
  for (let s = r; !s.isNil; s = s.tail()) yield s.head();
}

const make = <T>(generator: (size: number) => T, shrink: (v: T) => T[]): Arb<T> =>
  jsc.bless({ generator: jsc.generator.bless(generator), shrink: jsc.shrink.bless(shrink), show: (v: T) => JSON.stringify(v) });

const remember = <T>(m: WeakMap<object, T>, v: unknown, s: T): void => {
  if (typeof v !== 'object' || v === null) throw new TypeError('a mapped or weighted jsverify arbitrary must make objects');
  m.set(v, s);
};

/** `arb` mapped by f (which makes a new object each time); shrinks through arb's shrinks */
export const mapped = <S, T>(arb: Arb<S>, f: (s: S) => T): Arb<T> => {
  const from = new WeakMap<object, S>();
  const to = (s: S): T => {
    const t = f(s);
    remember(from, t, s);
    return t;
  };
  return make(
    (size) => to(arb.generator(size)),
    (t) => (from.has(t as object) ? (arb.shrink!(from.get(t as object)!) as unknown as { map(g: (s: S) => T): T[] }).map(to) : []),
  );
};

/** one of `arbs` (objects), picked by weight; shrinks within the one it came from */
export const weighted = <T>(arbs: readonly (readonly [Arb<T>, number])[]): Arb<T> => {
  const total = arbs.reduce((n, [, w]) => n + w, 0);
  const branch = new WeakMap<object, Arb<T>>();
  return make(
    (size) => {
      let r = jsc.random(0, total - 1);
      const [arb] = arbs.find(([, w]) => (r -= w) < 0)!;
      const v = arb.generator(size);
      remember(branch, v, arb);
      return v;
    },
    (v) => {
      const arb = branch.get(v as object);
      if (!arb) return [];
      return (arb.shrink!(v) as unknown as { map(g: (x: T) => T): T[] }).map((x) => (remember(branch, x, arb), x));
    },
  );
};

/** a value of a weighted pool (pools.ts); shrinks towards the pool's first values, as jsc.elements */
export const frequency = <T>(pool: Weighted<T>): Arb<T> => {
  const total = pool.reduce((n, [, w]) => n + w, 0);
  return make(
    () => {
      let r = jsc.random(0, total - 1);
      return pool.find(([, w]) => (r -= w) < 0)![0];
    },
    (v) => pool.slice(0, pool.findIndex(([x]) => x === v)).map(([x]) => x),
  );
};

/** true `percent` times in 100; shrinks to false */
export const chance = (percent: number): Arb<boolean> => make(() => jsc.random(0, 99) >= 100 - percent, (b) => (b ? [false] : []));

/** `arb`'s value `percent` times in 100, else null; shrinks to null, then within the value */
export const maybe = <T>(arb: Arb<T>, percent: number): Arb<T | null> =>
  make(
    (size) => (jsc.random(0, 99) >= 100 - percent ? arb.generator(size) : null),
    (v) => (v === null ? [] : [null, ...shrinksOf(arb, v)]),
  );

/** arbitraries built by bind, by key: the few most recent (building one costs more than drawing from it) */
const MEMO = 64;

/**
 * A value of `src`, then one of the arbitrary it names (fast-check's chain). Shrinks
 * within the second, `src`'s value kept: the second's values depend on it. `key` names
 * the arbitrary f makes for a value, so one already built is reused.
 */
export const bind = <S, T>(src: Arb<S>, f: (s: S) => Arb<T>, key: (s: S) => string): Arb<T> => {
  const made = new WeakMap<object, Arb<T>>();
  const memo = new Map<string, Arb<T>>();
  const build = (s: S): Arb<T> => {
    const k = key(s);
    const arb = memo.get(k) ?? f(s);
    memo.delete(k);
    memo.set(k, arb);
    if (memo.size > MEMO) memo.delete(memo.keys().next().value!);
    return arb;
  };
  return make(
    (size) => {
      const arb = build(src.generator(size));
      const v = arb.generator(size);
      remember(made, v, arb);
      return v;
    },
    (v) => {
      const arb = made.get(v as object);
      return arb ? (arb.shrink!(v) as unknown as { map(g: (x: T) => T): T[] }).map((x) => (remember(made, x, arb), x)) : [];
    },
  );
};

/** distinct integers of min..max, minLength..maxLength of them; shrinks (jsc.shrink.array) keep both */
export const uniqueInts = (min: number, max: number, minLength: number, maxLength: number): Arb<number[]> => {
  const ok = (xs: number[]) => xs.length >= minLength && new Set(xs).size === xs.length && xs.every((x) => x >= min && x <= max);
  const shrink = jsc.shrink.array(jsc.integer(min, max).shrink!);
  return make(
    () => {
      const n = jsc.random(minLength, maxLength);
      const xs: number[] = [];
      while (xs.length < n) {
        const x = jsc.random(min, max);
        if (!xs.includes(x)) xs.push(x);
      }
      return xs;
    },
    (xs) => (shrink(xs) as unknown as { filter(p: (ys: number[]) => boolean): number[][] }).filter(ok),
  );
};
