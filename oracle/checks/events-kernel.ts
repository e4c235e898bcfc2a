/**
 * Who checks the events only a real kernel reports (api/events-kernel.ts): its kvm and
 * kvmmmu tracepoints, translated by the real-KVM adapter (docs/KVM.md).
 */
import { how, key, unchecked, type EventChecks } from './types.js';

type KernelKinds =
  | 'kvmMmuShadowPage' | 'kvmMmuPrepareZap' | 'kvmMmuZapAllFast' | 'kvmUnmapHvaRange' | 'kvmMmuWalk'
  | 'kvmMmuWalkElement' | 'kvmMmuWalkError' | 'kvmEmulateInsn' | 'kvmVmEntry' | 'kvmGuestFault';

const vmKey = key('the VM of the operation (the tracepoints name none)');
/** vm and vcpu of an event no monitor reads */
const unread = unchecked('no monitor reads this event (see its other fields)');
const NO_RULE = 'no rule of the five patches is stated over it; the operation\'s result is compared (CONFORMANCE)';
const page = {
  vm: vmKey,
  gen: how('the generation a page belongs to: none of a retired one handed out or left valid', 'ROOTS_BY_GENERATION'),
  gfn: how('with gen and role, which page it is', 'ROOTS_BY_GENERATION'),
  role: how('with gen and gfn, which page it is', 'ROOTS_BY_GENERATION'),
  invalid: unchecked('the monitor derives invalidity from rootCount at the zap; the printed bit is the same fact'),
  rootCount: how('a page zapped while a root stays, invalid, until its holders let it go', 'ROOTS_BY_GENERATION'),
} as const;

export const KERNEL_EVENT_CHECKS: EventChecks<KernelKinds> = {
  kvmMmuShadowPage: { by: ['ROOTS_BY_GENERATION'], fields: { ...page, created: how('a page found (created false) must still be live', 'ROOTS_BY_GENERATION') } },
  kvmMmuPrepareZap: { by: ['ROOTS_BY_GENERATION'], fields: page },
  kvmMmuZapAllFast: {
    by: ['ROOTS_BY_GENERATION'],
    fields: {
      vm: vmKey,
      gen: how('the generation retired must be the one the pages were of', 'ROOTS_BY_GENERATION'),
      usedPages: unchecked('the kernel\'s page count; the model keeps no shadow-page count'),
    },
  },
  kvmUnmapHvaRange: { by: [], fields: { pages: unchecked(`counts host pages of any VM of the process; ${NO_RULE}`) } },
  kvmMmuWalk: { by: [], fields: { vm: unread, vcpu: unread, addr: unchecked(NO_RULE), pferr: unchecked(NO_RULE) } },
  kvmMmuWalkElement: { by: [], fields: { vm: unread, vcpu: unread, pte: unchecked(`the guest's own pte; ${NO_RULE}`), level: unchecked(NO_RULE) } },
  kvmMmuWalkError: { by: [], fields: { vm: unread, vcpu: unread, pferr: unchecked(`the walk's #PF reaches userspace as the result (KVM_TRANSLATE, exit); ${NO_RULE}`) } },
  kvmEmulateInsn: { by: [], fields: { vm: unread, vcpu: unread, rip: unchecked(NO_RULE), mode: unchecked(NO_RULE), failed: unchecked(`an emulation failure ends KVM_RUN with an internal error; ${NO_RULE}`) } },
  kvmVmEntry: { by: ['ROOTS_BY_GENERATION'], fields: { vm: vmKey, vcpu: how('with one vCPU, no invalid root may be held at entry (vmx/svm only)', 'ROOTS_BY_GENERATION') } },
  kvmGuestFault: { by: [], fields: { vm: unread, vcpu: unread, address: unchecked(`vmx/svm only; ${NO_RULE}`), errorCode: unchecked(`vmx/svm only; ${NO_RULE}`) } },
};
