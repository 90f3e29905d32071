#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# default-kernel.sh - print the path of the newest Debian kernel image in
# /boot (from linux-image-amd64); exit 1 if there is none.
set -eu
k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -n "$k" ] || { echo "no /boot/vmlinuz-*: apt-get install linux-image-amd64" >&2; exit 1; }
[ -r "$k" ] || { echo "$k is not readable" >&2; exit 1; }
echo "$k"
