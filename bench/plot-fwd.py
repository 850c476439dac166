#!/usr/bin/python3
"""Plot lr-bench-fwd's JSON lines with gnuplot.

    plot-fwd.py RESULTS.jsonl OUTDIR

Writes OUTDIR/fwd-backends.png (legs per second of every backend and
baseline, one flow, AEAD_AES_128_GCM, for each size and fan-out) and
OUTDIR/fwd-flows.png (the data-plane backends at 1, 1,000 and 100,000
flows, 200 and 1200 bytes, fan-out 1). The socket backends appear twice:
one datagram per packet (the headline) and GSO batches (the best case);
rows without "rx" (results saved before it existed) are GSO batches.
Lines that are not result rows (the table, the memory line) are skipped.
Standard library and gnuplot only.
"""
import json
import os
import subprocess
import sys
import tempfile

GCM = "AEAD_AES_128_GCM"
DG, GSO = "datagram", "gso-batch"
# (backend, rx, title); rx None: any
BACKENDS = [("sock", DG, "sock"), ("sock", GSO, "sock, GSO (best case)"),
            ("uring", DG, "uring"), ("uring", GSO, "uring, GSO (best case)"),
            ("dpdk", None, "dpdk (ring ports)"),
            ("recvfrom", None, "recvfrom"), ("relay-mmsg", None, "relay-mmsg"),
            ("crypto-only", None, "crypto-only"),
            ("crypto-only-cold", None, "crypto-only-cold")]
DP = [b for b in BACKENDS if b[0] in ("sock", "uring", "dpdk")]


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
                if "rx" not in r and r["backend"] in ("sock", "uring"):
                    r["rx"] = GSO
                out.append(r)
    return out


def pps(rs, be, rx, size, fanout, flows, suite=GCM):
    for r in rs:
        if (r["backend"], r["size"], r["fanout"], r["flows"], r["suite"]) == (
                be, size, fanout, flows, suite) and (
                rx is None or r.get("rx") == rx):
            return r["pps"] / 1e3
    return None


# gnuplot has eight colours by default; the backends plot needs nine
COLOURS = """
set linetype 9 lc rgb '#7f7f7f'
set linetype 10 lc rgb '#8c564b'
set linetype cycle 10
"""


def gnuplot(script):
    subprocess.run(["gnuplot"], input=(COLOURS + script).encode(),
                   check=True)


def backends_plot(rs, tmp, out):
    cells = [(s, f) for s in (200, 1200) for f in (1, 10)]
    series = [b for b in BACKENDS
              if any(pps(rs, b[0], b[1], s, fo, 1) is not None
                     for s, fo in cells)]
    dat = os.path.join(tmp, "backends.dat")
    with open(dat, "w") as f:
        f.write("cell " + " ".join('"%s"' % b[2] for b in series) + "\n")
        for s, fo in cells:
            vals = [pps(rs, b[0], b[1], s, fo, 1) for b in series]
            f.write('"%d B, fan-out %d" ' % (s, fo) +
                    " ".join("NaN" if v is None else "%.0f" % v
                             for v in vals) + "\n")
    cols = ", ".join("'%s' using %d:xtic(1) title columnheader(%d)"
                     % (dat, i + 2, i + 2) for i in range(len(series)))
    gnuplot("""
set terminal pngcairo size 1100,560 font ',10'
set output '%s'
set title 'SRTP forwarding, one worker core, AEAD\\_AES\\_128\\_GCM, 1 flow (lr-bench-fwd); sockets: one datagram per packet, and GSO batches (best case)'
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
        for be, rx, title in DP:
            for size in (200, 1200):
                pts = [(fl, pps(rs, be, rx, size, 1, fl))
                       for fl in (1, 1000, 100000)]
                pts = [(x, y) for x, y in pts if y is not None]
                if not pts:
                    continue
                f.write("# %s %d\n" % (title, size))
                for x, y in pts:
                    f.write("%d %.0f\n" % (x, y))
                f.write("\n\n")
                series.append((idx, "%s, %d B" % (title, size),
                               2 if rx == GSO else 1))
                idx += 1
    if not series:
        return
    plots = ", ".join(
        "'%s' index %d with linespoints lw 2 dt %d title '%s'"
        % (dat, i, dt, t) for i, t, dt in series)
    gnuplot("""
set terminal pngcairo size 1000,520 font ',10'
set output '%s'
set title 'Flows: legs per second against installed flows, fan-out 1, AEAD\\_AES\\_128\\_GCM (dashed: GSO batches, the best case)'
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
