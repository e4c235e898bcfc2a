// SPDX-License-Identifier: MIT
/*
 * The operations (api/ops.ts) as ioctls on the host's /dev/kvm. VM, vCPU and slot ids
 * are the harness's names; the adapter keeps the fds and mmaps behind them, as a VMM
 * would. Every id the harness names that has no object behind it gives -EBADF, like an
 * ioctl on a closed fd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "oracle.h"

static struct vm vms[MAX_VMS];
/* an adapter resource is in the way: the case is not checked (apply_op says which) */
#define FULL 3		/* its table of VMs, vCPUs or slots is full */
#define OWN_SLOT 4	/* the slot id is its own memslot's */
#define OWN_GFNS 5	/* the range meets its own memslot's gfns */
/* guards vms[] and each VM's vcpus[]; never held across an ioctl that can block */
static pthread_mutex_t big = PTHREAD_MUTEX_INITIALIZER;
bool threaded;

struct vm *find_vm(int id)
{
	int i;

	for (i = 0; i < MAX_VMS; i++)
		if (vms[i].used && !vms[i].dead && vms[i].id == id)
			return &vms[i];
	return NULL;
}

struct vcpu *find_vcpu(struct vm *vm, int id)
{
	int i;

	for (i = 0; vm && i < MAX_VCPUS; i++)
		if (vm->vcpus[i].used && vm->vcpus[i].id == id)
			return &vm->vcpus[i];
	return NULL;
}

/* The live VM (vCPU) with the smallest id above `id`: the abstract state lists them sorted. */
struct vm *next_vm(int id)
{
	struct vm *best = NULL;
	int i;

	for (i = 0; i < MAX_VMS; i++)
		if (vms[i].used && !vms[i].dead && vms[i].id > id && (!best || vms[i].id < best->id))
			best = &vms[i];
	return best;
}

struct vcpu *next_vcpu(struct vm *vm, int id)
{
	struct vcpu *best = NULL;
	int i;

	for (i = 0; i < MAX_VCPUS; i++)
		if (vm->vcpus[i].used && vm->vcpus[i].id > id && (!best || vm->vcpus[i].id < best->id))
			best = &vm->vcpus[i];
	return best;
}

static struct slot *find_slot(struct vm *vm, uint32_t id)
{
	int i;

	for (i = 0; i < MAX_SLOTS; i++)
		if (vm->slots[i].used && vm->slots[i].id == id)
			return &vm->slots[i];
	return NULL;
}

struct slot *slot_backing(struct vm *vm, uint64_t gfn)
{
	int i;

	for (i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &vm->slots[i];

		if (s->used && gfn >= s->gfn && gfn < s->gfn + s->npages)
			return s;
	}
	return NULL;
}

static void destroy_vm(struct vm *vm)
{
	int i;

	for (i = 0; i < MAX_VCPUS; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->used)
			continue;
		munmap(v->run, host.vcpu_mmap_size);
		close(v->fd);
	}
	close(vm->fd);
	for (i = 0; i < MAX_SLOTS; i++)
		if (vm->slots[i].used)
			munmap(vm->slots[i].mem, vm->slots[i].npages * PAGE_SIZE);
	if (vm->hidden)
		munmap(vm->hidden, HIDDEN_PAGES * PAGE_SIZE);
	memset(vm, 0, sizeof(*vm));
}

void instance_reset(void)
{
	int i;

	for (i = 0; i < MAX_VMS; i++)
		if (vms[i].used)
			destroy_vm(&vms[i]);
}

static int create_vm(int id)
{
	struct vm *vm = NULL;
	int i, err;

	if (find_vm(id))
		return ERR(EEXIST);
	for (i = 0; i < MAX_VMS && !vm; i++)
		if (!vms[i].used)
			vm = &vms[i];
	if (!vm)
		return FULL;
	vm->fd = ioctl(host.kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -errno;
	vm->used = true;
	vm->id = id;
	pthread_mutex_init(&vm->slots_lock, NULL);
	err = guest_setup_vm(vm);
	if (err)
		destroy_vm(vm);
	return err;
}

static bool overlaps_case_slot(struct vm *vm, uint32_t id, uint64_t gfn, uint64_t npages)
{
	int i;

	for (i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &vm->slots[i];

		if (s->used && s->id != id && gfn < s->gfn + s->npages && s->gfn < gfn + npages)
			return true;
	}
	return false;
}

/*
 * KVM_SET_USER_MEMORY_REGION. A new slot gets fresh anonymous memory; a move or a flags
 * change keeps the memory it had; npages 0 deletes.
 */
static int set_region(struct vm *vm, uint32_t id, uint64_t gfn, uint64_t npages, uint32_t flags)
{
	struct slot *s = find_slot(vm, id), *fresh = NULL;
	struct kvm_userspace_memory_region r = {
		.slot = id, .flags = flags, .guest_phys_addr = gfn * PAGE_SIZE,
		.memory_size = npages * PAGE_SIZE,
	};
	void *mem = NULL;
	int i;

	if (id == HIDDEN_SLOT)
		return OWN_SLOT;
	if (s && npages) {
		mem = s->mem;
	} else if (npages) {
		for (i = 0; i < MAX_SLOTS && !fresh; i++)
			if (!vm->slots[i].used)
				fresh = &vm->slots[i];
		if (!fresh || npages > (1 << 20))
			return FULL;
		mem = mmap(NULL, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (mem == MAP_FAILED)
			return -errno;
	}
	r.userspace_addr = (uint64_t)mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r)) {
		int err = -errno;

		if (fresh)
			munmap(mem, npages * PAGE_SIZE);
		/* -EEXIST only because of the adapter's own memslot is not the kernel's rule */
		if (err == ERR(EEXIST) && gfn < HIDDEN_GFN + HIDDEN_PAGES &&
		    HIDDEN_GFN < gfn + npages && !overlaps_case_slot(vm, id, gfn, npages))
			return OWN_GFNS;
		return err;
	}
	if (!npages && s) {
		munmap(s->mem, s->npages * PAGE_SIZE);
		memset(s, 0, sizeof(*s));
		return 0;
	}
	if (fresh) {
		s = fresh;
		s->used = true;
		s->id = id;
		s->mem = mem;
	}
	if (s) {
		s->gfn = gfn;
		s->npages = npages;
		s->flags = flags;
	}
	return 0;
}

static int create_vcpu(struct vm *vm, int id)
{
	struct vcpu *v = NULL;
	int i, fd, err;

	for (i = 0; i < MAX_VCPUS && !v; i++)
		if (!vm->vcpus[i].used)
			v = &vm->vcpus[i];
	if (!v)
		return FULL;
	fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (fd < 0)
		return -errno;
	v->fd = fd;
	v->id = id;
	v->used = true;
	v->shut_down = false;
	pthread_mutex_init(&v->mutex, NULL);
	err = guest_setup_vcpu(v);
	if (err) {
		close(fd);
		memset(v, 0, sizeof(*v));
	}
	return err;
}

static void get_dirty_log(struct vm *vm, uint32_t id, struct result *res)
{
	struct slot *s = find_slot(vm, id);
	uint64_t words = s ? (s->npages + 63) / 64 : 1, i;
	uint64_t *bitmap = calloc(words ? words : 1, 8);
	struct kvm_dirty_log log = { .slot = id, .dirty_bitmap = bitmap };

	if (ioctl(vm->fd, KVM_GET_DIRTY_LOG, &log)) {
		res->kind = RES_ERRNO;
		res->err = -errno;
		free(bitmap);
		return;
	}
	res->kind = RES_DIRTY_LOG;
	res->pages = calloc(s ? s->npages + 1 : 1, sizeof(uint64_t));
	for (i = 0; s && i < s->npages; i++)
		if (bitmap[i / 64] & (1ull << (i % 64)))
			res->pages[res->npages++] = i;
	free(bitmap);
}

static int errno_of(int rc)
{
	return rc < 0 ? -errno : 0;
}

/* VM ioctls that change or read memslots run under the VM's slots_lock. */
static void vm_op(struct vm *vm, const char *kind, const struct jval *op, struct result *res)
{
	int rc = 0;

	pthread_mutex_lock(&vm->slots_lock);
	if (!strcmp(kind, "setMemoryRegion")) {
		rc = set_region(vm, json_int(op, "slot", 0), json_int(op, "gfn", 0),
				json_int(op, "npages", 0), json_int(op, "flags", 0));
	} else if (!strcmp(kind, "getDirtyLog") && json_int(op, "slot", 0) == HIDDEN_SLOT) {
		rc = OWN_SLOT;
	} else if (!strcmp(kind, "getDirtyLog")) {
		get_dirty_log(vm, json_int(op, "slot", 0), res);
		pthread_mutex_unlock(&vm->slots_lock);
		return;
	} else {
		rc = errno_of(ioctl(vm->fd, KVM_SET_NR_MMU_PAGES, (unsigned long)json_int(op, "pages", 0)));
		if (!rc)
			vm->nr_mmu_pages = json_int(op, "pages", 0);
	}
	pthread_mutex_unlock(&vm->slots_lock);
	if (rc == FULL || rc == OWN_SLOT || rc == OWN_GFNS) {
		unsupported(res, rc == FULL ? "%s: the adapter's table of %lld slots per VM is full" :
			    rc == OWN_SLOT ? "%s: slot %lld is the adapter's own memslot" :
			    "%s: gfns %lld+%lld meet the adapter's own memslot (gfn 0x%llx-0x%llx)", kind,
			    rc == FULL ? (long long)MAX_SLOTS : json_int(op, rc == OWN_SLOT ? "slot" : "gfn", 0),
			    (long long)json_int(op, "npages", 0), HIDDEN_GFN, HIDDEN_GFN + HIDDEN_PAGES - 1);
		return;
	}
	res->kind = rc ? RES_ERRNO : RES_OK;
	res->err = rc;
}

static void vcpu_op(struct vm *vm, struct vcpu *v, const char *kind, const struct jval *op,
		    struct result *res)
{
	pthread_mutex_lock(&v->mutex);
	if (!strcmp(kind, "run"))
		guest_run(vm, v, json_get(op, "access"), json_bool(op, "interruptsAllowed", false), res);
	else if (!strcmp(kind, "setCr"))
		guest_set_cr(vm, v, json_str(op, "reg") ?: "", json_int(op, "value", 0), res);
	else
		guest_translate(vm, v, json_int(op, "gva", 0), res);
	pthread_mutex_unlock(&v->mutex);
}

/* The operations with a userspace counterpart the adapter drives (README: Operations). */
const char *const op_kinds[NR_OP_KINDS] = { "createVm", "destroyVm", "setMemoryRegion",
	"createVcpu", "setCr", "run", "translate", "getDirtyLog", "setNrMmuPages" };

static bool is(const char *kind, const char *a, const char *b, const char *c)
{
	return !strcmp(kind, a) || !strcmp(kind, b) || !strcmp(kind, c);
}

static bool declared(const char *kind)
{
	int i;

	for (i = 0; i < NR_OP_KINDS; i++)
		if (!strcmp(kind, op_kinds[i]))
			return true;
	return false;
}

void apply_op(const struct jval *op, struct result *res)
{
	const char *kind = json_str(op, "kind") ?: "";
	int vm_id = json_int(op, "vm", -1), vcpu_id = json_int(op, "vcpu", -1);
	struct vm *vm;
	struct vcpu *v;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	pthread_mutex_lock(&big);
	vm = find_vm(vm_id);
	v = find_vcpu(vm, vcpu_id);
	if (!strcmp(kind, "createVm"))
		rc = json_get(op, "ppc") ? ERR(EINVAL) : create_vm(vm_id);
	else if (!declared(kind))
		rc = 1;
	else if (!vm)
		rc = ERR(EBADF);
	else if (!strcmp(kind, "destroyVm") && threaded)
		vm->dead = true;	/* its fds and memory go at the case's end */
	else if (!strcmp(kind, "destroyVm"))
		destroy_vm(vm);
	else if (!strcmp(kind, "createVcpu"))
		rc = create_vcpu(vm, vcpu_id);
	else
		rc = 2;
	pthread_mutex_unlock(&big);
	if (rc == 1) {
		res->kind = RES_UNSUPPORTED;
		snprintf(res->why, sizeof(res->why), "operation %s is not declared", kind);
	} else if (rc == 2 && is(kind, "setMemoryRegion", "getDirtyLog", "setNrMmuPages")) {
		vm_op(vm, kind, op, res);
	} else if (rc == 2 && v) {
		vcpu_op(vm, v, kind, op, res);
	} else if (rc == FULL) {
		unsupported(res, "%s: the adapter's table of %d %s is full", kind,
			    !strcmp(kind, "createVm") ? MAX_VMS : MAX_VCPUS,
			    !strcmp(kind, "createVm") ? "VMs" : "vCPUs per VM");
	} else {
		if (rc == 2)
			rc = ERR(EBADF);
		res->kind = rc ? RES_ERRNO : RES_OK;
		res->err = rc;
	}
}
