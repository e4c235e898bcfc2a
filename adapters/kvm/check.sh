#!/bin/sh
# Says in one line what the real-KVM adapter lacks on this machine, exit 2; exit 0 when
# it can run (the binary is built and /dev/kvm opens).
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/build/kvm-oracle-kvm"
if [ ! -e /dev/kvm ]; then
	echo "kvm: no /dev/kvm on this machine" >&2
	exit 2
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo "kvm: /dev/kvm is not readable and writable by this user" >&2
	exit 2
fi
if [ ! -x "$bin" ]; then
	if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
		echo "kvm: no C compiler to build the adapter (set CC)" >&2
	else
		echo "kvm: adapter not built (run npm run build:kvm)" >&2
	fi
	exit 2
fi
exit 0
