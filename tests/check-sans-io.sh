#!/usr/bin/env bash
# House rule 1: the control-plane protocol code is sans-IO. No socket,
# clock or RNG call may appear in these libraries (what they link to is
# listed by nm as undefined symbols).
set -euo pipefail
forbidden='^(socket|bind|connect|send|sendto|sendmsg|sendmmsg|recv|recvfrom|recvmsg|recvmmsg|read|write|poll|epoll_wait|select|clock_gettime|gettimeofday|time|rand|random|srand|srandom|getrandom|arc4random|RAND_bytes|RAND_priv_bytes)$'
bad=0
for lib in "$@"; do
	found=$(nm -u "$lib" | awk '{print $2}' | sed 's/@.*//' | grep -E "$forbidden" || true)
	if [ -n "$found" ]; then
		echo "FAIL: $(basename "$lib") calls: $(echo $found)"
		bad=1
	else
		echo "ok: $(basename "$lib") makes no socket, clock or RNG call"
	fi
done
exit $bad
