# tests/system/upstream_flood.py: resolverd under a flood of misses for a slow zone (issue 11).
#
# A slow authoritative server (here, in a thread) answers the flood's questions after DELAY_S,
# the others (fast.slow., the shortened names QNAME minimisation asks first) at once.
# resolverd resolves from it as its only root. The flood: FLOOD
# distinct questions at once. Checked: memory per resolution in flight (RSS growth over the
# resolutions in flight, transport state included) stays under 16 KB; cached names are
# answered within 5 ms meanwhile; the memory is given back after the flood and a second flood
# costs no more than the first; with a small resolutions-per-thread the oldest are jostled
# out and newcomers still get in. SPDX-License-Identifier: MIT
import os
import re
import select
import signal
import socket
import multiprocessing
import time

import dns.flags
import dns.message
import dns.rrset

from syslib import (SANITIZED, SLOW, check, done_testing, free_port, sigterm, skip,
                    start_root_resolverd, wait_dns)

DELAY_S = 1.5
FLOOD = 5000
SERVER = "127.53.77.1"
RESOLVER = "127.53.77.2"


def slow_server(port, stop):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((SERVER, port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    pending = []  # (due, reply bytes, address)
    deadline = time.monotonic() + 120
    while not stop.is_set() and time.monotonic() < deadline:
        r, _, _ = select.select([s], [], [], 0.01)
        if r:
            data, addr = s.recvfrom(4096)
            try:
                q = dns.message.from_wire(data)
            except Exception:
                continue
            resp = dns.message.make_response(q)
            resp.flags |= dns.flags.AA
            qn = q.question[0].name
            if q.question[0].rdtype == 2 and qn.to_text() == ".":
                resp.answer.append(dns.rrset.from_text(".", 3600, "IN", "NS", "a.root."))
                resp.additional.append(dns.rrset.from_text("a.root.", 3600, "IN", "A", SERVER))
                pending.append((0, resp.to_wire(), addr))
            else:
                resp.answer.append(dns.rrset.from_text(qn, 3600, "IN", "A", "192.0.2.1"))
                # Slow: the flood's names and the newcomer; fast: the rest, "fast." and the
                # shorter names QNAME minimisation asks first ("slow.", "tag.slow.").
                first = qn.labels[0].decode().lower() if len(qn.labels) > 1 else ""  # 0x20
                fast = not (re.fullmatch(r"q[0-9]+", first) or first == "newcomer")
                pending.append((0 if fast else time.monotonic() + DELAY_S, resp.to_wire(), addr))
        now = time.monotonic()
        keep = []
        for due, wire, addr in pending:
            if due <= now:
                s.sendto(wire, addr)
            else:
                keep.append((due, wire, addr))
        pending = keep
    s.close()


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def ask(port, name, timeout=2.0):
    """Asks resolverd; returns (rcode or None, seconds)."""
    q = dns.message.make_query(name, "A")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    t0 = time.monotonic()
    try:
        s.sendto(q.to_wire(), (RESOLVER, port))
        r = dns.message.from_wire(s.recv(4096))
        return r.rcode(), time.monotonic() - t0
    except OSError:
        return None, time.monotonic() - t0
    finally:
        s.close()


def flood(port, tag, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    for i in range(n):
        s.sendto(dns.message.make_query("q%d.%s.slow." % (i, tag), "A").to_wire(), (RESOLVER, port))
        if i % 100 == 99:
            time.sleep(0.005)  # the socket buffers would drop a burst this big
    return s


def start_resolver(port, up_port, per_thread):
    return start_root_resolverd("flood-%d" % per_thread, RESOLVER, port, SERVER, up_port,
                                "  threads: 1\n  resolutions-per-thread: %d\n" % per_thread,
                                "log:\n  level: info\n")


def sample_during(p, port, seconds):
    """RSS peak and cached-name latencies while a flood is in flight."""
    peak, lat = 0, []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        peak = max(peak, rss_kb(p.pid))
        rc, dt = ask(port, "fast.slow.", 1.0)
        lat.append(dt if rc == 0 else 9.9)
        time.sleep(0.02)
    return peak, lat


def counters(p, log):
    os.kill(p.pid, signal.SIGUSR1)
    time.sleep(0.5)
    with open(log) as f:
        lines = [l for l in f if "queries," in l]
    return lines[-1] if lines else ""


def main():
    up_port, port = free_port(), free_port()
    # A process of its own: in a thread it would hold the GIL while the flood is parsed, and
    # the latency measured would be this script's, not resolverd's.
    stop = multiprocessing.Event()
    t = multiprocessing.Process(target=slow_server, args=(up_port, stop), daemon=True)
    t.start()
    check("the slow server answers", wait_dns(SERVER, up_port))
    # A small cap: the oldest resolutions make room for new ones (jostle).
    port2 = free_port()
    p, log = start_resolver(port2, up_port, 64)
    check("resolverd answers (cap 64)", wait_dns(RESOLVER, port2))
    rc, _ = ask(port2, "fast.slow.")
    check("the fast name is cached (cap 64)", rc == 0, "rcode %s" % rc)

    s3 = flood(port2, "c", 500)
    time.sleep(0.5)
    rc, dt = ask(port2, "fast.slow.", 1.0)
    check("cached name still answered at the cap (%.2f ms)" % (dt * 1e3),
          rc == 0 and dt < 0.005 * SLOW)
    rc, dt = ask(port2, "newcomer.slow.", DELAY_S + 2)
    check("a new question gets in by jostling an old one out", rc == 0, "rcode %s" % rc)
    line = counters(p, log)
    check("jostled resolutions are counted", "0 resolutions jostled" not in line and "jostled" in line,
          line)
    s3.close()
    sigterm(p)
    p, log = start_resolver(port, up_port, 8192)
    check("resolverd answers", wait_dns(RESOLVER, port))
    rc, _ = ask(port, "fast.slow.")
    check("a fast name resolves and is cached", rc == 0)
    time.sleep(0.3)
    base = rss_kb(p.pid)
    s1 = flood(port, "a", FLOOD)
    peak1, lat1 = sample_during(p, port, DELAY_S * 0.8)
    print("# latencies (ms): " + " ".join("%.1f" % (x * 1e3) for x in lat1))
    lat1.sort()
    per_kb = (peak1 - base) / FLOOD
    print("# RSS %d KB before, %d KB with %d resolutions in flight: %.1f KB each"
          % (base, peak1, FLOOD, per_kb))
    print("# cached name during the flood: median %.2f ms, max %.2f ms over %d asks"
          % (lat1[len(lat1) // 2] * 1e3, lat1[-1] * 1e3, len(lat1)))
    if SANITIZED:  # ASan's allocator adds redzones and keeps freed memory in quarantine
        skip("memory per resolution in flight (%.1f KB): not measurable under make asan"
             % per_kb)
    else:
        check("memory per resolution in flight under 16 KB (%.1f KB)" % per_kb, 0 < per_kb < 16)
    # Every ask, bar one in ten (this script shares two cores with the daemon and the slow
    # server), within 5 ms; none over 50 ms (a worker that waits on a socket takes seconds).
    p90 = lat1[len(lat1) * 9 // 10]
    check("cached name answered within %d ms during the flood (90th %.2f ms, max %.2f ms)"
          % (5 * SLOW, p90 * 1e3, lat1[-1] * 1e3),
          len(lat1) >= 20 and p90 < 0.005 * SLOW and lat1[-1] < 0.05 * SLOW)
    time.sleep(DELAY_S * 3 + 4)  # every resolution answered or given up (3 tries at most)
    line = counters(p, log)
    check("the flood is over: nothing in flight", " (0 in flight" in line, line)
    after = rss_kb(p.pid)
    print("# RSS after the flood: %d KB" % after)
    if SANITIZED:
        skip("memory given back after the flood: not measurable under make asan")
    else:
        check("memory given back after the flood (%d KB, peak %d KB)" % (after, peak1),
              after - base < (peak1 - base) / 2)
    s1.close()
    s2 = flood(port, "b", FLOOD)
    peak2, _ = sample_during(p, port, DELAY_S * 0.8)
    print("# second flood: peak %d KB (first %d KB)" % (peak2, peak1))
    if SANITIZED:
        skip("a second flood costs no more than the first: not measurable under make asan")
    else:
        check("a second flood costs no more than the first",
              peak2 - base <= (peak1 - base) * 1.2 + 1024)
    s2.close()
    sigterm(p)

    stop.set()
    t.join(5)
    done_testing()


main()
