# tests/system/upstream_faults.py: the fault matrix of issue 11: resolverd against hostile
# upstream servers, over UDP and over TCP, with 1 and with 2 worker threads.
#
# One scripted server (tests/tools/fakeauth.py) is the only server of the root, so every
# question's walk meets it (and a retry can only go to it again). Each row of the matrix is
# one question whose rule makes the server misbehave one way: forged replies before the real
# one, replies from the wrong source, truncation without a question, lost datagrams, replies
# of every size, stalls over TCP, a connect that never completes, a server that drops 0x20
# case. All rows are asked at once; for each, the client's rcode, the records and the time
# are checked. Meanwhile a cached name must be answered within 5 ms, and at the end SIGTERM,
# with stalled questions still in flight, must stop the daemon within 1 s. qdig, which uses
# the same transport, is checked against the same server for the forged and the big replies.
# SPDX-License-Identifier: MIT
import multiprocessing
import subprocess
import threading
import time

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from syslib import (QDIG, SLOW, check, done_testing, free_port, sigterm, start_fakeauth,
                    start_root_resolverd, wait_dns)

SERVER = "127.53.91.1"
RESOLVER = "127.53.91.2"
BUDGET_MS = 4000
A = "192.0.2.7"

# Rows: (name, what the server does, over which transport, expected rcode, at most seconds,
# and the answer records wanted: an A record, or a TXT count).
ROWS = []


def row(label, transport, rule, rcode="NOERROR", within=1.5, txt=None, client_tcp=False,
        alone=False, at_least=0.0, last=False):
    name = "%s.%s.hostile.example." % (label, transport)
    rule = dict(rule, name=name)
    if "reply" not in rule:
        rule["reply"] = {"answer": ["%s 300 IN A %s" % (name, A)]}
    ROWS.append(dict(label=label, transport=transport, name=name, rule=rule, rcode=rcode,
                     within=within, txt=txt, client_tcp=client_tcp, alone=alone or last, at_least=at_least,
                     last=last,
                     qtype="TXT" if txt else "A"))


def forged(kind, extra=None):
    act = {"do": "forge", "kind": kind}
    act.update(extra or {})
    return [act, {"do": "reply", "delay_ms": 30}]


# Over UDP: the hostile side is in the UDP actions.
# Each forged row takes at least the 30 ms the real reply follows the forgery by: a query
# that took the forgery would end sooner.
for kind in ("wrong-id", "wrong-name", "wrong-type", "wrong-class", "case", "no-question",
             "no-qr", "empty", "random", "random-id", "other-port", "other-addr"):
    row("forged-" + kind, "udp", {"udp": forged(kind)}, at_least=0.025)
row("tc-no-question", "udp", {"udp": [{"do": "truncated", "no_question": True}]})
# Rows whose timeouts are the point are asked alone: the server's timeout, which every
# question to it shares (infra), doubles with each timeout of any of them.
row("lost-once", "udp", {"drop_first": {"udp": 1}}, within=1.0, alone=True, at_least=0.15)
row("lost-twice", "udp", {"drop_first": {"udp": 2}}, within=2.0, alone=True, at_least=0.45)
# Last: once it has answered in lower case, the server is asked without 0x20 (infra), and
# the forged-case row would prove nothing.
row("lower-case", "udp", {"reply": {"case": "lower", "answer": [
    "lower-case.udp.hostile.example. 300 IN A " + A]}}, within=1.0, last=True)
row("reply-1000", "udp", {"reply": {"pad_to": 1000}}, txt=-1)
row("rrset-1000-txt", "udp", {"reply": {"pad_txt": {"count": 1000, "size": 50}}}, txt=1000,
    client_tcp=True, within=3.0)
row("silent", "udp", {"udp": [{"do": "drop"}]}, rcode="SERVFAIL", within=BUDGET_MS / 1000 + 1)
# Over TCP: UDP says TC=1, and the hostile side is in the TCP actions.
TC = [{"do": "truncated"}]
# (Over TCP the scripted server, one Python thread serving every connection, is the slow
# part: 0.7 s here with all rows at once.)
row("forged-wrong-id", "tcp", {"udp": TC, "tcp": forged("wrong-id")}, within=3.0,
    at_least=0.025)
row("forged-random-id", "tcp", {"udp": TC, "tcp": forged("random-id")}, within=3.0,
    at_least=0.025)
row("reply-65000", "tcp", {"udp": TC, "reply": {"pad_to": 65000}}, txt=-1, client_tcp=True,
    within=3.0)
for mode in ("stall", "half", "close", "slow"):
    row(mode, "tcp", {"udp": TC, "tcp": [{"do": mode, "interval_ms": 1000}]}, rcode="SERVFAIL",
        within=BUDGET_MS / 1000 + 1)


def scenario(tcp_mode):
    """The world: the fake server is the root and answers everything below hostile.example
    itself; cached.hostile.example. is the name that must stay fast."""
    rules = [r["rule"] for r in ROWS]
    rules.insert(0, {"name": ".", "type": "NS",
                     "reply": {"answer": [". 86400 IN NS a.root."],
                               "additional": ["a.root. 86400 IN A " + SERVER]}})
    rules.insert(1, {"name": "cached.hostile.example.", "type": "A",
                     "reply": {"answer": ["cached.hostile.example. 86400 IN A " + A]}})
    return {"addresses": [SERVER], "rules": rules, "tcp": tcp_mode,
            "default": {"reply": {"rcode": "NXDOMAIN"}}}


def start_resolver(port, up_port, threads):
    return start_root_resolverd("faults-%d" % port, RESOLVER, port, SERVER, up_port,
                                "  threads: %d\n" % threads,
                                "limits:\n  budget-ms: %d\nlog:\n  level: info\n" % BUDGET_MS)


def ask(port, name, qtype="A", tcp=False, timeout=8.0):
    q = dns.message.make_query(name, qtype, use_edns=0, payload=1232)
    t0 = time.monotonic()
    try:
        if tcp:
            r = dns.query.tcp(q, RESOLVER, port=port, timeout=timeout)
        else:
            r = dns.query.udp(q, RESOLVER, port=port, timeout=timeout)
    except Exception as e:  # noqa: BLE001 - a timeout or a bad reply is a failed row
        return None, time.monotonic() - t0, str(e)
    return r, time.monotonic() - t0, ""


def _sample(port, seconds, out):
    lat = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r, dt, _ = ask(port, "cached.hostile.example.", timeout=1.0)
        lat.append(dt if r is not None and r.rcode() == 0 else 9.9)
        time.sleep(0.02)
    out.put(sorted(lat))


def sample_latency(port, seconds):
    """Latencies of the cached name over seconds, sorted, asked from another process."""
    q = multiprocessing.Queue()
    pr = multiprocessing.Process(target=_sample, args=(port, seconds, q))
    pr.start()
    try:
        lat = q.get(timeout=seconds + 10)
    except Exception:  # noqa: BLE001 - no samples is a failed check
        lat = [9.9]
    pr.join(5)
    return lat


def from_server(up_port, rw):
    """The answer records the scripted server itself gives for a row, over TCP, as text (with
    EDNS, as resolverd asks: the padding is computed on the whole message)."""
    q = dns.message.make_query(rw["name"], rw["qtype"], use_edns=0, payload=1232)
    try:
        r = dns.query.tcp(q, SERVER, port=up_port, timeout=5)
    except Exception:  # noqa: BLE001 - no reference: the row fails
        return None
    return sorted(rr.to_text() for s in r.answer for rr in s)


def judge(rw, r, dt, err, threads, up_port):
    what = "%d thread%s, %s over %s" % (threads, "s" if threads > 1 else "", rw["label"],
                                         rw["transport"].upper())
    if r is None:
        check("%s: %s" % (what, rw["rcode"]), False, "no reply after %.2f s: %s" % (dt, err))
        return
    got = dns.rcode.to_text(r.rcode())
    detail = "rcode %s after %.2f s" % (got, dt)
    ok = got == rw["rcode"] and rw["at_least"] <= dt <= rw["within"] * SLOW
    if ok and rw["rcode"] == "NOERROR":
        rrs = [rr for s in r.answer for rr in s]
        if rw["txt"] is None:
            ok = len(rrs) == 1 and rrs[0].to_text() == A
        elif rw["txt"] == -1:  # padded to a size: the same records as the server's, all
            ok = len(rrs) > 0 and sorted(rr.to_text() for rr in rrs) == from_server(up_port, rw)
        else:
            ok = len(rrs) == rw["txt"] and sorted(rr.to_text() for rr in rrs) == \
                from_server(up_port, rw)
        detail += ", %d records" % len(rrs)
    check("%s: %s within %.1f s (%.2f s)" % (what, rw["rcode"], rw["within"], dt), ok, detail)


def matrix(threads, up_port):
    port = free_port()
    p, log = start_resolver(port, up_port, threads)
    if not wait_dns(RESOLVER, port):
        check("resolverd starts with %d threads" % threads, False, open(log).read())
        return
    r, _, _ = ask(port, "cached.hostile.example.")
    check("%d threads: the cached name resolves first" % threads,
          r is not None and r.rcode() == 0)
    results = {}

    def one(rw):
        # The TXT rows are asked over TCP by the client (the answers pass 1,232 bytes).
        results[rw["name"]] = ask(port, rw["name"], rw["qtype"], rw["client_tcp"])

    for rw in ROWS:  # first the rows asked alone, while the server's timeout is its own
        if rw["alone"] and not rw["last"]:
            one(rw)
    workers = [threading.Thread(target=one, args=(rw,)) for rw in ROWS if not rw["alone"]]
    for w in workers:
        w.start()
    # While every other hostile question is in flight: the cached name, again and again,
    # from a process of its own (this one's threads would make it wait for the GIL).
    lat = sample_latency(port, 1.0)
    print("# %d threads: cached name during the faults: median %.2f ms, max %.2f ms (%d asks)"
          % (threads, lat[len(lat) // 2] * 1e3, lat[-1] * 1e3, len(lat)))
    # As in upstream_flood.py: 9 asks in 10 within 5 ms, none over 50 ms (this script's
    # processes share the machine's two cores with the daemon and the server); times SLOW
    # under make asan.
    check("%d threads: cached name answered within %d ms while every fault is in flight "
          "(90th %.2f ms, max %.2f ms)" % (threads, 5 * SLOW, lat[len(lat) * 9 // 10] * 1e3,
                                          lat[-1] * 1e3),
          len(lat) >= 20 and lat[len(lat) * 9 // 10] < 0.005 * SLOW and lat[-1] < 0.05 * SLOW)
    for w in workers:
        w.join(15)
    for rw in ROWS:
        if rw["last"]:
            one(rw)
    for rw in ROWS:
        judge(rw, *results.get(rw["name"], (None, 0, "no result")), threads, up_port)
    # The big RRsets again: now from the cache, and still whole.
    for rw in ROWS:
        if rw["txt"] is not None and rw["rcode"] == "NOERROR":
            r, _, _ = ask(port, rw["name"], rw["qtype"], True)
            got = sorted(rr.to_text() for s in r.answer for rr in s) if r is not None else []
            check("%d threads: %s from the cache: whole (%d records)"
                  % (threads, rw["label"], len(got)), got and got == from_server(up_port, rw))
    # SIGTERM with stalled questions in flight.
    stalled = [threading.Thread(target=ask, args=(port, n)) for n in
               ("silent.udp.hostile.example.", "stall.tcp.hostile.example.",
                "half.tcp.hostile.example.")]
    for w in stalled:
        w.start()
    time.sleep(0.3)
    rc, dt = sigterm(p)
    check("%d threads: SIGTERM with questions in flight stops resolverd in %.2f s, status 0"
          % (threads, dt), rc == 0 and dt < 1.0, "status %s" % rc)  # 1 s even under asan
    for w in stalled:
        w.join(10)


def connect_stall(up_port):
    """A server whose TCP side never completes a connect: the question costs its timeout."""
    port = free_port()
    p, log = start_resolver(port, up_port, 1)
    check("resolverd starts (connects stall)", wait_dns(RESOLVER, port))
    r, dt, _ = ask(port, "stall.tcp.hostile.example.")
    check("a TCP connect that never completes: SERVFAIL within the budget (%.2f s)" % dt,
          r is not None and r.rcode() == 2 and dt < BUDGET_MS / 1000 + 1)
    r, dt, _ = ask(port, "cached.hostile.example.")
    check("and the daemon still answers (%.2f ms)" % (dt * 1e3), r is not None and r.rcode() == 0)
    rc, _ = sigterm(p)
    if rc is None:
        check("resolverd stops on SIGTERM (connects stall)", False)
        p.kill()


def qdig_checks(up_port):
    """qdig asks the hostile server itself: the same transport as the daemon."""
    for label, opts, want in (("forged-wrong-id.udp", [], "\t" + A + "\n"),
                              ("forged-random.udp", [], "\t" + A + "\n"),
                              ("reply-1000.udp", ["TXT", "+bufsize=1232"], "MSG SIZE  rcvd: 1000"),
                              ("reply-65000.tcp", ["TXT", "+tcp"], "MSG SIZE  rcvd: 65000")):
        name = label + ".hostile.example."
        out = subprocess.run([QDIG, "-p", str(up_port), "@" + SERVER, name, "+norec"] + opts,
                             capture_output=True, text=True, timeout=20).stdout
        check("qdig against the hostile server: %s" % label, want in out, out[-600:])


def main():
    for threads in (1, 2):  # a fresh server each time: its drop_first counts are spent
        up_port = free_port()
        if not start_fakeauth("faults-%d" % up_port, scenario("serve"), up_port):
            check("fakeauth starts", False)
            done_testing()
        matrix(threads, up_port)
    qdig_checks(up_port)
    up2 = free_port()
    if start_fakeauth("faults-%d" % up2, scenario("no-accept"), up2):
        connect_stall(up2)
    else:
        check("fakeauth starts (no-accept)", False)
    done_testing()


main()
