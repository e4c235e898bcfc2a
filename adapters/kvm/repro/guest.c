/* The guest: code, tables and handlers (each writes its vector to port 0x80) in a memslot of its own (the last id, gfn 0xf0-0xff) */
enum { PTE = 0x63 }; static const uint64_t HID = 0xf0000, HIGH = 0xffffffffffe00000ull; static struct kvm_cpuid2 *cpuid;
static inline void guest_vm(struct vm *m) {
	uint8_t *h = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); uint64_t *q = (uint64_t *)h;
	/* 0x00 hlt; 0x10 mov cl,[rax]; 0x20 and mov [rax],cl; 0x30, 0x40 the same in 16 bits; 0x50, 0x58, 0x60 mov cr0/3/4,rax; 0x68 wrmsr */
	for (int i = 0; i < 5; i++) strcpy((char *)h + 16 * i, (const char *[]){ "\xf4", "\x8a\x08\xf4", "\x8a\x08\x88\x08\xf4", "\x67\x8a\x08\xf4", "\x67\x8a\x08\x67\x88\x08\xf4" }[i]);
	strcpy((char *)h + 0x50, "\x0f\x22\xc0\xf4\x90\x90\x90\x90\x0f\x22\xd8\xf4\x90\x90\x90\x90\x0f\x22\xe0\xf4\x90\x90\x90\x90\x0f\x30\xf4");
	q[0x401] = 0x00cf9b000000ffffull; q[0x402] = 0x00cf93000000ffffull; q[0x403] = 0x00af9b000000ffffull;	/* GDT at 0x2000 */
	for (uint64_t i = 0, a = HID + 0x1000, b = HIGH + 0x1000; i < 32; i++, a += 8, b += 8) {
		memcpy(h + 0x1000 + 8 * i, (uint8_t[]){ 0xb0, i, 0xe6, 0x80, 0xf4 }, 5);
		((uint32_t *)(h + 0x3800))[i] = (uint32_t)(HID >> 4) << 16 | (uint16_t)a;	/* real-mode IVT */
		q[0x600 + i] = (a & 0xffff) | 0x08ull << 16 | 0x8eull << 40 | (a >> 16) << 48;	/* 32-bit IDT */
		q[0x680 + 2 * i] = (b & 0xffff) | 0x18ull << 16 | 0x8eull << 40 | ((b >> 16) & 0xffff) << 48; q[0x681 + 2 * i] = b >> 32;
	}
	q[0x9ff] = (HID + 0x5000) | PTE; q[0xbff] = (HID + 0x6000) | PTE;	/* PDPT, PD entry 511 */
	for (int i = 0; i < 16; i++) q[0xc00 + i] = (HID + i * PG) | PTE;
	struct kvm_userspace_memory_region r = { .slot = nr_memslots - 1, .guest_phys_addr = HID, .memory_size = 16 * PG, .userspace_addr = (uint64_t)h };
	ioctl(m->fd, KVM_SET_TSS_ADDR, 0xfffbd000ul); ioctl(m->fd, KVM_SET_USER_MEMORY_REGION, &r);
}
static inline void guest_vcpu(struct vcpu *v) {
	if (!cpuid) { cpuid = calloc(1, sizeof(*cpuid) + 256 * sizeof(struct kvm_cpuid_entry2)); cpuid->nent = 256; ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid); }
	v->run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0); ioctl(v->fd, KVM_SET_CPUID2, cpuid);
}
static int mode(struct kvm_sregs *s) { return !(s->cr0 >> 31 & 1) ? 0 : s->efer >> 8 & 1 ? 3 : s->cr4 >> 5 & 1 ? 2 : 1; }	/* none, 32-bit, PAE, long */
/* Entry i of page g in the layout of docs/OPERATIONS.md (0xf0-0xff, 511: ours); tables() fills cr3's page and gfns < 128 where backed */
static uint64_t pte_at(uint64_t g, uint64_t i) {
	uint32_t h = (uint32_t)(g * 2048 + i), k, t;
	if (i == 0 || (g == 0 && i < 64) || (i >= 0xf0 && i < 0x100) || i == 511) return i >= 0xf0 ? (i == 511 ? HID + 0x4000 : i * PG) | PTE : (i ? i : g) * PG | PTE;
	for (int n = 0; n < 2; n++) h = (h ^ h >> 16) * 0x45d9f3bu;
	h ^= h >> 16; k = h & 15; t = h >> 11 & 3 ? h >> 4 & 31 : h >> 4 & 127;
	return k == 3 ? (h >> 4 & 1 ? 1ull << 30 : 0) | PTE | 0x80 : (uint64_t)t * PG | (k < 2 ? PTE & ~1u : k == 2 ? PTE | 1ull << 51 : PTE);
}
static void tables(struct vm *m, uint64_t cr3) {
	for (uint64_t g = 0, t = cr3 / PG; g <= 128; t = g++) for (struct slot *s = backing(m, t); s; s = NULL)
		for (uint64_t i = 0; i < 512; i++) ((uint64_t *)(s->mem + (t - s->gfn) * PG))[i] = pte_at(t, i);
}
static void seg(struct kvm_segment *s, uint64_t base, uint32_t lim, int sel, int type, int db, int l, int g) { *s = (struct kvm_segment){ .base = base, .limit = lim, .selector = sel, .type = type, .present = 1, .db = db, .s = 1, .l = l, .g = g }; }
/* Runs the code at `stub` in the vCPU's mode: the exception vector the guest took, or -1 and *r the exit. */
static int enter(struct vcpu *v, struct kvm_sregs *sr, int stub, struct kvm_regs *g, struct res *r) {
	int lm = mode(sr) == 3, vec = -1, rc; uint64_t base = lm ? HIGH : HID; struct kvm_run *run = v->run;
	sr->gdt = (struct kvm_dtable){ .base = base + 0x2000, .limit = 0x1f };
	if (!(sr->cr0 & 1)) {	/* real mode, 4 GB data limits */
		seg(&sr->cs, HID, 0xffff, HID >> 4, 0xb, 0, 0, 0); seg(&sr->ds, 0, 0xffffffff, 0, 3, 0, 0, 1); seg(&sr->ss, HID, 0xffff, HID >> 4, 3, 0, 0, 0);
		sr->idt = (struct kvm_dtable){ .base = HID + 0x3800, .limit = 127 }; g->rip = stub == 0x10 || stub == 0x20 ? stub + 0x20 : stub; g->rsp = 0xfff0;
	} else {
		seg(&sr->cs, 0, 0xffffffff, lm ? 0x18 : 0x08, 0xb, !lm, lm, 1); seg(&sr->ds, 0, 0xffffffff, 0x10, 3, 1, 0, 1); sr->ss = sr->ds;
		sr->idt = (struct kvm_dtable){ .base = base + (lm ? 0x3400 : 0x3000), .limit = lm ? 511 : 255 }; g->rip = base + stub; g->rsp = base + 0xfff0;
	}
	sr->es = sr->fs = sr->gs = sr->ds; pthread_mutex_unlock(&big);
	rc = ioctl(v->fd, KVM_SET_SREGS, sr) || ioctl(v->fd, KVM_SET_REGS, g) || ioctl(v->fd, KVM_RUN, 0);
	if (rc) *r = E(-1);
	else if (run->exit_reason == KVM_EXIT_HLT) *r = R("{\"kind\":\"exit\",\"reason\":\"hlt\"}", 0);
	else if (run->exit_reason == KVM_EXIT_SHUTDOWN) *r = R("{\"kind\":\"exit\",\"reason\":\"shutdown\"}", 0);
	else if (run->exit_reason == KVM_EXIT_MMIO) *r = R("{\"kind\":\"exit\",\"reason\":\"mmio\",\"gpa\":%llu}", run->mmio.phys_addr);
	else if (run->exit_reason == KVM_EXIT_IO && run->io.port == 0x80) vec = *((uint8_t *)run + run->io.data_offset);
	else *r = SKIP("unexpected exit reason");
	if (!rc && (run->exit_reason == KVM_EXIT_MMIO || vec >= 0)) run->immediate_exit = 1, ioctl(v->fd, KVM_RUN, 0), run->immediate_exit = 0;
	return pthread_mutex_lock(&big), vec;
}
//@ run
static struct res guest_run(int id, int vcpu, long long gva, int write, int irqs) {
	struct vm *m = VM(id); struct vcpu *v = VCPU(m, vcpu); struct kvm_sregs sr; struct res r; int vec;
	struct kvm_regs g = { .rflags = 2 | (irqs ? 0x200 : 0), .rax = gva };
	if (!v || ioctl(v->fd, KVM_GET_SREGS, &sr)) return v ? E(-1) : EBAD;
	if (mode(&sr) == 1 || mode(&sr) == 2) return SKIP("32-bit or PAE paging: no stub for it");
	if (mode(&sr) == 3) tables(m, sr.cr3);
	if ((vec = enter(v, &sr, gva < 0 ? 0 : write ? 0x20 : 0x10, &g, &r)) == 14 && !ioctl(v->fd, KVM_GET_SREGS, &sr))
		return R("{\"kind\":\"exit\",\"reason\":\"guestPageFault\",\"gva\":%llu}", sr.cr2);
	return vec >= 0 ? SKIP("another guest exception") : r;
}
//@ setCr
/* reg 0, 3, 4: mov to cr0, cr3, cr4; reg 5: wrmsr EFER. Guest code makes the write, so kvm_set_cr*() decides. */
static struct res set_cr(int id, int vcpu, int reg, uint64_t val) {
	struct vm *m = VM(id); struct vcpu *v = VCPU(m, vcpu); struct kvm_sregs sr, t; struct res r = { .skip = false };
	struct kvm_regs g = { .rflags = 2, .rax = reg == 5 ? (val & 0xffffffff) : val, .rdx = val >> 32, .rcx = 0xc0000080 };
	if (!v || ioctl(v->fd, KVM_GET_SREGS, &sr)) return v ? E(-1) : EBAD;
	t = sr; *(reg == 0 ? &t.cr0 : reg == 3 ? &t.cr3 : reg == 4 ? &t.cr4 : &t.efer) = val;
	const char *no = mode(&sr) % 3 || mode(&t) % 3 ? "32-bit or PAE paging: no stub for it" : reg != 5 && mode(&sr) != 3 && val >> 32 ? "a value above 32 bits outside long mode"
		: mode(&sr) == 3 && !backing(m, sr.cr3 / PG) ? "no memslot backs cr3: no guest code can make the write" : NULL;
	if (no) return SKIP(no);
	if (mode(&sr) == 3) tables(m, sr.cr3);
	if (mode(&t) == 3) tables(m, t.cr3);
	if (enter(v, &sr, reg == 5 ? 0x68 : reg == 0 ? 0x50 : reg == 3 ? 0x58 : 0x60, &g, &r) == 13) return R("{\"kind\":\"gp\"}", 0);
	if (ioctl(v->fd, KVM_GET_SREGS, &sr)) return E(-1);
	uint64_t now = reg == 0 ? sr.cr0 | 0x10 : reg == 3 ? sr.cr3 : reg == 4 ? sr.cr4 : sr.efer & ~0x400ull;
	return strstr(r.s, "hlt") || now == (reg == 0 ? val | 0x10 : val) ? R("{\"kind\":\"ok\"}", 0) : SKIP("the write neither faulted nor took effect");
}
//@ translate
static struct res translate(int id, int vcpu, uint64_t gva) {
	struct vm *m = VM(id); struct vcpu *v = VCPU(m, vcpu); struct kvm_sregs sr; struct kvm_translation tr = { .linear_address = gva };
	if (!v || ioctl(v->fd, KVM_GET_SREGS, &sr)) return v ? E(-1) : EBAD;
	if (mode(&sr) == 3) tables(m, sr.cr3);
	return ioctl(v->fd, KVM_TRANSLATE, &tr) ? E(-1) : tr.valid ? R("{\"kind\":\"translation\",\"gpa\":%llu}", tr.physical_address) : R("{\"kind\":\"translation\",\"gpa\":null}", 0);
}
