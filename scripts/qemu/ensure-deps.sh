#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# ensure-deps.sh - make sure the QEMU kernel hooks can run: qemu-system-x86,
# a Debian kernel (linux-image-amd64), busybox-static, cpio and, where the
# guest program is built from its sources (native/guest/guest.c in this
# script's tree; the container image ships the guest built, without them), a
# C compiler that links statically.  Installs what is missing with apt-get
# when run as root (or with sudo available); otherwise says what to install and fails.
# Prints "ok" and exits 0 when everything is there.
set -eu

missing=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu-system-x86"
command -v cpio >/dev/null 2>&1 || missing="$missing cpio"
if [ -f "$(dirname "$0")/../../native/guest/guest.c" ]; then
	command -v gcc >/dev/null 2>&1 || missing="$missing gcc libc6-dev"
fi
# the initramfs needs a static busybox: the dynamic one has no libc there
if ! { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }; then
	missing="$missing busybox-static"
fi
ls /boot/vmlinuz-* >/dev/null 2>&1 || missing="$missing linux-image-amd64"

if [ -z "$missing" ]; then
	echo ok
	exit 0
fi

echo "installing:$missing" >&2
if [ "$(id -u)" = 0 ]; then
	apt_get="apt-get"
elif command -v sudo >/dev/null 2>&1; then
	# sudo drops the environment: pass DEBIAN_FRONTEND as its argument
	apt_get="sudo DEBIAN_FRONTEND=noninteractive apt-get"
else
	echo "missing packages:$missing (run as root: apt-get install$missing)" >&2
	exit 1
fi
DEBIAN_FRONTEND=noninteractive $apt_get update -q
# shellcheck disable=SC2086 # word splitting of the package list is wanted
DEBIAN_FRONTEND=noninteractive $apt_get install -y -q --no-install-recommends $missing
echo ok
