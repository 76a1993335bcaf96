#!/usr/bin/env python3
"""bench/web/parse.py: wrk --latency output to one JSON line, or (--table)
the JSON lines of bench/web/run.sh to a table: one row per load, one
column group per backend.

  parse.py BACKEND LOAD PATH [FIRST_SECONDS] < wrk.txt
  parse.py --table < all.jsonl
"""
import json
import re
import sys


def ms(text):
    """wrk's '1.23ms', '850.00us', '1.02s' in milliseconds."""
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if not m:
        return None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]
    return round(float(m.group(1)) * scale, 2)


def parse(backend, load, path, cold="0"):
    text = sys.stdin.read()
    row = {"backend": backend, "load": load, "path": path,
           "first_ms": round(float(cold) * 1000, 1)}
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s(?:\.000)?%%\s+(\S+)" % pct, text, re.M)
        row["p%s_ms" % pct] = ms(m.group(1)) if m else None
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    row["rps"] = round(float(m.group(1))) if m else None
    m = re.search(r"(\d+) requests in", text)
    row["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    row["errors"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", text)
    if m:
        row["socket_errors"] = m.group(1)
    if row["rps"] is None:
        row["wrk"] = text[-500:]
    print(json.dumps(row))


def table():
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    backends = list(dict.fromkeys(r["backend"] for r in rows))
    loads = list(dict.fromkeys(r["load"] for r in rows))
    by = {(r["backend"], r["load"]): r for r in rows}
    head = "| load | path | " + " | ".join(
        "%s req/s | p50 ms | p99 ms | first ms" % b for b in backends) + " |"
    print(head)
    print("|" + "---|" * (2 + 4 * len(backends)))
    for load in loads:
        cells = []
        path = ""
        for b in backends:
            r = by.get((b, load))
            if not r:
                cells += ["", "", "", ""]
                continue
            path = r["path"]
            note = " (%d non-2xx)" % r["errors"] if r.get("errors") else ""
            cells += ["%s%s" % (r["rps"], note), str(r["p50_ms"]), str(r["p99_ms"]),
                      str(r.get("first_ms", ""))]
        print("| %s | `%s` | %s |" % (load, path, " | ".join(cells)))


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        table()
    else:
        parse(*sys.argv[1:5])
