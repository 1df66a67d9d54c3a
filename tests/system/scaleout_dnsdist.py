# tests/system/scaleout_dnsdist.py: dnsdist in front of two resolverd instances, one killed
# under load (README.md, "Scale-out").
#
# The toy internet (resolverd --auth-only), two resolverd instances resolving it, and dnsdist
# with packaging/dnsdist.conf (its listen and backend addresses replaced by free ports). A
# paced load of 2,000 questions (250 a second, over 8 s) goes to dnsdist; 3 s in, one resolver
# is killed (SIGKILL). dnsdist's log says when its health check takes it out. Asserted: no
# question is lost before the kill; none sent after dnsdist noticed (and a short grace for
# questions already on their way); the ones lost in between are at most what the check's
# interval and timeout let through (half the load for 1.3 s, plus a margin); the survivor
# answers all the rest. SPDX-License-Identifier: MIT
import os
import re
import select
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from syslib import (TMP, TOP, RESOLVERD, SLOW, check, done_testing, free_port, not_ok, ok,
                    skip, start_bg, start_resolverd, start_toy, wait_dns)

CHECKS = 8
QUERIES = 2000
RATE = 250.0     # questions a second
KILL_AT = 3.0    # seconds into the load
TIMEOUT = 1.5    # a question unanswered this long is lost
GRACE = 0.05     # after dnsdist's "down", for questions already sent to the dead one
NAMES = ["www.example.com", "www.example.org", "www.shop.com", "www.glueless.org",
         "a.b.c.deep.org", "www.lame.net", "anything.wild.example.com"]


def skip_all(why):
    skip("%s (all %d checks)" % (why, CHECKS))
    done_testing()


def query(qid, name):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00\x00\x01\x00\x01"


class Watch(threading.Thread):
    """Reads dnsdist's output, noting when it takes a server out."""

    def __init__(self, pipe, log):
        super().__init__(daemon=True)
        self.pipe, self.log, self.down = pipe, log, {}

    def run(self):
        with open(self.log, "w") as f:
            for line in iter(self.pipe.readline, b""):
                text = line.decode(errors="replace")
                f.write(text)
                f.flush()
                m = re.search(r"Marking downstream (\S+) .* as 'down'", text)
                if m and m.group(1) not in self.down:
                    self.down[m.group(1)] = time.monotonic()


def load(dst, victim):
    """The paced load; kills victim at KILL_AT. Returns ({id: send time}, answered ids,
    kill time)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sent, answered, killed = {}, set(), None
    start = time.monotonic()
    i = 0
    while True:
        now = time.monotonic()
        if killed is None and now - start >= KILL_AT:
            victim.kill()
            killed = now
        if i < QUERIES and now >= start + i / RATE:
            qid = i + 1
            s.sendto(query(qid, NAMES[i % len(NAMES)]), dst)
            sent[qid] = now
            i += 1
            continue
        if i == QUERIES and (now > sent[QUERIES] + TIMEOUT or len(answered) == QUERIES):
            break
        due = start + i / RATE if i < QUERIES else sent[QUERIES] + TIMEOUT
        r, _, _ = select.select([s], [], [], max(0.0, min(due - now, 0.05)))
        if r:
            data = s.recv(4096)
            qid = struct.unpack(">H", data[:2])[0]
            if qid in sent and time.monotonic() - sent[qid] <= TIMEOUT:
                answered.add(qid)
    s.close()
    return sent, answered, killed


def main():
    dnsdist = shutil.which("dnsdist")
    if not dnsdist:
        skip_all("dnsdist is not installed (scripts/deps.sh test)")
    if not os.access(RESOLVERD, os.X_OK):
        skip_all("resolverd is not built")
    toy = free_port()
    if not start_toy(toy):
        skip_all("the toy internet does not start")
    ports = [free_port(), free_port()]
    while ports[1] == ports[0] or toy in ports:
        ports = [free_port(), free_port()]
    procs = []
    for n, port in enumerate(ports):
        p, log = start_resolverd("r%d" % n, "server:\n  listen: [127.0.0.1]\n  port: %d\n"
                                 "resolver:\n  root-hints: %s\n  upstream-port: %d\n"
                                 "  query-special-addresses: true\n"
                                 % (port, os.path.join(TOP, "conf/toy-root.hints"), toy), port)
        if not p:
            skip_all("resolverd instance %d does not start" % n)
        procs.append(p)
    front = free_port()
    with open(os.path.join(TOP, "packaging/dnsdist.conf")) as f:
        conf = f.read()
    conf = conf.replace('"127.0.0.1:53"', '"127.0.0.1:%d"' % front)
    conf = conf.replace('"127.0.0.1:5301"', '"127.0.0.1:%d"' % ports[0])
    conf = conf.replace('"127.0.0.1:5302"', '"127.0.0.1:%d"' % ports[1])
    cfg = os.path.join(TMP, "dnsdist.conf")
    with open(cfg, "w") as f:
        f.write(conf)
    dd = subprocess.Popen([dnsdist, "--supervised", "--disable-syslog", "-C", cfg],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    watch = Watch(dd.stdout, cfg + ".log")
    watch.start()
    try:
        if not wait_dns("127.0.0.1", front, 10):
            not_ok("dnsdist answers", open(cfg + ".log").read())
            done_testing()
        ok("dnsdist answers in front of two resolverd instances")
        time.sleep(1.5)  # both marked up, and every name in both caches
        for name in NAMES * 2:
            subprocess.run(["dig", "+short", "+tries=1", "+time=2", "-p", str(front),
                            "@127.0.0.1", name], capture_output=True)
        sent, answered, killed = load(("127.0.0.1", front), procs[1])
        victim = "resolverd2"
        noticed = watch.down.get(victim)
        lost = sorted(q for q in sent if q not in answered)
        before = [q for q in lost if sent[q] < killed]
        check("no question lost before the kill (%d)" % len(before), not before)
        check("dnsdist took the killed instance out (its log: Marking downstream %s ... "
              "as 'down')" % victim, noticed is not None, open(cfg + ".log").read())
        noticed = noticed or float("inf")
        after = [q for q in lost if sent[q] > noticed + GRACE]
        window = [q for q in lost if killed <= sent[q] <= noticed + GRACE]
        print("# %d questions, %d lost, all sent between the kill and %.0f ms after it "
              "(dnsdist noticed after %.0f ms)"
              % (len(sent), len(lost), ((sent[lost[-1]] - killed) * 1000 if lost else 0),
                 (noticed - killed) * 1000))
        check("no question lost after dnsdist noticed (%d)" % len(after), not after)
        bound = int(RATE / 2 * (1.3 + 0.3 * SLOW)) + 10
        check("questions lost while it had not noticed: %d, at most %d" % (len(window), bound),
              len(window) <= bound)
        check("dnsdist noticed within 2 s (%.0f ms)" % ((noticed - killed) * 1000),
              noticed - killed <= 2.0 * SLOW)
        last = [q for q in sent if sent[q] > noticed + GRACE]
        check("the survivor answered every question after that (%d)" % len(last),
              last and all(q in answered for q in last))
        check("the survivor is still running", procs[0].poll() is None)
    finally:
        dd.terminate()
        try:
            dd.wait(timeout=5)
        except subprocess.TimeoutExpired:
            dd.kill()
    done_testing()


main()
