import { describe, expect, it } from 'vitest';
import { LOG_EVERY_MS, Progress, QUIET_MS, type ProgressSink } from '../fuzz/report/progress.js';

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
