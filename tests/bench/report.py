#!/usr/bin/python3
"""tests/bench/report.py: the table of tests/bench/resolvers.sh, from its results file.

Each line of the file is "PROGRAM ROUND KEY VALUE". A cell is the median over the rounds with
the range [min-max]; a ratio is taken within each round (the programs of one round ran minutes
apart, the rounds further apart), and the cell is the median of those ratios with their range.
Then each target of issue 7 is checked against the median ratio. With a "base" program (another
resolverd binary: RESOLVERD_BASE in resolvers.sh) the table has its column and the ratio
resolverd/base, and issue 11's bound on CPU per cached answer (at most 5% more) is checked too.
With the validating runs (programs rval and uval) a second table has them beside the same
programs not validating, and issue 12's targets are checked.

SPDX-License-Identifier: MIT
"""
import statistics
import sys
from collections import defaultdict

PROGS = ["resolverd", "unbound", "prebuilt"]
HEAD = ["resolverd", "Unbound", "pre-built", "resolverd/Unbound", "resolverd/pre-built"]
PEERS = ["unbound", "prebuilt"]  # the ratios' denominators


def with_base():
    """Adds the column and the ratio of the base resolverd (once it is in the results)."""
    if "base" in PROGS:
        return
    PROGS.insert(1, "base")
    HEAD.insert(1, "base")
    HEAD.append("resolverd/base")
    PEERS.append("base")

# key, label, format of one value
ROWS = [
    ("dnsperf_qps", "cached QPS, dnsperf", "k"),
    ("full_qps", "cached QPS, loadgen (batched)", "k"),
    ("dnsperf_cpu_us", "CPU us per cached answer, dnsperf", "2"),
    ("full_cpu_us", "CPU us per cached answer, loadgen", "2"),
    ("dnsperf_avg_ms", "latency avg ms, full load (dnsperf)", "3"),
    ("dnsperf_max_ms", "latency max ms, full load (dnsperf)", "1"),
    ("full_avg_ms", "latency avg ms, full load (loadgen)", "3"),
    ("full_max_ms", "latency max ms, full load (loadgen)", "1"),
    ("paced_avg_ms", "latency avg ms, paced 10k q/s", "3"),
    ("paced_max_ms", "latency max ms, paced 10k q/s", "1"),
    ("paced_cpu_us", "CPU us per answer, paced 10k q/s", "2"),
    ("cold_s", "cold: 2,000 names, wall s", "3"),
    ("cold_upq", "cold: upstream queries per name (at NSD; QNAME minimisation on)", "2"),
    ("rss_mb", "RSS MB after 100k cached names", "1"),
    ("fill_s", "100k names from cold, wall s", "2"),
    ("threads2_qps", "cached QPS, 2 threads (loadgen)", "k"),
    ("scaling", "QPS 2 threads / 1 thread", "2"),
    ("threads2_cpu_us", "CPU us per answer, 2 threads", "2"),
]


def load(path):
    data = defaultdict(dict)  # (prog, key) -> {round: value}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 4 or parts[3] in ("", "-1"):
                continue
            try:
                data[(parts[0], parts[2])][int(parts[1])] = float(parts[3])
            except ValueError:
                pass
    if any(prog == "base" for prog, _ in data):
        with_base()
    for prog in PROGS:
        one, two = data.get((prog, "full_qps"), {}), data.get((prog, "threads2_qps"), {})
        for r in set(one) & set(two):
            if one[r] > 0:
                data[(prog, "scaling")][r] = two[r] / one[r]
    return data


def fmt(v, how):
    if how == "k":
        return "%.0fk" % (v / 1000)
    return "%.*f" % (int(how), v)


def cell(values, how):
    if not values:
        return "-"
    m = statistics.median(values)
    if len(values) == 1 or min(values) == max(values):
        return fmt(m, how)
    return "%s [%s-%s]" % (fmt(m, how), fmt(min(values), how), fmt(max(values), how))


def ratios(data, key, a, b):
    va, vb = data.get((a, key), {}), data.get((b, key), {})
    return [va[r] / vb[r] for r in sorted(set(va) & set(vb)) if vb[r] > 0]


def counts(data, prog, prefix, names):
    """Worst round: fewest NOERROR, most SERVFAIL and lost."""
    out = []
    for n, worst in names:
        v = list(data.get((prog, prefix + n), {}).values())
        out.append("%d" % worst(v) if v else "-")
    return " / ".join(out)


def table(data):
    rows = [HEAD]
    for key, label, how in ROWS:
        row = [label] + [cell(list(data.get((p, key), {}).values()), how) for p in PROGS]
        row += [cell(ratios(data, key, "resolverd", b), "2") for b in PEERS]
        if any(c != "-" for c in row[1:]):
            rows.append(row)
    names = [("noerror", min), ("servfail", max), ("lost", max)]
    rows.append(["cold: NOERROR / SERVFAIL / lost (worst round)"]
                + [counts(data, p, "cold_", names) for p in PROGS] + [""] * len(PEERS))
    rows.append(["100k fill: SERVFAIL / lost (worst round)"]
                + [counts(data, p, "fill_", names[1:]) for p in PROGS] + [""] * len(PEERS))
    rows[0] = ["measure"] + rows[0]
    print_rows(rows)


def print_rows(rows):
    """A Markdown table: the head, then the rows."""
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows[1:]:
        print("| " + " | ".join(row) + " |")


def verdict(name, values, limit, extra_ok=True, extra=""):
    if not values:
        print("- %s: not measured" % name)
        return
    m = statistics.median(values)
    ok = m <= limit and extra_ok
    print("- %s: %.2fx (target <= %.2fx)%s: %s" % (name, m, limit, extra,
                                                   "MET" if ok else "MISSED"))


def targets(data):
    print("\nTargets (median of the per-round ratios):")
    verdict("CPU per cached answer (loadgen), resolverd/Unbound",
            ratios(data, "full_cpu_us", "resolverd", "unbound"), 0.65)
    verdict("CPU per cached answer (loadgen), resolverd/pre-built",
            ratios(data, "full_cpu_us", "resolverd", "prebuilt"), 1.2)
    bad = sum(data.get(("resolverd", "cold_" + k), {}).get(r, 0)
              for k in ("servfail", "lost") for r in data.get(("resolverd", "cold_s"), {}))
    verdict("cold 2,000 names wall time, resolverd/Unbound",
            ratios(data, "cold_s", "resolverd", "unbound"), 0.7, bad == 0,
            ", SERVFAIL+lost over all rounds %d (target 0)" % bad)
    verdict("RSS after 100k names, resolverd/Unbound",
            ratios(data, "rss_mb", "resolverd", "unbound"), 0.5)
    if "base" in PROGS:
        for key, how in (("full_cpu_us", "loadgen"), ("dnsperf_cpu_us", "dnsperf")):
            verdict("CPU per cached answer (%s), resolverd/base (issue 11)" % how,
                    ratios(data, key, "resolverd", "base"), 1.05)
    for p in ("resolverd", "base", "unbound"):
        v = list(data.get((p, "scaling"), {}).values())
        if v:
            print("- threads: 2, %s: cached QPS x%.2f of 1 thread (measured; the load client "
                  "shares the second CPU)" % (p, statistics.median(v)))


# The validating runs (issue 12): rval is resolverd and uval Unbound, both validating a signed
# copy of the hierarchy; their columns sit beside the same programs not validating.
VAL_PROGS = ["resolverd", "rval", "unbound", "uval"]
VAL_HEAD = ["measure", "resolverd", "resolverd validating", "Unbound", "Unbound validating",
            "resolverd validating/not", "Unbound validating/not", "validating resolverd/Unbound"]
VAL_ROWS = [
    ("full_cpu_us", "CPU us per cached answer, loadgen", "2"),
    ("dnsperf_cpu_us", "CPU us per cached answer, dnsperf", "2"),
    ("full_qps", "cached QPS, loadgen (batched)", "k"),
    ("dnsperf_qps", "cached QPS, dnsperf", "k"),
    ("cold_s", "cold: 2,000 names, wall s", "3"),
    ("cold_upq", "cold: upstream queries per name (at NSD)", "2"),
]


def val_table(data):
    print("\nValidating (the signed copy of the hierarchy; not validating: the table above):")
    rows = [VAL_HEAD]
    for key, label, how in VAL_ROWS:
        row = [label] + [cell(list(data.get((p, key), {}).values()), how) for p in VAL_PROGS]
        row += [cell(ratios(data, key, a, b), "2")
                for a, b in (("rval", "resolverd"), ("uval", "unbound"), ("rval", "uval"))]
        rows.append(row)
    names = [("noerror", min), ("servfail", max), ("lost", max)]
    rows.append(["cold: NOERROR / SERVFAIL / lost (worst round)"]
                + [counts(data, p, "cold_", names) for p in VAL_PROGS] + [""] * 3)
    rows.append(["AD=1 on 3 names checked after the cold run (worst round)", "",
                 counts(data, "rval", "cold_", [("ad", min)]), "",
                 counts(data, "uval", "cold_", [("ad", min)])] + [""] * 3)
    print_rows(rows)
    print("\nValidating targets (median of the per-round ratios):")
    for key, how in (("full_cpu_us", "loadgen"), ("dnsperf_cpu_us", "dnsperf")):
        verdict("CPU per cached answer (%s), resolverd validating/not" % how,
                ratios(data, key, "rval", "resolverd"), 1.05)
    bad = sum(data.get(("rval", "cold_" + k), {}).get(r, 0)
              for k in ("servfail", "lost") for r in data.get(("rval", "cold_s"), {}))
    unproven = sum(3 - v for v in data.get(("rval", "cold_ad"), {}).values())
    verdict("cold 2,000 signed names wall time, validating resolverd/Unbound",
            ratios(data, "cold_s", "rval", "uval"), 0.8, bad == 0 and unproven == 0,
            ", SERVFAIL+lost over all rounds %d, answers without AD %d (target 0)"
            % (bad, unproven))


def main():
    data = load(sys.argv[1])
    table(data)
    targets(data)
    if any(prog == "rval" for prog, _ in data):
        val_table(data)


if __name__ == "__main__":
    main()
