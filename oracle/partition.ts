/**
 * Independent parts of a history (P-compositionality, as in Porcupine): operations on
 * different VMs commute, so a history is linearizable when the operations of each group
 * of VMs are, each searched on its own. What ties VMs together is global state:
 * - a module load or unload (the vendor and TDP every VM sees; unload counts all VMs):
 *   then the history is one part;
 * - injected allocation failures, which belong to a thread and are consumed by whatever
 *   that thread does next on any VM: a thread that arms one joins every VM it touches;
 * - any other operation without a VM (none today): one part.
 * A VM id is one object across its lifetimes (KVM_CREATE_VM of an id waits for its old
 * teardown), so every operation naming it is in its part. Host memory windows are per VM
 * and slot (mapHostMemory names its VM).
 */
import type { AbstractState } from '../api/abstract.js';
import type { Interval } from './linearize.js';

/** the VM an operation works on, or null for one without */
const vmOf = (iv: Interval): number | null => ('vm' in iv.op && typeof iv.op.vm === 'number' ? iv.op.vm : null);

export interface Part {
  readonly ops: readonly Interval[];
  /** the VM ids its operations name */
  readonly vms: ReadonlySet<number>;
}

/** The independent parts of `ops`, each in the original order; one part when nothing splits. */
export const partition = (ops: readonly Interval[]): Part[] => {
  const all = (): Part[] => [{ ops, vms: new Set(ops.map(vmOf).filter((v): v is number => v !== null)) }];
  if (ops.some((iv) => vmOf(iv) === null && iv.op.kind !== 'failAlloc')) return all();
  // union-find over VM ids, and over threads (as `t<tid>`) that arm failures
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra, rb);
  };
  const arming = new Set(ops.filter((iv) => iv.op.kind === 'failAlloc').map((iv) => iv.tid));
  const nodeOf = (iv: Interval): string => {
    const vm = vmOf(iv);
    return vm === null ? `t${iv.tid}` : `v${vm}`;
  };
  for (const iv of ops) {
    find(nodeOf(iv));
    if (arming.has(iv.tid)) union(nodeOf(iv), `t${iv.tid}`);
  }
  const groups = new Map<string, Interval[]>();
  for (const iv of ops) {
    const root = find(nodeOf(iv));
    const g = groups.get(root);
    if (g) g.push(iv);
    else groups.set(root, [iv]);
  }
  return [...groups.values()].map((g) => ({ ops: g, vms: new Set(g.map(vmOf).filter((v): v is number => v !== null)) }));
};

/** The impl's abstract state as one part sees it: only the part's VMs (the host is shared). */
export const partState = (s: AbstractState, vms: ReadonlySet<number> | null): AbstractState =>
  vms ? { ...s, vms: s.vms.filter((v) => vms.has(v.vm)) } : s;
