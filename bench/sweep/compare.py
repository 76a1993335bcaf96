#!/usr/bin/env python3
"""bench/sweep/compare.py SIZE:WEB.tsv:CLI.tsv ...

The sweep's report (bench/sweep/run.sh): per kind of page (crawl.py's
lines) and per command, the least time at each size and the growth
exponent per decade from the smallest size to the largest; for commands
the peak RSS too. Kinds whose largest time is under FLOOR_MS are listed
apart (flat or not, a few milliseconds decide nothing). Worst first."""
import math
import sys

FLOOR_MS = 20.0


def read(path):
    kinds = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        k, url, status, ms, size = f[0], f[1], f[2], float(f[3]), int(f[4])
        d = kinds.setdefault(k, {"ms": ms, "size": size, "status": set(), "url": url})
        if ms < d["ms"]:
            d["ms"], d["url"] = ms, url
        d["size"] = max(d["size"], size)
        d["status"].add(status)
    return kinds


def exponent(a, b, sa, sb):
    if a <= 0 or b <= 0:
        return 0.0
    return math.log10(b / a) / math.log10(sb / sa)


def report(title, runs, unit):
    sizes = [s for s, _ in runs]
    kinds = sorted(set().union(*(k for _, k in runs)))
    rows = []
    for k in kinds:
        per = [r.get(k) for _, r in runs]
        if per[0] is None or per[-1] is None:
            continue
        e = exponent(max(per[0]["ms"], 0.5), max(per[-1]["ms"], 0.5), sizes[0], sizes[-1])
        status = ",".join(sorted(set().union(*(p["status"] for p in per if p))))
        rows.append((e, k, per, status))
    rows.sort(key=lambda r: (-(r[2][-1]["ms"] >= FLOOR_MS), -r[0], r[1]))
    print(f"\n### {title}\n")
    print("| what | " + " | ".join(f"ms at {s:,}" for s in sizes)
          + f" | exponent | {unit} at {sizes[-1]:,} | status |")
    print("|---|" + "---|" * (len(sizes) + 3))
    for e, k, per, status in rows:
        cells = " | ".join("%.1f" % p["ms"] if p else "" for p in per)
        print(f"| {k} | {cells} | {e:.2f} | {per[-1]['size']:,} | {status} |")


def main():
    runs_web, runs_cli = [], []
    for arg in sys.argv[1:]:
        size, web, cli = arg.split(":")
        runs_web.append((int(size), read(web)))
        runs_cli.append((int(size), read(cli)))
    print("## bench/sweep: each register at " + ", ".join(f"{s:,}" for s, _ in runs_web)
          + " records")
    print(f"\nLeast time of a kind at each size; exponent per decade from the first size to"
          f" the last (times under 0.5 ms taken as 0.5); those {FLOOR_MS:.0f} ms or more at"
          f" the largest size first, the steepest first.")
    report("Web pages (kinds reached from the dashboard)", runs_web, "bytes")
    report("Commands", runs_cli, "peak RSS KB")


if __name__ == "__main__":
    main()
