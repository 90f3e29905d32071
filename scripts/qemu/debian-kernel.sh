#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# debian-kernel.sh SERIES - print the path of Debian's kernel image of SERIES
# (6.1, 6.12, ...: the linux-image-SERIES-amd64 line) for the QEMU hooks.
#
# 6.1, bookworm's own kernel, comes from /boot (linux-image-amd64, which
# scripts/qemu/ensure-deps.sh installs).  Any other series is fetched with
# `apt-get download` of the package linux-image-SERIES-amd64 points at
# (6.12: linux-image-6.12.N+deb12-amd64 from bookworm-security) and only its
# /boot/vmlinuz-* and /boot/config-* are unpacked, into
# ${TESTBED_KERNEL_DIR:-build/kernel}/debian/PACKAGE/: installing it would
# make it /boot's newest kernel, the default of every `testbed kernel` on the
# machine, and run initramfs-tools for nothing.  A second run finds it there.
# Needs no root unless the package lists must be refreshed (apt-get update).
set -eu

[ $# -eq 1 ] || { echo "usage: $0 SERIES (6.1, 6.12, ...)" >&2; exit 2; }
series=$1
case "$series" in
*[!0-9.]* | "" | .* | *. | *..*)
	echo "kernel series '$series' is not MAJOR.MINOR (6.1, 6.12)" >&2; exit 2 ;;
esac

if [ "$series" = 6.1 ]; then
	k=$(ls /boot/vmlinuz-6.1.* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$k" ] || {
		echo "no /boot/vmlinuz-6.1.*: apt-get install linux-image-amd64 (Debian 12)" >&2
		exit 1
	}
	echo "$k"
	exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
kdir=${TESTBED_KERNEL_DIR:-$(cd "$here/../.." && pwd)/build/kernel}
meta=linux-image-$series-amd64

# The versioned package the meta-package depends on (the newest apt knows).
versioned() {
	apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1
}
pkg=$(versioned)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || true
	pkg=$(versioned)
fi
if [ -z "$pkg" ]; then
	# No package lists (offline): the newest image fetched before will do.
	k=$(ls "$kdir"/debian/linux-image-"$series".*/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$k" ] || {
		echo "apt knows no $meta (apt-get update as root; bookworm has 6.12 in bookworm-security)" >&2
		exit 1
	}
	echo "$k"
	exit 0
fi

dest=$kdir/debian/$pkg
k=$(ls "$dest"/vmlinuz-* 2>/dev/null | head -n 1)
if [ -z "$k" ]; then
	mkdir -p "$kdir/debian"
	tmp=$(mktemp -d "$kdir/debian/.fetch-XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "debian-kernel: apt-get download $pkg" >&2
	# apt's sandbox user may not write here; the download is checked by apt anyway
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2)
	deb=$(ls "$tmp"/*.deb)
	mkdir -p "$tmp/root"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/root" --wildcards './boot/vmlinuz-*' './boot/config-*'
	mkdir -p "$tmp/out"
	mv "$tmp"/root/boot/* "$tmp/out/"
	# Renamed into place whole; a run that lost the race keeps the winner's
	# copy (never removes a directory another run may be booting from), and
	# only a leftover without an image is replaced.
	if ! mv -T "$tmp/out" "$dest" 2>/dev/null &&
	   ! ls "$dest"/vmlinuz-* >/dev/null 2>&1; then
		rm -rf "$dest"
		mv -T "$tmp/out" "$dest"
	fi
	k=$(ls "$dest"/vmlinuz-* | head -n 1)
fi
[ -r "$k" ] || { echo "$k is not readable" >&2; exit 1; }
echo "$k"
