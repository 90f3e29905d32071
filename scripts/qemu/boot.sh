#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# boot.sh --kernel BZIMAGE --initrd INITRAMFS --data FILE [--timeout S]
#         [--memory MB] [--cpus N] [--kvm]
#
# Boots the initramfs built by build-initramfs.sh under
# qemu-system-x86_64: TCG by default (KVM guests hang on our machines;
# --kvm asks for it anyway), no display, no network, no reboot, the kernel
# console on ttyS0 (this script's stdout: the serial log) and the guest's
# records on ttyS1 (written to --data FILE).  The guest ends with
# `reboot -f`, which -no-reboot turns into QEMU's exit (a kernel without an
# ACPI power-off handler, like the minimal one of scripts/kernel, only halts
# on `poweroff`); a guest that does not end is killed after --timeout seconds
# and the script exits 124.
set -eu

kernel=""
initrd=""
data=""
timeout_s=60
memory=256
cpus=2
accel=tcg
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--data) data=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--kvm) accel=kvm; shift ;;
	*) echo "boot.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$kernel" ] || kernel=$("$(dirname "$0")/default-kernel.sh")
[ -r "$kernel" ] || { echo "kernel $kernel not readable" >&2; exit 1; }
[ -r "$initrd" ] || { echo "initramfs $initrd not readable" >&2; exit 1; }
[ -n "$data" ] || { echo "--data FILE is required" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	{ echo "qemu-system-x86_64 missing: apt-get install qemu-system-x86" >&2; exit 1; }

: >"$data"
exec timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 \
	-accel "$accel" -m "$memory" -smp "$cpus" \
	-nographic -monitor none -serial stdio -serial "file:$data" \
	-nic none -no-reboot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init"
