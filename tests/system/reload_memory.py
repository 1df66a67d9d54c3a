#!/usr/bin/python3
# tests/system/reload_memory.py: reloads give the replaced configuration's memory back (issue
# 14). A daemon whose configuration holds 5,000 local-data lines is reloaded 200 times
# (resolverd-ctl reload, a bounded loop); past the first WARMUP reloads (glibc keeps some of
# what is freed: a few MB, then flat) its resident memory may grow by less than twice what the
# local data costs once (the RSS difference with a daemon started without it). Before
# reclamation every replaced configuration stayed until exit: 200 copies, 1 MB each.
# Memory is not measured under the sanitizers (freed memory sits in quarantine).
# SPDX-License-Identifier: MIT
import os
import subprocess
import time

from syslib import (BUILD, SANITIZED, TMP, TOP, check, done_testing, free_port, skip,
                    start_resolverd)

CTL = os.path.join(BUILD, "resolverd-ctl")
LINES = 5000
RELOADS = 200
WARMUP = 20  # the allocator's own caches fill in the first reloads (a few MB, then flat)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def config(port, sock, data):
    text = ("server:\n  listen: [127.0.0.1]\n  port: %d\n  threads: 2\n"
            "resolver:\n  root-hints: %s\n"
            "control:\n  socket: %s\n" % (port, os.path.join(TOP, "conf/toy-root.hints"), sock))
    if data:
        text += ("local-zones:\n  zones:\n    - { name: blk.test., type: static }\n"
                 "  data:\n"
                 '    - "blk.test. 3600 IN SOA ns.blk.test. admin.blk.test. 1 3600 600 86400 '
                 '300"\n')
        text += "".join('    - "h%d.blk.test. 3600 IN A 10.%d.%d.%d"\n'
                        % (i, i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(LINES))
    return text


def main():
    if SANITIZED:
        skip("reload memory (the sanitizers keep freed memory in quarantine)")
        return
    port0, port1 = free_port(), free_port()
    bare, _ = start_resolverd("bare", config(port0, os.path.join(TMP, "bare.sock"), False),
                              port0)
    sock = os.path.join(TMP, "big.sock")
    big, log = start_resolverd("big", config(port1, sock, True), port1)
    if not bare or not big:
        check("both daemons start", False)
        return
    time.sleep(0.3)
    footprint = rss_kb(big.pid) - rss_kb(bare.pid)
    check("the local data costs memory (%d kB)" % footprint, footprint > 500)
    start = rss_kb(big.pid)
    failures = 0
    for i in range(RELOADS):
        if i == WARMUP:
            before = rss_kb(big.pid)
        p = subprocess.run([CTL, "-s", sock, "reload"], capture_output=True, text=True,
                           timeout=30)
        failures += p.returncode != 0
    check("%d reloads succeed" % RELOADS, failures == 0, "%d failed" % failures)
    after = rss_kb(big.pid)
    growth = after - before
    print("# RSS: bare %d kB, with %d local-data lines %d kB, after %d reloads %d kB, "
          "after %d %d kB" % (rss_kb(bare.pid), LINES, start, WARMUP, before, RELOADS, after))
    check("RSS growth over reloads %d to %d (%d kB) < 2 x one configuration's (%d kB)"
          % (WARMUP, RELOADS, growth, footprint), growth < 2 * footprint)
    p = subprocess.run([os.path.join(BUILD, "qdig"),
                        "-p", str(port1), "@127.0.0.1", "+short", "h4660.blk.test"],
                       capture_output=True, text=True, timeout=10)
    check("the local data is still answered after the reloads", p.stdout.strip() == "10.0.18.52",
          p.stdout + p.stderr)


main()
done_testing()
