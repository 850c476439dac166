#!/usr/bin/env bash
# linerate: the two commands (and a few more).
#   ./run.sh demo    install, build, run the gateway (linerated) with its demo
#                    page on http://127.0.0.1:8080/ (Ctrl-C stops it)
#   ./run.sh test    install, build, run every test (normal + ASan/UBSan build,
#                    fuzz targets 10 s each, TSan for the data plane)
#   ./run.sh bench   install, build (Release), run the benchmarks
#   ./run.sh fuzz    install, build, run every fuzz target for 60 s
#   ./run.sh build   install and build only
set -euo pipefail
cd "$(dirname "$0")"

# Debian 12 packages the build, the tests and the benchmarks need.
PKGS=(build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
      libssl-dev libsrtp2-dev libipsec-mb-dev libcunit1-dev liburing-dev
      zlib1g-dev libnice-dev libusrsctp-dev libdpdk-dev
      libmicrohttpd-dev libinih-dev libjansson-dev
      linux-headers-amd64
      chromium curl iproute2 util-linux prometheus
      gstreamer1.0-plugins-base gstreamer1.0-plugins-good
      gstreamer1.0-plugins-bad gstreamer1.0-nice gstreamer1.0-tools
      gir1.2-gstreamer-1.0 gir1.2-gst-plugins-bad-1.0 gir1.2-nice-0.1
      python3-gi python3-aiortc)
# linerated alone (./run.sh demo) needs only these of them.
DEMO_PKGS=(build-essential cmake ninja-build pkg-config libssl-dev
      libsrtp2-dev libipsec-mb-dev libcunit1-dev liburing-dev zlib1g-dev
      libnice-dev libusrsctp-dev libdpdk-dev libmicrohttpd-dev libinih-dev
      libjansson-dev)
# ./run.sh bench also plots (docs/img).
BENCH_PKGS=(gnuplot-nox python3)
JOBS=$(nproc 2>/dev/null || echo 2)

log() { printf '[run.sh] %s\n' "$*" >&2; }

# install_deps [extra packages...]; INSTALL_ONLY=(...) replaces PKGS
install_deps() {
	local missing=() p sudo="" want=("${PKGS[@]}")
	[ -n "${INSTALL_ONLY+x}" ] && want=("${INSTALL_ONLY[@]}")
	for p in "${want[@]}" "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	log "installing: ${missing[*]}"
	$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 \
		install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The real WebRTC peers of the interop tests: werift and playwright-core
# from npm (Node.js 20 and npm come with the machine; Debian's npm
# package conflicts with them), pinned by package-lock.json. Reinstalled
# only when the lock file changes.
install_node_peers() {
	local dir=tests/interop/node stamp sum
	stamp=$dir/node_modules/.linerate-lock
	if ! command -v npm >/dev/null; then
		log "npm not found: the interop tests need Node.js >= 20 with npm"
		return 1
	fi
	sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && return 0
	log "installing the interop peers (npm ci in $dir)"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	printf '%s\n' "$sum" >"$stamp"
}

# configure DIR [cmake args...]; quiet unless it fails
configure() {
	local dir=$1 out
	shift
	if ! out=$(cmake -S . -B "$dir" -G Ninja "$@" 2>&1); then
		printf '%s\n' "$out" >&2
		return 1
	fi
	printf '%s\n' "$out" | grep 'linerate:' >&2 || true
}

# ninja_build DIR [targets...]: ninja, quiet unless it fails (then its whole
# output, which is where the compiler's errors are)
ninja_build() {
	local dir=$1 out
	shift
	if ! out=$(ninja -C "$dir" -j"$JOBS" "$@" 2>&1); then
		printf '%s\n' "$out" | grep -v '^\[[0-9]*/[0-9]*\] ' >&2
		log "build failed in $dir/"
		return 1
	fi
}

build_main() {
	configure build -DCMAKE_BUILD_TYPE=RelWithDebInfo
	ninja_build build
	log "built build/"
}

build_bench() {
	configure build-release -DCMAKE_BUILD_TYPE=Release
	ninja_build build-release lr-bench-srtp lr-bench-handshake \
		lr-bench-fwd lr-bench-gateway interop_pc_peer
}

# The sanitizer build also carries the libFuzzer targets (clang).
build_asan() {
	local secs=${1:-10}
	configure build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_COMPILER=clang -DLR_SANITIZE=address,undefined \
		-DLR_FUZZ=ON -DLR_FUZZ_SECONDS="$secs"
	ninja_build build-asan
	log "built build-asan/ (address,undefined; fuzz ${secs}s)"
}

# ThreadSanitizer for the tests with threads (the data plane's worker).
build_tsan() {
	configure build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_COMPILER=clang -DLR_SANITIZE=thread
	ninja_build build-tsan test_dp test_dp_rtcp test_dp_relay test_handover \
		test_dp_owner
	log "built build-tsan/ (thread: data plane tests)"
}

# libsrtp2 is optional: the product (lr_pc, lr_dp, linerated) and the unit
# tests that do not need libsrtp2 as their oracle, built without it and
# run; linerated must have no srtp_* symbol.
test_without_libsrtp2() {
	local dir=build-nosrtp2 tests
	configure "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLR_WITH_LIBSRTP2=OFF
	tests=$(cd "$dir" && ctest -N -L unit |
		sed -n 's/^ *Test *#[0-9]*: \(test_[a-z0-9_]*\)$/\1/p')
	ninja_build "$dir" linerated lr_pc lr_dp $tests
	if nm "$dir/control/gateway/linerated" | grep ' srtp_'; then
		log "linerated without libsrtp2 still has srtp_* symbols (above)"
		return 1
	fi
	run_ctest "$dir" -L unit
}

run_ctest() {
	local dir=$1
	shift
	(cd "$dir" && ctest --output-on-failure -j"$JOBS" "$@")
}

cmd=${1:-help}
case "$cmd" in
demo)
	# The gateway with its embedded defaults: HTTP and the demo page on
	# 127.0.0.1:8080, media on 127.0.0.1; no token, so loopback only.
	INSTALL_ONLY=("${DEMO_PKGS[@]}")
	install_deps
	configure build-release -DCMAKE_BUILD_TYPE=Release
	ninja_build build-release linerated
	port=${LINERATED_PORT:-8080}
	log "linerated on http://127.0.0.1:$port/ -- open it in a browser:" \
		"Publish in one tab, Watch in another (Ctrl-C stops it)"
	log "publish from another tool: WHIP URL" \
		"http://127.0.0.1:$port/whip/demo (OBS: Settings > Stream >" \
		"Service WHIP; GStreamer: tests/gateway/whip_gst.py)"
	exec build-release/control/gateway/linerated \
		--listen "127.0.0.1:$port" "${@:2}"
	;;
test)
	install_deps
	install_node_peers
	build_main
	build_asan 10
	rc=0
	log "ctest: normal build"
	run_ctest build -LE fuzz || rc=1
	log "ctest: ASan+UBSan build and fuzz targets"
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	run_ctest build-asan -LE kbuild || rc=1
	log "ctest: built without libsrtp2 (LR_WITH_LIBSRTP2=OFF), unit tests"
	test_without_libsrtp2 || rc=1
	log "ctest: ThreadSanitizer build, data plane tests"
	build_tsan
	TSAN_OPTIONS=halt_on_error=1 run_ctest build-tsan \
		-R '^(test_dp|test_dp_rtcp|test_dp_relay|test_handover|test_dp_owner)$' ||
		rc=1
	exit $rc
	;;
fuzz)
	install_deps
	build_asan 60
	run_ctest build-asan -L fuzz
	;;
bench)
	install_deps "${BENCH_PKGS[@]}"
	build_bench
	mkdir -p build-release/results
	build-release/bench/lr-bench-srtp "${@:2}" |
		tee build-release/results/lr-bench-srtp.txt
	build-release/bench/lr-bench-handshake |
		tee build-release/results/lr-bench-handshake.txt
	build-release/bench/lr-bench-fwd |
		tee build-release/results/lr-bench-fwd.txt
	build-release/bench/lr-bench-gateway |
		tee build-release/results/lr-bench-gateway.txt
	bench/plot-fwd.py build-release/results/lr-bench-fwd.txt docs/img
	log "plots: docs/img/fwd-backends.png docs/img/fwd-flows.png"
	;;
build)
	install_deps
	build_main
	;;
*)
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
	[ "$cmd" = help ] || exit 2
	;;
esac
