# SPDX-License-Identifier: GPL-2.0-only
#
# Podman and buildah settings for the testbed's image, kept in the repository's
# build/cluster/podman/ (never in /etc): sourced by build-image.sh and by the
# podman wrapper beside it.
#   ensure_image_deps   mmdebstrap, podman, buildah, runc (apt-get when missing)
#   tb_podman_env       writes containers.conf and storage.conf there and points
#                       CONTAINERS_CONF and CONTAINERS_STORAGE_CONF at them
#
# Why each setting (measured on the project's machine, a VM that runs as root
# without CAP_SYS_RESOURCE, on cgroup v1 with a cgroup2 hierarchy that holds
# the hugetlb controller):
#   runtime = runc      crun 1.8 refuses that layout ("cgroups in hybrid mode
#                       not supported"); runc runs it
#   cgroup_manager      cgroupfs: no systemd runs here
#   events_logger       file: no journald
#   netns = none        the sweeps need no network, and none is reachable
#   default_ulimits     rootful podman asks for nofile and nproc limits above
#                       its own hard limits (1048576 open files), which needs
#                       CAP_SYS_RESOURCE; these are the highest it may set:
#                       the hard open-file limit, and for processes the lower
#                       of the hard limit and kernel.pid_max (podman's conmon
#                       runs with nproc = 32768 = pid_max here)
#   driver = overlay    the kernel's overlayfs, as root on ext4; set
#                       TESTBED_PODMAN_DRIVER=vfs where overlay cannot mount
# A library: it sets no shell options, so it leaves its caller's as they are.

_tb_image_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# shellcheck source=../../lib/ensure-deps.sh
. "$_tb_image_root/scripts/lib/ensure-deps.sh"

ensure_image_deps() {
	_tb_apt_install mmdebstrap podman buildah runc
}

# The folder that holds the settings and the image store.
tb_podman_dir() {
	echo "$_tb_image_root/build/cluster/podman"
}

# Replaces FILE with stdin when they differ, through a file of its own, so
# that podman wrappers started side by side never see half a file.
_tb_podman_write() {
	local file=$1 tmp
	tmp=$(mktemp "$file.XXXXXX") || return 1
	cat >"$tmp"
	if cmp -s "$tmp" "$file"; then
		rm -f "$tmp"
	else
		mv -f "$tmp" "$file"
	fi
}

tb_podman_env() {
	local dir nofile nproc pid_max
	dir=$(tb_podman_dir)
	mkdir -p "$dir"
	nofile=$(ulimit -Hn)
	[ "$nofile" = unlimited ] && nofile=1048576
	nproc=$(ulimit -Hu)
	pid_max=$(cat /proc/sys/kernel/pid_max)
	if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; then
		nproc=$pid_max
	fi
	_tb_podman_write "$dir/containers.conf" <<-EOF
		# Written by scripts/cluster/image/podman-env.sh (see it for why).
		[containers]
		netns = "none"
		default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

		[engine]
		runtime = "runc"
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		tmp_dir = "$dir/tmp"
	EOF
	_tb_podman_write "$dir/storage.conf" <<-EOF
		# Written by scripts/cluster/image/podman-env.sh (see it for why).
		[storage]
		driver = "${TESTBED_PODMAN_DRIVER:-overlay}"
		graphroot = "$dir/storage"
		runroot = "$dir/run"
	EOF
	export CONTAINERS_CONF="$dir/containers.conf"
	export CONTAINERS_STORAGE_CONF="$dir/storage.conf"
}
