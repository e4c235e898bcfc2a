/**
 * Zeller and Hildebrandt's ddmin ("Simplifying and Isolating Failure-Inducing Input",
 * IEEE TSE 2002) over a list: the smallest sublist it can find on which `fails` still
 * holds. It splits the list into n chunks, keeps a chunk that fails alone, else drops a
 * chunk whose complement fails, else doubles n; it ends at n = length with no single item
 * removable, so the result is 1-minimal (unless `stop` cut it short).
 */
export type Stop = () => boolean;

const chunksOf = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0, start = 0; i < n; i++) {
    const end = Math.round(((i + 1) * xs.length) / n);
    out.push(xs.slice(start, end));
    start = end;
  }
  return out.filter((c) => c.length > 0);
};

export const ddmin = async <T>(items: readonly T[], fails: (xs: readonly T[]) => Promise<boolean>, stop: Stop = () => false): Promise<readonly T[]> => {
  let c = items;
  let n = 2;
  while (c.length >= 2 && !stop()) {
    const chunks = chunksOf(c, n);
    let next: { c: readonly T[]; n: number } | null = null;
    // a chunk alone (only worth trying when it is not the complement of another)
    if (n > 2) for (const ch of chunks) if (!next && !stop() && (await fails(ch))) next = { c: ch, n: 2 };
    for (let i = 0; !next && i < chunks.length && !stop(); i++) {
      const rest = chunks.flatMap((ch, j) => (j === i ? [] : ch));
      if (await fails(rest)) next = { c: rest, n: Math.max(n - 1, 2) };
    }
    if (next) [c, n] = [next.c, next.n];
    else if (n >= c.length) break;
    else n = Math.min(2 * n, c.length);
  }
  return c;
};
