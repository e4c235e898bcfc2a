/** Every invariant is one MonitorSpec: its id, patch, rule, events, scope and monitor agree. */
import { describe, expect, it } from 'vitest';
import { INVARIANTS } from '../api/failures.js';
import { SEEDS } from '../api/seeds.js';
import { MONITORS, monitorById } from '../oracle/monitors/index.js';
import { checkedAt, ruleOf } from '../oracle/rule-of.js';

describe('MonitorSpec', () => {
  it('one per invariant id of api/failures.ts', () => {
    expect(MONITORS.map((m) => m.id).sort()).toEqual([...INVARIANTS].sort());
  });

  it.each(MONITORS.map((m) => [m.id, m] as const))('%s names the events that exercise it, and its patch', (_, m) => {
    expect(m.checkedAt.length).toBeGreaterThan(0);
    expect(ruleOf(m.id)).toEqual({ rule: m.rule, seed: { id: m.seed, ...SEEDS[m.seed] } });
    expect(checkedAt(m.id)).toBe(m.checkedAt);
  });

  it('the harness checks have a rule and no patch', () => {
    expect(monitorById('CONFORMANCE')).toBeUndefined();
    expect(ruleOf('CONFORMANCE').seed).toBeNull();
    expect(ruleOf('CONFORMANCE').rule).toMatch(/model/);
    expect(checkedAt('CONFORMANCE')).toEqual([]);
  });
});
