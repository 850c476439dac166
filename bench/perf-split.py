#!/usr/bin/python3
"""Split a perf profile of lr-bench-fwd's worker CPU by where the time went.

    perf-split.py PERF.DATA [--comm NAME] [--inside PREFIX]

PERF.DATA: `perf record -e cpu-clock -g -C CPU` of the CPU the worker is
pinned to (docs/BENCHMARKS.md has the commands). Prints the share of each
thread name on that CPU (swapper: idle), then the samples of the thread
named NAME (default lr-bench-fwd: the worker, on that CPU) by category:
kernel time by the system call or softirq it is under (its call chain),
user time by library and function family. --inside PREFIX also lists the
leaf functions of the kernel categories starting with PREFIX. Standard
library and perf only.
"""
import collections
import subprocess
import sys


def samples(path):
    out = subprocess.run(["perf", "script", "-i", path, "-F",
                          "comm,tid,ip,sym,dso"], capture_output=True,
                         text=True, check=True).stdout
    cur = None
    for line in out.splitlines():
        if not line.strip():
            if cur:
                yield cur
            cur = None
        elif not line[0].isspace():
            cur = {"comm": line.rsplit(None, 1)[0].strip(), "st": []}
        elif cur is not None:
            rest = line.strip().split(None, 1)[-1]
            cut = rest.rfind("(")
            cur["st"].append((rest[:cut].strip(), rest[cut + 1:-1]))
    if cur:
        yield cur


SRTP = ("lr__srtp", "protect", "unprotect", "mb_run", "mb_key", "lr_srtp",
        "rtp_job")


def user_category(sym, dso):
    if "IPSec_MB" in dso or "libcrypto" in dso:
        return "user: crypto (ipsec-mb, OpenSSL)"
    if sym.startswith(SRTP):
        return "user: SRTP core (framing, streams, replay, job set-up)"
    if "libc.so" in dso:
        return "user: libc (" + ("memcpy/memmove/memset" if "mem" in sym
                                 else "other") + ")"
    if "liburing" in dso:
        return "user: liburing"
    if "librte" in dso:
        return "user: DPDK (PMD, ring, mempool)"
    if sym.startswith(("lr__engine", "lr__flow", "lr__route")):
        return "user: engine (demux, flow table, routes)"
    return "user: backend and the rest (" + sym + ")"


def kernel_category(st):
    chain = " ".join(s for s, _ in st)
    if any(k in chain for k in ("net_rx_action", "process_backlog",
                                "do_softirq", "__local_bh_enable")):
        if "sendmsg" in chain or "io_issue_sqe" in chain:
            return "kernel: send, loopback delivery into the sink (softirq)"
        return "kernel: softirq, other"
    if "io_recvmsg" in chain or "io_recv" in chain:
        return "kernel: receive (io_uring multishot recvmsg)"
    if "io_sendmsg" in chain:
        return "kernel: send (io_uring sendmsg)"
    if "recvmmsg" in chain or "recvmsg" in chain:
        return "kernel: receive (recvmmsg)"
    if "sendmmsg" in chain or "sendmsg" in chain:
        return "kernel: send (sendmmsg)"
    if "io_uring" in chain or "io_cqring" in chain or "io_poll" in chain:
        return "kernel: io_uring, other (submit, poll, completions, wait)"
    if "poll" in chain:
        return "kernel: poll"
    if "irq" in chain or "sysvec" in chain:
        return "kernel: interrupts"
    return "kernel: other (" + st[0][0] + ")"


def category(st):
    sym, dso = st[0]
    return kernel_category(st) if "kernel" in dso else user_category(sym, dso)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    comm, inside = "lr-bench-fwd", None
    if "--comm" in args:
        comm = args[args.index("--comm") + 1]
    if "--inside" in args:
        inside = args[args.index("--inside") + 1]
    all_s = [s for s in samples(args[0]) if s["st"]]
    if not all_s:
        sys.stderr.write("perf-split: no samples in %s\n" % args[0])
        return 1
    by_comm = collections.Counter(s["comm"] for s in all_s)
    print("%d samples on the CPU; by thread name:" % len(all_s))
    for c, n in by_comm.most_common(6):
        print("  %5.1f %%  %s" % (100.0 * n / len(all_s), c))
    mine = [s for s in all_s if s["comm"] == comm]
    cats = collections.Counter(category(s["st"]) for s in mine)
    print("%s: %d samples; where they went:" % (comm, len(mine)))
    for c, n in cats.most_common():
        if n * 200 >= len(mine):
            print("  %5.1f %%  %s" % (100.0 * n / len(mine), c))
    if inside:
        leafs = collections.Counter(
            s["st"][0][0] for s in mine
            if "kernel" in s["st"][0][1] and category(s["st"]).startswith(
                inside))
        print("leaf functions of '%s...' (share of all of %s):" % (inside,
                                                                   comm))
        for c, n in leafs.most_common(15):
            print("  %5.1f %%  %s" % (100.0 * n / len(mine), c))
    return 0


if __name__ == "__main__":
    sys.exit(main())
