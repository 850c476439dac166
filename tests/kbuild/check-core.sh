#!/usr/bin/env bash
# The SRTP core must build as kernel code (it is linked into linerate.ko):
# compile it with Kbuild against the installed Debian kernel headers, with
# -Werror. Exit 77 (skipped) only when no kernel headers are installed.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$kdir" ]; then
	echo "SKIP: no kernel headers (/usr/src/linux-headers-*-amd64)"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
core=(suite kdf replay stream srtp srtcp burst drop)
for f in "${core[@]}"; do cp "$src/dataplane/srtp/$f.c" "$work/"; done
cp "$src/dataplane/srtp/srtp_internal.h" "$work/"
cat >"$work/kmain.c" <<'C'
#include <linux/module.h>
#include "linerate/lr_srtp_core.h"
static int __init lr_core_check_init(void)
{
	return lr_srtp_suite_get(LR_SRTP_AEAD_AES_128_GCM) ? 0 : -EINVAL;
}
static void __exit lr_core_check_exit(void)
{
}
module_init(lr_core_check_init);
module_exit(lr_core_check_exit);
MODULE_LICENSE("Dual BSD/GPL");
C
{
	echo "obj-m := lr_core_check.o"
	echo "lr_core_check-y := kmain.o ${core[*]/%/.o}"
	echo "ccflags-y := -I$src/include -Werror"
} >"$work/Kbuild"
make -s -C "$kdir" M="$work" modules
test -f "$work/lr_core_check.ko"
echo "SRTP core builds as kernel code against $(basename "$kdir")"
