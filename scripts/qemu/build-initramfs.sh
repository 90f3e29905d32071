#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# build-initramfs.sh GUEST SEQUENCES OUTPUT
#
# Builds a gzip'd newc initramfs with a static busybox, the static guest
# program (native/guest) and the sequence file, plus an /init that mounts
# proc, devtmpfs and tmpfs, runs the guest with its output on the second
# serial port (/dev/ttyS1, kept apart from kernel messages on ttyS0),
# prints markers on the console and ends with `reboot -f` (boot.sh runs
# QEMU with -no-reboot, so the reset ends QEMU on any kernel; `poweroff -f`
# only halts a kernel without an ACPI power-off handler).
# Debian's kernel needs no modules for this (initramfs, 8250 serial and
# devtmpfs are built in).
set -eu

[ $# -eq 3 ] || { echo "usage: $0 GUEST SEQUENCES OUTPUT" >&2; exit 2; }
guest=$1
seqs=$2
output=$3
busybox=${BUSYBOX:-/bin/busybox}

[ -x "$guest" ] || { echo "guest program $guest missing: make -C native/guest" >&2; exit 1; }
[ -r "$seqs" ] || { echo "sequence file $seqs missing" >&2; exit 1; }
[ -x "$busybox" ] || { echo "$busybox missing: apt-get install busybox-static" >&2; exit 1; }
if ldd "$busybox" >/dev/null 2>&1; then
	echo "$busybox is dynamically linked: install busybox-static" >&2
	exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
cp "$guest" "$root/guest"
cp "$seqs" "$root/seq.txt"

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
echo "@@TESTBED BOOTED uptime $(cut -d' ' -f1 /proc/uptime) kernel $(uname -r) cpus $(nproc)"
/guest -o /dev/ttyS1 /seq.txt
rc=$?
echo "@@TESTBED GUEST-EXIT $rc uptime $(cut -d' ' -f1 /proc/uptime)"
sync
reboot -f
INIT
chmod 755 "$root/init"

out_abs=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 >"$out_abs")
echo "$out_abs"
