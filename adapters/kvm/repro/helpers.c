#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#define KSFT_SKIP 4
#define PG 4096ull
struct res { char s[1024]; bool skip; };
struct slot { int used, id; uint64_t gfn, npages; uint32_t flags; uint8_t *mem; };
struct vcpu { int used, id, fd; struct kvm_run *run; };
struct vm { int used, id, fd; long long nr_mmu_pages; struct slot slots[64]; struct vcpu vcpus[64]; } vms[16];
static int kvm, nr_memslots, tests, failed;
static pthread_mutex_t big = PTHREAD_MUTEX_INITIALIZER;
/* TAP, as kselftest prints it: "not ok" says what the kernel answered and what the model expects */
#define TEST_ASSERT(got, skip, want, what) do { tests++; if (skip) printf("ok %d %s # SKIP %s\n", tests, what, got); \
	else if (!strcmp(got, want)) printf("ok %d %s: %s\n", tests, what, want); \
	else { failed++; printf("not ok %d %s\n# kernel %s\n# model  %s\n", tests, what, got, want); } } while (0)
static struct res R(const char *fmt, long long a) { struct res r = { .skip = false }; snprintf(r.s, sizeof(r.s), fmt, a); return r; }
static struct res E(int rc) { return rc < 0 ? R("{\"kind\":\"errno\",\"errno\":%lld}", -errno) : R("{\"kind\":\"ok\"}", 0); }
#define EBAD R("{\"kind\":\"errno\",\"errno\":%lld}", -EBADF)
static inline struct res SKIP(const char *why) { struct res r = { .skip = true }; snprintf(r.s, sizeof(r.s), "%s", why); return r; }
static struct vm *VM(int id) { for (int i = 0; i < 16; i++) if (vms[i].used && vms[i].id == id) return &vms[i]; return NULL; }
static struct vcpu *VCPU(struct vm *m, int id) { for (int i = 0; m && i < 64; i++) if (m->vcpus[i].used && m->vcpus[i].id == id) return &m->vcpus[i]; return NULL; }
static struct slot *SLOT(struct vm *m, int id) { for (int i = 0; i < 64; i++) if (m->slots[i].used && m->slots[i].id == id) return &m->slots[i]; return NULL; }
static inline struct slot *backing(struct vm *m, uint64_t gfn) { for (int i = 0; i < 64; i++) if (m->slots[i].used && gfn - m->slots[i].gfn < m->slots[i].npages) return &m->slots[i]; return NULL; }
//@ create_vm
static struct res create_vm(int id) {
	struct vm *m = vms; int fd;
	for (; m->used; m++) if (m->id == id) return R("{\"kind\":\"errno\",\"errno\":%lld}", -EEXIST);
	if ((fd = ioctl(kvm, KVM_CREATE_VM, 0)) < 0) return E(fd);
	*m = (struct vm){ .used = 1, .id = id, .fd = fd }; guest_vm(m); return E(0);
}
//@ destroy_vm
/* its fds and memory stay until exit: another thread may be inside an ioctl on them */
static struct res destroy_vm(int id) { struct vm *m = VM(id); if (!m) return EBAD; m->used = 0; return E(0); }
//@ set_region
static struct res set_region(int id, int slot, uint64_t gfn, uint64_t npages, uint32_t flags) {
	struct vm *m = VM(id); struct slot *s, *fresh;
	if (!m) return EBAD;
	for (s = SLOT(m, slot), fresh = m->slots; fresh->used; fresh++) {}
	uint8_t *mem = s && npages ? s->mem : npages ? mmap(NULL, npages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) : NULL;
	struct kvm_userspace_memory_region r = { .slot = slot, .flags = flags, .guest_phys_addr = gfn * PG, .memory_size = npages * PG, .userspace_addr = (uint64_t)mem };
	if (ioctl(m->fd, KVM_SET_USER_MEMORY_REGION, &r)) return E(-1);
	if (!npages && s) s->used = 0;
	else if (npages) { if (!s) *(s = fresh) = (struct slot){ .used = 1, .id = slot, .mem = mem }; s->gfn = gfn; s->npages = npages; s->flags = flags; }
	return E(0);
}
//@ create_vcpu
static struct res create_vcpu(int id, int vcpu) {
	struct vm *m = VM(id); struct vcpu *v; int fd;
	if (!m) return EBAD;
	for (v = m->vcpus; v->used; v++) {}
	if ((fd = ioctl(m->fd, KVM_CREATE_VCPU, vcpu)) < 0) return E(fd);
	*v = (struct vcpu){ .used = 1, .id = vcpu, .fd = fd }; guest_vcpu(v); return E(0);
}
//@ dirty_log
static struct res dirty_log(int id, int slot) {
	static uint64_t bits[4096]; struct vm *m = VM(id); struct slot *s; struct res r;
	struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = memset(bits, 0, sizeof(bits)) };
	if (!m || ioctl(m->fd, KVM_GET_DIRTY_LOG, &log)) return m ? E(-1) : EBAD;
	r = R("{\"kind\":\"dirtyLog\",\"pages\":[", 0);
	for (uint64_t i = 0, n = 0; (s = SLOT(m, slot)) && i < s->npages && strlen(r.s) < sizeof(r.s) - 24; i++)
		if (bits[i / 64] >> (i % 64) & 1) sprintf(r.s + strlen(r.s), "%s%llu", n++ ? "," : "", (unsigned long long)i);
	return strcat(r.s, "]}"), r;
}
//@ nr_mmu_pages
static struct res nr_mmu_pages(int id, long long pages) {
	struct vm *m = VM(id); int rc;
	if (m && !(rc = ioctl(m->fd, KVM_SET_NR_MMU_PAGES, pages))) m->nr_mmu_pages = pages;
	return m ? E(rc) : EBAD;
}
//@ common
/* The state the harness compares: VMs, their slots and nrMmuPages, vCPU registers (EFER without LMA). */
static void state(char *out, size_t n) {
	struct kvm_sregs sr; struct vm *m; struct slot *x; struct vcpu *v;
#define ADD(...) snprintf(out + strlen(out), n - strlen(out), __VA_ARGS__)
	for (int id = out[0] = 0; id < 65536; id++) {
		if (!(m = VM(id))) continue;
		ADD("vm %d nrMmuPages %lld;", id, m->nr_mmu_pages);
		for (int k = 0; k < 32768; k++) if ((x = SLOT(m, k))) ADD(" slot %d gfn %llu npages %llu flags %u;", k, (unsigned long long)x->gfn, (unsigned long long)x->npages, x->flags);
		for (int k = 0; k < 4096; k++) if ((v = VCPU(m, k)) && !ioctl(v->fd, KVM_GET_SREGS, &sr))
			ADD(" vcpu %d cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx;", k, (unsigned long long)sr.cr0, (unsigned long long)sr.cr3, (unsigned long long)sr.cr4, (unsigned long long)(sr.efer & ~0x400ull));
	}
}
static int setup(void) {
	if ((kvm = open("/dev/kvm", O_RDWR)) < 0) return printf("1..0 # SKIP /dev/kvm: %s\n", strerror(errno)), KSFT_SKIP;
	return nr_memslots = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS), 0;
}
