"""Side by side: isms's bench_fair against the numpy baseline, per case.

  compare.py ISMS.jsonl NUMPY.jsonl

Ratios are numpy's seconds over isms's (larger is faster). The floors are
isms's own "bare" and "cubic" sampling loops (see bench_fair.c); the last
columns say how far the engine is above them, by wall and by CPU time.
"""
import json
import sys

# numpy's case -> the isms case that computes the same distribution
SAME = {
    "a_pert_x_pert_1risk": "a_pert_x_pert_1risk",
    "b_poisson_lognormal_1risk": "b_poisson_lognormal_1risk",
    "c_portfolio_compound_per_year": "c_portfolio_compound",
    "c_portfolio_compound_scatter": "c_portfolio_compound",
    "c_portfolio_product": "c_portfolio_product",
}


def load(path):
    with open(path) as f:
        return {r["case"]: r for r in map(json.loads, f)}


def main():
    isms, numpy = load(sys.argv[1]), load(sys.argv[2])
    head = ("case", "numpy s", "isms s", "ratio", "bare s", "cubic s", "x bare", "x cubic",
            "x cubic cpu")
    print("%-30s %9s %9s %7s %9s %9s %7s %8s %11s" % head)
    for case, mine in SAME.items():
        if case not in numpy or mine not in isms:
            continue
        n, i = numpy[case], isms[mine]
        print("%-30s %9.4f %9.4f %6.1fx %9.4f %9.4f %6.2fx %7.2fx %10.2fx" % (
            case, n["seconds"], i["seconds"], n["seconds"] / i["seconds"],
            i["limit_seconds"], i["cubic_limit_seconds"],
            i["sim_seconds"] / i["limit_seconds"], i["sim_seconds"] / i["cubic_limit_seconds"],
            i["cpu_seconds"] / i["cubic_limit_cpu_seconds"]))
    print()
    print("agreement (isms / numpy - 1):")
    for case, mine in SAME.items():
        if case not in numpy or mine not in isms:
            continue
        ns, js = numpy[case]["stats"], isms[mine]["stats"]
        print("  %-30s " % case + "  ".join(
            "%s %+.2f%%" % (k, 100 * (js[k] / ns[k] - 1)) for k in ("mean", "p50", "p90", "p95", "p99")))


if __name__ == "__main__":
    main()
