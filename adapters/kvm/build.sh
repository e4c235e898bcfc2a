#!/bin/sh
# Builds the real-KVM adapter with the system C compiler into adapters/kvm/build/.
# Exit 2 with one line when something it needs is missing.
set -e
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "build:kvm: no C compiler ($cc not found; set CC)" >&2
	exit 2
fi
if ! printf '#include <linux/kvm.h>\n' | "$cc" -E - >/dev/null 2>&1; then
	echo "build:kvm: no linux/kvm.h in the system headers (install linux-libc-dev)" >&2
	exit 2
fi
if [ ! -e /dev/kvm ]; then
	echo "build:kvm: no /dev/kvm on this machine (built anyway; it will exit 2 when run)" >&2
fi
mkdir -p "$here/build"
"$cc" -O2 -Wall -Wextra -Wno-unused-parameter -o "$here/build/kvm-oracle-kvm" "$here"/src/*.c -pthread
echo "$here/build/kvm-oracle-kvm"
