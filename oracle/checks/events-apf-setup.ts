/** Who checks the async page fault (seed 001) and module setup (seed 002) tracepoints. */
import { how, key, unchecked, type Check, type EventChecks } from './types.js';

type Kinds =
  | 'kvmAsyncPfNotPresent' | 'kvmAsyncPfDoublefault' | 'kvmAsyncPfCompleted' | 'kvmAsyncPfPrefault' | 'kvmAsyncPfPresent' | 'kvmAsyncPfCancel'
  | 'kvmModuleInit' | 'kvmModuleInitDone' | 'kvmModuleExitDone' | 'kvmResetPteMasks' | 'kvmSetupStep' | 'kvmUnsetupStep';

const work: Check = key('the work is (vm, vcpu, token); tokens restart with a new vCPU or VM');
const vendor: Check = unchecked('named in the complaints; which vendor is loaded is in the abstract state (host)');

export const APF_SETUP_EVENT_CHECKS: EventChecks<Kinds> = {
  kvmAsyncPfNotPresent: {
    by: ['APF_NO_RECURSION', 'APF_ONE_PER_GFN', 'APF_PRESENT_ONCE'],
    fields: { vm: work, vcpu: work, token: work, gfn: how('one outstanding work per gfn; the queue is in the abstract state (asyncPf)', 'APF_ONE_PER_GFN', 'CONFORMANCE') },
  },
  kvmAsyncPfDoublefault: {
    by: ['APF_NO_RECURSION', 'APF_ONE_PER_GFN'],
    fields: {
      vm: work, vcpu: work,
      gfn: how('a doublefault is for a gfn with work outstanding; never from a no_apf fault; the halt is in the abstract state (apfHalted)', 'APF_ONE_PER_GFN', 'CONFORMANCE'),
    },
  },
  kvmAsyncPfCompleted: {
    by: ['APF_PRESENT_ONCE', 'APF_PREFAULT_SAFE'],
    fields: {
      vm: work, vcpu: work, token: how('completes a work that waits for its page, once', 'APF_PRESENT_ONCE'),
      gfn: how('an error page is one no memslot backs when the work completes', 'APF_PREFAULT_SAFE'),
      errorPage: unchecked('on purpose: the impl\'s own conclusion; APF_PREFAULT_SAFE decides from the memslots (monitors-self-trust.test.ts)'),
    },
  },
  kvmAsyncPfPrefault: {
    by: ['APF_NO_RECURSION', 'APF_PREFAULT_SAFE', 'APF_PREFAULT_MAPS'],
    fields: {
      vm: work, vcpu: work, token: work,
      gfn: how('backed; mapped for the next access', 'APF_PREFAULT_MAPS'),
      roots: how('valid roots on a direct map', 'APF_PREFAULT_SAFE'),
    },
  },
  kvmAsyncPfPresent: {
    by: ['APF_NO_RECURSION', 'APF_ONE_PER_GFN', 'APF_PRESENT_ONCE', 'APF_PREFAULT_MAPS'],
    fields: { vm: work, vcpu: work, token: how('once, after the page arrived', 'APF_PRESENT_ONCE'), gfn: how('mapped for the next access', 'APF_PREFAULT_MAPS') },
  },
  kvmAsyncPfCancel: {
    by: ['APF_NO_RECURSION', 'APF_ONE_PER_GFN', 'APF_PRESENT_ONCE'],
    fields: { vm: work, vcpu: work, token: how('a cancelled work was outstanding', 'APF_PRESENT_ONCE'), gfn: unchecked('named in the complaint; the work is known by its token') },
  },
  kvmModuleInit: {
    by: ['SETUP_ORDER', 'SETUP_BALANCED'],
    fields: { vendor, tdp: unchecked('the load\'s outcome (kvmModuleInitDone, the abstract host) carries it') },
  },
  kvmModuleInitDone: {
    by: ['SETUP_ORDER', 'SETUP_BALANCED', 'ROOT_VALID_AT_ENTRY', 'APF_PREFAULT_SAFE'],
    fields: {
      vendor, tdp: how('the paging mode roots are judged by after a load; the abstract host has it', 'ROOT_VALID_AT_ENTRY', 'APF_PREFAULT_SAFE', 'CONFORMANCE'),
      ret: how('a failed load leaves nothing set up (also judged from the operation\'s result)', 'SETUP_BALANCED'),
    },
  },
  kvmModuleExitDone: { by: ['SETUP_BALANCED'], fields: { vendor } },
  kvmResetPteMasks: { by: ['SETUP_ORDER'], fields: {} },
  kvmSetupStep: {
    by: ['SETUP_ORDER', 'SETUP_BALANCED'],
    fields: {
      stage: how('vendor before mmu; undone in reverse', 'SETUP_ORDER', 'SETUP_BALANCED'),
      object: how('each set up once and undone once', 'SETUP_BALANCED'),
      ret: how('only a step that succeeded must be undone', 'SETUP_ORDER', 'SETUP_BALANCED'),
    },
  },
  kvmUnsetupStep: { by: ['SETUP_BALANCED'], fields: { stage: how('undone in reverse order of the stages', 'SETUP_BALANCED'), object: how('undone once, after it was set up', 'SETUP_BALANCED') } },
};
