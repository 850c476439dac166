#!/usr/bin/env bash
# The forwarding core -- demux, flow table, route and rewrite, the RTCP
# relay rewrite and the SRTP core -- must build as kernel code (the
# kernel module links the same files): compile every file of
# dataplane/core.list with Kbuild against the installed Debian kernel
# headers, with -Werror, into a module whose init sets a core up
# through a kernel environment (kvzalloc/kvfree) and tears it down.
# Exit 77 (skipped) only when no kernel headers are installed.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$kdir" ]; then
	echo "SKIP: no kernel headers (/usr/src/linux-headers-*-amd64)"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mapfile -t core < <(grep -v '^#' "$src/dataplane/core.list" | grep .)
[ "${#core[@]}" -gt 0 ] || { echo "FAIL: empty dataplane/core.list"; exit 1; }
objs=()
for f in "${core[@]}"; do
	mkdir -p "$work/$(dirname "$f")"
	cp "$src/dataplane/$f" "$work/$f"
	objs+=("${f%.c}.o")
done
cp "$src/dataplane/srtp/srtp_internal.h" "$work/srtp/"
cp "$src/dataplane/fwd/fwd.h" "$work/fwd/"
cat >"$work/kmain.c" <<'C'
#include <linux/module.h>
#include <linux/slab.h>
#include "linerate/lr_srtp_core.h"
#include "fwd/fwd.h"

static void *k_zalloc(size_t n)
{
	return kvzalloc(n, GFP_KERNEL);
}

static void k_free(void *p)
{
	kvfree(p);
}

static const struct lr__fwd_env k_env = {
	.zalloc = k_zalloc,
	.free = k_free,
};

static int __init lr_core_check_init(void)
{
	static struct lr__fwd f;
	static const struct lr_addr local = {.family = 4, .port = 5000};
	struct lr__fwd_cfg cfg = {.max_sessions = 16, .pool = 128};
	int r;

	if (!lr_srtp_suite_get(LR_SRTP_AEAD_AES_128_GCM))
		return -EINVAL;
	r = lr__fwd_init(&f, &k_env, &cfg, &local, 1, NULL);
	if (!r)
		lr__fwd_fini(&f);
	return r;
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
	echo "lr_core_check-y := kmain.o ${objs[*]}"
	echo "ccflags-y := -I$src/include -I$work -Werror"
} >"$work/Kbuild"
make -s -C "$kdir" M="$work" modules
test -f "$work/lr_core_check.ko"
echo "forwarding core (${#core[@]} files of dataplane/core.list) builds as kernel code against $(basename "$kdir")"
