#!/usr/bin/env python3
"""bench/scale/table.py BEFORE.jsonl[,MORE.jsonl] [AFTER.jsonl[,MORE.jsonl]]: the
scale benchmark's table.

One Markdown table per backend: for each command, its instructions,
CPU time, wall time and peak RSS at each size, and the growth exponent
between sizes ten times apart (log10 of the ratio over log10 of the size
ratio: 1.0 linear, 0 constant). With a second file (the figures after a
change), each cell shows "before -> after"."""
import json
import math
import sys

MEASURES = [("instructions", "instructions", lambda v: "%.3g" % v),
            ("cpu_s", "CPU ms", lambda v: ms(v)),
            ("wall_s", "wall ms (least)", lambda v: ms(v)),
            ("wall_mean_s", "wall ms (mean)", lambda v: ms(v)),
            ("peak_rss_kb", "peak RSS MB", lambda v: "%.1f" % (v / 1024))]


def ms(seconds):
    v = seconds * 1000
    return "%.0f" % v if v >= 100 else "%.1f" % v if v >= 1 else "%.2f" % v


def load(paths):
    """The figures of one or more files (comma-separated); a later line of
    the same command and size fills in what it has (a run of the times
    alone, say, beside an earlier one with the instructions)."""
    rows = {}
    for path in paths.split(","):
        for line in open(path):
            if line.strip():
                r = json.loads(line)
                key = (r["backend"], r["command"], r["size"])
                rows.setdefault(key, {}).update({k: v for k, v in r.items() if v is not None})
    return rows


def exponent(a, b, na, nb):
    if not a or not b or a <= 0 or b <= 0:
        return None
    return math.log10(b / a) / math.log10(nb / na)


def cell(fmt, v):
    return "" if v is None else fmt(v)


def table(backend, rows, after):
    sizes = sorted({k[2] for k in rows if k[0] == backend} |
                   {k[2] for k in (after or {}) if k[0] == backend})
    commands = []
    for k in list(rows) + list(after or {}):
        if k[0] == backend and k[1] not in commands:
            commands.append(k[1])
    steps = [(a, b) for a, b in zip(sizes, sizes[1:])]
    head = ["command", "measure"] + ["{:,}".format(n) for n in sizes] + \
           ["exp %s-%s" % (short(a), short(b)) for a, b in steps]
    print("\n%s\n" % backend)
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for c in commands:
        for key, label, fmt in MEASURES:
            def get(src, n):
                r = (src or {}).get((backend, c, n))
                return r.get(key) if r else None
            cells, exps = [], []
            for n in sizes:
                b, a = get(rows, n), get(after, n)
                cells.append(cell(fmt, b) + (" -> " + cell(fmt, a) if after else ""))
            for na, nb in steps:
                eb = exponent(get(rows, na), get(rows, nb), na, nb)
                ea = exponent(get(after, na), get(after, nb), na, nb)
                s = "" if eb is None else "%.2f" % eb
                if after:
                    s += " -> " + ("" if ea is None else "%.2f" % ea)
                exps.append(s)
            if any(x.strip(" ->") for x in cells):
                print("| " + " | ".join([c, label] + cells + exps) + " |")


def short(n):
    return "%dM" % (n // 1000000) if n >= 1000000 and n % 1000000 == 0 else \
           "%dk" % (n // 1000) if n >= 1000 and n % 1000 == 0 else str(n)


def main():
    rows = load(sys.argv[1])
    after = load(sys.argv[2]) if len(sys.argv) > 2 else None
    backends = []
    for k in list(rows) + list(after or {}):
        if k[0] not in backends:
            backends.append(k[0])
    for b in backends:
        table(b, rows, after)


if __name__ == "__main__":
    main()
