#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Installs what a fresh Debian 12 machine lacks to build and test the testbed,
# with apt-get as root or through sudo for another user.  Sourced by
# scripts/build-and-test.sh and scripts/testbed; safe to run twice.
#   ensure_build_deps   gcc, make, liburcu, linux-source-6.12 (native libraries)
#   ensure_qemu_deps    what the QEMU kernel hooks need (scripts/qemu/ensure-deps.sh)
#   ensure_slurm_deps   slurm-wlm and munge (the one-node cluster, scripts/cluster/slurm)
# A library: it sets no shell options, so it leaves its caller's as they are.

_tb_apt_updated=0

_tb_apt_install() {
	local missing=()
	local pkg
	for pkg in "$@"; do
		dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "testbed: missing Debian packages: ${missing[*]} (run as root, or install sudo, or: apt-get install ${missing[*]})" >&2
			return 1
		fi
		sudo=(sudo)
	fi
	if [ $_tb_apt_updated -eq 0 ]; then
		"${sudo[@]}" apt-get update -qq || return 1
		_tb_apt_updated=1
	fi
	echo "testbed: installing ${missing[*]}" >&2
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_build_deps() {
	# linux-source-6.12: lib/maple_tree.c, compiled at build time (native/maple/)
	_tb_apt_install gcc make libc6-dev liburcu-dev linux-source-6.12
	if ! command -v dotnet >/dev/null 2>&1; then
		echo "testbed: the .NET SDK 10 (dotnet) is required and not on PATH" >&2
		return 1
	fi
}

ensure_qemu_deps() {
	# One list for the kernel hooks, kept with them (the harness runs it too).
	"$(dirname "${BASH_SOURCE[0]}")/../qemu/ensure-deps.sh" >/dev/null
}

ensure_slurm_deps() {
	# slurm-wlm brings slurmctld, slurmd and the client commands (sbatch,
	# squeue, sinfo, scontrol); munge is the authentication they all use.
	_tb_apt_install slurm-wlm munge
}
