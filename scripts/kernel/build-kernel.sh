#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-kernel.sh [--source SERIES] [--patch FILE]... [--jobs N] [--key]
#
# Builds a minimal x86-64 bzImage for the QEMU hooks from Debian's
# linux-source-SERIES (6.1 unless --source says 6.12), with the given patches
# applied (patch -p1, in order), configured as `make tinyconfig` +
# scripts/kernel/testbed.config (+ testbed-SERIES.config when there is one:
# 6.12's lock statistics), and prints the image's path as the last line on
# stdout.  Progress and errors go to stderr.
#
# Images are cached under build/kernel/images/KEY/, KEY being a hash of the
# source package version, the config fragment, the compiler, this script's
# recipe version and every patch's contents: a second run with the same
# inputs builds nothing.  --key prints KEY and exits.
#
# One source tree and one object directory (O=) per source version are kept
# under build/kernel/ and reused: patches are applied to the tree, the build
# is incremental (a patch to mm/mmap.c recompiles mm/mmap.o and relinks), and
# the patches are reverted afterwards (also after a failure or an interrupted
# run, which the next run notices).  Builds are serialised with flock.
#
# Installs what is missing with apt-get (linux-source-SERIES bc flex bison
# libelf-dev libssl-dev make gcc patch xz-utils) when run as root.
# TESTBED_KERNEL_DIR overrides build/kernel.
set -euo pipefail

# Bumped when the way an image is made changes (invalidates the cache).
RECIPE=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
fragment="$here/testbed.config"
kdir=${TESTBED_KERNEL_DIR:-$root/build/kernel}

die() { echo "build-kernel: $*" >&2; exit 1; }
say() { echo "build-kernel: $*" >&2; }

series=6.1
patches=()
jobs=$(nproc)
key_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	--patch)
		[ $# -ge 2 ] || die "--patch needs a FILE"
		[ -f "$2" ] && [ -r "$2" ] || die "patch $2: no such readable file"
		patches+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")")
		shift 2 ;;
	--source)
		[ $# -ge 2 ] || die "--source needs a SERIES (6.1, 6.12)"
		case "$2" in
		[0-9]*.[0-9]*) series=$2 ;;
		*) die "--source $2: not a kernel series like 6.1 or 6.12" ;;
		esac
		shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--key) key_only=1; shift ;;
	-h|--help) sed -n '3,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument $1 (see --help)" ;;
	esac
done

PACKAGE=linux-source-$series
TARBALL=/usr/src/linux-source-$series.tar.xz
# The fragments merged into tinyconfig: the common one and the series' own.
fragments=("$fragment")
[ -f "$here/testbed-$series.config" ] && fragments+=("$here/testbed-$series.config")

ensure_packages() {
	local missing=() pkg
	for pkg in "$PACKAGE" bc flex bison libelf-dev libssl-dev make gcc \
		patch xz-utils; do
		dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] ||
		die "missing Debian packages: ${missing[*]} (run as root or apt-get install them)"
	say "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
}

ensure_packages
[ -r "$TARBALL" ] || die "$TARBALL missing although $PACKAGE is installed"
version=$(dpkg-query -W -f='${Version}' "$PACKAGE")

# The cache key: everything the image depends on, patches in order.
key=$({
	echo "recipe $RECIPE"
	echo "source $PACKAGE $version"
	echo "cc $(gcc --version | head -n 1)"
	echo "config"
	cat "${fragments[@]}"
	for p in "${patches[@]}"; do
		echo "patch"
		cat "$p"
	done
} | sha256sum | cut -c1-16)
if [ $key_only -eq 1 ]; then
	echo "$key"
	exit 0
fi

image_dir="$kdir/images/$key"
if [ -f "$image_dir/bzImage" ]; then
	say "cached: $image_dir/bzImage (source $version, ${#patches[@]} patch(es))"
	echo "$image_dir/bzImage"
	exit 0
fi

mkdir -p "$kdir"
exec 9>"$kdir/lock"
if ! flock -n 9; then
	say "waiting for another kernel build to finish"
	flock 9
fi
# Another run may have built the same image while this one waited.
if [ -f "$image_dir/bzImage" ]; then
	say "cached: $image_dir/bzImage"
	echo "$image_dir/bzImage"
	exit 0
fi

tree_parent="$kdir/src-$version"
src="$tree_parent/$PACKAGE"
obj="$kdir/obj-$version"
applied="$tree_parent/applied"	# copies of the patches now in the tree

unpack() {
	say "unpacking $TARBALL (source $version)"
	rm -rf "$tree_parent"
	mkdir -p "$tree_parent"
	tar -xJf "$TARBALL" -C "$tree_parent"
	touch "$tree_parent/.unpacked"
}

# Reverts the patches recorded in $applied, last first.  A tree that does not
# revert cleanly is unpacked again (and the object directory, which may hold
# objects of patched sources with newer times than the pristine ones, goes).
revert_applied() {
	[ -d "$applied" ] || return 0
	local files=("$applied"/*) i p
	for ((i = ${#files[@]} - 1; i >= 0; i--)); do
		p=${files[i]}
		[ -f "$p" ] || continue
		if ! patch -d "$src" -p1 -R --batch --fuzz=0 --quiet \
			<"$p" >/dev/null 2>&1; then
			say "the source tree does not revert cleanly; unpacking it again"
			rm -rf "$obj"
			unpack
			return 0
		fi
		rm -f "$p"
	done
	rmdir "$applied"
}

[ -f "$tree_parent/.unpacked" ] || unpack
revert_applied
trap revert_applied EXIT

# Applies one patch; on failure names the file and hunk that did not apply.
apply_patch() {
	local p=$1 n=$2 out
	if ! out=$(patch -d "$src" -p1 --forward --batch --fuzz=0 --dry-run <"$p" 2>&1); then
		echo "$out" | sed 's/^/  /' >&2
		local hunk
		hunk=$(echo "$out" | awk '
			/^(patching|checking) file / { f = $3 }
			/^Hunk #[0-9]+ FAILED/ { sub(/\.$/, ""); print f ": " $0; exit }
			/^Reversed \(or previously applied\)/ { print f ": already applied"; exit }
			/can.t find file to patch/ { print "a file the patch names is missing"; exit }')
		die "patch $p does not apply to $PACKAGE $version: ${hunk:-see the output above}"
	fi
	mkdir -p "$applied"
	cp "$p" "$applied/$(printf '%03d' "$n")-$(basename "$p")"
	patch -d "$src" -p1 --forward --batch --fuzz=0 --quiet <"$p" >&2
	say "applied $(basename "$p")"
}

n=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	apply_patch "$p" "$n"
done

# The config: tinyconfig + the fragment, made in a scratch directory and
# copied to the object directory only when it differs, so an unchanged config
# does not touch the build.
cfg="$kdir/config-$version"
mkdir -p "$cfg" "$obj"
kmake() { make -s -C "$src" ARCH=x86_64 "$@"; }
kconfig_log="$cfg/kconfig.log"
if ! { kmake O="$cfg" tinyconfig &&
	"$src/scripts/kconfig/merge_config.sh" -m -O "$cfg" "$cfg/.config" "${fragments[@]}" &&
	kmake O="$cfg" olddefconfig; } >"$kconfig_log" 2>&1; then
	tail -n 20 "$kconfig_log" >&2
	die "configuring failed; log: $kconfig_log"
fi
missing=$(cat "${fragments[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=' | while read -r line; do
	grep -qx "$line" "$cfg/.config" || echo "${line%%=*}"
done)
[ -z "$missing" ] ||
	die "not in the final .config (unmet dependencies?): $(echo $missing)"
cmp -s "$cfg/.config" "$obj/.config" || cp "$cfg/.config" "$obj/.config"

mkdir -p "$kdir/logs"
log="$kdir/logs/$key.log"
say "building bzImage with $jobs job(s) (log: $log)"
# Kbuild prints one line per step; show a progress line every few seconds,
# against the step count of the last full build when there is one.
total=$(cat "$kdir/steps-$version" 2>/dev/null || echo 0)
start=$SECONDS
steps=0
last=0
set +e
nice -n 10 make -C "$src" O="$obj" ARCH=x86_64 -j"$jobs" bzImage 2>&1 |
	tee "$log" | {
	while IFS= read -r line; do
		case "$line" in
		"  "[A-Z]*) steps=$((steps + 1)) ;;
		*) continue ;;
		esac
		if [ $((SECONDS - last)) -ge 5 ]; then
			last=$SECONDS
			if [ "$total" -gt 0 ] && [ $steps -le "$total" ]; then
				pct=" $((100 * steps / total))%"
			else
				pct=""
			fi
			printf 'build-kernel: %4ds%s, %d steps: %s\n' \
				$((SECONDS - start)) "$pct" $steps "${line#  }" >&2
		fi
	done
	echo $steps >"$kdir/steps.last"
}
rc=${PIPESTATUS[0]}
set -e
elapsed=$((SECONDS - start))
if [ "$rc" -ne 0 ]; then
	grep -E 'error|Error' "$log" | head -n 20 >&2 || true
	die "make bzImage failed ($rc) after ${elapsed}s; log: $log"
fi
steps=$(cat "$kdir/steps.last")
# A build that compiled most of the tree is the yardstick for percentages.
[ "$steps" -gt $((total / 2)) ] && echo "$steps" >"$kdir/steps-$version"

tmp="$kdir/images/.tmp-$key"
rm -rf "$tmp"
mkdir -p "$tmp"
cp "$obj/arch/x86/boot/bzImage" "$tmp/bzImage"
{
	echo "key $key"
	echo "source $PACKAGE $version"
	echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) in ${elapsed}s, $steps kbuild steps, $jobs job(s)"
	for p in "${patches[@]}"; do
		echo "patch $(sha256sum "$p" | cut -c1-16) $p"
	done
} >"$tmp/info"
cp "$obj/.config" "$tmp/config"
rm -rf "$image_dir"
mv "$tmp" "$image_dir"
say "built in ${elapsed}s ($steps kbuild steps): $image_dir/bzImage"
echo "$image_dir/bzImage"
