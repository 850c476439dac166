#!/usr/bin/env bash
# netns-run.sh LINERATED [linerated flags...] -- COMMAND...
#
# Runs linerated and COMMAND in a network namespace of their own whose
# only interface is loopback: the gateway and its peers (headless
# Chromium, GStreamer, werift) can use 127.0.0.0/8 and nothing else, and
# the fixed ports (HTTP 8080) collide with nothing. linerated is stopped
# with SIGTERM when COMMAND ends and must drain and exit 0. Exit: the
# command's status (77: skipped), or 1 if linerated failed.
set -u
if [ "${LR_IN_NETNS:-}" != 1 ]; then
	if ! unshare --net true 2>/dev/null; then
		echo "skip: cannot make a network namespace (needs root)"
		exit 77
	fi
	LR_IN_NETNS=1 exec unshare --net "$0" "$@"
fi
ip link set lo up
gw=$1
shift
args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	args+=("$1")
	shift
done
shift
log=${LR_GW_LOG:-/dev/stderr}
"$gw" "${args[@]}" 2>"$log" &
pid=$!
for _ in $(seq 100); do
	curl -sf http://127.0.0.1:8080/healthz >/dev/null 2>&1 && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
"$@"
rc=$?
kill -TERM $pid 2>/dev/null
wait $pid
grc=$?
if [ $grc -ne 0 ]; then
	echo "not ok - linerated exited $grc after SIGTERM"
	[ $rc -eq 0 ] && rc=1
else
	echo "ok - linerated drained and exited 0 on SIGTERM"
fi
exit $rc
