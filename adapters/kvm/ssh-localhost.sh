#!/bin/sh
# Sets up ssh to localhost for the test of a kernel under test elsewhere
# (test/kvm-remote.test.ts): starts sshd if it is installed and not running, and lets a key
# of its own (~/.ssh/kvm-oracle-test) log in. Prints the --impl to use; exit 2 with one line
# when sshd is missing (apt-get install openssh-server) or cannot start.
set -e
key="$HOME/.ssh/kvm-oracle-test"
sshd=$(command -v sshd || echo /usr/sbin/sshd)
if [ ! -x "$sshd" ]; then
	echo "ssh-localhost: no sshd (apt-get install openssh-server)" >&2
	exit 2
fi
if ! pgrep -x sshd >/dev/null 2>&1; then
	mkdir -p /run/sshd
	"$sshd" || { echo "ssh-localhost: sshd did not start" >&2; exit 2; }
fi
mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
[ -f "$key" ] || ssh-keygen -q -t ed25519 -N '' -f "$key"
grep -qF "$(cat "$key.pub")" "$HOME/.ssh/authorized_keys" 2>/dev/null || cat "$key.pub" >> "$HOME/.ssh/authorized_keys"
chmod 600 "$HOME/.ssh/authorized_keys"
bin=$(cd "$(dirname "$0")" && pwd)/build/kvm-oracle-kvm
echo "exec:ssh -i $key -o BatchMode=yes -o StrictHostKeyChecking=accept-new localhost $bin"
