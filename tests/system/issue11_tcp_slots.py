# tests/system/issue11_tcp_slots.py: slow TCP senders cannot keep others out (issue 11,
# finding 6; RFC 7766 §6.2.3).
#
# Slow senders open connections and trickle bytes of a message that never ends. Checked, on a
# resolverd with the TCP defaults (one worker, 256 connections): a message must arrive whole
# within server.tcp-message-timeout-ms (2 s) although bytes keep coming; one client address
# holds at most server.tcp-max-per-client (32) connections; and with 300 slow senders from ten
# addresses, a fresh client is answered within 1 s. Then again on a resolverd whose message
# deadline is a minute, so that only closing the oldest idle connection can admit the fresh
# client. Last, on a resolverd of 8 connections whose root is a black hole: a connection with
# a question in flight is never the one closed; with all 8 busy, a newcomer is turned away.
# Every loop is bounded; sockets are closed at the end of each part.
# SPDX-License-Identifier: MIT
import os
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from syslib import (TMP, TOP, check, dns_query, done_testing, free_port, not_ok, rcode,
                    start_resolverd, tcp_connect, tcp_read_msg)

HINTS = os.path.join(TOP, "conf/toy-root.hints")
MAP = os.path.join(TOP, "zones/map.yaml")
QUERY = dns_query("www.example.com")
PER_CLIENT = 32


def conf(port, toy, extra=""):
    return """server:
  listen: [127.0.0.1]
  port: %d
%sresolver:
  root-hints: %s
  upstream-port: %d
  query-special-addresses: true
toy-internet:
  map: %s
  port: %d
""" % (port, extra, HINTS, toy, MAP, toy)


def start(name, extra=""):
    port, toy = free_port(), free_port()
    while toy == port:
        toy = free_port()
    p, _ = start_resolverd(name, conf(port, toy, extra), port)
    return p, port


def closed(socks, wait):
    """Which of socks the server has closed within wait seconds (EOF or reset)."""
    gone = set()
    deadline = time.monotonic() + wait
    while len(gone) < len(socks) and time.monotonic() < deadline:
        r, _, _ = select.select([s for s in socks if s not in gone], [], [], 0.05)
        for s in r:
            try:
                s.setblocking(False)
                if s.recv(4096) == b"":
                    gone.add(s)
            except BlockingIOError:
                pass
            except OSError:
                gone.add(s)
    return gone


def close_all(socks):
    for s in socks:
        s.close()


def fresh_client(port, src):
    """A new connection from src asks QUERY; (seconds taken, reply or None)."""
    t0 = time.monotonic()
    s = tcp_connect(src, "127.0.0.1", port, 1.0)
    if not s:
        return time.monotonic() - t0, None
    try:
        s.sendall(len(QUERY).to_bytes(2, "big") + QUERY)
        reply = tcp_read_msg(s, 1.0)
    except OSError:
        reply = None
    s.close()
    return time.monotonic() - t0, reply


def slow_senders(port, n, n_addrs, base):
    """n connections from n_addrs addresses 127.0.<base>.1..., each having sent the first byte
    of a message's length (0x01: 256 bytes or more to come)."""
    socks = []
    for i in range(n):
        s = tcp_connect("127.0.%d.%d" % (base, 1 + i % n_addrs), "127.0.0.1", port)
        if s:
            try:
                s.send(b"\x01")
            except OSError:
                pass
            socks.append(s)
    return socks


def trickle(socks):
    for s in socks:
        try:
            s.send(b"\x00")
        except OSError:
            pass


def part_deadline(port):
    s = tcp_connect("127.0.0.20", "127.0.0.1", port)
    if not s:
        not_ok("a slow sender connects")
        return
    t0, at = time.monotonic(), None
    for i in range(10):  # one byte every 0.5 s, for at most 5 s: a length of 256, then its bytes
        try:
            s.send(b"\x01" if i == 0 else b"\x00")
        except OSError:
            at = time.monotonic() - t0
            break
        if closed([s], 0.5):
            at = time.monotonic() - t0
            break
    s.close()
    check("a message trickled one byte per 0.5 s is cut off after the 2 s deadline (%s s)"
          % (at if at is None else round(at, 2)),
          at is not None and 1.5 <= at <= 3.5, "closed after %s s" % at)


def part_per_client(port):
    socks = [s for s in (tcp_connect("127.0.0.30", "127.0.0.1", port) for _ in range(40)) if s]
    gone = closed(socks, 0.5)
    check("one address holds at most %d connections (40 opened, %d closed)"
          % (PER_CLIENT, len(gone)), len(socks) == 40 and len(gone) == 40 - PER_CLIENT)
    took, reply = fresh_client(port, "127.0.0.31")
    check("meanwhile another address is answered", rcode(reply) == 0, "reply %r" % (reply,))
    close_all(socks)


def part_slots(port, label):
    socks = slow_senders(port, 300, 10, 1)
    trickle(socks)
    took, reply = fresh_client(port, "127.0.2.1")
    check("%s: with 300 slow senders a fresh client is answered within 1 s (%.2f s)"
          % (label, took), rcode(reply) == 0 and took < 1.0, "reply %r" % (reply,))
    took, reply = fresh_client(port, "127.0.2.2")
    check("%s: and the next one too (%.2f s)" % (label, took), rcode(reply) == 0 and took < 1.0)
    close_all(socks)


def part_busy():
    port, hole = free_port(), free_port()
    while hole == port:
        hole = free_port()
    bh = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    bh.bind(("127.0.9.1", hole))  # never read: every question stays in flight
    hints = os.path.join(TMP, "hole.hints")
    with open(hints, "w") as f:
        f.write("$TTL 3600000\n. NS ns.hole.\nns.hole. A 127.0.9.1\n")
    p, _ = start_resolverd("slots_busy", """server:
  listen: [127.0.0.1]
  port: %d
  tcp-max-connections: 8
resolver:
  root-hints: %s
  upstream-port: %d
  query-special-addresses: true
""" % (port, hints, hole), port)
    if not p:
        not_ok("resolverd starts with 8 connections and a black-hole root")
        return

    def busy(i):
        s = tcp_connect("127.0.0.40", "127.0.0.1", port)
        if s:
            q = dns_query("busy%d.example" % i)
            s.sendall(len(q).to_bytes(2, "big") + q)
        return s
    socks = [busy(i) for i in range(7)]
    idle = tcp_connect("127.0.0.41", "127.0.0.1", port)
    time.sleep(0.3)  # the server reads the 7 questions and accepts idle before first
    first = busy(7)
    every = socks + [idle, first]
    gone = closed(every, 0.5)
    check("all slots taken: the idle connection is closed to admit a newcomer",
          gone == {idle}, "closed: %s" % [every.index(s) for s in gone])
    late = tcp_connect("127.0.0.42", "127.0.0.1", port)
    every = socks + [first, late]
    gone = closed(every, 0.5)
    check("all 8 with questions in flight: the next newcomer is turned away, none closed",
          gone == {late}, "closed: %s" % [every.index(s) for s in gone])
    close_all(socks + [idle, first, late])
    bh.close()
    p.terminate()


def main():
    p, port = start("slots")
    if not p:
        not_ok("resolverd starts with the TCP defaults")
        done_testing()
    took, reply = fresh_client(port, "127.0.0.2")
    check("a TCP client is answered (and the answer cached)", rcode(reply) == 0)
    part_deadline(port)
    part_per_client(port)
    part_slots(port, "defaults")
    p2, port2 = start("slots_nodeadline", "  tcp-message-timeout-ms: 60000\n")
    if not p2:
        not_ok("resolverd starts with a one-minute message deadline")
        done_testing()
    fresh_client(port2, "127.0.0.2")
    part_slots(port2, "one-minute message deadline")
    part_busy()
    check("both resolverds still run", p.poll() is None and p2.poll() is None)
    done_testing()


main()
