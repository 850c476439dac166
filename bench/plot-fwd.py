#!/usr/bin/python3
"""Plot lr-bench-fwd's JSON lines with gnuplot.

    plot-fwd.py RESULTS.jsonl OUTDIR

Writes OUTDIR/fwd-backends.png (legs per second of every backend and
baseline, one flow, AEAD_AES_128_GCM, for each size and fan-out) and
OUTDIR/fwd-flows.png (the data-plane backends at 1, 1,000 and 100,000
flows, 200 and 1200 bytes, fan-out 1). Lines that are not result rows
(the table, the memory line) are skipped. Standard library and gnuplot
only.
"""
import json
import os
import subprocess
import sys
import tempfile

GCM = "AEAD_AES_128_GCM"
BACKENDS = ["sock", "uring", "dpdk", "recvfrom", "relay-mmsg", "crypto-only"]
DP = ["sock", "uring", "dpdk"]


def rows(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if "backend" in r and "pps" in r:
                out.append(r)
    return out


def pps(rs, be, size, fanout, flows, suite=GCM):
    for r in rs:
        if (r["backend"], r["size"], r["fanout"], r["flows"], r["suite"]) == (
            be, size, fanout, flows, suite):
            return r["pps"] / 1e3
    return None


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script.encode(), check=True)


def backends_plot(rs, tmp, out):
    cells = [(s, f) for s in (200, 1200) for f in (1, 10)]
    dat = os.path.join(tmp, "backends.dat")
    with open(dat, "w") as f:
        f.write("cell " + " ".join(BACKENDS) + "\n")
        for s, fo in cells:
            vals = [pps(rs, be, s, fo, 1) for be in BACKENDS]
            f.write('"%d B, fan-out %d" ' % (s, fo) +
                    " ".join("NaN" if v is None else "%.0f" % v
                             for v in vals) + "\n")
    cols = ", ".join("'%s' using %d:xtic(1) title columnheader(%d)"
                     % (dat, i + 2, i + 2) for i in range(len(BACKENDS)))
    gnuplot("""
set terminal pngcairo size 1000,520 font ',10'
set output '%s'
set title 'SRTP forwarding, one worker core, AEAD\\_AES\\_128\\_GCM, 1 flow (lr-bench-fwd)'
set ylabel 'legs forwarded per second (thousands)'
set style data histograms
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top left
set grid ytics
set yrange [0:*]
plot %s
""" % (out, cols))


def flows_plot(rs, tmp, out):
    dat = os.path.join(tmp, "flows.dat")
    series = []
    with open(dat, "w") as f:
        idx = 0
        for be in DP:
            for size in (200, 1200):
                pts = [(fl, pps(rs, be, size, 1, fl))
                       for fl in (1, 1000, 100000)]
                pts = [(x, y) for x, y in pts if y is not None]
                if not pts:
                    continue
                f.write("# %s %d\n" % (be, size))
                for x, y in pts:
                    f.write("%d %.0f\n" % (x, y))
                f.write("\n\n")
                series.append((idx, "%s, %d B" % (be, size)))
                idx += 1
    if not series:
        return
    plots = ", ".join("'%s' index %d with linespoints lw 2 title '%s'"
                      % (dat, i, t) for i, t in series)
    gnuplot("""
set terminal pngcairo size 1000,520 font ',10'
set output '%s'
set title 'Flows: legs per second against installed flows, fan-out 1, AEAD\\_AES\\_128\\_GCM'
set xlabel 'flows (publishers; sessions = flows + subscribers)'
set ylabel 'legs forwarded per second (thousands)'
set logscale x
set xtics ('1' 1, '1,000' 1000, '100,000' 100000)
set xrange [0.5:200000]
set yrange [0:*]
set grid
set key outside right
plot %s
""" % (out, plots))


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    rs = rows(sys.argv[1])
    if not rs:
        sys.stderr.write("plot-fwd: no result rows in %s\n" % sys.argv[1])
        return 1
    os.makedirs(sys.argv[2], exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        backends_plot(rs, tmp, os.path.join(sys.argv[2], "fwd-backends.png"))
        flows_plot(rs, tmp, os.path.join(sys.argv[2], "fwd-flows.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
