/**
 * The "who checks it" record (oracle/checks/) covers everything the trace and the abstract
 * state show, agrees with what the monitors read and with what conformance compares, and
 * docs/INVARIANTS.md shows it as it is.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { TRACE_EVENT_KINDS, TraceEventSchema } from '../api/events.js';
import { ABSTRACT_PARTS, AbstractStateSchema, type AbstractPart, type AbstractState } from '../api/abstract.js';
import { ABSTRACT_CHECKS, EVENT_CHECKS, type Check } from '../oracle/checks/index.js';
import { checkTable } from '../oracle/checks/doc.js';
import { INVARIANT_IDS, MONITORS } from '../oracle/monitors/index.js';
import { projectAbstract } from '../oracle/abstract-parts.js';
import { applicableMonitors } from '../oracle/applicable.js';
import { builtinFactory } from '../impl/builtin.js';

type Def = { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType; options?: z.ZodType[] };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** every leaf field's path: `a.b`, `list[].c` (union members merged) */
const paths = (s: z.ZodType, at = ''): string[] => {
  const d = defOf(s);
  if (d.type === 'optional' || d.type === 'readonly') return paths(d.innerType!, at);
  if (d.type === 'array') return paths(d.element!, `${at}[]`);
  if (d.type === 'union') return [...new Set(d.options!.flatMap((o) => paths(o, at)))];
  if (d.type === 'object') return Object.entries(d.shape!).flatMap(([k, v]) => paths(v, at ? `${at}.${k}` : k));
  // a list of plain values is one field
  return [at.replace(/\[\]$/, '')];
};

const fieldsOf = (kind: string): string[] => {
  const o = TraceEventSchema.options.find((x) => x.shape.ev.value === kind)!;
  return Object.keys(o.shape).filter((k) => k !== 'ev').sort();
};

describe('the check record', () => {
  it('names every tracepoint kind and exactly its fields, each checked or with a reason', () => {
    expect(Object.keys(EVENT_CHECKS).sort()).toEqual([...TRACE_EVENT_KINDS].sort());
    for (const k of TRACE_EVENT_KINDS) {
      const fields = EVENT_CHECKS[k].fields as Record<string, Check>;
      expect(Object.keys(fields).sort(), k).toEqual(fieldsOf(k));
      for (const [f, c] of Object.entries(fields)) {
        if ('unchecked' in c) expect(c.unchecked.length, `${k}.${f}`).toBeGreaterThan(10);
        else if ('key' in c) expect(EVENT_CHECKS[k].by.length, `${k}.${f} is a key of no monitor`).toBeGreaterThan(0);
        else expect(c.by.length, `${k}.${f}`).toBeGreaterThan(0);
      }
    }
  });

  it('lists, for each kind, every monitor that needs it, and names only existing checks', () => {
    for (const m of MONITORS) {
      const kinds = [...m.needs, ...Object.values(m.needsIf ?? {}).flat()];
      for (const k of kinds) expect(EVENT_CHECKS[k].by, `${m.id} reads ${k}`).toContain(m.id);
    }
    for (const k of TRACE_EVENT_KINDS) {
      const e = EVENT_CHECKS[k];
      for (const id of e.by) expect(INVARIANT_IDS, k).toContain(id);
      for (const [f, c] of Object.entries(e.fields as Record<string, Check>)) {
        if ('by' in c) for (const id of c.by) expect([...e.by, 'CONFORMANCE'], `${k}.${f}: ${id}`).toContain(id);
      }
    }
  });

  it('names every abstract-state field with the part that has it compared', () => {
    expect(Object.keys(ABSTRACT_CHECKS).sort()).toEqual(paths(AbstractStateSchema).sort());
    for (const a of Object.values(ABSTRACT_CHECKS)) expect(ABSTRACT_PARTS).toContain(a.part);
  });

  it('agrees with conformance: a field is compared exactly when its part is declared', () => {
    const state: AbstractState = AbstractStateSchema.parse({
      host: { loaded: true, vendor: 'vmx', tdp: true, spte: 'ept' },
      vms: [
        { vm: 0, nrMmuPages: 0, slots: [{ slot: 0, gfn: 0, npages: 1, flags: 0 }], vcpus: [{ vcpu: 0, cr0: 1, cr3: 0, cr4: 0, efer: 0, asyncPf: [1], apfHalted: false }], swappedOut: [1] },
        { vm: 1, nrMmuPages: 0, slots: [], vcpus: [], swappedOut: [],
          ppc: { cpu: 'power7', ramPorder: 24, vcpus: [0], rma: 'vrma', phys: [{ slot: 0, page: 0, kind: 'pinned' }], hptes: [{ index: 0, gpa: 0 }] } },
      ],
    });
    const has = (v: unknown, path: string): boolean => {
      const [head, ...rest] = path.split('.');
      const list = head!.endsWith('[]');
      const x = (v as Record<string, unknown> | undefined)?.[list ? head!.slice(0, -2) : head!];
      if (x === undefined) return false;
      const xs = list ? (x as unknown[]) : [x];
      return rest.length === 0 || xs.some((y) => has(y, rest.join('.')));
    };
    const hostHas = (p: string, parts: AbstractPart[]) => has(projectAbstract(state, new Set(parts)), p);
    for (const [path, { part }] of Object.entries(ABSTRACT_CHECKS)) {
      expect(hostHas(path, [...ABSTRACT_PARTS]), path).toBe(true);
      expect(hostHas(path, ABSTRACT_PARTS.filter((p) => p !== part)), `${path} without ${part}`).toBe(false);
    }
  });

  it('is what docs/INVARIANTS.md shows (npm run build && node scripts/check-table.mjs)', () => {
    const doc = readFileSync(new URL('../docs/INVARIANTS.md', import.meta.url), 'utf8');
    expect(doc).toContain(checkTable());
  });

  it('leaves every monitor of a kind an implementation does not emit as not checked, never passed', () => {
    const old = { ...builtinFactory.capabilities, events: builtinFactory.capabilities.events.filter((k) => k !== 'kvmRmap' && k !== 'kvmppcSetLpcr' && k !== 'slotPhysSet') };
    const a = applicableMonitors(old, new Set(old.ops));
    const notChecked = a.notChecked.flatMap((n) => n.ids);
    for (const id of ['RMAP_CONSISTENT', 'RMA_LPCR', 'SLOT_PHYS_LOCKED'] as const) {
      expect(notChecked).toContain(id);
      expect(a.run.map((m) => m.id)).not.toContain(id);
    }
  });
});
