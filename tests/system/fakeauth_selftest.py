#!/usr/bin/python3
# tests/system/fakeauth_selftest.py: proves tests/tools/fakeauth.py does what its scenarios say.
#
# One fakeauth serves five addresses of 127.0.78.0/24 on a free port: .1 and .2 with a rule
# for every action (answers, delays, each kind of forged reply, truncation, padding, drops for
# the first tries, TCP stalls), .3 with a TCP side that never accepts, .4 one that accepts and
# stalls, .5 none at all. Raw sockets ask (so forged datagrams can be seen one by one) and dig
# checks the common cases; the log is read back for the case, ID and source port of queries.
# Then --max-seconds and SIGTERM. SPDX-License-Identifier: MIT
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import syslib  # noqa: E402
from syslib import check, done_testing, skip  # noqa: E402

try:
    import dns.flags
    import dns.message
    import dns.name
    import dns.rcode
    import dns.rdatatype
except ImportError:
    skip("dnspython is not installed (scripts/deps.sh test)")
    done_testing()

FAKEAUTH = os.path.join(syslib.TOP, "tests", "tools", "fakeauth.py")
NET = "127.0.78."
A1, A2, A3, A4, A5 = (NET + str(i) for i in range(1, 6))
PORT = syslib.free_port()
LOG = os.path.join(syslib.TMP, "fakeauth.log")


def rec(name, rdata="192.0.2.1", typ="A"):
    return "%s 300 IN %s %s" % (name, typ, rdata)


def forge_rule(kind, **extra):
    name = "f-%s.t." % kind
    return {"name": name, "type": "A", "reply": {"answer": [rec(name)]},
            "udp": [dict({"do": "forge", "kind": kind}, **extra), {"do": "reply", "delay_ms": 100}],
            "tcp": [dict({"do": "forge", "kind": kind}, **extra), {"do": "reply", "delay_ms": 100}]}


FORGE_KINDS = ["wrong-id", "wrong-name", "wrong-type", "wrong-class", "case", "no-question",
               "no-qr", "empty", "random", "random-id", "other-port", "other-addr"]
SCENARIO = {
    "tcp": {A3: "no-accept", A4: "accept-stall", A5: "closed"},
    "rules": [
        {"name": "norm.t.", "type": "A",
         "reply": {"answer": [rec("norm.t.")], "authority": ["t. 300 IN NS ns.t."],
                   "additional": [rec("ns.t.", "127.0.78.1")]}},
        {"name": "nx.t.", "reply": {"rcode": "NXDOMAIN", "aa": True,
                                    "authority": ["t. 300 IN SOA ns.t. h.t. 1 2 3 4 5"]}},
        {"name": "delay.t.", "reply": {"answer": [rec("delay.t.")]},
         "udp": [{"do": "reply", "delay_ms": 300}], "tcp": [{"do": "reply", "delay_ms": 300}]},
        {"name": "noaa.t.", "reply": {"aa": False, "authority": ["sub.t. 300 IN NS ns.sub.t."],
                                      "additional": [rec("ns.sub.t.", "127.0.78.2")]}},
        {"name": "tc.t.", "reply": {"answer": [rec("tc.t.")]}, "udp": [{"do": "truncated"}]},
        {"name": "tcnq.t.", "reply": {"answer": [rec("tcnq.t.")]},
         "udp": [{"do": "truncated", "no_question": True}]},
        {"name": "tcflag.t.", "reply": {"answer": [rec("tcflag.t.")]},
         "udp": [{"do": "reply", "tc": True}]},
        {"name": "txt40.t.", "type": "TXT", "reply": {"pad_txt": {"count": 40, "size": 60}}},
        {"name": "p1000.t.", "type": "TXT", "reply": {"pad_to": 1000}},
        {"name": "p1000never.t.", "type": "TXT", "reply": {"pad_to": 1000, "truncate": "never"}},
        {"name": "p65535.t.", "type": "TXT", "reply": {"pad_to": 65535}},
        {"name": "refpad.t.", "reply": {"aa": False, "authority": ["refpad.t. 300 IN NS ns.x."],
                                        "pad_to": 1100, "pad_section": "additional"}},
        {"name": "drop.t.", "reply": {"answer": [rec("drop.t.")]}, "drop_first": {"udp": 2, "tcp": 1}},
        {"name": "dropall.t.", "udp": [{"do": "drop"}], "tcp": [{"do": "drop"}]},
        {"name": "half.t.", "type": "TXT", "reply": {"pad_txt": {"count": 10, "size": 50}},
         "tcp": [{"do": "half"}]},
        {"name": "slow.t.", "reply": {"answer": [rec("slow.t.")]},
         "tcp": [{"do": "slow", "interval_ms": 200}]},
        {"name": "stall.t.", "tcp": [{"do": "stall"}]},
        {"name": "close.t.", "tcp": [{"do": "close"}]},
        {"name": "lower.t.", "reply": {"case": "lower", "answer": [rec("lower.t.")]}},
        {"name": "raw.t.", "udp": [{"do": "forge", "kind": "raw", "hex": "0000 8180 0000 0000 0000 0000",
                                    "patch_id": True}]},
        {"name": "onlya2.t.", "server": A2, "reply": {"answer": [rec("onlya2.t.")]}},
    ] + [forge_rule(k) for k in FORGE_KINDS],
}


def query(name, typ="A", edns=True, qid=None):
    q = dns.message.make_query(name, typ, use_edns=0 if edns else False, payload=1232)
    q.flags &= ~dns.flags.RD
    q.id = random.randrange(65536) if qid is None else qid
    return q


def udp_ask(addr, q, window=0.6, until_real=True):
    """Sends q over UDP; returns [(bytes, (srcaddr, srcport)), ...] and our source port.
    Collects for window seconds, or stops once a reply with q's ID and question came."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.sendto(q.to_wire(), (addr, PORT))
    got, end = [], time.monotonic() + window
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            b, src = s.recvfrom(65535)
        except socket.timeout:
            break
        got.append((b, src))
        if until_real and is_real(q, b) and src == (addr, PORT):
            break
    port = s.getsockname()[1]
    s.close()
    return got, port


def parse(b):
    try:
        return dns.message.from_wire(b)
    except Exception:  # a forged reply may be anything
        return None


def is_real(q, b):
    r = parse(b)
    return (r is not None and r.id == q.id and r.flags & dns.flags.QR and len(r.question) == 1
            and r.question[0].name.labels == q.question[0].name.labels
            and r.question[0].rdtype == q.question[0].rdtype
            and r.question[0].rdclass == q.question[0].rdclass)


def tcp_conn(addr, timeout=2.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((addr, PORT))
    return s


def tcp_send(s, q):
    w = q.to_wire()
    s.sendall(struct.pack("!H", len(w)) + w)


def tcp_read(s, n, timeout):
    """Up to n bytes within timeout seconds (fewer if the peer stalls or closes)."""
    buf, end = b"", time.monotonic() + timeout
    while len(buf) < n and time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            b = s.recv(n - len(buf))
        except socket.timeout:
            break
        if not b:
            break
        buf += b
    return buf


def tcp_msg(s, timeout=2.0):
    head = tcp_read(s, 2, timeout)
    if len(head) < 2:
        return None
    return tcp_read(s, struct.unpack("!H", head)[0], timeout)


def tcp_ask(addr, q, timeout=2.0):
    s = tcp_conn(addr)
    tcp_send(s, q)
    b = tcp_msg(s, timeout)
    s.close()
    return b


def dig(*args):
    p = subprocess.run(["dig", "+tries=1", "+time=2", "-p", str(PORT)] + list(args),
                       capture_output=True, text=True, timeout=15)
    return p.stdout


def log_lines():
    with open(LOG) as f:
        return [dict(kv.split("=", 1) for kv in line.split()) for line in f if "=" in line]


def start(extra, scenario, log):
    path = os.path.join(syslib.TMP, "scenario.%d.json" % random.randrange(1 << 30))
    with open(path, "w") as f:
        json.dump(scenario, f)
    ready = path + ".ready"
    argv = ["/usr/bin/python3", FAKEAUTH, "--scenario", path, "--port", str(PORT),
            "--log", log, "--ready-file", ready] + extra
    p = syslib.start_bg(path + ".out", argv)
    for _ in range(100):
        if os.path.exists(ready) or p.poll() is not None:
            break
        time.sleep(0.05)
    return p, os.path.exists(ready)


addrs = []
for a in (A1, A2, A3, A4, A5):
    addrs += ["--addr", a]
FA, up = start(addrs + ["--max-seconds", "120"], SCENARIO, LOG)
check("fakeauth starts on five addresses", up)
if not up:
    with open(os.path.join(syslib.TMP, os.listdir(syslib.TMP)[0])) as f:
        sys.stderr.write(f.read())
    done_testing()

print("# answers")
q = query("norm.t.")
got, _ = udp_ask(A1, q)
r = parse(got[0][0]) if got else None
check("an answer: NOERROR, AA, the record, the NS and its address",
      r is not None and r.rcode() == 0 and r.flags & dns.flags.AA and
      r.answer[0][0].to_text() == "192.0.2.1" and r.authority[0].rdtype == dns.rdatatype.NS and
      r.additional[0][0].to_text() == "127.0.78.1", str(r))
check("EDNS is answered with 1232", r is not None and r.edns == 0 and r.payload == 1232)
out = dig("@" + A1, "norm.t", "A", "+norec")
check("dig gets the same answer", "status: NOERROR" in out and "flags: qr aa;" in out and
      "192.0.2.1" in out, out)
got, _ = udp_ask(A1, query("nx.t."))
r = parse(got[0][0]) if got else None
check("an rcode: NXDOMAIN with the SOA", r is not None and r.rcode() == dns.rcode.NXDOMAIN and
      r.authority and r.authority[0].rdtype == dns.rdatatype.SOA)
got, _ = udp_ask(A1, query("noaa.t."))
r = parse(got[0][0]) if got else None
check("a referral without AA", r is not None and not r.flags & dns.flags.AA and
      r.authority[0].rdtype == dns.rdatatype.NS and not r.answer)
for proto in ("udp", "tcp"):
    t0 = time.monotonic()
    if proto == "udp":
        got, _ = udp_ask(A1, query("delay.t."), window=2)
        b = got[0][0] if got else None
    else:
        b = tcp_ask(A1, query("delay.t."))
    ms = (time.monotonic() - t0) * 1000
    check("a delay of 300 ms over %s (%.0f ms)" % (proto, ms), b is not None and 290 <= ms < 1500)
got, _ = udp_ask(A1, query("onlya2.t."))
r = parse(got[0][0]) if got else None
got2, _ = udp_ask(A2, query("onlya2.t."))
r2 = parse(got2[0][0]) if got2 else None
check("a rule for one server address: REFUSED elsewhere", r is not None and r2 is not None and
      r.rcode() == dns.rcode.REFUSED and r2.rcode() == 0 and r2.answer)
got, _ = udp_ask(A1, query("unknown.t."))
r = parse(got[0][0]) if got else None
check("no rule matches: REFUSED", r is not None and r.rcode() == dns.rcode.REFUSED)

print("# forged replies before the real one")


def forged_ok(kind, q, fb, fsrc, addr):
    f = parse(fb)
    qn = q.question[0].name
    if kind == "wrong-id":
        return f is not None and f.id != q.id and f.question[0].name == qn
    if kind == "wrong-name":
        return f is not None and f.id == q.id and f.question[0].name != qn
    if kind == "wrong-type":
        return f is not None and f.question[0].rdtype != q.question[0].rdtype
    if kind == "wrong-class":
        return f is not None and f.question[0].rdclass != q.question[0].rdclass
    if kind == "case":
        return (f is not None and f.question[0].name == qn and
                f.question[0].name.labels != qn.labels)
    if kind == "no-question":
        return f is not None and f.id == q.id and not f.question
    if kind == "no-qr":
        return f is not None and f.id == q.id and not f.flags & dns.flags.QR
    if kind == "empty":
        return fb == b""
    if kind == "random":
        return len(fb) == 64
    if kind == "random-id":
        return len(fb) == 64 and fb[:2] == struct.pack("!H", q.id)
    if kind == "other-port":
        return fsrc[0] == addr and fsrc[1] != PORT and is_real(q, fb)
    if kind == "other-addr":
        return fsrc == ("127.0.0.254", PORT) and is_real(q, fb)
    return False


for kind in FORGE_KINDS:
    q = query("F-%s.T." % kind.upper())
    got, _ = udp_ask(A1, q, window=1.5)
    good = (len(got) == 2 and forged_ok(kind, q, got[0][0], got[0][1], A1) and
            is_real(q, got[1][0]) and got[1][1] == (A1, PORT))
    check("UDP forge %s, then the real reply 100 ms later" % kind, good,
          "\n".join("%r from %s" % (b[:40], s) for b, s in got))
for kind in ("wrong-id", "no-question", "random-id"):
    q = query("f-%s.t." % kind)
    s = tcp_conn(A1)
    tcp_send(s, q)
    first, second = tcp_msg(s), tcp_msg(s)
    s.close()
    check("TCP forge %s, then the real reply on the same connection" % kind,
          first is not None and second is not None and forged_ok(kind, q, first, None, A1) and
          is_real(q, second))
q = query("raw.t.")
got, _ = udp_ask(A1, q, until_real=False)
check("raw bytes with the query's ID patched in",
      len(got) == 1 and got[0][0] == struct.pack("!H", q.id) + bytes.fromhex("8180") + bytes(8))

print("# truncation and sizes")
got, _ = udp_ask(A1, query("tc.t."))
r = parse(got[0][0]) if got else None
check("truncated over UDP: TC=1, no records, the question",
      r is not None and r.flags & dns.flags.TC and not r.answer and len(r.question) == 1)
r = parse(tcp_ask(A1, query("tc.t.")) or b"")
check("the full reply over TCP", r is not None and not r.flags & dns.flags.TC and r.answer)
got, _ = udp_ask(A1, query("tcnq.t."), until_real=False)
r = parse(got[0][0]) if got else None
check("truncated without a question section", r is not None and r.flags & dns.flags.TC and
      not r.question)
got, _ = udp_ask(A1, query("tcflag.t."))
r = parse(got[0][0]) if got else None
check("TC=1 set on a reply that keeps its records", r is not None and r.flags & dns.flags.TC and
      r.answer)
out = dig("@" + A1, "tc.t", "A", "+norec")
check("dig retries over TCP after TC=1", "Truncated, retrying in TCP mode" in out and
      "192.0.2.1" in out, out)
out = dig("@" + A1, "txt40.t", "TXT", "+norec")
check("40 TXT records: TC over UDP, all 40 over TCP (dig)",
      "Truncated, retrying in TCP mode" in out and "ANSWER: 40," in out, out)
got, _ = udp_ask(A1, query("p1000.t.", "TXT"))
check("pad_to 1000 over UDP with EDNS 1232: 1000 bytes, whole",
      len(got) == 1 and len(got[0][0]) == 1000 and not parse(got[0][0]).flags & dns.flags.TC)
got, _ = udp_ask(A1, query("p1000.t.", "TXT", edns=False))
r = parse(got[0][0]) if got else None
check("the same without EDNS: over 512, so TC=1 (truncate auto)",
      r is not None and r.flags & dns.flags.TC and len(got[0][0]) <= 512)
got, _ = udp_ask(A1, query("p1000never.t.", "TXT", edns=False))
check("truncate never: 1000 bytes to a client that allows 512",
      len(got) == 1 and len(got[0][0]) == 1000)
b = tcp_ask(A1, query("p65535.t.", "TXT"), timeout=5)
r = parse(b or b"")
check("pad_to 65535 over TCP: a 65,535-byte message", b is not None and len(b) == 65535 and
      r is not None and not r.flags & dns.flags.TC)
b = tcp_ask(A1, query("refpad.t."))
r = parse(b or b"")
check("a referral padded to 1100 bytes in the additional section", b is not None and
      len(b) == 1100 and r.authority and r.additional and not r.answer)

print("# drops for the first tries")
q = query("drop.t.")
replies = [udp_ask(A1, q, window=0.4)[0] for _ in range(3)]
check("drop_first udp 2: the first two tries get nothing, the third the answer",
      [len(x) for x in replies] == [0, 0, 1], str([len(x) for x in replies]))
s = tcp_conn(A1)
tcp_send(s, q)
first = tcp_msg(s, timeout=0.5)
tcp_send(s, q)
second = tcp_msg(s, timeout=1)
s.close()
check("drop_first tcp 1: the first query on the connection unanswered, the second answered",
      first is None and second is not None and is_real(q, second))
got, _ = udp_ask(A1, query("dropall.t."), window=0.5)
check("drop: no reply ever", not got)

print("# TCP sides")
t0 = time.monotonic()
try:
    tcp_conn(A3, timeout=1.0)
    res = "connected"
except socket.timeout:
    res = "timeout"
except OSError as e:
    res = str(e)
check("no-accept: connect stalls (%s after %.1f s)" % (res, time.monotonic() - t0),
      res == "timeout")
got, _ = udp_ask(A3, query("norm.t."))
check("no-accept: UDP still answered on that address", len(got) == 1)
s = tcp_conn(A4)
tcp_send(s, query("norm.t."))
b = tcp_read(s, 2, 1.0)
s.close()
check("accept-stall: connected, but nothing comes back within 1 s", b == b"")
t0 = time.monotonic()
try:
    tcp_conn(A5, timeout=1.0)
    res = "connected"
except ConnectionRefusedError:
    res = "refused"
except OSError as e:
    res = str(e)
check("closed: connect refused at once (%.0f ms)" % ((time.monotonic() - t0) * 1000),
      res == "refused" and time.monotonic() - t0 < 0.5)
s = tcp_conn(A1)
tcp_send(s, query("half.t.", "TXT"))
head = tcp_read(s, 2, 1.0)
n = struct.unpack("!H", head)[0] if len(head) == 2 else 0
body = tcp_read(s, n, 1.0) if n else b""
s.close()
check("half: the length (%d) and half the message (%d bytes), then nothing" % (n, len(body)),
      n > 100 and len(body) == n // 2)
s = tcp_conn(A1)
tcp_send(s, query("slow.t."))
b = tcp_read(s, 1000, 1.0)
s.close()
check("slow: one byte every 200 ms (%d bytes in 1 s)" % len(b), 3 <= len(b) <= 7)
s = tcp_conn(A1)
tcp_send(s, query("stall.t."))
b = tcp_read(s, 2, 1.0)
try:
    s.send(b"\x00")  # still open: the write is accepted
    still_open = True
except OSError:
    still_open = False
s.close()
check("stall: no reply within 1 s, the connection stays open", b == b"" and still_open)
s = tcp_conn(A1)
tcp_send(s, query("close.t."))
s.settimeout(1.0)
try:
    b = s.recv(10)
except (socket.timeout, ConnectionResetError):
    b = None
s.close()
check("close: the connection is closed without a reply", b == b"")

print("# letter case (0x20) and the log")
q = query("NoRm.T.", qid=4242)
got, port = udp_ask(A1, q)
r = parse(got[0][0]) if got else None
check("mirror: the question and the answer's owner in the case sent",
      r is not None and r.question[0].name.labels == (b"NoRm", b"T", b"") and
      r.answer[0].name.labels == (b"NoRm", b"T", b""))
q2 = query("LoWeR.t.")
got, _ = udp_ask(A1, q2, until_real=False)
r = parse(got[0][0]) if got else None
check("lower: the question comes back lower-cased",
      r is not None and r.question[0].name.labels == (b"lower", b"t", b""))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"\x12\x34garbage", (A1, PORT))
s.close()
time.sleep(0.2)
lines = log_lines()
mine = [x for x in lines if x.get("id") == "4242" and x.get("name") == "NoRm.T."]
check("the log has the query: exact case, ID, our source port, type, try",
      len(mine) == 1 and mine[0]["src"] == "127.0.0.1:%d" % port and mine[0]["type"] == "A" and
      mine[0]["proto"] == "udp" and mine[0]["dst"] == "%s:%d" % (A1, PORT) and
      mine[0]["try"] == str(sum(1 for x in lines if x.get("rule") == mine[0]["rule"] and
                                x.get("proto") == "udp")), str(mine))
drops = [x for x in lines if x.get("name") == "drop.t." and x.get("proto") == "udp"]
check("the log counts tries and says what was done",
      [(x["try"], x["action"]) for x in drops] == [("1", "dropped"), ("2", "dropped"), ("3", "reply")],
      str(drops))
check("an unparsable query is logged with its error",
      any(x.get("id") == "4660" and x.get("name") == "-" and "error" in x for x in lines))
check("TCP connections are logged", any(x.get("event") == "accept" for x in lines))

print("# stopping")
t0 = time.monotonic()
FA.send_signal(signal.SIGTERM)
try:
    FA.wait(timeout=3)
except subprocess.TimeoutExpired:
    pass
check("SIGTERM stops it (%.2f s)" % (time.monotonic() - t0), FA.poll() == 0 and
      time.monotonic() - t0 < 1.5)
t0 = time.monotonic()
P2, up = start(["--addr", A1, "--max-seconds", "1.5"],
               {"rules": [], "default": {"reply": {"rcode": "NXDOMAIN", "aa": False}}},
               os.path.join(syslib.TMP, "short.log"))
got, _ = udp_ask(A1, query("anything.t."))
r = parse(got[0][0]) if got else None
check("a default rule answers what no rule matches", r is not None and
      r.rcode() == dns.rcode.NXDOMAIN and not r.flags & dns.flags.AA)
try:
    P2.wait(timeout=5)
except subprocess.TimeoutExpired:
    pass
check("--max-seconds 1.5 stops it by itself (%.1f s)" % (time.monotonic() - t0),
      up and P2.poll() == 0 and time.monotonic() - t0 < 3.5)
done_testing()
