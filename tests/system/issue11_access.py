# tests/system/issue11_access.py: the access check comes before any reply (issue 11, finding 7).
#
# One resolverd allows 127.0.0.0/24 and refuses 127.0.0.3 inside it. Clients bind their own
# source address of 127.0.0.0/8. Whatever a client outside the lists sends, over UDP and over
# TCP, it gets no FORMERR and no NOTIMP: a well-formed query gets REFUSED (no bigger than the
# query: nothing to amplify, and a misconfigured client learns why), anything else is dropped
# (STYLE §4: bad bytes get a silent drop; answering them would tell a stranger we are here).
# An allowed client still gets FORMERR and NOTIMP, so the packets are the ones meant.
# SPDX-License-Identifier: MIT
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from syslib import (TOP, check, dns_query, done_testing, free_port, not_ok, rcode,
                    start_resolverd, tcp_ask, udp_ask)

FORMERR, NOTIMP, REFUSED = 1, 4, 5
PORT = free_port()
CONF = """server:
  listen: [127.0.0.1]
  port: %d
access:
  allow: [127.0.0.0/24]
  refuse: [127.0.0.3]
resolver:
  root-hints: %s
""" % (PORT, os.path.join(TOP, "conf/toy-root.hints"))

GOOD = dns_query("www.example.com")
PACKETS = [  # (what, packet, rcode an allowed client gets)
    ("a truncated question", GOOD[:20], FORMERR),
    ("a header without a question", GOOD[:12].replace(b"\x00\x01", b"\x00\x00", 1), FORMERR),
    ("bytes after the question", GOOD + b"\x01\x02\x03", FORMERR),
    ("QDCOUNT 2, one question", GOOD[:4] + b"\x00\x02" + GOOD[6:], FORMERR),
    ("opcode 5 (UPDATE)", dns_query("www.example.com", flags=0x2800), NOTIMP),
    ("opcode 3 (unassigned)", dns_query("www.example.com", flags=0x1900), NOTIMP),
    ("opcode STATUS", dns_query("www.example.com", flags=0x1000), NOTIMP),
]


def ask(proto, src, pkt):
    ask_fn = udp_ask if proto == "UDP" else tcp_ask
    return ask_fn(src, "127.0.0.1", PORT, pkt, timeout=0.4)


def main():
    p, log = start_resolverd("access", CONF, PORT)
    if not p:
        not_ok("resolverd starts")
        done_testing()
    for proto in ("UDP", "TCP"):
        for what, pkt, want in PACKETS:
            r = ask(proto, "127.0.0.1", pkt)
            check("%s, allowed client, %s: rcode %d" % (proto, what, want), rcode(r) == want,
                  "got %r" % (r,))
            for src, why in (("127.0.1.5", "outside access.allow"), ("127.0.0.3", "in refuse")):
                r = ask(proto, src, pkt)
                check("%s, client %s, %s: dropped" % (proto, why, what), r is None,
                      "got rcode %s: %r" % (rcode(r), r))
        for src, why in (("127.0.1.5", "outside access.allow"), ("127.0.0.3", "in refuse")):
            r = ask(proto, src, GOOD)
            check("%s, client %s, a good query: REFUSED" % (proto, why),
                  rcode(r) == REFUSED and r[:2] == GOOD[:2], "got %r" % (r,))
    check("resolverd is still running", p.poll() is None)
    done_testing()


main()
