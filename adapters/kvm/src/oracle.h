/* SPDX-License-Identifier: MIT */
/*
 * kvm-oracle-kvm: the kvm-oracle protocol in front of the host's /dev/kvm. One instance per
 * case holds the VMs the harness named, by its ids, with their memslots, vCPUs and the
 * hidden memory the adapter's guest stub lives in.
 */
#ifndef KVM_ORACLE_H
#define KVM_ORACLE_H

#include <stdbool.h>
#include <pthread.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "json.h"

/*
 * The adapter's own tables. A case that needs more gets "not checked" with the reason
 * (never an errno the kernel did not give); the handshake declares them (`limits`).
 */
#define MAX_VMS		64	/* live and destroyed (kept to the case's end when threaded) */
#define MAX_SLOTS	64	/* memslots per VM the harness may name (ids are any u32) */
#define MAX_VCPUS	64	/* vCPUs per VM the harness may name */

#define PAGE_SIZE	4096ull

/* The model's error numbers are Linux's, negated (api/errno.ts). */
#define ERR(e)		(-(e))

struct slot {
	bool used;
	uint32_t id;
	uint64_t gfn, npages;
	uint32_t flags;
	uint8_t *mem;		/* the adapter's own mmap behind userspace_addr */
};

struct vcpu {
	bool used;
	int id;
	int fd;
	struct kvm_run *run;
	pthread_mutex_t mutex;	/* like vcpu->mutex: one ioctl of this vCPU at a time */
	bool shut_down;		/* a KVM_RUN of it exited with KVM_EXIT_SHUTDOWN (guest.c) */
};

struct vm {
	bool used;
	bool dead;		/* destroyed while other threads may still use it */
	int id;
	int fd;
	struct slot slots[MAX_SLOTS];
	struct vcpu vcpus[MAX_VCPUS];
	uint8_t *hidden;	/* the guest stub's memory: see guest.c */
	pthread_mutex_t slots_lock;	/* like kvm->slots_lock: slots[] */
	int64_t nr_mmu_pages;	/* last value KVM_SET_NR_MMU_PAGES accepted, 0 if none */
};

/* Guest paging modes, as the model names them (model/x86/registers.ts pagingMode). */
enum paging_mode { PM_NONPAGING, PM_PAGING32, PM_PAE, PM_LONG, PM_COUNT };

/* What the host can do, found at start-up (probe.c). */
struct host {
	int kvm_fd;
	int nr_memslots;
	int max_vcpu_id;
	int vcpu_mmap_size;
	bool readonly_mem;
	bool paging[PM_COUNT];	/* the host runs a guest in this mode */
	const char *vendor;	/* "vmx", "svm", or the module's name (e.g. "pvm") */
	bool tdp;		/* EPT/NPT in use: kvm_intel.ept / kvm_amd.npt */
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID, given to every vCPU */
	char release[128];	/* uname -r */
	const char *module;	/* kvm_intel, kvm_amd, kvm_pvm, or "unknown" */
	char paging_why[160];	/* why paging32/pae were not probed, or "" */
	uint64_t cr4_bits;	/* the cr4 bits a vCPU's write takes (probe-regs.c) */
	uint64_t efer_bits;	/* the EFER bits a vCPU's write takes */
	int phys_bits;		/* the guest's MAXPHYADDR (CPUID 0x80000008), 0: unknown */
};

extern struct host host;
extern const char *const paging_names[PM_COUNT];

/* The result of one operation, written as a Result (api/results.ts). */
struct result {
	enum { RES_OK, RES_ERRNO, RES_GP, RES_EXIT_HLT, RES_EXIT_MMIO, RES_EXIT_PF, RES_EXIT_SHUTDOWN,
	       RES_TRANSLATION, RES_DIRTY_LOG, RES_UNSUPPORTED } kind;
	int err;		/* RES_ERRNO: negative errno */
	uint64_t addr;		/* RES_EXIT_MMIO gpa, RES_EXIT_PF gva, RES_TRANSLATION gpa */
	bool valid;		/* RES_TRANSLATION: mapped */
	uint64_t *pages;	/* RES_DIRTY_LOG: offsets from the slot's first gfn */
	int npages;
	char why[160];		/* RES_UNSUPPORTED: what the host or adapter cannot do */
};

int probe_host(void);
void probe_register_bits(void);
void write_capabilities(struct sbuf *sb);
void write_params(struct sbuf *sb);
bool config_supported(const struct jval *config);

/* ops.c; `threaded`: harness threads run on real threads (threads.c) */
extern bool threaded;
#define NR_OP_KINDS 9
extern const char *const op_kinds[NR_OP_KINDS];
void instance_reset(void);
void apply_op(const struct jval *op, struct result *res);
void write_result(struct sbuf *sb, const struct result *res);
void write_abstract(struct sbuf *sb);
struct vm *find_vm(int id);
struct vcpu *find_vcpu(struct vm *vm, int id);
struct vm *next_vm(int id);
struct vcpu *next_vcpu(struct vm *vm, int id);
struct slot *slot_backing(struct vm *vm, uint64_t gfn);

/* guest.c */
int guest_setup_vm(struct vm *vm);
int guest_setup_vcpu(struct vcpu *vcpu);
void guest_run(struct vm *vm, struct vcpu *vcpu, const struct jval *access, bool irqs, struct result *res);
void guest_set_cr(struct vm *vm, struct vcpu *vcpu, const char *reg, uint64_t value, struct result *res);
void guest_translate(struct vm *vm, struct vcpu *vcpu, uint64_t gva, struct result *res);
enum paging_mode vcpu_mode(const struct kvm_sregs *sr);

/* The adapter's own memslot (guest.c) and what it reserves: never a case's to name. */
#define HIDDEN_SLOT	((uint32_t)host.nr_memslots - 1)
#define HIDDEN_GFN	0xf0ull
#define HIDDEN_PAGES	16ull
bool unsupported(struct result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* kmsg.c: the kernel log and taint from a case's start (the kernel's own oracles) */
void kmsg_open(void);
void kmsg_mark(void);
void kmsg_write(struct sbuf *sb);
void kmsg_write_host(struct sbuf *sb);

/* trace.c */
int trace_open(void);
void trace_close(void);
void trace_clear(void);
void trace_write_events(struct sbuf *sb, const struct jval *op, bool ok);
void trace_note_fired(void);
void trace_take(struct sbuf *buf);
void trace_write_from(struct sbuf *sb, const char *buf, const struct jval *op, bool ok,
		      int tid, uint64_t begin, uint64_t end);
int trace_translate(const char *op_json);

/* trace-mmu.c: the kvmmmu and vmx/svm-only tracepoints; K_* are the kinds declared */
enum {
	K_GET_PAGE = 1 << 0, K_PREPARE_ZAP = 1 << 1, K_ZAP_ALL_FAST = 1 << 2, K_UNMAP_HVA = 1 << 3,
	K_WALK = 1 << 4, K_WALK_ELEMENT = 1 << 5, K_WALK_ERROR = 1 << 6, K_EMULATE = 1 << 7,
	K_ENTRY = 1 << 8, K_PAGE_FAULT = 1 << 9,
};
bool trace_mmu_line(struct sbuf *sb, int *n, const char *line, int vm, int vcpu, unsigned int kinds);

/* threads.c */
uint64_t now_ns(void);
int run_case_threaded(struct sbuf *out, const struct jval *first, int base, char why[160]);
void trace_write_fired(struct sbuf *sb);
void trace_write_kinds(struct sbuf *sb);
void trace_write_why(struct sbuf *sb);

/* seq.c: the protocol's sequence numbers, event counts and sync */
void seq_sync(struct sbuf *out);
void seq_stamp(struct sbuf *out, const struct jval *req);

#endif
