/**
 * Which cases of a guided campaign are fresh (the base stream's, in the base stream's own
 * order) and which are derived from the corpus. An epoch with an empty corpus is all
 * fresh; in any other, a fixed share is, spread evenly (offset k of the epoch is fresh when
 * ⌊(k+1)·share⌋ > ⌊k·share⌋). Fresh cases take the base stream's cases one after another,
 * never skipping one, so the base stream's case j is run as the guided campaign's case
 * E + (j − E)/share (E: the first epoch with a corpus) at the latest: a guided campaign is never slower than the plain
 * one by more than that share, whatever its derived cases do.
 */
/** of the cases of an epoch with a corpus, the share drawn fresh from the base stream: NUM/DEN */
export const FRESH_NUM = 1;
export const FRESH_DEN = 2;

/** fresh cases among the first `k` of an epoch with a corpus */
export const freshBefore = (k: number): number => Math.floor((k * FRESH_NUM) / FRESH_DEN);

/** is offset k of an epoch with a corpus fresh? */
export const isFresh = (k: number): boolean => freshBefore(k + 1) > freshBefore(k);
