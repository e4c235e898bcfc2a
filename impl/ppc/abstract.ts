/** The conformance view of a PPC VM, read from its kernel structures. */
import type { AbstractPhys, AbstractPpcVm } from '../../api/abstract.js';
import type { SlotId } from '../../api/ids.js';
import type { KvmPpc } from './structs.js';
import { KVMPPC_GOT_PAGE } from './structs.js';
import { HPT_NPTE, hpteGpa, hpteValid } from './hpt.js';

export const abstractPpc = (kvm: KvmPpc): AbstractPpcVm => {
  const { arch } = kvm;
  const phys: AbstractPhys[] = [];
  arch.slotPhys.forEach((physp, slot) =>
    physp?.data.forEach((e, page) => {
      if (e) phys.push({ slot: slot as SlotId, page, kind: e & KVMPPC_GOT_PAGE ? 'pinned' : 'rmo' });
    }),
  );
  const hptes = [];
  for (let index = 0; index < HPT_NPTE; index++) if (hpteValid(kvm, index)) hptes.push({ index, gpa: hpteGpa(kvm, index) });
  return {
    cpu: kvm.cpu,
    ramPorder: arch.ramPorder as 16 | 24,
    vcpus: [...kvm.vcpus.keys()].sort((a, b) => a - b),
    rma: !arch.rmaSetupDone ? 'none' : arch.rma ? 'rmo' : 'vrma',
    phys,
    hptes,
  };
};
