#!/usr/bin/env bash
# check-sans-io.sh is itself checked: it must fail on a static library
# that calls a forbidden name (one built here per name, and one calling
# nanosleep(2) through <time.h>), pass on a clean one, and refuse to run
# with no argument or on a file that is missing or not an object.
# Usage: check-sans-io-test.sh CC CHECK_SCRIPT
set -euo pipefail
cc=$1
check=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect CODE DESCRIPTION ARGS...: the script exits with CODE
expect() {
	local want=$1 what=$2 rc=0
	shift 2
	"$check" "$@" >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: $what: exit $rc, expected $want; output:"
		sed 's/^/  /' "$tmp/out"
		fails=$((fails + 1))
	else
		echo "ok: $what (exit $rc)"
	fi
}

# lib NAME SOURCE: a static library $tmp/NAME.a of one object
lib() {
	printf '%s\n' "$2" >"$tmp/$1.c"
	"$cc" -std=c11 -O0 -fno-builtin -c "$tmp/$1.c" -o "$tmp/$1.o"
	ar rcs "$tmp/$1.a" "$tmp/$1.o"
}

lib clean 'int lr_clean(int x); int lr_clean(int x) { return x * 2; }'
expect 0 "a library calling nothing forbidden" "$tmp/clean.a"

lib sleeper '#define _POSIX_C_SOURCE 200809L
#include <time.h>
int lr_nap(void);
int lr_nap(void) { struct timespec t = {0, 1000}; return nanosleep(&t, 0); }'
expect 1 "a library calling nanosleep" "$tmp/sleeper.a"
grep -q "FAIL: sleeper.a calls: nanosleep" "$tmp/out" || {
	echo "FAIL: the report does not name sleeper.a and nanosleep"
	fails=$((fails + 1))
}
# A bad library among clean ones still fails the run.
expect 1 "nanosleep after a clean library" "$tmp/clean.a" "$tmp/sleeper.a"

# Each name added in issue 14, called through a bare declaration.
for name in clock timespec_get getentropy RAND_bytes RAND_bytes_ex \
	RAND_priv_bytes RAND_priv_bytes_ex rand_r nanosleep pthread_create \
	SSL_set_fd BIO_new_dgram; do
	lib "call_$name" "void $name(void); void lr_call(void); void lr_call(void) { $name(); }"
	expect 1 "a library calling $name" "$tmp/call_$name.a"
done

expect 2 "no argument"
expect 2 "a missing library" "$tmp/clean.a" "$tmp/no-such-lib.a"
printf 'not an object\n' >"$tmp/text.a"
expect 2 "a file nm cannot read" "$tmp/text.a"

[ "$fails" -eq 0 ] || {
	echo "$fails check(s) failed"
	exit 1
}
