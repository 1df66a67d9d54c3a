#!/usr/bin/python3
# tests/tools/fakeauth.py: a scriptable, misbehaving authoritative DNS server for system tests.
#
# Listens on UDP and TCP on one or more 127.x.y.z addresses (one port) and answers each
# question as a scenario file says: normal answers, delays, forged replies sent before the
# real one, truncation, oversized replies, drops for the first K tries, TCP sides that never
# accept or stall, and servers that do not keep the question's letter case (0x20). Every
# query received is logged, one line each, for tests to assert on. Needs dnspython (Debian's
# python3-dnspython); run it with /usr/bin/python3. It stops by itself after --max-seconds
# and on SIGTERM or SIGINT. SPDX-License-Identifier: MIT
#
#   fakeauth.py --scenario FILE [--addr 127.0.0.5 ...] --port N [--log FILE]
#               [--max-seconds S] [--ready-file FILE]
#
# --addr may be repeated (or given in the scenario as "addresses"); --log defaults to stdout.
# Once every socket is open it prints "fakeauth: ready" to stderr and writes --ready-file.
#
# ---- The scenario file (JSON) ----
#
#   {
#     "addresses": ["127.0.0.5"],          optional, --addr overrides
#     "_comment": "...",                   keys starting with _ are ignored, anywhere
#     "case": "mirror",                    question name in replies: "mirror" (as received,
#                                          the default, as real servers do) or "lower" (a
#                                          server that does not keep 0x20 case)
#     "edns_size": 1232,                   our EDNS payload size (when the query has EDNS)
#     "tcp": "serve",                      TCP side, for all addresses, or a map address ->
#                                          mode: "serve"; "no-accept" (listening, backlog kept
#                                          full: connects stall, SYNs unanswered); "accept-stall"
#                                          (accepts, never reads or writes); "closed" (nothing
#                                          listens: connects get RST at once)
#     "rules": [ RULE, ... ],              the first rule that matches a query is used
#     "default": RULE                      optional: used when no rule matches (else REFUSED)
#   }
#
#   RULE = {
#     "name": "www.example.com.",          matched without case; "*" (or absent): any name
#     "type": "A",                         mnemonic or "*" (or absent): any type
#     "server": "127.0.0.5",               optional: only queries sent to this address (or
#                                          to one of a list of addresses)
#     "reply": REPLY,                      the real reply (default: NOERROR, empty, AA)
#     "udp": [ACTION, ...],                what to do for a query over UDP (default: [reply])
#     "tcp": [ACTION, ...],                over TCP (default: [reply])
#     "drop_first": K or {"udp": K, "tcp": K}   the first K queries matching this rule (per
#                                          transport) get no reply at all: to test retries
#   }
#
#   REPLY = {
#     "rcode": "NOERROR", "aa": true, "tc": false, "ra": false,
#     "answer": ["www.example.com. 300 IN A 127.0.0.1", ...],   master-file lines, absolute
#     "authority": [...], "additional": [...],                  names; records of one RRset
#                                                               are kept together, in order
#     "pad_txt": {"count": N, "size": S},  add N TXT records of S bytes of text at the qname
#     "pad_to": BYTES,                     add TXT records at the qname until the whole
#                                          message is exactly BYTES long (up to 65,535)
#     "pad_section": "answer",             where padding goes (answer, authority, additional)
#     "edns_options": [[15, "0016"], ...], EDNS options sent as given (code, hex value)
#     "server_cookie": "HEX",              the query's client cookie echoed, then this
#     "badcookie": true,                   with server_cookie: BADCOOKIE (empty) to a query
#                                          that has no server cookie yet
#     "case": "lower",                     overrides the scenario's "case" for this reply
#     "truncate": "auto"                   UDP: "auto" sends TC=1 with empty sections when
#                                          the reply exceeds the client's size (512, or its
#                                          EDNS size), as NSD does; "never" sends it anyway
#   }
#   Owner names equal to the question name are written in the question's received case
#   (with "case": "mirror"), as a server compressing them to the question does.
#
#   ACTION = {"do": KIND, "delay_ms": D, ...}   D: wait D ms after the previous action
#     reply           the rule's reply; any REPLY key may be given here to override it
#                     (e.g. "tc": true), and "no_question": true drops the question section
#     truncated       TC=1, no records (with "no_question": true, no question section)
#     forge           a forged reply, "kind": one of
#                       wrong-id, wrong-name, wrong-type, wrong-class, case (the question
#                       name in another letter case), no-question, no-qr (QR=0), empty (a
#                       0-byte datagram), random (random bytes, "size" default 64),
#                       random-id (the query's ID, then random bytes), other-port (the real
#                       reply from another source port), other-addr (from another source
#                       address, "from", default 127.0.0.254), raw ("hex": bytes sent as
#                       given; "patch_id": true puts the query's ID in front)
#                     over TCP a forged reply is one framed message on the same connection
#     drop            send nothing (the list may go on: a later action can still reply)
#     sleep           only the delay
#   TCP only:
#     half            the 2-byte length and half the message, then stall (keep it open)
#     slow            the framed reply one byte every "interval_ms" (default 1000)
#     stall           read the query, never reply, keep the connection open
#     close           close the connection without replying
#
# Example: a server whose first UDP reply is forged with a wrong ID, then answers 50 ms later;
# over UDP it is always truncated for big.example.com TXT, which TCP answers in full:
#
#   {"rules": [
#     {"name": "www.example.com.", "type": "A",
#      "reply": {"answer": ["www.example.com. 300 IN A 192.0.2.1"]},
#      "udp": [{"do": "forge", "kind": "wrong-id"}, {"do": "reply", "delay_ms": 50}]},
#     {"name": "big.example.com.", "type": "TXT",
#      "reply": {"pad_txt": {"count": 40, "size": 60}},
#      "udp": [{"do": "truncated"}]}]}
#
# ---- The log: one line per query received ----
#
#   t=0.123 proto=udp dst=127.0.0.5:5300 src=127.0.0.1:40312 id=4660 name=wWw.ExAmple.com.
#   type=A class=IN edns=1232 flags=- rule=0 try=1 action=forge:wrong-id,reply
#
# (one line; fields separated by single spaces; t is seconds since start; name is the
# question name exactly as received, letter case included; edns is the UDP size the query
# advertised (- without EDNS); flags its header flags (rd, cd...); rule is the index of the rule
# matched, "default" or "none"; try counts the queries matching that rule over that
# transport, from 1; action lists what was done). A query that does not parse is logged
# with name=- type=- and "error=...". TCP connections log "event=accept" lines too.

import argparse
import heapq
import json
import os
import random
import selectors
import signal
import socket
import struct
import sys
import time

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

MAX_TCP_CONN = 200  # connections kept at once; bounds a flood against the tool itself
MAX_PAD_ROUNDS = 400  # records added by pad_to; 400 x 255 bytes > 65,535



def add_edns_options(r, query, spec):
    """REPLY keys "edns_options": [[code, "hex"], ...] (sent as given) and "server_cookie":
    "hex" (RFC 7873: the query's client cookie echoed, then this server cookie), when the
    query has EDNS."""
    if query.edns < 0:
        return
    opts = [dns.edns.GenericOption(int(c), bytes.fromhex(h))
            for c, h in spec.get("edns_options", [])]
    if "server_cookie" in spec:
        for o in query.options:
            if o.otype == 10 and len(o.data) >= 8:
                data = o.data[:8] + bytes.fromhex(spec["server_cookie"])
                opts.append(dns.edns.GenericOption(10, data))
                if spec.get("badcookie") and len(o.data) == 8:
                    for sec in (r.answer, r.authority, r.additional):
                        del sec[:]
                    r.set_rcode(23)  # RFC 7873 §5.2.3: BADCOOKIE, with our cookie to retry
    if opts:
        r.use_edns(r.edns, r.ednsflags, r.payload, options=opts)

class Rule:
    def __init__(self, spec, index):
        self.index = index
        self.spec = spec
        name = spec.get("name", "*")
        self.name = None if name == "*" else dns.name.from_text(name)
        typ = spec.get("type", "*")
        self.type = None if typ == "*" else dns.rdatatype.from_text(typ)
        srv = spec.get("server")
        self.server = None if srv is None else [srv] if isinstance(srv, str) else list(srv)
        self.reply = spec.get("reply", {})
        self.actions = {
            "udp": spec.get("udp", [{"do": "reply"}]),
            "tcp": spec.get("tcp", [{"do": "reply"}]),
        }
        drop = spec.get("drop_first", 0)
        self.drop_first = drop if isinstance(drop, dict) else {"udp": drop, "tcp": drop}
        self.tries = {"udp": 0, "tcp": 0}

    def matches(self, qname, qtype, dst):
        if self.server is not None and dst not in self.server:
            return False
        if self.name is not None and qname != self.name:  # dnspython compares without case
            return False
        return self.type is None or qtype == self.type


class FakeAuth:
    def __init__(self, scenario, addrs, port, log, max_seconds):
        self.sc = scenario
        self.addrs = addrs
        self.port = port
        self.log = log
        self.t0 = time.monotonic()
        self.deadline = self.t0 + max_seconds
        self.sel = selectors.DefaultSelector()
        self.timers = []  # heap of (when, seq, fn)
        self.seq = 0
        self.rules = [Rule(r, i) for i, r in enumerate(scenario.get("rules", []))]
        d = scenario.get("default")
        self.default = Rule(d, "default") if d is not None else None
        self.case = scenario.get("case", "mirror")
        self.edns_size = int(scenario.get("edns_size", 1232))
        self.udp = {}
        self.keep = []  # sockets held open (listeners, fillers)
        self.conns = {}
        self.stop = False

    # ---- plumbing ----
    def now(self):
        return time.monotonic()

    def at(self, delay_s, fn):
        self.seq += 1
        heapq.heappush(self.timers, (self.now() + delay_s, self.seq, fn))

    def logline(self, **kv):
        kv = {"t": "%.3f" % (self.now() - self.t0), **kv}
        self.log.write(" ".join("%s=%s" % (k, v) for k, v in kv.items()) + "\n")
        self.log.flush()

    def tcp_mode(self, addr):
        m = self.sc.get("tcp", "serve")
        if isinstance(m, dict):
            return m.get(addr, "serve")
        return m

    def open(self):
        for a in self.addrs:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            u.bind((a, self.port))
            u.setblocking(False)
            self.udp[a] = u
            self.sel.register(u, selectors.EVENT_READ, ("udp", a))
            mode = self.tcp_mode(a)
            if mode == "closed":
                continue
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((a, self.port))
            if mode == "no-accept":
                # Linux queues backlog+1 connections; two fillers keep the queue full, so
                # later SYNs are dropped (not reset) and the client's connect stalls.
                t.listen(0)
                for _ in range(2):
                    f = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    f.setblocking(False)
                    f.connect_ex((a, self.port))
                    self.keep.append(f)
                self.keep.append(t)
                continue
            t.listen(64)
            t.setblocking(False)
            self.keep.append(t)
            self.sel.register(t, selectors.EVENT_READ, ("listen", a))

    def run(self):
        while not self.stop:
            now = self.now()
            if now >= self.deadline:
                break
            while self.timers and self.timers[0][0] <= now:
                _, _, fn = heapq.heappop(self.timers)
                try:
                    fn()
                except Exception as e:  # a bad scenario costs one reply, not the server
                    sys.stderr.write("fakeauth: action failed: %r\n" % e)
            wait = self.deadline - now
            if self.timers:
                wait = min(wait, max(0.0, self.timers[0][0] - now))
            for key, _ in self.sel.select(min(wait, 0.1)):  # a SIGTERM is seen within 0.1 s
                kind, a = key.data
                if kind == "udp":
                    self.on_udp(key.fileobj, a)
                elif kind == "listen":
                    self.on_accept(key.fileobj, a)
                else:
                    self.on_tcp_read(key.fileobj)

    # ---- questions ----
    def parse(self, data):
        try:
            q = dns.message.from_wire(data, ignore_trailing=True)
        except (dns.exception.DNSException, ValueError, IndexError) as e:
            return None, type(e).__name__
        if not q.question:
            return None, "no-question"
        return q, None

    def find_rule(self, qname, qtype, dst):
        for r in self.rules:
            if r.matches(qname, qtype, dst):
                return r
        return self.default

    def question_of(self, data, proto, dst, src):
        """Logs the query; returns (rule, try, query) or None when unparsable."""
        q, err = self.parse(data)
        if q is None:
            qid = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else "-"
            self.logline(proto=proto, dst="%s:%d" % (dst, self.port), src="%s:%d" % src,
                         id=qid, name="-", type="-", error=err)
            return None
        qs = q.question[0]
        rule = self.find_rule(qs.name, qs.rdtype, dst)
        n = 0
        if rule is not None:
            rule.tries[proto] += 1
            n = rule.tries[proto]
        return rule, n, q

    # ---- building replies ----
    def records(self, lines, qname_received, case):
        out = []
        for line in lines:
            name, ttl, cls, typ, rdata = line.split(None, 4)
            owner = dns.name.from_text(name)
            if case == "mirror" and owner == qname_received:
                owner = qname_received
            elif case == "lower":
                owner = owner.canonicalize()
            rd = dns.rdata.from_text(cls, typ, rdata)
            for rs in out:
                if rs.name == owner and rs.rdtype == rd.rdtype and rs.rdclass == rd.rdclass:
                    rs.add(rd, int(ttl))
                    break
            else:
                rs = dns.rrset.RRset(owner, rd.rdclass, rd.rdtype)
                rs.add(rd, int(ttl))
                out.append(rs)
        return out

    def build(self, query, spec):
        """The reply message as the spec says (a dns.message.Message)."""
        r = dns.message.make_response(query, our_payload=self.edns_size)
        qn = query.question[0].name
        case = spec.get("case", self.case)
        if case == "lower":
            r.question[0].name = qn.canonicalize()
        r.flags &= ~dns.flags.RA
        if spec.get("aa", True):
            r.flags |= dns.flags.AA
        if spec.get("ra", False):
            r.flags |= dns.flags.RA
        if spec.get("tc", False):
            r.flags |= dns.flags.TC
        r.set_rcode(dns.rcode.from_text(spec.get("rcode", "NOERROR")))
        for sec in ("answer", "authority", "additional"):
            getattr(r, sec).extend(self.records(spec.get(sec, []), qn, case))
        pad_sec = getattr(r, spec.get("pad_section", "answer"))
        owner = qn if case == "mirror" else qn.canonicalize()
        if "pad_txt" in spec:
            p = spec["pad_txt"]
            rs = dns.rrset.RRset(owner, dns.rdataclass.IN, dns.rdatatype.TXT)
            for i in range(int(p["count"])):
                rs.add(txt_rdata(i, int(p["size"])), 300)
            pad_sec.append(rs)
        if "pad_to" in spec:
            pad_to(r, pad_sec, owner, int(spec["pad_to"]))
        add_edns_options(r, query, spec)
        if spec.get("no_question"):
            r.question = []
        return r

    def wire(self, query, spec, proto):
        r = self.build(query, spec)
        w = r.to_wire(max_size=65535)
        if proto == "udp" and spec.get("truncate", "auto") == "auto":
            limit = max(512, query.payload) if query.edns >= 0 else 512
            if len(w) > limit:
                for sec in (r.answer, r.authority, r.additional):
                    del sec[:]
                r.flags |= dns.flags.TC
                w = r.to_wire()
        return w

    def forged(self, query, real, rule, act):
        """(bytes, send_from) for a forge action; send_from None: the listening socket."""
        kind = act.get("kind", "wrong-id")
        spec = dict(rule.reply) if rule else {}
        qid = query.id
        if kind in ("empty",):
            return b"", None
        if kind == "random":
            return os.urandom(int(act.get("size", 64))), None
        if kind == "random-id":
            return struct.pack("!H", qid) + os.urandom(int(act.get("size", 64)) - 2), None
        if kind == "raw":
            b = bytes.fromhex(act["hex"].replace(" ", ""))
            if act.get("patch_id"):
                b = struct.pack("!H", qid) + b[2:]
            return b, None
        if kind == "other-port":
            return real, ("port", None)
        if kind == "other-addr":
            return real, ("addr", act.get("from", "127.0.0.254"))
        r = self.build(query, spec)
        q = r.question[0]
        qname, qtype, qclass = q.name, q.rdtype, q.rdclass
        if kind == "wrong-id":
            r.id = (qid + 1 + random.randrange(0xFFFE)) & 0xFFFF
        elif kind == "wrong-name":
            qname = dns.name.Name((b"forged",) + qname.labels)
        elif kind == "wrong-type":
            qtype = dns.rdatatype.TXT if qtype != dns.rdatatype.TXT else dns.rdatatype.A
        elif kind == "wrong-class":
            qclass = dns.rdataclass.CH
        elif kind == "case":
            qname = swap_case(qname)
        elif kind == "no-question":
            r.question = []
        elif kind == "no-qr":
            r.flags &= ~dns.flags.QR
        else:
            raise ValueError("unknown forge kind " + kind)
        if r.question:
            r.question = [dns.rrset.RRset(qname, qclass, qtype)]
        return r.to_wire(max_size=65535), None

    # ---- UDP ----
    def on_udp(self, sock, dst):
        try:
            data, src = sock.recvfrom(65535)
        except (BlockingIOError, ConnectionRefusedError):
            return
        got = self.question_of(data, "udp", dst, src)
        if got is None:
            return
        rule, n, q = got
        self.serve(q, rule, n, "udp", dst, src, lambda b, frm=None: self.udp_send(dst, src, b, frm))

    def udp_send(self, dst, src, b, frm=None):
        if frm is None:
            self.udp[dst].sendto(b, src)
            return
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((dst, 0) if frm[0] == "port" else (frm[1], self.port))
        s.sendto(b, src)
        s.close()

    def serve(self, q, rule, n, proto, dst, src, send, conn=None):
        qs = q.question[0]
        names = []
        log = dict(proto=proto, dst="%s:%d" % (dst, self.port), src="%s:%d" % src, id=q.id,
                   name=qs.name.to_text(), type=dns.rdatatype.to_text(qs.rdtype),
                   **{"class": dns.rdataclass.to_text(qs.rdclass)},
                   edns=q.payload if q.edns >= 0 else "-", flags=flag_text(q.flags),
                   rule="none" if rule is None else rule.index, **{"try": n})
        if rule is None:
            r = dns.message.make_response(q, our_payload=self.edns_size)
            r.set_rcode(dns.rcode.REFUSED)
            send(r.to_wire())
            self.logline(**log, action="refused")
            return
        if n <= int(rule.drop_first.get(proto, 0)):
            self.logline(**log, action="dropped")
            return
        delay = 0.0
        for act in rule.actions[proto]:
            delay += float(act.get("delay_ms", 0)) / 1000
            kind = act.get("do", "reply")
            names.append(kind if kind != "forge" else "forge:" + act.get("kind", "wrong-id"))
            self.at(delay, self.do_action(q, rule, act, proto, send, conn))
        self.logline(**log, action=",".join(names) or "-")

    def do_action(self, q, rule, act, proto, send, conn):
        def run():
            kind = act.get("do", "reply")
            if conn is not None and conn.closed:
                return
            if kind == "reply":
                spec = dict(rule.reply)
                spec.update({k: v for k, v in act.items() if k not in ("do", "delay_ms")})
                send(self.wire(q, spec, proto))
            elif kind == "truncated":
                r = dns.message.make_response(q, our_payload=self.edns_size)
                r.flags |= dns.flags.TC | dns.flags.AA
                if act.get("no_question"):
                    r.question = []
                send(r.to_wire())
            elif kind == "forge":
                real = self.wire(q, dict(rule.reply), proto)
                b, frm = self.forged(q, real, rule, act)
                if proto == "udp":
                    send(b, frm)
                else:
                    send(b)
            elif kind in ("drop", "sleep", "stall"):
                pass
            elif kind == "close" and conn is not None:
                self.tcp_close(conn)
            elif kind == "half" and conn is not None:
                w = self.wire(q, dict(rule.reply), proto)
                conn.write(struct.pack("!H", len(w)) + w[: len(w) // 2])
                conn.stalled = True
            elif kind == "slow" and conn is not None:
                w = self.wire(q, dict(rule.reply), proto)
                conn.trickle(struct.pack("!H", len(w)) + w, float(act.get("interval_ms", 1000)))
            else:
                raise ValueError("unknown action " + kind)
        return run

    # ---- TCP ----
    def on_accept(self, lsock, dst):
        try:
            s, src = lsock.accept()
        except BlockingIOError:
            return
        if len(self.conns) >= MAX_TCP_CONN:
            s.close()
            return
        s.setblocking(False)
        c = Conn(self, s, dst, src)
        self.conns[s] = c
        self.logline(proto="tcp", dst="%s:%d" % (dst, self.port), src="%s:%d" % src,
                     event="accept")
        if self.tcp_mode(dst) == "accept-stall":
            return  # never read, never write: the client waits
        self.sel.register(s, selectors.EVENT_READ, ("conn", dst))

    def on_tcp_read(self, s):
        c = self.conns.get(s)
        if c is None:
            return
        try:
            data = s.recv(65535)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.tcp_close(c)
            return
        c.inbuf += data
        while len(c.inbuf) >= 2:
            n = struct.unpack("!H", c.inbuf[:2])[0]
            if len(c.inbuf) < 2 + n:
                break
            msg, c.inbuf = c.inbuf[2 : 2 + n], c.inbuf[2 + n :]
            got = self.question_of(msg, "tcp", c.dst, c.src)
            if got is None:
                continue
            rule, k, q = got
            self.serve(q, rule, k, "tcp", c.dst, c.src,
                       lambda b, frm=None, c=c: c.write(struct.pack("!H", len(b)) + b), conn=c)

    def tcp_close(self, c):
        if c.closed:
            return
        c.closed = True
        try:
            self.sel.unregister(c.s)
        except (KeyError, ValueError):
            pass
        self.conns.pop(c.s, None)
        c.s.close()


class Conn:
    def __init__(self, fa, s, dst, src):
        self.fa, self.s, self.dst, self.src = fa, s, dst, src
        self.inbuf = b""
        self.closed = False
        self.stalled = False

    def write(self, b):
        """Writes b, blocking up to 5 s in all (a reader that never reads loses the rest)."""
        if self.closed or self.stalled:
            return
        end = time.monotonic() + 5
        while b and time.monotonic() < end:
            try:
                n = self.s.send(b)
                b = b[n:]
            except BlockingIOError:
                time.sleep(0.01)
            except OSError:
                self.fa.tcp_close(self)
                return

    def trickle(self, b, interval_ms):
        if not b or self.closed:
            return
        self.write(b[:1])
        self.fa.at(interval_ms / 1000, lambda: self.trickle(b[1:], interval_ms))


def flag_text(flags):
    """The query's header flags as dig prints them, joined by commas (e.g. "rd,cd"), or -."""
    return ",".join(dns.flags.to_text(flags).lower().split()) or "-"


def swap_case(name):
    """name with the letter case of every letter inverted (and at least one letter changed)."""
    return dns.name.Name([lab.swapcase() for lab in name.labels])


def txt_rdata(i, size):
    """A TXT rdata of size bytes of text (split into strings of up to 255), unique by i."""
    text = ("%06d-" % i + "x" * size)[:size] if size >= 7 else ("%d" % i)[:size]
    chunks = [text[j : j + 255] for j in range(0, len(text), 255)] or [""]
    return dns.rdata.from_text("IN", "TXT", " ".join('"%s"' % c for c in chunks))


def txt_of_len(i, rdlen):
    """A TXT rdata exactly rdlen bytes long (strings of 255 and one shorter), unique by i."""
    parts, left, k = [], rdlen, 0
    while left > 0:
        take = min(left, 256)
        parts.append(('"' + ("%05d-%d-" % (i, k) + "y" * 255)[: take - 1] + '"'))
        left -= take
        k += 1
    return dns.rdata.from_text("IN", "TXT", " ".join(parts))


def pad_to(r, sec, owner, target):
    """Adds TXT records at owner to section sec until r's wire form is target bytes long
    (or as close as 32 bytes of records allow when the rest is smaller than one record)."""
    lens = []

    def rebuild():
        rs = dns.rrset.RRset(owner, dns.rdataclass.IN, dns.rdatatype.TXT)
        for i, n in enumerate(lens):
            rs.add(txt_of_len(i, n), 300)
        if sec and sec[-1].name == owner and sec[-1].rdtype == dns.rdatatype.TXT:
            sec[-1] = rs
        else:
            sec.append(rs)

    rebuild()
    for _ in range(MAX_PAD_ROUNDS):
        need = target - len(r.to_wire(max_size=65535))
        if need == 0:
            return
        if need < 0:
            if not lens:
                return
            lens[-1] += need
            if lens[-1] < 20:
                lens.pop()
        elif need < 32:
            if not lens:
                return
            lens[-1] += need
        else:
            rest = need - 12  # a compressed owner (2), type, class, TTL, rdlength (10)
            lens.append(rest if rest <= 1024 else (1024 if rest - 1024 >= 32 else 900))
        rebuild()


def main():
    ap = argparse.ArgumentParser(description="a scriptable authoritative DNS server for tests")
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--addr", action="append", default=[])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", default="-")
    ap.add_argument("--max-seconds", type=float, default=60)
    ap.add_argument("--ready-file")
    a = ap.parse_args()
    with open(a.scenario) as f:
        sc = json.load(f)
    addrs = a.addr or sc.get("addresses") or ["127.0.0.1"]
    for ad in addrs:
        if not ad.startswith("127."):
            sys.exit("fakeauth: only 127.0.0.0/8 addresses: " + ad)
    log = sys.stdout if a.log == "-" else open(a.log, "a")
    fa = FakeAuth(sc, addrs, a.port, log, a.max_seconds)

    def on_term(signum, frame):
        fa.stop = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    fa.open()
    sys.stderr.write("fakeauth: ready on %s port %d\n" % (",".join(addrs), a.port))
    sys.stderr.flush()
    if a.ready_file:
        with open(a.ready_file, "w") as f:
            f.write("ready\n")
    fa.run()
    sys.stderr.write("fakeauth: stopping\n")


if __name__ == "__main__":
    main()
