/**
 * The racy PPC mutants, driven by hand: two threads stepped between preemption points in a
 * chosen order. Each window is shown to exist (the mutant breaks an invariant), to be closed
 * in the correct impl (same schedule, nothing broken), and to need two threads (run one
 * after the other, the mutant breaks nothing).
 */
import { describe, expect, it } from 'vitest';
import { H_PARAMETER, H_SUCCESS } from '../api/hcall.js';
import type { VmId } from '../api/ids.js';
import { runSequentially, runThreads } from './threads.js';
import { MB16, TWO_SLOTS, ppc } from './helpers-ppc.js';

const hcall = (ret: number) => expect.objectContaining({ kind: 'hcall', ret });
/** the lock rule (SLOT_PHYS_LOCKED) catches both mutants on one thread; here the race itself is shown */
const RACE_ONLY = ['SLOT_PHYS_LOCKED'];

describe('get-page-unlocked: two vCPUs pin the same page', () => {
  // vCPUs 0 and 1 both H_ENTER the first page of slot 1, which nobody has pinned yet
  const setup = [...TWO_SLOTS, ppc.vcpu(1), ppc.run(0)];
  const threads = [ppc.hEnter(MB16, 0), ppc.hEnter(MB16, 8, { vcpu: 1 })];
  // both read slot_phys[0] == 0 and sleep in get_user_pages; then each records its pfn
  const schedule = [0, 1, 0, 1];

  it('loses a reference when the entry is written without slot_phys_lock', () => {
    const r = runThreads('get-page-unlocked', setup, threads, schedule, RACE_ONLY);
    expect(r.steps.slice(0, 2)).toEqual(['T0 gup', 'T1 gup']);
    expect(r.violation).toMatchObject({ id: 'PIN_ONCE', message: expect.stringMatching(/overwritten .* reference is lost/) });
  });

  it('is closed by the re-check under slot_phys_lock: the loser drops its reference', () => {
    const r = runThreads(null, setup, threads, schedule);
    expect(r.violation).toBeNull();
    expect(r.results).toEqual([hcall(H_SUCCESS), hcall(H_SUCCESS)]);
    const kvm = r.impl.ppcVms.get(0 as VmId)!;
    const page = r.impl.host.mm.phys.live.get(Number(kvm.arch.slotPhys[1]!.data[0]! >> 12n))!;
    // the mapping's reference and one pin
    expect(page.count).toBe(2);
  });

  it('needs two threads: one after the other the mutant pins once', () => {
    expect(runSequentially('get-page-unlocked', setup, threads, RACE_ONLY).violation).toBeNull();
    expect(runSequentially('get-page-unlocked', setup, threads).violation?.id).toBe('SLOT_PHYS_LOCKED');
  });
});

describe('unpin-unlocked: a slot is deleted while a vCPU pins one of its pages', () => {
  // slot 1 has page 1 pinned; vCPU 0 pins page 0 while the ioctl thread deletes the slot
  const setup = [...TWO_SLOTS, ppc.hEnter(2 * MB16, 0)];
  const threads = [ppc.hEnter(MB16, 8), ppc.slot(1, 1, 0)];
  // T0 sleeps in get_user_pages; T1 takes slots_lock and starts unpin_slot; T0 records its page; T1 finishes
  const schedule = [0, 1, 1, 0, 0, 1];

  it('leaks the pin when the walk has already passed the entry', () => {
    const r = runThreads('unpin-unlocked', setup, threads, schedule, RACE_ONLY);
    expect(r.steps.slice(0, 3)).toEqual(['T0 gup', 'T1 lock kvm->slots_lock@vm0', 'T1 preempt']);
    expect(r.violation).toMatchObject({ id: 'PIN_ONCE', message: expect.stringMatching(/1 reference\(s\) taken by get_user_pages, but 0 slot_phys entries/) });
  });

  it('is closed by slot_phys_lock: the walk puts the new pin too', () => {
    const r = runThreads(null, setup, threads, schedule);
    expect(r.steps.slice(0, 3)).toEqual(['T0 gup', 'T1 lock kvm->slots_lock@vm0', 'T1 lock slot_phys_lock@vm0']);
    expect(r.violation).toBeNull();
    expect(r.results).toEqual([hcall(H_PARAMETER), { kind: 'ok' }]);
  });

  it('is closed when the vCPU comes back after the array was released: it looks again', () => {
    // T1 deletes the slot completely while T0 sleeps in get_user_pages
    const r = runThreads(null, setup, threads, [0, 1, 1, 1, 1]);
    expect(r.violation).toBeNull();
    expect(r.results[0]).toEqual(hcall(H_PARAMETER));
  });

  it('needs two threads', () => {
    expect(runSequentially('unpin-unlocked', setup, threads, RACE_ONLY).violation).toBeNull();
    expect(runSequentially('unpin-unlocked', setup, threads).violation?.id).toBe('SLOT_PHYS_LOCKED');
  });
});

describe('rma-no-recheck: two vCPUs make their first run at once', () => {
  const setup = [ppc.createVm(), ppc.slot(0, 0, 2), ppc.map(0, 2), ppc.vcpu(0), ppc.vcpu(1)];
  const threads = [ppc.run(0), ppc.run(1)];
  // T0 takes kvm->lock and sleeps on mmap_sem; T1 sees rma_setup_done == 0 and waits for kvm->lock
  const schedule = [0, 0, 1, 1];

  it('sets up the VRMA twice when rma_setup_done is not re-checked under kvm->lock', () => {
    const r = runThreads('rma-no-recheck', setup, threads, schedule);
    expect(r.steps.slice(0, 4)).toEqual(['T0 lock kvm->lock@vm0', 'T0 lock mmap_sem@mm', 'T1 lock kvm->lock@vm0', 'T1 wait kvm->lock@vm0']);
    expect(r.violation).toMatchObject({ id: 'RMA_ONCE', message: expect.stringMatching(/VRMA of vm 0 set up a second time/) });
  });

  it('sets it up once in the correct impl', () => {
    const r = runThreads(null, setup, threads, schedule);
    expect(r.violation).toBeNull();
    expect(r.results).toEqual([{ kind: 'exit', reason: 'hlt' }, { kind: 'exit', reason: 'hlt' }]);
  });

  it('needs two threads', () => {
    expect(runSequentially('rma-no-recheck', setup, threads).violation).toBeNull();
  });
});
