# tests/system/syslib.py: what lib.sh gives the shell system tests, for the Python ones.
#
# Output protocol (tests/run adds it up): "ok - what", "not ok - what", "skip - what", and at
# the end, from done_testing(), "# result: P passed, F failed[, S skipped]". Every process a
# test starts goes through start_bg() and is killed at exit. Waits are bounded. Addresses:
# only 127.0.0.0/8. tests/run does not run this file itself. SPDX-License-Identifier: MIT
import atexit
import os
import random
import shutil
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
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.53.0.1", port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def free_port():
    """A UDP and TCP port free on the toy internet's first address, at random in 20000-32767:
    below the kernel's ephemeral range, which outgoing queries take their source ports from."""
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
