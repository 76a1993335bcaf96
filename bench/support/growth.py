"""growth.py: how a benchmark's measures grow with size (the tables of
bench/*/run.sh): rows of one operation in order of size, each with the
exponent per decade since the row before it."""
import math


def by_size(rows, size):
    """(row, previous row of the same operation or None), by operation and size."""
    prev = {}
    for r in sorted(rows, key=lambda r: (r["what"], r[size])):
        yield r, prev.get(r["what"])
        prev[r["what"]] = r


def exponent(row, prev, key, size):
    """' (e)' where row[key] grew as row[size] ** e since prev; '' without prev or a zero."""
    if not prev or prev[key] <= 0 or row[key] <= 0:
        return ""
    return " (%.2f)" % (math.log10(row[key] / prev[key]) / math.log10(row[size] / prev[size]))


def table(rows, size, columns):
    """Prints the markdown table of rows by operation and size: a column of
    the size, the operation, then one per (title, key, text) of columns,
    text(value) followed by the growth exponent, empty where the value is 0."""
    print("| %s | operation | %s |" % (size, " | ".join(c[0] for c in columns)))
    print("|---|---|%s" % ("---|" * len(columns)))
    for r, p in by_size(rows, size):
        cells = [c[2](r[c[1]]) + exponent(r, p, c[1], size) if r[c[1]] else "" for c in columns]
        print("| %s | %s | %s |" % (format(r[size], ","), r["what"], " | ".join(cells)))
