#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds the testbed's container image from Debian packages, in two layers:
#   1. base: a Debian bookworm root filesystem made by mmdebstrap (minbase)
#      from this machine's Debian mirror, with the libraries the CLI and the
#      native libraries load (libstdc++6, liburcu8) and what `testbed kernel`
#      boots (qemu-system-x86, linux-image-amd64, busybox-static, cpio; no
#      Recommends), imported with podman as
#      localhost/testbed-base:<hash of its recipe>; built once per recipe
#   2. the CLI published self-contained for linux-x64 (the .NET runtime comes
#      from NuGet's runtime pack) with the native libraries beside it, copied
#      to /opt/testbed with buildah, and /opt/testbed/repo (TESTBED_ROOT): the
#      guest program built here (native/guest/out/guest, static) and
#      scripts/qemu, all `testbed kernel` needs of the repository (no sources,
#      so no make or gcc in the image); committed as
#      localhost/testbed:<git short sha> and localhost/testbed:latest
# then runs `testbed --help` and scripts/qemu/ensure-deps.sh in it as a smoke
# check.  Podman's settings and image store live in build/cluster/podman/
# (podman-env.sh says why each); use scripts/cluster/image/podman to reach
# them.  Prints the image's name on the last line.
#
#   --rebuild-base   make the base layer again even when it exists
#   --save FILE      also write the image as an OCI archive (to load or push
#                    elsewhere: podman load -i FILE)
# Runs as root (mmdebstrap --mode=root, rootful podman).
# TESTBED_IMAGE_MIRROR: the mirror (a URL or a .sources/.list file); default
# /etc/apt/sources.list.d/debian.sources, else http://deb.debian.org/debian.
set -euo pipefail

rebuild_base=0
save=
while [ $# -gt 0 ]; do
	case "$1" in
	--rebuild-base) rebuild_base=1 ;;
	--save) save=${2:?--save needs a file}; shift ;;
	-h|--help) sed -n '3,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "build-image.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

if [ "$(id -u)" -ne 0 ]; then
	# mmdebstrap --mode=root and rootful podman (the settings of podman-env.sh).
	echo "build-image.sh: run it as root (e.g. sudo $0)" >&2
	exit 1
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$root"
# shellcheck source=podman-env.sh
. "$here/podman-env.sh"

ensure_build_deps
ensure_image_deps
tb_podman_env

work=$root/build/cluster/image
mkdir -p "$work"
start=$(date +%s)
say() { echo "build-image: $*" >&2; }

# ---- base layer -----------------------------------------------------------
mirror=${TESTBED_IMAGE_MIRROR:-}
if [ -z "$mirror" ]; then
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		mirror=/etc/apt/sources.list.d/debian.sources
	else
		mirror=http://deb.debian.org/debian
	fi
fi
# libstdc++6: the .NET runtime; liburcu8: the RCU configs' libtestbed-*.so.
# No libicu72 (the CLI runs with invariant globalization, see
# Directory.Build.props) and no libssl3 (the testbed uses no cryptography).
# qemu-system-x86, linux-image-amd64, busybox-static, cpio: `testbed kernel`
# (scripts/qemu: boot Debian's kernel under TCG with a busybox initramfs).
packages=libstdc++6,liburcu8,qemu-system-x86,linux-image-amd64,busybox-static,cpio
mmdebstrap_args=(
	--variant=minbase --mode=root --include="$packages"
	--aptopt='APT::Install-Recommends "false"'
	--dpkgopt='path-exclude=/usr/share/man/*'
	--dpkgopt='path-exclude=/usr/share/locale/*'
	--dpkgopt='path-exclude=/usr/share/doc/*'
	--dpkgopt='path-include=/usr/share/doc/*/copyright'
	# The CLI's working folder, writable by the unprivileged user it runs as.
	--customize-hook='mkdir -m 1777 "$1/work"'
	# QEMU boots the kernel image alone (-kernel, with the testbed's own
	# initramfs, no modules): Debian installs it mode 0600 and the image runs
	# as user 65534, so make it readable, and drop the modules and the
	# initramfs the package's hook made (some 400 MB nothing loads).
	--customize-hook='chmod 0644 "$1"/boot/vmlinuz-*'
	--customize-hook='rm -rf "$1"/boot/initrd.img-* "$1"/usr/lib/modules/*'
)
recipe=$( {
	printf '%s\n' "${mmdebstrap_args[@]}"
	if [ -f "$mirror" ]; then cat "$mirror"; else echo "$mirror"; fi
} | sha256sum | cut -c1-12)
base=localhost/testbed-base:$recipe

if [ $rebuild_base -eq 1 ] || ! podman image exists "$base"; then
	say "base layer $base: mmdebstrap bookworm ($packages) from $mirror"
	t=$(date +%s)
	rm -f "$work/rootfs.tar"
	mmdebstrap "${mmdebstrap_args[@]}" bookworm "$work/rootfs.tar" "$mirror" \
		>"$work/mmdebstrap.log" 2>&1 ||
		{ tail -n 30 "$work/mmdebstrap.log" >&2; exit 1; }
	podman import -q \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		"$work/rootfs.tar" "$base" >/dev/null
	rm -f "$work/rootfs.tar"
	say "base layer built in $(($(date +%s) - t)) s"
else
	say "base layer $base exists (--rebuild-base makes it again)"
fi

# ---- testbed layer --------------------------------------------------------
t=$(date +%s)
publish=$work/publish
rm -rf "$publish"
say "dotnet publish harness/Testbed.Cli -r linux-x64 --self-contained"
dotnet publish harness/Testbed.Cli/Testbed.Cli.csproj -c Release -r linux-x64 --self-contained \
	-o "$publish" -nologo -v:q -clp:ErrorsOnly >&2
[ -x "$publish/testbed" ] && [ -f "$publish/libtestbed-mmu.so" ] ||
	{ say "the publish lacks testbed or libtestbed-mmu.so"; exit 1; }
say "published in $(($(date +%s) - t)) s"

# The repository tree `testbed kernel` needs (RepoPaths, GuestRunner): the
# built guest without its sources, which GuestRunner then uses as it is.
repo=$work/repo
rm -rf "$repo"
make -s -C native/guest
mkdir -p "$repo/native/guest/out" "$repo/scripts"
cp native/guest/out/guest "$repo/native/guest/out/guest"
cp -r scripts/qemu "$repo/scripts/qemu"

rev=$(git rev-parse --short HEAD)
[ -z "$(git status --porcelain --untracked-files=no)" ] || rev=$rev-dirty
image=localhost/testbed
container=$(buildah from -q "$base")
trap 'buildah rm "$container" >/dev/null 2>&1 || true' EXIT
buildah copy -q --chown 0:0 "$container" "$publish" /opt/testbed >/dev/null
buildah copy -q --chown 0:0 "$container" "$repo" /opt/testbed/repo >/dev/null
buildah config \
	--env PATH=/opt/testbed:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	--env TESTBED_ROOT=/opt/testbed/repo \
	--env HOME=/work \
	--env DOTNET_CLI_TELEMETRY_OPTOUT=1 \
	--workingdir /work \
	--user 65534:65534 \
	--cmd '["testbed", "--help"]' \
	--label org.opencontainers.image.title=testbed \
	--label org.opencontainers.image.description="Testbed CLI (native interop testbed for the SPF patch), sharded sweeps" \
	--label org.opencontainers.image.licenses=GPL-2.0-only \
	--label org.opencontainers.image.revision="$(git rev-parse HEAD)" \
	--label org.opencontainers.image.base.name="$base" \
	"$container"
buildah commit -q --rm "$container" "$image:$rev" >/dev/null
trap - EXIT
buildah tag "$image:$rev" "$image:latest"
# The image this tag named before, if any, is now dangling: drop it.
podman image prune -f >/dev/null

podman run --rm "$image:$rev" sh -c \
	'testbed --help >/dev/null && "$TESTBED_ROOT/scripts/qemu/ensure-deps.sh"' \
	>"$work/smoke.log" 2>&1 ||
	{ say "the image does not run testbed --help or lacks what testbed kernel boots:"; tail -n 20 "$work/smoke.log" >&2; exit 1; }
size=$(podman image inspect --format '{{.Size}}' "$image:$rev")
say "built $image:$rev (also :latest), $((size / 1000000)) MB, in $(($(date +%s) - start)) s"
if [ -n "$save" ]; then
	rm -f "$save"
	podman save -q --format oci-archive -o "$save" "$image:$rev"
	say "saved to $save"
fi
echo "$image:$rev"
