#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# patch-tree.sh DIR [PATCH]...
#
# Copies the model's sources (kernel/ mm/ api/ include/ stress/ of this
# folder) to DIR/native and applies each PATCH there with `patch -p1` from
# DIR, in order: a patch made by `git diff` at the repository root applies
# as it is.  Text before a patch's first "---" line is its description
# (native/mutants/*.patch keep their metadata there) and is ignored.
# --fuzz=0: a patch either applies exactly or is refused, with the file and
# hunk that did not apply on the last line of stderr:
#   patch-tree: patch FILE does not apply: native/mm/mmap.c: Hunk #1 FAILED at 115
# (the harness turns that line into its usage error).  Exit 0, or 1 when a
# patch does not apply; DIR/.stamp is written only on success.
set -euo pipefail

die() {
	echo "patch-tree: $*" >&2
	exit 1
}

[ $# -ge 1 ] || die "usage: patch-tree.sh DIR [PATCH]..."
dir=$1
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

rm -rf "$dir/native" "$dir/.stamp"
mkdir -p "$dir/native"
for d in kernel mm api include stress maple; do
	cp -R "$here/$d" "$dir/native/"
done

for p in "$@"; do
	[ -f "$p" ] && [ -r "$p" ] || die "patch $p: no such readable file"
	if ! out=$(patch -d "$dir" -p1 --forward --batch --fuzz=0 --dry-run \
		--no-backup-if-mismatch <"$p" 2>&1); then
		echo "$out" | sed 's/^/  /' >&2
		hunk=$(echo "$out" | awk '
			/^(patching|checking) file / { f = $3 }
			/^Hunk #[0-9]+ FAILED/ { sub(/\.$/, ""); print f ": " $0; exit }
			/^Reversed \(or previously applied\)/ { print f ": already applied"; exit }
			/can.t find file to patch/ { print "a file the patch names is not in native/"; exit }
			/[Oo]nly garbage was found/ { print "no diff in it"; exit }')
		die "patch $p does not apply: ${hunk:-see the output above}"
	fi
	patch -d "$dir" -p1 --forward --batch --fuzz=0 --quiet \
		--no-backup-if-mismatch <"$p" >&2
done
touch "$dir/.stamp"
