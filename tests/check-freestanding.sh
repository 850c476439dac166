#!/usr/bin/env bash
# The forwarding core is freestanding (dataplane/core.list; the kernel
# module links it): its static libraries may call only each other and
# memcpy, memset, memmove and memcmp -- no allocator, clock, thread,
# socket or stdio. Sanitizer instrumentation is not a call of the code.
# Usage: check-freestanding.sh LIB.a...   exit 0 clean, 1 a call found,
# 2 no argument or an unreadable library.
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: $0 LIB.a..." >&2; exit 2; }
bad=0
for lib in "$@"; do
	if ! syms=$(nm -u "$lib" 2>/dev/null); then
		echo "cannot read $lib" >&2
		exit 2
	fi
	while read -r _ name; do
		case "$name" in
		"" | lr_* | lr__* | memcpy | memset | memmove | memcmp) ;;
		__asan_* | __ubsan_* | __tsan_* | __sanitizer_* | __msan_* | __sancov_* | \
			__stack_chk_fail | _GLOBAL_OFFSET_TABLE_) ;;
		*)
			echo "$(basename "$lib"): calls $name"
			bad=1
			;;
		esac
	done < <(printf '%s\n' "$syms" | grep ' U ' | sort -u)
done
[ $bad = 0 ] && echo "freestanding: $*" | sed 's|[^ ]*/||g'
exit $bad
