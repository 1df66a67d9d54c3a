#!/usr/bin/python3
# tests/system/reload_stress.py: reloads while everything that holds a configuration or a
# zone set is busy (issue 14: replaced ones are freed once unused, resolver/server/reclaim.h).
#
# One resolverd (two workers) serves a copy of the toy internet in-process, with a big zone
# added for transfers, and alternates between two configurations A and B that differ in local
# data (x.blk.test A 10.9.0.1 or .2) and in the forwarder of fwd.corp (a scripted server at
# 127.0.0.21 or .22 that answers after 150 ms: resolutions in flight span reloads). For a
# bounded time, together: a reloader (resolverd-ctl reload, each reload also replacing the
# zone set), clients asking forwarded names, toy-internet names (a new wildcard name each
# time: resolved, not cached) and local data; resolverd-ctl trace of forwarded names (a
# resolution on the control thread across reloads) and the listings; slow readers of AXFR
# of the big zone (a transfer holds its zone set across many events). Every answer must be
# one of the two configurations' and every transfer whole; the daemon must live, and exit 0 on
# SIGTERM with nothing in its log from the sanitizers (make asan runs this too).
# SPDX-License-Identifier: MIT
import os
import random
import shutil
import socket
import struct
import subprocess
import threading
import time

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from syslib import (BUILD, SLOW, TMP, TOP, check, done_testing, free_port, sigterm,
                    start_fakeauth, start_resolverd)

CTL = os.path.join(BUILD, "resolverd-ctl")
SECONDS = 8 * SLOW       # how long the load lasts
RELOADS_MAX = 400        # a bound on the reloader's loop besides the time
BIG = 20000              # A records in the big zone
NAMES = 8                # forwarded names n0..n7.fwd.corp
FWD = {"A": "127.0.0.21", "B": "127.0.0.22"}
LOCAL = {"A": "10.9.0.1", "B": "10.9.0.2"}


def fwd_ip(server, k):
    return "10.%s.0.%d" % (server.rsplit(".", 1)[1], k)


def scenario():
    rules = []
    for server in FWD.values():
        for k in range(NAMES):
            name = "n%d.fwd.corp." % k
            rules.append({"name": name, "type": "A", "server": server,
                          "reply": {"answer": ["%s 0 IN A %s" % (name, fwd_ip(server, k))]},
                          "udp": [{"do": "reply", "delay_ms": 150}]})
    return {"addresses": list(FWD.values()), "rules": rules}


def big_zone(path):
    with open(path, "w") as f:
        f.write("$ORIGIN big.test.\n$TTL 3600\n"
                "@ SOA ns.big.test. admin.big.test. 1 3600 600 86400 300\n"
                "@ NS ns.big.test.\nns A 127.53.0.1\n")
        for i in range(BIG):
            f.write("h%d A 10.%d.%d.%d\n" % (i, i >> 16 & 255, i >> 8 & 255, i & 255))


def config(which, port, toy, fport, sock, zones):
    data = ['blk.test. 3600 IN SOA ns.blk.test. admin.blk.test. 1 3600 600 86400 300',
            'x.blk.test. 300 IN A %s' % LOCAL[which]]
    data += ['f%d.blk.test. 300 IN A 10.8.%d.%d' % (i, i >> 8, i & 255) for i in range(500)]
    return ("server:\n  listen: [127.0.0.1]\n  port: %d\n  threads: 2\n"
            "access:\n  allow: [127.0.0.0/8]\n"
            "resolver:\n  root-hints: %s\n  upstream-port: %d\n  query-special-addresses: true\n"
            "log:\n  level: warn\ncontrol:\n  socket: %s\n"
            "toy-internet:\n  map: %s\n  port: %d\n"
            "local-zones:\n  zones:\n    - { name: blk.test., type: static }\n  data:\n%s"
            "forwarding:\n  forward-zones:\n    - {name: fwd.corp., addresses: [%s@%d]}\n"
            % (port, os.path.join(TOP, "conf/toy-root.hints"), toy, sock,
               os.path.join(zones, "map.yaml"), toy,
               "".join('    - "%s"\n' % d for d in data), FWD[which], fport))


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.n = {}
        self.bad = []

    def add(self, what, good, detail=""):
        with self.lock:
            self.n[what] = self.n.get(what, 0) + 1
            if not good and len(self.bad) < 10:
                self.bad.append("%s: %s" % (what, detail))
            if not good:
                self.n["bad"] = self.n.get("bad", 0) + 1


def answer_a(port, name):
    q = dns.message.make_query(name, "A")
    r = dns.query.udp(q, "127.0.0.1", port=port, timeout=3 * SLOW)
    ips = [rd.address for rrset in r.answer if rrset.rdtype == dns.rdatatype.A for rd in rrset]
    return dns.rcode.to_text(r.rcode()), ips


def client(port, end, tally, seed):
    rnd = random.Random(seed)
    while time.monotonic() < end:
        kind = rnd.randrange(3)
        try:
            if kind == 0:
                k = rnd.randrange(NAMES)
                rc, ips = answer_a(port, "n%d.fwd.corp." % k)
                want = [fwd_ip(s, k) for s in FWD.values()]
                good = rc == "NOERROR" and len(ips) == 1 and ips[0] in want
            elif kind == 1:
                rc, ips = answer_a(port, "r%d.wild.example.com." % rnd.randrange(1 << 30))
                good = rc == "NOERROR" and ips == ["192.0.2.80"]
            else:
                rc, ips = answer_a(port, "x.blk.test.")
                good = rc == "NOERROR" and len(ips) == 1 and ips[0] in LOCAL.values()
            tally.add("query", good, "%s %s" % (rc, ips))
        except Exception as e:  # a timeout counts as a wrong answer
            tally.add("query", False, repr(e))
            time.sleep(0.1)


def ctl(sock, *args):
    return subprocess.run([CTL, "-s", sock] + list(args), capture_output=True, text=True,
                          timeout=30 * SLOW)


def reloader(sock, cfgpath, texts, end, tally):
    for i in range(RELOADS_MAX):
        if time.monotonic() >= end:
            break
        with open(cfgpath + ".new", "w") as f:
            f.write(texts["B" if i % 2 == 0 else "A"])
        os.rename(cfgpath + ".new", cfgpath)
        p = ctl(sock, "reload")
        tally.add("reload", p.returncode == 0 and "config: reloaded" in p.stdout,
                  p.stdout + p.stderr)
        time.sleep(0.02)


def controller(sock, end, tally, seed):
    rnd = random.Random(seed)
    while time.monotonic() < end:
        kind = rnd.randrange(3)
        if kind == 0:
            k = rnd.randrange(NAMES)
            p = ctl(sock, "trace", "n%d.fwd.corp" % k, "A")
            good = p.returncode == 0 and any(fwd_ip(s, k) in p.stdout for s in FWD.values())
            tally.add("trace", good, p.stdout[-300:] + p.stderr)
        elif kind == 1:
            p = ctl(sock, "list-local-data")
            good = p.returncode == 0 and any("x.blk.test.\t300\tIN\tA\t%s" % ip in p.stdout
                                             or ("x.blk.test." in p.stdout and ip in p.stdout)
                                             for ip in LOCAL.values())
            tally.add("list-local-data", good, p.stdout[-200:] + p.stderr)
        else:
            p = ctl(sock, "list-forwards")
            good = p.returncode == 0 and any(a in p.stdout for a in FWD.values())
            tally.add("list-forwards", good, p.stdout + p.stderr)


def read_exact(s, n, deadline):
    out = b""
    while len(out) < n:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        chunk = s.recv(n - len(out))
        if not chunk:
            raise EOFError("closed after %d of %d bytes" % (len(out), n))
        out += chunk
    return out


def transfer(toy, end, tally):
    """AXFR of big.test read slowly: many messages over many of the worker's events."""
    while time.monotonic() < end:
        q = dns.message.make_query("big.test.", "AXFR")
        wire = q.to_wire()
        n_a = soas = msgs = 0
        deadline = time.monotonic() + 60 * SLOW
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            # a small window, set before the connection: the server's socket fills and the
            # transfer waits for the reader, turn after turn
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.settimeout(3)
            s.connect(("127.53.0.1", toy))
            s.sendall(struct.pack("!H", len(wire)) + wire)
            while soas < 2 and time.monotonic() < deadline:
                ln = struct.unpack("!H", read_exact(s, 2, deadline))[0]
                m = dns.message.from_wire(read_exact(s, ln, deadline), xfr=True,
                                          origin=None, one_rr_per_rrset=True)
                msgs += 1
                for rrset in m.answer:
                    n_a += len(rrset) if rrset.rdtype == dns.rdatatype.A else 0
                    soas += len(rrset) if rrset.rdtype == dns.rdatatype.SOA else 0
                time.sleep(0.01)  # a slow reader: the server waits for room between turns
            s.close()
            tally.add("transfer", n_a == BIG + 1 and soas == 2,
                      "%d A, %d SOA in %d messages" % (n_a, soas, msgs))
        except Exception as e:
            tally.add("transfer", False, repr(e))
            time.sleep(0.1)


def main():
    toy, port, fport = free_port(), free_port(), free_port()
    zones = os.path.join(TMP, "zones")
    shutil.copytree(os.path.join(TOP, "zones"), zones)
    big_zone(os.path.join(zones, "big.test.zone"))
    with open(os.path.join(zones, "map.yaml"), "a") as f:
        f.write("  - name: big.test\n    file: big.test.zone\n    servers: [127.53.0.1]\n")
    if not start_fakeauth("fwd", scenario(), fport, seconds=120 * SLOW):
        check("the forwarders start", False)
        return
    sock = os.path.join(TMP, "stress.sock")
    texts = {w: config(w, port, toy, fport, sock, zones) for w in ("A", "B")}
    p, log = start_resolverd("stress", texts["A"], port, seconds=20 * SLOW)
    if not p:
        check("resolverd starts", False)
        return
    cfgpath = os.path.join(TMP, "stress.yaml")
    tally = Tally()
    end = time.monotonic() + SECONDS
    threads = [threading.Thread(target=reloader, args=(sock, cfgpath, texts, end, tally))]
    threads += [threading.Thread(target=client, args=(port, end, tally, i)) for i in range(4)]
    threads += [threading.Thread(target=controller, args=(sock, end, tally, 100 + i))
                for i in range(2)]
    threads += [threading.Thread(target=transfer, args=(toy, end, tally))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 120 * SLOW)
    n = tally.n
    print("# %s" % n)
    check("the load ran: %d reloads, %d queries, %d traces, %d listings, %d transfers"
          % (n.get("reload", 0), n.get("query", 0), n.get("trace", 0),
             n.get("list-local-data", 0) + n.get("list-forwards", 0), n.get("transfer", 0)),
          n.get("reload", 0) >= 10 and n.get("query", 0) >= 100 and n.get("trace", 0) >= 3
          and n.get("transfer", 0) >= 1 and not any(t.is_alive() for t in threads))
    check("every answer, trace, listing and transfer is one of the two configurations' "
          "(%d not)" % n.get("bad", 0), n.get("bad", 0) == 0, "\n".join(tally.bad))
    # the forwarded names under the configuration in force now: B's forwarder after an odd
    # number of reloads, A's after an even one
    check("resolverd lived through it", p.poll() is None)
    rc, _ = sigterm(p, wait=20 * SLOW)
    with open(log) as f:
        text = f.read()
    san = [l for l in text.splitlines() if "Sanitizer" in l or "runtime error" in l]
    check("exits 0 on SIGTERM, nothing from the sanitizers (exit %s)" % rc,
          rc == 0 and not san, "\n".join(san[:20]) or text[-2000:])


main()
done_testing()
