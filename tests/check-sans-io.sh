#!/usr/bin/env bash
# House rule 1: the control-plane protocol code is sans-IO. No socket,
# clock, sleep, thread, RNG or OpenSSL-on-a-socket call may appear in
# these libraries (what they link to is listed by nm as undefined
# symbols). Usage: check-sans-io.sh LIB...; exits 0 when every library
# is clean, 1 when one calls a forbidden name, 2 when no library is
# given or one cannot be read.
set -euo pipefail
io='socket|bind|connect|send|sendto|sendmsg|sendmmsg|recv|recvfrom|recvmsg|recvmmsg|read|write|poll|epoll_wait|select'
clock='clock|clock_gettime|gettimeofday|time|timespec_get|nanosleep|clock_nanosleep|usleep|sleep'
rng='rand|rand_r|random|srand|srandom|getrandom|getentropy|arc4random|RAND_bytes.*|RAND_priv_bytes.*'
other='pthread_create|SSL_set_fd|BIO_new_dgram'
forbidden="^($io|$clock|$rng|$other)\$"
if [ $# -eq 0 ]; then
	echo "usage: $0 LIB..." >&2
	exit 2
fi
bad=0
for lib in "$@"; do
	if [ ! -f "$lib" ] || [ ! -r "$lib" ]; then
		echo "ERROR: $lib: no such readable file" >&2
		exit 2
	fi
	if ! syms=$(nm -u "$lib" 2>&1); then
		echo "ERROR: $lib: nm failed: $syms" >&2
		exit 2
	fi
	found=$(printf '%s\n' "$syms" | awk 'NF == 2 {print $2}' |
		sed 's/@.*//' | grep -E "$forbidden" | sort -u || true)
	if [ -n "$found" ]; then
		echo "FAIL: $(basename "$lib") calls: $(echo $found)"
		bad=1
	else
		echo "ok: $(basename "$lib") makes no socket, clock, thread or RNG call"
	fi
done
exit $bad
