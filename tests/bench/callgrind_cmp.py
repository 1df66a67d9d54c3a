#!/usr/bin/python3
"""tests/bench/callgrind_cmp.py: instructions per answer, function by function, of callgrind runs.

    callgrind_cmp.py OUT ANSWERS                    the functions of one run, by self cost
    callgrind_cmp.py NEW NEW_ANSWERS OLD OLD_ANSWERS  two runs side by side, and the difference

OUT is a callgrind file written with --compress-strings=no (resolvers.sh, CALLGRIND=1); each
count is divided by the number of answers of its run. Self cost is a function's own
instructions, its callees' not included. (callgrind_annotate 3.19 gives the whole of a dump
taken after callgrind_control -z to clone, hence this reader.)

SPDX-License-Identifier: MIT
"""
import sys
from collections import defaultdict

TOP = 40


def load(path):
    """Self cost per function and the file's total."""
    cost, fn, after_calls, total = defaultdict(int), None, False, 0
    with open(path) as f:
        for line in f:
            if line.startswith("fn="):
                fn = line[3:].strip()
            elif line.startswith("calls="):
                after_calls = True  # the next cost line is the call's inclusive cost
            elif line.startswith("summary:"):
                total = int(line.split()[1])
            elif line[:1].isdigit() or line[:1] in "+-*":
                parts = line.split()
                if len(parts) >= 2 and not after_calls:
                    cost[fn] += int(parts[1])
                after_calls = False
    return cost, total


def main():
    args = sys.argv[1:]
    if len(args) not in (2, 4):
        sys.exit(__doc__.split("\n\n")[1])
    a, ta = load(args[0])
    na = float(args[1])
    if len(args) == 2:
        print("%-36s %12s" % ("function (self)", "Ir/answer"))
        for k, v in sorted(a.items(), key=lambda kv: -kv[1])[:TOP]:
            print("%-36s %12.1f" % (k[:36], v / na))
        print("%-36s %12.1f" % ("total", ta / na))
        return
    b, tb = load(args[2])
    nb = float(args[3])
    print("%-36s %10s %10s %9s" % ("function (self), Ir/answer", "new", "old", "new-old"))
    keys = sorted(set(a) | set(b), key=lambda k: -(a.get(k, 0) / na + b.get(k, 0) / nb))
    for k in keys[:TOP]:
        va, vb = a.get(k, 0) / na, b.get(k, 0) / nb
        print("%-36s %10.1f %10.1f %+9.1f" % (k[:36], va, vb, va - vb))
    print("%-36s %10.1f %10.1f %+9.1f  (new/old %.3f)" % ("total", ta / na, tb / nb,
                                                          ta / na - tb / nb, ta * nb / (tb * na)))


if __name__ == "__main__":
    main()
