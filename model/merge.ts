/**
 * The model state of a whole history from the final states of its independent parts
 * (oracle/partition.ts). Parts share the host (no part of a split history loads or unloads
 * a module); each VM, each host memory window (per VM and slot) and each thread's injected
 * failures belong to one part, so the maps are unions of what the parts changed.
 */
import type { ModelState } from './state.js';

const union = <K, V>(maps: readonly ReadonlyMap<K, V>[]): Map<K, V> => new Map(maps.flatMap((m) => [...m]));

export const mergeStates = (parts: readonly ModelState[]): ModelState => ({
  rules: parts[0]!.rules,
  ...(parts[0]!.registerBits && { registerBits: parts[0]!.registerBits }),
  host: parts[0]!.host,
  vms: union(parts.map((p) => p.vms)),
  failures: union(parts.map((p) => p.failures)),
  mm: union(parts.map((p) => p.mm)),
});
