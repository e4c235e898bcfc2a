/**
 * Explore's use of the shared executor (fuzz/campaign/executor.ts): a list of explored
 * cases handed out in chunks, as many at once as the executor has workers, until the
 * search says stop. The probes come back in the order of the jobs, whatever ran where and
 * in what order it finished, so the search decides the same with any number of workers.
 */
import type { Executor } from '../campaign/executor.js';
import type { Job, Probed } from './probe.js';

/** jobs handed out at once: few enough that a stop, the deadline or a hang waste little */
export const CHUNK = 64;

/**
 * the probes of `jobs`, in order; once `stop()` says so no more chunks are handed out and
 * the probes of those not run are null. `done` is told how many have come back, now and then.
 */
export const probeAll = async (exec: Executor, jobs: readonly Job[], stop: () => boolean, done: (n: number) => void): Promise<(Probed | null)[]> => {
  const out: (Probed | null)[] = jobs.map(() => null);
  let [next, returned] = [0, 0];
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      // a turn of the event loop, where a signal's handler runs (stop() then sees it), even
      // when the executor runs in process and its promises resolve without one (--workers 0)
      await new Promise((turn) => setImmediate(turn));
      if (stop()) break;
      const from = next;
      next += CHUNK;
      const probes = await exec.probe(jobs.slice(from, from + CHUNK));
      probes.forEach((p, k) => (out[from + k] = p));
      returned += probes.length;
      done(returned);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, exec.workers) }, worker));
  return out;
};
