// SPDX-License-Identifier: MIT
/*
 * What /dev/kvm on this host can do, found at start-up and declared in the handshake:
 * the vendor module and its paging, memslot and vCPU limits, and which guest paging
 * modes the host runs (a software vendor module may refuse some, e.g. kvm-pvm runs
 * paging only in long mode).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#include "oracle.h"

struct host host;
const char *const paging_names[PM_COUNT] = { "nonpaging", "paging32", "pae", "long" };

static bool param_is_y(const char *path)
{
	char c = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	if (fread(&c, 1, 1, f) != 1)
		c = 0;
	fclose(f);
	return c == 'Y' || c == '1';
}

static void find_vendor(void)
{
	if (!access("/sys/module/kvm_intel", F_OK)) {
		host.vendor = "vmx";
		host.module = "kvm_intel";
		host.tdp = param_is_y("/sys/module/kvm_intel/parameters/ept");
	} else if (!access("/sys/module/kvm_amd", F_OK)) {
		host.vendor = "svm";
		host.module = "kvm_amd";
		host.tdp = param_is_y("/sys/module/kvm_amd/parameters/npt");
	} else if (!access("/sys/module/kvm_pvm", F_OK)) {
		host.vendor = "pvm";
		host.module = "kvm_pvm";
	} else {
		host.vendor = "unknown";
		host.module = "unknown";
	}
}

/* The MMU's module parameters, where present: "name": "value" as sysfs shows it. */
void write_params(struct sbuf *sb)
{
	static const char *const params[] = { "kvm/tdp_mmu", "kvm_intel/ept", "kvm_amd/npt",
		"kvm/nx_huge_pages", "kvm/eager_page_split", "kvm/mmio_caching" };
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		const char *name = strchr(params[i], '/') + 1;
		char path[128], val[64] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/sys/module/%.*s/parameters/%s",
			 (int)(name - 1 - params[i]), params[i], name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(val, sizeof(val), f))
			val[0] = 0;
		fclose(f);
		val[strcspn(val, "\n")] = 0;
		sb_printf(sb, "%s\"%s\":", n++ ? "," : "", name);
		sb_str(sb, val);
	}
}

static int get_cpuid(void)
{
	int n = 256;

	host.cpuid = calloc(1, sizeof(*host.cpuid) + n * sizeof(struct kvm_cpuid_entry2));
	host.cpuid->nent = n;
	return ioctl(host.kvm_fd, KVM_GET_SUPPORTED_CPUID, host.cpuid) ? -errno : 0;
}

static void apply_str(const char *line, struct result *res)
{
	const char *err;
	struct jval *op = json_parse(line, &err);

	apply_op(op, res);
	json_free(op);
}

/*
 * A VM with RAM at gfn 0, its vCPU put into `mode` with KVM_SET_SREGS (tables at gfn 0),
 * then run to the stub's hlt. paging32 and PAE have no stub: there the host accepts the
 * mode when CR0.PG survives KVM_SET_SREGS (kvm-pvm clears it and logs why).
 */
static bool runs_mode(enum paging_mode mode)
{
	static const uint64_t cr0[] = { 0x11, 0x80000011, 0x80000011, 0x80000011 };
	static const uint64_t cr4[] = { 0, 0, 0x20, 0x20 }, efer[] = { 0, 0, 0, 0x500 };
	struct result res;
	struct kvm_sregs sr;
	struct vcpu *v;
	bool ok = false;

	instance_reset();
	apply_str("{\"kind\":\"createVm\",\"vm\":0}", &res);
	apply_str("{\"kind\":\"setMemoryRegion\",\"vm\":0,\"slot\":0,\"gfn\":0,\"npages\":16}", &res);
	apply_str("{\"kind\":\"createVcpu\",\"vm\":0,\"vcpu\":0}", &res);
	v = find_vcpu(find_vm(0), 0);
	if (!v || ioctl(v->fd, KVM_GET_SREGS, &sr))
		goto out;
	sr.cr0 = cr0[mode];
	sr.cr4 = cr4[mode];
	sr.efer = efer[mode];
	sr.cr3 = 0;
	if (mode == PM_LONG)
		sr.cs.l = 1;
	if (ioctl(v->fd, KVM_SET_SREGS, &sr) || ioctl(v->fd, KVM_GET_SREGS, &sr))
		goto out;
	if (mode == PM_PAGING32 || mode == PM_PAE) {
		ok = sr.cr0 & 0x80000000;
		goto out;
	}
	apply_str("{\"kind\":\"run\",\"vm\":0,\"vcpu\":0,\"access\":null}", &res);
	ok = res.kind == RES_EXIT_HLT;
	/* writes that exit on every vendor: they show which tracepoints fire (trace.c) */
	apply_str("{\"kind\":\"setCr\",\"vm\":0,\"vcpu\":0,\"reg\":\"cr4\",\"value\":32}", &res);
	apply_str("{\"kind\":\"setCr\",\"vm\":0,\"vcpu\":0,\"reg\":\"efer\",\"value\":256}", &res);
	/* a slot deleted: kvm_mmu_zap_all_fast where the kernel retires roots by generation */
	apply_str("{\"kind\":\"setMemoryRegion\",\"vm\":0,\"slot\":0,\"gfn\":0,\"npages\":0}", &res);
out:
	instance_reset();
	return ok;
}

int probe_host(void)
{
	int m;

	struct utsname u;

	host.kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (host.kvm_fd < 0)
		return -errno;
	find_vendor();
	if (!uname(&u))
		snprintf(host.release, sizeof(host.release), "%s", u.release);
	host.nr_memslots = ioctl(host.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	host.max_vcpu_id = ioctl(host.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);
	if (host.max_vcpu_id <= 0)
		host.max_vcpu_id = ioctl(host.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	host.readonly_mem = ioctl(host.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
	host.vcpu_mmap_size = ioctl(host.kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (host.nr_memslots <= 0)
		host.nr_memslots = 32;
	if (get_cpuid())
		return -errno;
	for (m = 0; m < PM_COUNT; m++) {
		/*
		 * kvm-pvm runs paging only in long mode and says so in the kernel log each time
		 * a VMM tries otherwise: the probe writes nothing there, so it does not try.
		 */
		if (!strcmp(host.vendor, "pvm") && (m == PM_PAGING32 || m == PM_PAE))
			continue;
		host.paging[m] = runs_mode(m);
	}
	probe_register_bits();
	return 0;
}
