/**
 * The worker half of `npm run bench`: cases per second scanned by a pool of 1 and of 2
 * worker processes, on the same cases of the same seed, in one run (so the ratio holds on
 * a shared machine even when the absolute numbers do not). Worker start-up is not timed:
 * each pool first scans a warm-up stretch far from the timed one. The machine's own
 * ceiling is printed beside it, twice: how much faster two processes spinning on a loop get
 * through twice the work than one (2.00 on two idle cores; less when others use them), and
 * how much faster two pools of one worker each, knowing nothing of each other, scan twice
 * the cases than one: the ceiling of this workload on this machine (allocation-heavy
 * cases share caches and memory bandwidth, which a spin loop does not), which the
 * coordinated pool of two is to be held against.
 */
import { spawn } from 'node:child_process';
import { CHUNK } from '../campaign/loop.js';
import { Pool } from '../workers/pool.js';
import { toWire } from '../gen/campaign-arb.js';
import { reachOf } from '../gen/reach.js';
import { builtinFactory } from '../../impl/builtin.js';

const CASES = Number(process.env.BENCH_WORKER_CASES ?? 1200);
const WARMUP = 100_000;

/** scans cases [from, from + n) the way the engine does: one stretch per worker, and one more */
const scan = async (pool: Pool, from: number, n: number): Promise<void> => {
  const inflight: Promise<unknown>[] = [];
  for (let start = from; start < from + n || inflight.length; ) {
    while (start < from + n && inflight.length <= pool.workers) {
      inflight.push(pool.scan({ start, stride: 1, count: Math.min(CHUNK, from + n - start) }));
      start += CHUNK;
    }
    await inflight.shift();
  }
};

const startPool = (workers: number): Promise<Pool> => {
  const reach = toWire(reachOf(builtinFactory.capabilities, 'builtin'));
  const setup = { spec: 'builtin', mutant: null, disabled: [], shape: { maxOps: 30, vcpus: 2 }, reach, seed: 42 };
  return Pool.start({ workers, caseTimeoutMs: 60_000, setup });
};

/** cases per second of `pools` pools of `workers` each, scanning CASES each, all at once */
const casesPerSecond = async (workers: number, pools = 1): Promise<number> => {
  const all = await Promise.all(Array.from({ length: pools }, () => startPool(workers)));
  try {
    await Promise.all(all.map((p, k) => scan(p, WARMUP * (k + 1), 100 * workers)));
    const t0 = process.hrtime.bigint();
    // each pool its own cases (the second pool's are as costly on average: same generator)
    await Promise.all(all.map((p, k) => scan(p, k * 2 * CASES, CASES)));
    return (pools * CASES) / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    for (const p of all) await p.close();
  }
};

const SPIN = 'let x = 0; for (let i = 0; i < 3e8; i++) x += i % 7;';

/** the throughput of n processes spinning at once, in loops per second */
const spinRate = async (n: number): Promise<number> => {
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: n }, () => new Promise((done) => spawn(process.execPath, ['-e', SPIN]).on('exit', done))));
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
};

export const benchWorkers = async (): Promise<string[]> => {
  const one = await casesPerSecond(1);
  const two = await casesPerSecond(2);
  const apart = await casesPerSecond(1, 2);
  const ceiling = (await spinRate(2)) / (await spinRate(1));
  return [
    `workers (fuzz --workers N, ${CASES} cases of seed 42, lockstep, correct impl):`,
    `  1 worker:  ${one.toFixed(0)} cases/s`,
    `  2 workers: ${two.toFixed(0)} cases/s  (${(two / one).toFixed(2)}x one worker)`,
    `  this machine now: 2 independent 1-worker pools scan ${(apart / one).toFixed(2)}x the cases of one (the workload's ceiling here)`,
    `  this machine now: 2 processes spinning do ${ceiling.toFixed(2)}x the work of one`,
  ];
};
