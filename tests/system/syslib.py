# tests/system/syslib.py: what lib.sh gives the shell system tests, for the Python ones.
#
# Output protocol (tests/run adds it up): "ok - what", "not ok - what", "skip - what", and at
# the end, from done_testing(), "# result: P passed, F failed[, S skipped]". Every process a
# test starts goes through start_bg() and is killed at exit. Waits are bounded. Addresses:
# only 127.0.0.0/8. tests/run does not run this file itself. SPDX-License-Identifier: MIT
import atexit
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(TOP, BUILD)
QDIG = os.path.join(BUILD, "qdig")
RESOLVERD = os.path.join(BUILD, "resolverd")
# make asan's binaries run 2-3 times slower and keep freed memory in quarantine: tests that
# time the daemon scale their bounds by SLOW, and memory checks skip under SANITIZED.
SANITIZED = os.path.basename(BUILD).startswith("build-asan")
SLOW = 3 if SANITIZED else 1
TMP = tempfile.mkdtemp(prefix="systest.")
_counts = {"pass": 0, "fail": 0, "skip": 0}
_procs = []


def _cleanup():
    for p in _procs:
        p.terminate()
    for p in _procs:
        try:
            p.wait(timeout=1)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    shutil.rmtree(TMP, ignore_errors=True)


atexit.register(_cleanup)


def ok(what):
    print("ok - " + what, flush=True)
    _counts["pass"] += 1


def not_ok(what, detail=""):
    print("not ok - " + what, flush=True)
    for line in detail.splitlines():
        print("    " + line)
    _counts["fail"] += 1


def skip(what):
    print("skip - " + what, flush=True)
    _counts["skip"] += 1


def check(what, cond, detail=""):
    if cond:
        ok(what)
    else:
        not_ok(what, detail)


def done_testing():
    s = ", %d skipped" % _counts["skip"] if _counts["skip"] else ""
    print("# result: %d passed, %d failed%s" % (_counts["pass"], _counts["fail"], s))
    sys.exit(1 if _counts["fail"] else 0)


def _port_free(port):
    for addr in ("127.53.0.1", "127.0.0.1"):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind((addr, port))
            except OSError:
                return False
            finally:
                s.close()
    return True


def free_port():
    """A UDP and TCP port free on the toy internet's first address and on 127.0.0.1, at random
    in 20000-32767: below the kernel's ephemeral range (32768-60999), where the source ports
    of upstream queries and client sockets, ours and other tests', come and go."""
    for _ in range(50):
        port = random.randrange(20000, 32768)
        if _port_free(port):
            return port
    raise RuntimeError("no free port")


def start_bg(log, argv):
    """Starts argv in the background, output to the file log; killed at exit."""
    with open(log, "w") as f:
        p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT)
    _procs.append(p)
    return p


def wait_dns(addr, port, seconds=10):
    """Waits until something answers a DNS query at addr#port (any rcode)."""
    # ID abcd, no flags, one question: ". SOA IN"
    query = bytes.fromhex("abcd" "0000" "0001" "0000" "0000" "0000" "00" "0006" "0001")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(0.2)
        try:
            s.sendto(query, (addr, port))
            if s.recv(512)[:2] == b"\xab\xcd":
                return True
        except OSError:
            time.sleep(0.1)
        finally:
            s.close()
    return False


def start_toy(port):
    """resolverd --auth-only serving zones/map.yaml on port; True once it answers."""
    cfg = os.path.join(TMP, "toy.yaml")
    with open(cfg, "w") as f:
        f.write("toy-internet:\n  map: %s\n  port: %d\n" % (os.path.join(TOP, "zones/map.yaml"), port))
    start_bg(cfg + ".log", [RESOLVERD, "--auth-only", cfg])
    if wait_dns("127.53.0.1", port):
        return True
    with open(cfg + ".log") as f:
        sys.stderr.write(f.read())
    return False


def start_resolverd(name, yaml_text, port, seconds=10):
    """resolverd with the configuration yaml_text (written to TMP/name.yaml), answering on
    127.0.0.1#port; returns (process, log path), or (None, log path) when it does not answer."""
    cfg = os.path.join(TMP, name + ".yaml")
    with open(cfg, "w") as f:
        f.write(yaml_text)
    p = start_bg(cfg + ".log", [RESOLVERD, cfg])
    if wait_dns("127.0.0.1", port, seconds):
        return p, cfg + ".log"
    with open(cfg + ".log") as f:
        sys.stderr.write(f.read())
    return None, cfg + ".log"


def start_root_resolverd(name, listen, port, root, root_port, server_extra="", extra=""):
    """resolverd on listen#port whose only root server is root#root_port (a scripted server,
    such as fakeauth.py): the hints and the configuration are written to TMP/name.*;
    server_extra is added to its server: section, extra (whole YAML sections) after it.
    Returns (process, log path) at once: the caller waits with wait_dns."""
    hints = os.path.join(TMP, name + ".hints")
    with open(hints, "w") as f:
        f.write(". 3600000 NS a.root.\na.root. 3600000 A %s\n" % root)
    cfg = os.path.join(TMP, name + ".yaml")
    with open(cfg, "w") as f:
        f.write("server:\n  listen: [%s]\n  port: %d\n%sresolver:\n  root-hints: %s\n"
                "  upstream-port: %d\n  query-special-addresses: true\n%s"
                % (listen, port, server_extra, hints, root_port, extra))
    return start_bg(cfg + ".log", [RESOLVERD, "-c", cfg]), cfg + ".log"


def start_fakeauth(name, scenario, port, seconds=300):
    """tests/tools/fakeauth.py playing scenario (a dict, written to TMP/name.json) on port;
    returns the path of its query log once it is ready, or None."""
    sc = os.path.join(TMP, name + ".json")
    with open(sc, "w") as f:
        json.dump(scenario, f)
    start_bg(sc + ".log", ["/usr/bin/python3", os.path.join(TOP, "tests/tools/fakeauth.py"),
                           "--scenario", sc, "--port", str(port), "--log", sc + ".queries",
                           "--max-seconds", str(seconds), "--ready-file", sc + ".ready"])
    for _ in range(100):
        if os.path.exists(sc + ".ready"):
            return sc + ".queries"
        time.sleep(0.05)
    return None


def sigterm(p, wait=5):
    """Sends SIGTERM to p; returns (its exit status or None if still running after wait
    seconds, the seconds it took to exit)."""
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        rc = None
    return rc, time.monotonic() - t0


def dns_query(name, qtype=1, flags=0x0100, qid=0xABCD):
    """A query in wire form: one question (name, qtype, class IN), the header's flags as given
    (0x0100: RD; the opcode is bits 11-14)."""
    wire = b"".join(bytes([len(l)]) + l.encode() for l in name.strip(".").split(".") if l)
    return (qid.to_bytes(2, "big") + flags.to_bytes(2, "big") + b"\x00\x01" + b"\x00" * 6 +
            wire + b"\x00" + qtype.to_bytes(2, "big") + b"\x00\x01")


def udp_ask(src, dst, port, pkt, timeout=0.5):
    """Sends pkt from src (an address of 127.0.0.0/8) to dst#port over UDP; the reply, or None
    when none comes within timeout seconds."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((src, 0))
        s.settimeout(timeout)
        s.sendto(pkt, (dst, port))
        return s.recv(65535)
    except OSError:
        return None
    finally:
        s.close()


def tcp_connect(src, dst, port, timeout=1.0):
    """A TCP socket from src (any port) connected to dst#port, or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((src, 0))
        s.settimeout(timeout)
        s.connect((dst, port))
        return s
    except OSError:
        s.close()
        return None


def tcp_read_msg(s, timeout=0.5):
    """One length-prefixed DNS message from TCP socket s; None on timeout, EOF or error."""
    deadline = time.monotonic() + timeout
    data = b""
    try:
        while len(data) < 2 or len(data) < 2 + int.from_bytes(data[:2], "big"):
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            s.settimeout(left)
            chunk = s.recv(65537)
            if not chunk:
                return None
            data += chunk
    except OSError:
        return None
    return data[2:2 + int.from_bytes(data[:2], "big")]


def tcp_ask(src, dst, port, pkt, timeout=0.5):
    """Sends pkt over a new TCP connection from src; the reply or None."""
    s = tcp_connect(src, dst, port, timeout)
    if not s:
        return None
    try:
        s.sendall(len(pkt).to_bytes(2, "big") + pkt)
        return tcp_read_msg(s, timeout)
    except OSError:
        return None
    finally:
        s.close()


def rcode(reply):
    """The rcode of a reply in wire form (header only; no EDNS extension), or None."""
    return None if not reply or len(reply) < 4 else reply[3] & 0x0F
