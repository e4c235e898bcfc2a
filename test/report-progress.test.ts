import { describe, expect, it } from 'vitest';
import { LOG_EVERY_MS, Progress, QUIET_MS, type ProgressSink } from '../fuzz/report/progress.js';
import { CampaignWatch } from '../fuzz/report/watch.js';

/** a sink and a clock the test moves */
const rig = (isTTY: boolean, o: { runs?: number; timeMs?: number } = {}) => {
  let t = 0;
  const written: string[] = [];
  const sink: ProgressSink = { isTTY, write: (s) => void written.push(s) };
  const p = new Progress({ sink, runs: o.runs ?? 1000, ...(o.timeMs !== undefined && { timeMs: o.timeMs }), now: () => t });
  return { p, written, at: (ms: number) => void (t = ms) };
};

describe('the progress line', () => {
  it('says nothing for a run shorter than two seconds', () => {
    const r = rig(false);
    for (let i = 1; i <= 100; i++) {
      r.at(i * 19);
      r.p.tick({ cases: i, failures: 0, shrinking: null });
    }
    r.p.end();
    expect(r.written).toEqual([]);
  });

  it('in a log: one line at two seconds, then one every ten seconds, and the last state at the end', () => {
    const r = rig(false, { runs: 10_000 });
    for (let ms = 0; ms <= 25_000; ms += 500) {
      r.at(ms);
      r.p.tick({ cases: ms / 10, failures: ms > 20_000 ? 1 : 0, shrinking: null });
    }
    r.p.end();
    expect(r.written.length).toBe(4); // 2 s, 12 s, 22 s, end
    expect(r.written.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(r.written[0]).toBe('kvm-oracle fuzz: 200 cases, 100 cases/s, 0 failure(s), about 1m38s left\n');
    expect(r.written.at(-1)).toContain('2500 cases, 100 cases/s, 1 failure(s)');
    expect(QUIET_MS).toBe(2000);
    expect(LOG_EVERY_MS).toBe(10_000);
  });

  it('on a terminal: redrawn in place, ending with a newline', () => {
    const r = rig(true, { timeMs: 15_000 });
    for (let ms = 0; ms <= 5000; ms += 50) {
      r.at(ms);
      r.p.tick({ cases: ms, failures: 0, shrinking: null });
    }
    r.p.end();
    expect(r.written.length).toBeGreaterThan(10);
    expect(r.written.slice(0, -1).every((l) => l.startsWith('\r') && l.endsWith('\x1b[K'))).toBe(true);
    expect(r.written.at(-2)).toContain('10s left');
    expect(r.written.at(-1)).toBe('\n');
  });

  it('says when it is shrinking instead of a time left', () => {
    const r = rig(false);
    r.at(3000);
    r.p.tick({ cases: 42, failures: 1, shrinking: 7 });
    expect(r.written).toEqual(['kvm-oracle fuzz: 42 cases, 14 cases/s, 1 failure(s), shrinking (7 cases tried)\n']);
  });
});

describe('the campaign watch (what the fuzz command feeds the line)', () => {
  it('counts the single runs of a shrink, in process or in workers, and no others', async () => {
    let t = 0;
    const written: string[] = [];
    const watch = new CampaignWatch({ sink: { isTTY: true, write: (s) => void written.push(s) }, runs: 1000, now: () => t });
    const ran: unknown[] = [];
    const tc = { config: { vendor: 'vmx' as const, tdp: false }, ops: [] };
    const exec = watch.executor({
      workers: 2,
      scan: async () => ({ verdicts: [], stats: null }),
      probe: async () => [],
      run: async (c) => (ran.push(c), { failure: null, unchecked: false, unsupported: null, preempted: 0, trace: [], points: [] }),
      abort: () => {},
      close: async () => {},
    });
    t = 2500;
    await exec.run(tc); // a corpus replay: not a shrink step
    watch.onProgress({ runs: 250, failures: 0 });
    watch.onShrink(262);
    for (let i = 0; i < 7; i++) {
      t += 200;
      await exec.run(tc);
    }
    t += 200;
    watch.onProgress({ runs: 275, failures: 1 });
    watch.end();
    expect(ran).toHaveLength(8);
    expect(exec.workers).toBe(2);
    expect(written[0]).toMatch(/kvm-oracle fuzz: 250 cases, 100 cases\/s, 0 failure\(s\)/);
    expect(written.filter((l) => l.includes('shrinking (')).map((l) => /shrinking \((\d+)/.exec(l)![1])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(written.find((l) => l.includes('shrinking ('))).toMatch(/ 262 cases, /); // the failing case, not the stretches read before it
    expect(written.at(-2)).toMatch(/275 cases, .*1 failure\(s\), about/);
  });
});
