"""The KVM side of the Python example: VMs, memory slots with their dirty bitmaps, the
shadow-page budget and vCPU control registers, as the x86 ioctls change them. The rules
are those of the kvm-oracle model (README "Operations"); kernel function names mark where
each comes from. kvm_impl.py serves this over the protocol.
"""
import json

# errno values as KVM returns them (negated)
ENOENT, EBADF, EEXIST, EINVAL = -2, -9, -17, -22

KVM_MEMORY_SLOTS = 32          # user memslots per VM
KVM_MAX_VCPUS = 8              # vCPU ids 0..7
KVM_MIN_ALLOC_MMU_PAGES = 64   # smallest KVM_SET_NR_MMU_PAGES
KVM_MEM_LOG_DIRTY_PAGES = 1    # the only memslot flag accepted

CR0_PE, CR0_PG = 1 << 0, 1 << 31
CR4_PSE, CR4_PAE = 1 << 4, 1 << 5
CR4_KNOWN = CR4_PAE | CR4_PSE | (1 << 7)            # PAE, PSE, PGE
EFER_LME = 1 << 8
EFER_KNOWN = EFER_LME | (1 << 0) | (1 << 11)        # LME, SCE, NX
RESET_REGS = {"cr0": 0x60000010, "cr3": 0, "cr4": 0, "efer": 0}   # kvm_vcpu_reset: CD|NW|ET

# The guest's own page tables (docs/OPERATIONS.md "Guest page-table layout"): real trees
# whose memory is not stored, since entry i of any page g read as a table is a pure
# function of g, i and the entry width (4 bytes in 32-bit paging, 8 in PAE and long mode).
PTE_P, PTE_PS = 1 << 0, 1 << 7
PTE_FLAGS = 0x63                # P, RW, A and D: a walk never writes the tables
IDENTITY_PAGES = 64             # page 0 maps gfns 1..63 one to one
MAXPHYADDR = 48                 # bits 48..51 of an 8-byte entry are reserved
PT64_BASE_ADDR_MASK = ((1 << 52) - 1) & ~0xfff
PT32_BASE_ADDR_MASK = 0xfffff000
PSE_4M_RSVD = ((1 << 22) - 1) & ~((1 << 13) - 1)   # bits 13..21 of a 4 MiB PDE

MUTANTS = {
    "overlap-off-by-one": "the memslot overlap check refuses a slot adjacent to another (-EEXIST)",
}
OPS = ["createVm", "destroyVm", "setMemoryRegion", "createVcpu", "setCr", "resetVcpu",
       "run", "emulate", "translate", "getDirtyLog", "setNrMmuPages"]

OK = {"kind": "ok"}


def errno(code):
    return {"kind": "errno", "errno": code}


class Slot:
    """struct kvm_memory_slot: base_gfn, npages, flags and the dirty bitmap (a set of page
    offsets; None while the slot does not log dirty pages)."""

    def __init__(self, gfn, npages, flags, dirty):
        self.gfn, self.npages, self.flags, self.dirty = gfn, npages, flags, dirty

    def contains(self, gfn):
        return self.gfn <= gfn < self.gfn + self.npages


class Vm:
    def __init__(self):
        self.slots = {}          # slot id -> Slot
        self.vcpus = {}          # vcpu id -> {"cr0": .., "cr3": .., "cr4": .., "efer": ..}
        self.nr_mmu_pages = 0    # 0 until KVM_SET_NR_MMU_PAGES

    def gfn_to_memslot(self, gfn):
        return next((s for s in self.slots.values() if s.contains(gfn)), None)

    def mark_page_dirty(self, gfn):
        s = self.gfn_to_memslot(gfn)
        if s is not None and s.dirty is not None:
            s.dirty.add(gfn - s.gfn)


def paging_mode(r):
    if not r["cr0"] & CR0_PG:
        return "nonpaging"
    if r["efer"] & EFER_LME:
        return "long"
    return "pae" if r["cr4"] & CR4_PAE else "paging32"


def mix32(x):
    """The layout's hash: two rounds of (x ^ x >> 16) * 0x45d9f3b, then x ^ x >> 16."""
    for _ in range(2):
        x = ((x ^ (x >> 16)) * 0x45d9f3b) & 0xffffffff
    return x ^ (x >> 16)


def guest_pte(gfn, index, width):
    """What kvm_read_guest() returns for entry `index` of the guest page at `gfn`, an entry
    `width` bytes wide: absent, reserved, large or a plain pointer, chosen by a hash."""
    if index == 0:                                    # entry 0 points back at its own page
        return gfn << 12 | PTE_FLAGS
    if gfn == 0 and index < IDENTITY_PAGES:           # the guest's low memory, 1:1
        return index << 12 | PTE_FLAGS
    if 0xf0 <= index <= 0xff or index == 0x1ff:       # the real-KVM adapter's: never present
        return PTE_FLAGS & ~PTE_P
    h = mix32((gfn * 2048 + (1024 if width == 4 else 0) + index) & 0xffffffff)
    kind = h & 15                                     # 0-1 absent, 2 reserved, 3 large
    if kind == 3:                                     # a large page at 0 or 1 GiB
        return (1 << 30 if h >> 4 & 1 else 0) | PTE_FLAGS | PTE_PS
    target = (h >> 4 & 127) if (h >> 11 & 3) == 0 else (h >> 4 & 31)
    if kind < 2:
        return target << 12 | (PTE_FLAGS & ~PTE_P)
    if kind == 2:                                     # bit 51; in 4 bytes PS and bit 21
        return target << 12 | PTE_FLAGS | (1 << 51 if width == 8 else PTE_PS | 1 << 21)
    return target << 12 | PTE_FLAGS


def pdptes(cr3):
    """The four PAE PDPTEs load_pdptrs() reads: entries (cr3 & 0xfe0) / 8 onwards of the
    page at cr3. The layout never changes, so computing them again equals the cache."""
    first = (cr3 & 0xfe0) // 8
    return [guest_pte(cr3 >> 12, first + i, 8) for i in range(4)]


def pdpte_reserved(pte):
    """load_pdptrs(): a present PDPTE with PS or bits MAXPHYADDR..51 (RW, A and D are
    reserved too, but every present entry of the layout sets them: not checked, as the
    model does not)."""
    return bool(pte & PTE_P) and (bool(pte & PTE_PS) or (pte >> MAXPHYADDR & 0xf) != 0)


def is_rsvd_bits_set(regs, pte, level, pt64):
    """FNAME(is_rsvd_bits_set), masks of reset_guest_rsvds_bits_mask(): 8-byte entries,
    bits MAXPHYADDR..51 and PS in a PML4E (1 GiB pages supported); 4-byte entries, bits
    13..21 of a 4 MiB PDE (CR4.PSE)."""
    if pt64:
        return (pte >> MAXPHYADDR & 0xf) != 0 or (level == 4 and bool(pte & PTE_PS))
    return bool(regs["cr4"] & CR4_PSE) and level == 2 and bool(pte & PTE_PS) and bool(pte & PSE_4M_RSVD)


def is_last_gpte(regs, pte, level, pt64):
    """FNAME(is_last_gpte): a PTE, or a PS entry where it maps a large page."""
    return level == 1 or (bool(pte & PTE_PS) and (pt64 or bool(regs["cr4"] & CR4_PSE)))


def walk_addr_generic(vm, regs, gva):
    """FNAME(walk_addr_generic) (paging_tmpl.h): the gfn gva maps to in the vCPU's paging
    mode (not nonpaging), or None when the guest takes a #PF: a table no memslot backs, an
    entry not present or with a reserved bit."""
    mode = paging_mode(regs)
    pt64 = mode != "paging32"
    shift, mask = (9, PT64_BASE_ADDR_MASK) if pt64 else (10, PT32_BASE_ADDR_MASK)
    la = gva % (1 << (48 if mode == "long" else 32))   # the linear address
    level, pte = {"long": 4, "pae": 3, "paging32": 2}[mode], regs["cr3"]
    if mode == "pae":                                 # mmu->get_pdptr(): not guest memory
        pte = pdptes(regs["cr3"])[la >> 30 & 3]
        if not pte & PTE_P:
            return None
        level -= 1
    while True:
        table = (pte & mask) >> 12
        if vm.gfn_to_memslot(table) is None:          # kvm_vcpu_read_guest() fails
            return None
        pte = guest_pte(table, la >> (12 + shift * (level - 1)) & ((1 << shift) - 1), 8 if pt64 else 4)
        if not pte & PTE_P or is_rsvd_bits_set(regs, pte, level, pt64):
            return None
        if is_last_gpte(regs, pte, level, pt64):
            break
        level -= 1
    # gpte_to_gfn_lvl(), plus the page of gva inside a large page
    span, base = 1 << shift * (level - 1), (pte & mask) >> 12
    return base - base % span + (la >> 12) % span


def guest_gfn(vm, regs, gva):
    """vcpu->arch.mmu.gva_to_gpa() of a guest access: the gfn, or None for a guest #PF.
    Without paging the linear address has 32 bits (linearize())."""
    if paging_mode(regs) == "nonpaging":
        return (gva & 0xffffffff) >> 12
    return walk_addr_generic(vm, regs, gva)


def cr_write_faults(vm, old, reg, value):
    """kvm_set_cr0/cr3/cr4 and set_efer: True when the CPU refuses the write with #GP."""
    new = dict(old, **{reg: value})
    backed = lambda cr3: vm.gfn_to_memslot(cr3 // 4096) is not None
    was_paging = bool(old["cr0"] & CR0_PG)
    if value < 0 or value > 0xffffffff:
        return True
    if reg == "cr0" and value & CR0_PG and not value & CR0_PE:
        return True
    if reg == "cr0" and not was_paging and paging_mode(new) == "long" and not old["cr4"] & CR4_PAE:
        return True
    if reg == "cr4" and (value & ~CR4_KNOWN or (paging_mode(old) == "long" and not value & CR4_PAE)):
        return True
    if reg == "efer" and (value & ~EFER_KNOWN or (was_paging and (value ^ old["efer"]) & EFER_LME)):
        return True
    if reg == "cr3" and not backed(value):
        return True
    # load_pdptrs: entering or staying in PAE paging reads the PDPTRs from the cr3 page,
    # which must be backed, and refuses a present PDPTE with a reserved bit
    if paging_mode(new) != "pae" or reg == "efer":
        return False
    return not backed(new["cr3"]) or any(pdpte_reserved(e) for e in pdptes(new["cr3"]))


class Kvm:
    """One host: the vendor module loaded at boot (config) and its VMs."""

    def __init__(self, config, mutant):
        if config.get("vendor") not in ("vmx", "svm") or not isinstance(config.get("tdp"), bool):
            raise ValueError(f"bad host config {json.dumps(config)}")
        if mutant is not None and mutant not in MUTANTS:
            raise ValueError(f"unknown mutant {mutant!r}")
        self.config, self.mutant, self.vms = config, mutant, {}

    def apply(self, op):
        kind = op["kind"]
        if kind not in OPS:
            raise ValueError(f"unsupported operation {kind!r}")
        if kind in ("createVm", "destroyVm"):
            return getattr(self, kind)(op["vm"])
        vm = self.vms.get(op["vm"])
        if vm is None:
            return errno(EBADF)
        if kind in ("setMemoryRegion", "createVcpu", "getDirtyLog", "setNrMmuPages"):
            return getattr(self, kind)(vm, op)
        regs = vm.vcpus.get(op["vcpu"])       # the rest are vCPU ioctls
        return errno(EBADF) if regs is None else getattr(self, kind)(vm, regs, op)

    # --- VM ioctls ---------------------------------------------------------------------
    def createVm(self, vm_id):                # kvm_dev_ioctl_create_vm
        if vm_id in self.vms:
            return errno(EEXIST)
        self.vms[vm_id] = Vm()
        return OK

    def destroyVm(self, vm_id):               # kvm_destroy_vm
        return OK if self.vms.pop(vm_id, None) is not None else errno(EBADF)

    def setMemoryRegion(self, vm, op):        # __kvm_set_memory_region
        slot, base, npages, flags = op["slot"], op["gfn"], op["npages"], op.get("flags", 0)
        if slot >= KVM_MEMORY_SLOTS or flags & ~KVM_MEM_LOG_DIRTY_PAGES:
            return errno(EINVAL)
        old = vm.slots.get(slot)
        if npages == 0:                       # delete (of an empty slot: nothing to do)
            vm.slots.pop(slot, None)
            return OK
        if old is not None and old.npages != npages:
            return errno(EINVAL)              # a slot cannot change size
        end = base + npages
        for sid, s in vm.slots.items():
            if sid == slot:
                continue
            if self.mutant == "overlap-off-by-one":   # the deliberate bug: <= for <
                overlaps = not (end < s.gfn or base > s.gfn + s.npages)
            else:
                overlaps = not (end <= s.gfn or base >= s.gfn + s.npages)
            if overlaps:
                return errno(EEXIST)
        # the dirty bitmap: none without logging; kept when logging stays on in place;
        # a new one (clean) for a new slot, a move, or logging just turned on
        logging = bool(flags & KVM_MEM_LOG_DIRTY_PAGES)
        keep = old is not None and old.gfn == base and old.dirty is not None
        dirty = (old.dirty if keep else set()) if logging else None
        vm.slots[slot] = Slot(base, npages, flags, dirty)
        return OK

    def createVcpu(self, vm, op):             # kvm_vm_ioctl_create_vcpu
        if op["vcpu"] >= KVM_MAX_VCPUS:
            return errno(EINVAL)
        if op["vcpu"] in vm.vcpus:
            return errno(EEXIST)
        vm.vcpus[op["vcpu"]] = dict(RESET_REGS)
        return OK

    def getDirtyLog(self, vm, op):            # kvm_vm_ioctl_get_dirty_log
        if op["slot"] >= KVM_MEMORY_SLOTS:
            return errno(EINVAL)
        s = vm.slots.get(op["slot"])
        if s is None or s.dirty is None:
            return errno(ENOENT)
        pages, s.dirty = sorted(s.dirty), set()   # copy out, then clear
        return {"kind": "dirtyLog", "pages": pages}

    def setNrMmuPages(self, vm, op):          # kvm_vm_ioctl_set_nr_mmu_pages
        if op["pages"] < KVM_MIN_ALLOC_MMU_PAGES:
            return errno(EINVAL)
        vm.nr_mmu_pages = op["pages"]
        return OK

    # --- vCPU ioctls -------------------------------------------------------------------
    def setCr(self, vm, regs, op):            # kvm_set_cr0/3/4, set_efer
        if cr_write_faults(vm, regs, op["reg"], op["value"]):
            return {"kind": "gp"}
        regs[op["reg"]] = op["value"]
        return OK

    def resetVcpu(self, vm, regs, op):        # kvm_vcpu_reset (INIT)
        regs.update(RESET_REGS)
        return OK

    def translate(self, vm, regs, op):        # kvm_arch_vcpu_ioctl_translate
        gva = op["gva"]
        if paging_mode(regs) == "nonpaging":  # nonpaging_gva_to_gpa: the whole gva
            return {"kind": "translation", "gpa": gva}
        gfn = walk_addr_generic(vm, regs, gva)
        return {"kind": "translation", "gpa": None if gfn is None else gfn * 4096 + gva % 4096}

    def run(self, vm, regs, op):              # kvm_arch_vcpu_ioctl_run, one guest access
        access = op["access"]
        if access is None:
            return {"kind": "exit", "reason": "hlt"}
        gva = access["gva"]
        gfn = guest_gfn(vm, regs, gva)
        if gfn is None:
            return {"kind": "exit", "reason": "guestPageFault", "gva": gva}
        if vm.gfn_to_memslot(gfn) is None:
            return {"kind": "exit", "reason": "mmio", "gpa": gfn * 4096 + gva % 4096}
        if access["write"]:
            vm.mark_page_dirty(gfn)           # the write fault that makes the page writable
        return {"kind": "exit", "reason": "hlt"}

    def emulate(self, vm, regs, op):          # emulator_read/write/cmpxchg_emulated
        gva = op["gva"]
        gfn = guest_gfn(vm, regs, gva)
        if gfn is None:
            return {"kind": "emulated", "outcome": "propagateFault"}
        if vm.gfn_to_memslot(gfn) is None:
            return {"kind": "emulated", "outcome": "mmio", "gpa": gfn * 4096 + gva % 4096}
        if op["access"] != "read":
            vm.mark_page_dirty(gfn)           # kvm_vcpu_write_guest -> mark_page_dirty
        return {"kind": "emulated", "outcome": "continue"}

    # --- the abstract state (api/abstract.ts), lists sorted by id ------------------------
    def abstract(self):
        vendor, tdp = self.config["vendor"], self.config["tdp"]
        host = {"loaded": True, "vendor": vendor, "tdp": tdp, "spte": "ept" if vendor == "vmx" and tdp else "x86"}
        return {"host": host, "vms": [{
            "vm": vid, "nrMmuPages": vm.nr_mmu_pages,
            "slots": [{"slot": sid, "gfn": s.gfn, "npages": s.npages, "flags": s.flags} for sid, s in sorted(vm.slots.items())],
            "vcpus": [dict(vcpu=cid, **r, asyncPf=[], apfHalted=False) for cid, r in sorted(vm.vcpus.items())],
            "swappedOut": [],
        } for vid, vm in sorted(self.vms.items())]}
