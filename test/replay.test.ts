import { describe, expect, it } from 'vitest';
import { readCounterexample } from '../fuzz/campaign/counterexample.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { H_PARAMETER, H_SUCCESS } from '../api/hcall.js';

describe('stored counterexamples', () => {
  it('a file written by an earlier version still replays to the same invariant', () => {
    const cx = readCounterexample(new URL('./fixtures/ROOT_VALID_AT_ENTRY-eager-root-alloc.json', import.meta.url).pathname);
    const again = runCase(cx, { factory: builtinFactory, mutant: cx.mutant });
    expect(again.failure).toMatchObject({ id: cx.invariant, step: cx.step });
  });
});

describe('fixed false positives stay fixed', () => {
  it('a pin that checked slot_phys, then found the host mapping changed, is linearizable', () => {
    // seed 2 once failed CONFORMANCE here: vCPU 1's H_ENTER looked the page up in slot_phys
    // (not known), slept before get_user_pages; vCPU 0 pinned the page and an mmap replaced
    // the memory behind the slot; get_user_pages then failed, so H_PARAMETER, which the
    // model only allowed once it split the pin into its check and its get_user_pages
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-ppc-pin-after-mmap.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const end = r.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === 18)?.record;
    expect(end).toMatchObject({ result: { kind: 'hcall', ret: H_PARAMETER } });
  });

  it('a pin whose get_user_pages came before an mmap and its record after is linearizable', () => {
    // seed 6 (5000 runs) once failed CONFORMANCE here: vCPU 1 pinned the page with
    // get_user_pages, slept before slot_phys_lock; an mmap shrank the memory behind the slot
    // and vCPU 0's H_ENTER of the same page got H_PARAMETER; then vCPU 1 recorded its pin
    // and succeeded. The model allows it since get_user_pages and the record are two steps
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-ppc-record-after-mmap.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const result = (i: number) => r.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === i)?.record;
    expect(result(8)).toMatchObject({ result: { kind: 'hcall', ret: H_SUCCESS } });
    expect(result(11)).toMatchObject({ result: { kind: 'hcall', ret: H_PARAMETER } });
  });

  it('a write fault after a read prefault in a slot that logs dirty pages is not APF_PREFAULT_MAPS', () => {
    // 10,000 sampled cases (fast-check seed 101) once failed APF_PREFAULT_MAPS here: vCPU 0's
    // read of gfn 1 went async, "page ready" prefaulted it as a read, and the next access was
    // a write; the slot logs dirty pages, so the prefault left the page read-only and the
    // write faults to mark it dirty, as in the kernel
    const cx = readCounterexample(new URL('./fixtures/APF_PREFAULT_MAPS-dirty-log-write.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const faults = r.trace.filter((t) => t.record.ev === 'kvmPageFault' && t.record.gfn === 1 && t.record.write);
    expect(faults.length).toBeGreaterThan(0);
  });

  it('a guest write whose fault was handled dirties the page even when the re-entry\'s reload fails', () => {
    // 20,000 cases at --max-ops 200, --vcpus 2 (fast-check seed 3) once failed CONFORMANCE
    // here: vCPU 1's KVM_RUN wrote gfn 0x20 (a slot logging dirty pages) and faulted; thread 0
    // deleted slot 0, which zapped every root; the fault still set a writable spte in the
    // zapped root and marked the page dirty (set_spte's mark_page_dirty), then the re-entry's
    // kvm_mmu_reload met the armed mmuTopup failure: -ENOMEM. The model had dropped the
    // write's dirty mark along with the failed re-entry, so no order explained the log
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-x86-dirty-write-before-failed-reload.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const end = (i: number) => r.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === i)?.record;
    expect(end(7)).toMatchObject({ result: { kind: 'errno', errno: -12 } });
    expect(end(11)).toMatchObject({ result: { kind: 'dirtyLog', pages: [0] } });
  });

  it('a KVM_GET_DIRTY_LOG between a write fault and the write\'s retry sees the page, and so does the next one', () => {
    // --vcpus 2, 5000 cases (jsverify seed 12) once failed CONFORMANCE here: vCPU 0's write
    // to gfn 2 faulted, the fault set a writable spte and marked the page dirty; thread 1's
    // KVM_GET_DIRTY_LOG harvested [2] and write-protected it; the guest's retried write
    // faulted again and marked it dirty again, so the next harvest is [2] too. The model
    // marked the page once, at one instant, so no order gave [2] twice
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-x86-harvest-between-fault-and-retry.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const end = (i: number) => r.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === i)?.record;
    expect(end(6)).toMatchObject({ result: { kind: 'dirtyLog', pages: [2] } });
    expect(end(10)).toMatchObject({ result: { kind: 'dirtyLog', pages: [2] } });
  });

  it('a write whose fault was handled, then whose root was zapped, dirties its page though the retried walk faults', () => {
    // --vcpus 2, 5000 cases (fast-check seed 12) once failed CONFORMANCE here: under TDP the
    // CPU's walk of gva 0x29000 found gfn 0x29 and the EPT fault mapped it writable and marked
    // it dirty; meanwhile thread 1 deleted slot 0, which holds the guest's page tables, and
    // zapped the root. The re-entry reloaded and the guest's instruction ran again: its walk
    // now faults (#PF to the guest), yet the page stays dirty. The model took the run for a
    // completed write or none, so no order gave #PF with the page dirty
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-x86-refault-after-zap-dirty.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const end = (i: number) => r.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === i)?.record;
    expect(end(6)).toMatchObject({ result: { kind: 'exit', reason: 'guestPageFault' } });
    expect(end(8)).toMatchObject({ result: { kind: 'dirtyLog', pages: [1] } });
  });

  it('a root still held after a reload request is zapped by a write to its gfn, and every vCPU reloads again', () => {
    // 2,000 cases at --max-ops 1000, --vcpus 8 (fast-check seed 101) once failed CONFORMANCE
    // here (not shrunk: 622 operations): vCPU 5's emulated write zapped a root (op 344) and
    // asked every vCPU to reload; vCPU 3 did not run again, so it still held its valid root of
    // gfn 1 (kvm_reload_remote_mmus only sets a request; the unload comes at the next entry).
    // vCPU 5's write to gfn 1 (op 598) then zapped that root: every vCPU reloads again, and
    // vCPU 7 met its armed mmuTopup failure (op 283: -ENOMEM). The model had taken vCPU 3's
    // root for gone at the first request
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-x86-stale-root-zapped-again.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const end = r.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === 283)?.record;
    expect(end).toMatchObject({ result: { kind: 'errno', errno: -12 } });
  });

  it('a zapped shadow root makes every vCPU reload, so an armed allocation failure hits another vCPU', () => {
    // 10,000 sampled cases (fast-check seed 303) once failed CONFORMANCE here: vCPU 0's
    // emulated write to its own page-table page zapped its shadow root; kvm_mmu_zap_page
    // asks every vCPU to reload, so vCPU 1 (an unrelated direct-map root) reloaded at its
    // next KVM_RUN and met the mmuTopup failure its thread had armed: -ENOMEM. The model
    // had only reloaded the vCPUs whose root was built from the written gfn
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-x86-zapped-root-reloads-all.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const end = r.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === 12)?.record;
    expect(end).toMatchObject({ result: { kind: 'errno', errno: -12 } });
  });

  it('"page ready" prefaults the work\'s address as a gpa, even after paging was turned off', () => {
    // 10,000 sampled cases (fast-check seed 307) once failed CONFORMANCE here: a read of gva 0
    // under shadow paging went async on gfn 8 (swapped out); the guest then turned paging
    // off, and at the next KVM_RUN the prefault ran on the direct map at work->gva = 0, as
    // seed 001's kvm_arch_async_page_ready does, which brought gfn 0 back in. The model had
    // brought back gfn 8 (the work's gfn) instead
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-apf-prefault-after-paging-off.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const prefaulted = r.trace.filter((t) => t.record.ev === 'kvmPageFault' && t.record.noApf).map((t) => (t.record as { gfn: number }).gfn);
    expect(prefaulted).toEqual([0]);
  });

  it('a cr3 write that faults leaves the PDPTRs as they were', () => {
    // 10,000 sampled cases (fast-check seed 312) once failed ROOT_VALID_AT_ENTRY here on the
    // correct impl: vCPU 0 (PAE) read the PDPTRs at the new cr3, thread 1 deleted the
    // memslot, kvm_set_cr3's memslot check then injected #GP, yet the PDPTRs stayed loaded
    // (seed 003 stores them in load_pdptrs), and the next run built its PAE roots from a
    // page cr3 never named. The impl now stores them with the register
    const cx = readCounterexample(new URL('./fixtures/ROOT_VALID_AT_ENTRY-stale-pdptrs.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const setCr3 = r.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === 11)?.record;
    expect(setCr3).toMatchObject({ result: { kind: 'gp' } });
    expect(r.trace.some((t) => t.record.ev === 'kvmEntry' && t.record.vcpu === 0 && t.record.roots.length === 4)).toBe(true);
  });

  it('an HPTE inserted through a slot that is moving stays; those from before the move go', () => {
    // 10,000 sampled cases (fast-check seed 313) once failed CONFORMANCE here: thread 0 moved
    // slot 0 up by one RAM page; while it waited for kvm->srcu readers, vCPU 1's first run
    // and H_ENTER pinned a page through the moved slot and inserted its HPTE; the move then
    // flushed every HPTE in the old range, this new one too (the ranges overlap), which no
    // order explains. The move now flushes them as it moves
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-ppc-move-vs-h-enter.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    expect(r.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === 7)?.record).toMatchObject({ result: { kind: 'hcall', ret: H_SUCCESS } });
    expect(r.trace.some((t) => t.record.ev === 'hpteInvalidate')).toBe(false);
  });

  it('a move flushes the old HPTEs as it moves, not after waiting for kvm->srcu readers', () => {
    // 10,000 sampled cases (fast-check seed 322) once failed CONFORMANCE here: thread 0 moved
    // slot 0 and waited for vCPU 1's first run (a kvm->srcu reader), which mapped the VRMA;
    // the guest's exact H_ENTER then found its HPTE slot still held by a VRMA HPTE of the old
    // layout (H_PTEG_FULL), which no order of an atomic move explains
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-ppc-move-flush-late.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const invalidated = r.trace.findIndex((t) => t.record.ev === 'hpteInvalidate');
    const hcall = r.trace.findIndex((t) => t.record.ev === 'opEnd' && t.record.index === 5);
    expect(invalidated).toBeGreaterThan(-1);
    expect(invalidated).toBeLessThan(hcall);
  });
});
