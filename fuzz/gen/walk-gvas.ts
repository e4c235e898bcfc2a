/**
 * Gvas chosen by where the guest's walk ends (docs/OPERATIONS.md "Guest page-table
 * layout"): for each paging mode, from the cr3s of the generator's pool, gvas whose walk
 * maps a 4 KiB page beyond gva page 64, maps through a large page, meets an absent entry
 * or a reserved bit at each level, or reaches a table no memslot backs (with the
 * prelude's slot only: gfns 0-31). Computed once from the layout with the model's walk,
 * so that a walker which stops at the wrong level or ignores a bit answers differently.
 */
import type { Gva } from '../../api/ids.js';
import type { ModelVcpu, ModelVm } from '../../model/state.js';
import { walk, type WalkEnd } from '../../model/x86/walk.js';
import { isAdapterIndex } from '../../model/x86/guest-tables.js';

/** the modes' registers (cr0 PG|PE, cr4 PAE or PSE, EFER LME) */
const MODES = {
  long: { cr0: 0x80000011, cr4: 0x20, efer: 0x100 },
  pae: { cr0: 0x80000011, cr4: 0x20, efer: 0 },
  paging32: { cr0: 0x80000011, cr4: 0x10, efer: 0 },
} as const;
/** the cr3s the walks start from (the prelude's, and the pool's backed ones) */
const WALK_CR3S = [0x0, 0x1000, 0x8000, 0x10000];
/** how many gvas to keep per mode, cr3 and way the walk ends: more of those that map a page */
const perEnd = (name: string): number => (name === 'large' || name === 'mapped' ? 6 : 2);

const PRELUDE_VM = {
  slots: new Map([[0, { gfn: 0, npages: 32, flags: 0, dirty: new Set<number>() }]]),
  vcpus: new Map(),
  swapped: new Set(),
} as unknown as ModelVm;

const endName = (e: WalkEnd): string =>
  e.kind === 'mapped' ? (e.level > 1 ? 'large' : 'mapped') : `${e.kind}@${e.level}`;

/** indices 1..15 at every level (never 0, whose entry points back at its own page, nor the adapter's) */
const candidates = (mode: keyof typeof MODES): number[] => {
  const [levels, shift] = mode === 'long' ? [4, 9] : mode === 'pae' ? [3, 9] : [2, 10];
  const out: number[] = [];
  const idx = [1, 2, 3, 5, 7, 11, 13];
  const rec = (level: number, acc: number): void => {
    if (level === 0) return void out.push(acc * 4096 + 0x10);
    // PAE's top level has four PDPTEs
    const pool = mode === 'pae' && level === 3 ? [0, 1, 2, 3] : idx.filter((i) => !isAdapterIndex(i));
    for (const i of pool) rec(level - 1, acc + i * 2 ** (shift * (level - 1)));
  };
  rec(levels, 0);
  return out;
};

const pick = (): Gva[] => {
  const chosen = new Set<number>();
  for (const mode of Object.keys(MODES) as (keyof typeof MODES)[]) {
    for (const cr3 of WALK_CR3S) {
      const v = { ...MODES[mode], cr3 } as unknown as ModelVcpu;
      const seen = new Map<string, number>();
      for (const gva of candidates(mode)) {
        const e = walk(PRELUDE_VM, v, gva as Gva);
        const name = endName(e);
        if (e.kind === 'mapped' && e.level === 1 && e.gfn < 32 && gva < 64 * 4096) continue;
        if ((seen.get(name) ?? 0) >= perEnd(name)) continue;
        seen.set(name, (seen.get(name) ?? 0) + 1);
        chosen.add(gva);
      }
    }
  }
  return [...chosen].sort((a, b) => a - b) as Gva[];
};

/** the gvas, sorted (the first is where shrinking goes) */
export const WALK_GVAS: readonly Gva[] = pick();
