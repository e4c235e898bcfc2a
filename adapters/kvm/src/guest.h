/* SPDX-License-Identifier: MIT */
/* The guest stub's memory layout and the helpers guest.c shares with guest-regs.c. */
#ifndef KVM_ORACLE_GUEST_H
#define KVM_ORACLE_GUEST_H

#include "oracle.h"

/* Below 1 MB so that real-mode exception vectors can reach the handlers. */
#define HIDDEN_GPA	(HIDDEN_GFN * PAGE_SIZE)
#define HIDDEN_SIZE	(HIDDEN_PAGES * PAGE_SIZE)
/* Where long mode sees the hidden memory: PML4, PDPT and PD index 511. */
#define HIGH_GVA	0xffffffffffe00000ull

#define OFF_HANDLERS	0x1000	/* one 8-byte handler per vector */
#define OFF_GDT		0x2000
#define OFF_IDT32	0x3000
#define OFF_IDT64	0x3400
#define OFF_IVT		0x3800
#define OFF_PDPT	0x4000
#define OFF_PD		0x5000
#define OFF_PT		0x6000
#define OFF_STACK	0xfff0

#define NR_VECTORS	32
#define EXC_PORT	0x80	/* a handler writes its vector here and halts */

#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18

#define CR0_PE		(1ull << 0)
#define CR0_ET		(1ull << 4)
#define CR0_PG		(1ull << 31)
#define CR4_PAE		(1ull << 5)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)
#define MSR_EFER	0xc0000080

/* P | RW | A | D: accessed and dirty preset, so walks never write the tables */
#define PTE_FLAGS	0x63ull
#define PTE_PS		(1ull << 7)
/* the reserved bit the layout's reserved 8-byte entries set (above MAXPHYADDR) */
#define PTE_RSVD	(1ull << 51)
/* page 0 maps gfns 1..63 one to one; every other target is below LAYOUT_FRAMES */
#define IDENTITY_PAGES	64
#define LAYOUT_FRAMES	128

/* Stub offsets in the code page; 16-bit ones need the address-size prefix (0x67). */
enum stub { S_HLT = 0x00, S_READ = 0x10, S_WRITE = 0x20, S_READ16 = 0x30, S_WRITE16 = 0x40,
	    S_CR0 = 0x50, S_CR3 = 0x58, S_CR4 = 0x60, S_EFER = 0x68 };

void build_tables(struct vm *vm, uint64_t cr3);
bool in_hidden(uint64_t gfn);
bool gva_ours(uint64_t gva);
int load_stub(struct vcpu *v, struct kvm_sregs *sr, enum stub stub, struct kvm_regs *r);
void run_stub(struct vcpu *v, struct result *res, int *vector);
bool mode_ok(const struct kvm_sregs *sr, struct result *res);
#define NO_CR3 (~0ull)
void guest_enter(struct vm *vm, struct vcpu *v, struct kvm_sregs *sr, enum stub stub,
		 struct kvm_regs *r, uint64_t new_cr3, struct result *res, int *vector);
bool guest_begin(struct vm *vm, struct vcpu *v, struct kvm_sregs *sr, struct result *res);

#endif
