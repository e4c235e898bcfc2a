// SPDX-License-Identifier: MIT
/*
 * The guest side: a hidden memslot with the adapter's stub code, descriptor tables and
 * exception handlers, and the guest page tables of docs/OPERATIONS.md ("Guest page-table
 * layout") written into the pages a walk from cr3 reads. Every operation that needs the guest (run, a
 * control-register write, KVM_TRANSLATE) loads the segments for the vCPU's current paging
 * mode and points rip at a stub; the registers the model sees are left as they were.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "oracle.h"
#include "guest.h"

static const struct { enum stub at; unsigned char len, code[8]; } stubs[] = {
	{ S_HLT, 1, { 0xf4 } },
	{ S_READ, 3, { 0x8a, 0x08, 0xf4 } },			/* mov cl,[rax]; hlt */
	/* a write stores the byte it read: the access is real, the tables stay intact */
	{ S_WRITE, 5, { 0x8a, 0x08, 0x88, 0x08, 0xf4 } },	/* mov cl,[rax]; mov [rax],cl; hlt */
	{ S_READ16, 4, { 0x67, 0x8a, 0x08, 0xf4 } },
	{ S_WRITE16, 7, { 0x67, 0x8a, 0x08, 0x67, 0x88, 0x08, 0xf4 } },
	{ S_CR0, 4, { 0x0f, 0x22, 0xc0, 0xf4 } },		/* mov cr0,rax; hlt */
	{ S_CR3, 4, { 0x0f, 0x22, 0xd8, 0xf4 } },
	{ S_CR4, 4, { 0x0f, 0x22, 0xe0, 0xf4 } },
	{ S_EFER, 3, { 0x0f, 0x30, 0xf4 } },			/* wrmsr; hlt */
};

/* Marks `res` "not checked" with the reason; returns true. */
bool unsupported(struct result *res, const char *fmt, ...)
{
	va_list ap;

	res->kind = RES_UNSUPPORTED;
	va_start(ap, fmt);
	vsnprintf(res->why, sizeof(res->why), fmt, ap);
	va_end(ap);
	return true;
}

enum paging_mode vcpu_mode(const struct kvm_sregs *sr)
{
	if (!(sr->cr0 & CR0_PG))
		return PM_NONPAGING;
	if (sr->efer & EFER_LME)
		return PM_LONG;
	return sr->cr4 & CR4_PAE ? PM_PAE : PM_PAGING32;
}

static void fill_hidden(uint8_t *h)
{
	uint64_t *gdt = (uint64_t *)(h + OFF_GDT), *idt32 = (uint64_t *)(h + OFF_IDT32);
	uint64_t *idt64 = (uint64_t *)(h + OFF_IDT64), *pt = (uint64_t *)(h + OFF_PT);
	uint32_t *ivt = (uint32_t *)(h + OFF_IVT);
	unsigned int i;

	for (i = 0; i < sizeof(stubs) / sizeof(stubs[0]); i++)
		memcpy(h + stubs[i].at, stubs[i].code, stubs[i].len);
	gdt[SEL_CODE32 / 8] = 0x00cf9b000000ffffull;
	gdt[SEL_DATA / 8] = 0x00cf93000000ffffull;
	gdt[SEL_CODE64 / 8] = 0x00af9b000000ffffull;
	for (i = 0; i < NR_VECTORS; i++) {
		uint8_t *hd = h + OFF_HANDLERS + 8 * i;
		uint64_t lin32 = HIDDEN_GPA + OFF_HANDLERS + 8 * i;
		uint64_t lin64 = HIGH_GVA + OFF_HANDLERS + 8 * i;

		/* mov al, i; out EXC_PORT, al; hlt */
		memcpy(hd, (uint8_t[]){ 0xb0, i, 0xe6, EXC_PORT, 0xf4 }, 5);
		ivt[i] = (uint32_t)(HIDDEN_GPA >> 4) << 16 | (OFF_HANDLERS + 8 * i);
		idt32[i] = (lin32 & 0xffff) | (uint64_t)SEL_CODE32 << 16 | 0x8eull << 40 |
			   (lin32 >> 16) << 48;
		idt64[2 * i] = (lin64 & 0xffff) | (uint64_t)SEL_CODE64 << 16 | 0x8eull << 40 |
			       ((lin64 >> 16) & 0xffff) << 48;
		idt64[2 * i + 1] = lin64 >> 32;
	}
	((uint64_t *)(h + OFF_PDPT))[511] = (HIDDEN_GPA + OFF_PD) | PTE_FLAGS;
	((uint64_t *)(h + OFF_PD))[511] = (HIDDEN_GPA + OFF_PT) | PTE_FLAGS;
	for (i = 0; i < HIDDEN_SIZE / PAGE_SIZE; i++)
		pt[i] = (HIDDEN_GPA + i * PAGE_SIZE) | PTE_FLAGS;
}

int guest_setup_vm(struct vm *vm)
{
	struct kvm_userspace_memory_region r = {
		.slot = HIDDEN_SLOT, .guest_phys_addr = HIDDEN_GPA, .memory_size = HIDDEN_SIZE,
	};

	vm->hidden = mmap(NULL, HIDDEN_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	if (vm->hidden == MAP_FAILED)
		return -errno;
	fill_hidden(vm->hidden);
	r.userspace_addr = (uint64_t)vm->hidden;
	/* needed by vmx without unrestricted guest for real mode; harmless elsewhere */
	ioctl(vm->fd, KVM_SET_TSS_ADDR, 0xfffbd000ul);
	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

int guest_setup_vcpu(struct vcpu *v)
{
	v->run = mmap(NULL, host.vcpu_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		return -errno;
	/* a VMM gives its guest the CPUID it may use: LME, NX and SCE depend on it */
	return ioctl(v->fd, KVM_SET_CPUID2, host.cpuid) ? -errno : 0;
}

bool in_hidden(uint64_t gfn)
{
	return gfn >= HIDDEN_GFN && gfn < HIDDEN_GFN + HIDDEN_PAGES;
}

/* The layout's 32-bit mixer (docs/OPERATIONS.md "Guest page-table layout"). */
static uint32_t mix32(uint32_t x)
{
	int round;

	for (round = 0; round < 2; round++)
		x = (x ^ (x >> 16)) * 0x45d9f3bu;
	return x ^ (x >> 16);
}

/* Entry i (8 bytes wide) of the guest page at gfn g, as the layout defines it. */
static uint64_t layout_entry(uint64_t g, unsigned int i)
{
	uint32_t h, k;
	uint64_t t;

	if (i == 0)
		return g * PAGE_SIZE | PTE_FLAGS;
	if (g == 0 && i < IDENTITY_PAGES)
		return i * PAGE_SIZE | PTE_FLAGS;
	if (in_hidden(i) || i == 511)
		return PTE_FLAGS & ~1ull;
	h = mix32((uint32_t)(g * 2048 + i));
	k = h & 15;
	if (k == 3)
		return ((h >> 4) & 1 ? 1ull << 18 : 0) * PAGE_SIZE | PTE_FLAGS | PTE_PS;
	t = (h >> 11) & 3 ? (h >> 4) & 31 : (h >> 4) & 127;
	if (k < 2)
		return t * PAGE_SIZE | (PTE_FLAGS & ~1ull);
	return t * PAGE_SIZE | PTE_FLAGS | (k == 2 ? PTE_RSVD : 0);
}

/*
 * The layout's contents of page gfn, where a case's memslot backs it, with the adapter's
 * own entries: 0xf0-0xff map its hidden memory one to one (so the code running when a cr0
 * write turns long-mode paging on reaches its hlt, through entry 0 of every level at cr3),
 * 0x1ff its high mapping (HIGH_GVA, through index 511 at every level). The layout has
 * nothing present there: an access through them is not checked (gva_ours).
 */
static void fill_table(struct vm *vm, uint64_t gfn)
{
	struct slot *s = slot_backing(vm, gfn);
	uint64_t *e, v;
	unsigned int i;

	if (!s)
		return;
	e = (uint64_t *)(s->mem + (gfn - s->gfn) * PAGE_SIZE);
	for (i = 0; i < PAGE_SIZE / 8; i++)
		e[i] = layout_entry(gfn, i);
	for (v = HIDDEN_GFN; v < HIDDEN_GFN + HIDDEN_PAGES; v++)
		e[v] = v * PAGE_SIZE | PTE_FLAGS;
	e[511] = (HIDDEN_GPA + OFF_PDPT) | PTE_FLAGS;
}

/*
 * Writes the layout into every page a long-mode walk from cr3 can read as a table: the
 * page at cr3 and the pages its entries point to (all below gfn LAYOUT_FRAMES), where a
 * case's memslot backs them. Nothing else is written: a table no memslot backs is the
 * kernel's to fault on (upstream mmu_check_root(): a root gfn no memslot backs is a triple
 * fault, so KVM_RUN exits with KVM_EXIT_SHUTDOWN). The bytes never change once written,
 * so the kernel's shadow pages of them stay right.
 */
void build_tables(struct vm *vm, uint64_t cr3)
{
	uint64_t g;

	fill_table(vm, cr3 / PAGE_SIZE);
	for (g = 0; g < LAYOUT_FRAMES; g++)
		if (g != cr3 / PAGE_SIZE && !in_hidden(g))
			fill_table(vm, g);
}

/* In long mode, a gva whose walk meets the entries fill_table() gives the adapter. */
bool gva_ours(uint64_t gva)
{
	int shift;

	for (shift = 12; shift <= 39; shift += 9)
		if (in_hidden((gva >> shift) & 511) || ((gva >> shift) & 511) == 511)
			return true;
	return false;
}

static void seg(struct kvm_segment *s, uint64_t base, uint32_t limit, uint16_t sel,
		uint8_t type, bool db, bool l, bool g)
{
	*s = (struct kvm_segment){ .base = base, .limit = limit, .selector = sel, .type = type,
				   .present = 1, .db = db, .s = 1, .l = l, .g = g };
}

/*
 * Loads segments, descriptor tables and rip for `stub` in the vCPU's current mode;
 * the control registers stay as they are. -1: the adapter has no stub for this mode.
 */
int load_stub(struct vcpu *v, struct kvm_sregs *sr, enum stub stub, struct kvm_regs *r)
{
	enum paging_mode m = vcpu_mode(sr);
	uint64_t base = m == PM_LONG ? HIGH_GVA : HIDDEN_GPA;

	if (m != PM_NONPAGING && m != PM_LONG)
		return -1;
	sr->gdt.base = base + OFF_GDT;
	sr->gdt.limit = 0x1f;
	if (!(sr->cr0 & CR0_PE)) {
		/* real mode, with 4 GB data limits ("unreal") so gvas above 64 KB work */
		seg(&sr->cs, HIDDEN_GPA, 0xffff, HIDDEN_GPA >> 4, 0xb, false, false, false);
		seg(&sr->ds, 0, 0xffffffff, 0, 0x3, false, false, true);
		seg(&sr->ss, HIDDEN_GPA, 0xffff, HIDDEN_GPA >> 4, 0x3, false, false, false);
		sr->idt.base = HIDDEN_GPA + OFF_IVT;
		sr->idt.limit = NR_VECTORS * 4 - 1;
		if (stub == S_READ || stub == S_WRITE)
			stub = stub == S_READ ? S_READ16 : S_WRITE16;
		r->rip = stub;
		r->rsp = OFF_STACK;
	} else {
		bool lm = m == PM_LONG;

		seg(&sr->cs, 0, 0xffffffff, lm ? SEL_CODE64 : SEL_CODE32, 0xb, !lm, lm, true);
		seg(&sr->ds, 0, 0xffffffff, SEL_DATA, 0x3, true, false, true);
		sr->ss = sr->ds;
		sr->idt.base = base + (lm ? OFF_IDT64 : OFF_IDT32);
		sr->idt.limit = NR_VECTORS * (lm ? 16 : 8) - 1;
		r->rip = base + stub;
		r->rsp = base + OFF_STACK;
	}
	sr->es = sr->fs = sr->gs = sr->ds;
	if (ioctl(v->fd, KVM_SET_SREGS, sr) || ioctl(v->fd, KVM_SET_REGS, r))
		return -errno;
	return 0;
}

/* Completes a pending MMIO or PIO exit so the next KVM_SET_REGS starts clean. */
static void flush_exit(struct vcpu *v)
{
	v->run->immediate_exit = 1;
	ioctl(v->fd, KVM_RUN, 0);
	v->run->immediate_exit = 0;
}

/* KVM_RUN, and what the exit means; *vector is the guest exception taken, or -1. */
void run_stub(struct vcpu *v, struct result *res, int *vector)
{
	struct kvm_run *run = v->run;
	struct kvm_sregs sr;

	*vector = -1;
	if (ioctl(v->fd, KVM_RUN, 0)) {
		res->kind = RES_ERRNO;
		res->err = -errno;
		return;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_HLT:
		res->kind = RES_EXIT_HLT;
		return;
	case KVM_EXIT_MMIO:
		res->kind = RES_EXIT_MMIO;
		res->addr = run->mmio.phys_addr;
		flush_exit(v);
		return;
	case KVM_EXIT_IO:
		if (run->io.port == EXC_PORT && run->io.direction == KVM_EXIT_IO_OUT) {
			*vector = *((uint8_t *)run + run->io.data_offset);
			flush_exit(v);
			if (*vector == 14 && !ioctl(v->fd, KVM_GET_SREGS, &sr)) {
				res->kind = RES_EXIT_PF;
				res->addr = sr.cr2;
				return;
			}
			res->kind = RES_UNSUPPORTED;
			snprintf(res->why, sizeof(res->why), "guest exception %d", *vector);
			return;
		}
		break;
	case KVM_EXIT_SHUTDOWN:
		/* the kernel's answer (a triple fault), not the adapter's: a result */
		res->kind = RES_EXIT_SHUTDOWN;
		v->shut_down = true;
		return;
	}
	res->kind = RES_UNSUPPORTED;
	snprintf(res->why, sizeof(res->why), "unexpected exit reason %u", run->exit_reason);
}

bool mode_ok(const struct kvm_sregs *sr, struct result *res)
{
	enum paging_mode m = vcpu_mode(sr);

	if (m == PM_NONPAGING || m == PM_LONG)
		return true;
	return !unsupported(res, "%s paging: %s", paging_names[m],
			    host.paging[m] ? "the adapter has no stub for it" : "the host refuses it");
}

/*
 * Loads the stub under the VM's slots_lock (the tables are written into slot memory) and
 * runs it with the lock dropped, as a VMM's vCPU thread would.
 */
void guest_enter(struct vm *vm, struct vcpu *v, struct kvm_sregs *sr, enum stub stub,
		 struct kvm_regs *r, uint64_t new_cr3, struct result *res, int *vector)
{
	int err;

	*vector = -1;
	if (vcpu_mode(sr) == PM_LONG)
		build_tables(vm, sr->cr3);
	if (new_cr3 != NO_CR3 && (vcpu_mode(sr) != PM_LONG || new_cr3 / PAGE_SIZE != sr->cr3 / PAGE_SIZE))
		build_tables(vm, new_cr3);
	err = load_stub(v, sr, stub, r);
	pthread_mutex_unlock(&vm->slots_lock);
	if (err) {
		res->kind = RES_ERRNO;
		res->err = err;
		return;
	}
	run_stub(v, res, vector);
}

/* KVM_GET_SREGS and the mode check, taking the VM's slots_lock; false: done, unlocked. */
bool guest_begin(struct vm *vm, struct vcpu *v, struct kvm_sregs *sr, struct result *res)
{
	pthread_mutex_lock(&vm->slots_lock);
	if (ioctl(v->fd, KVM_GET_SREGS, sr)) {
		res->kind = RES_ERRNO;
		res->err = -errno;
	} else if (v->shut_down && !strcmp(host.vendor, "pvm") &&
		   (vcpu_mode(sr) != PM_LONG || slot_backing(vm, sr->cr3 / PAGE_SIZE))) {
		/*
		 * kvm-pvm keeps a vCPU that took a triple fault shut down: every later KVM_RUN
		 * exits with KVM_EXIT_SHUTDOWN, even once a memslot backs its root. Upstream
		 * vcpu_enter_guest() only reports KVM_REQ_TRIPLE_FAULT and enters again, as the
		 * model does: docs/KVM.md divergence 16. While the root is still unbacked both
		 * answer the same (another shutdown), so that is still checked.
		 */
		unsupported(res, "vCPU %d took a triple fault (KVM_EXIT_SHUTDOWN) earlier in the case, and "
			    "kvm-pvm keeps it shut down", v->id);
	} else if (mode_ok(sr, res)) {
		if (vcpu_mode(sr) != PM_LONG || !in_hidden(sr->cr3 / PAGE_SIZE))
			return true;
		unsupported(res, "cr3 0x%llx is in the adapter's own memory (gfn 0x%llx-0x%llx)",
			    (unsigned long long)sr->cr3, HIDDEN_GFN, HIDDEN_GFN + HIDDEN_PAGES - 1);
	}
	pthread_mutex_unlock(&vm->slots_lock);
	return false;
}

void guest_run(struct vm *vm, struct vcpu *v, const struct jval *access, bool irqs,
	       struct result *res)
{
	struct kvm_regs r = { .rflags = 2 | (irqs ? 0x200 : 0) };
	struct kvm_sregs sr;
	enum stub stub = S_HLT;
	int vector;

	if (!guest_begin(vm, v, &sr, res))
		return;
	if (access && access->type == J_OBJ) {
		stub = json_bool(access, "write", false) ? S_WRITE : S_READ;
		r.rax = (uint64_t)json_int(access, "gva", 0);
	}
	/* the layout never maps a gva to the adapter's memory; without paging, gpa = gva's low 32 bits */
	if (stub != S_HLT && (vcpu_mode(&sr) == PM_NONPAGING ? in_hidden((uint32_t)r.rax / PAGE_SIZE) : gva_ours(r.rax))) {
		pthread_mutex_unlock(&vm->slots_lock);
		unsupported(res, "gva 0x%llx reaches the adapter's own memory",
			    (unsigned long long)r.rax);
		return;
	}
	guest_enter(vm, v, &sr, stub, &r, NO_CR3, res, &vector);
}
