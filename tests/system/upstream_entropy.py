# tests/system/upstream_entropy.py: what a blind forger must guess, measured on 1,000 upstream
# queries of resolverd (issue 11): the source port, the ID, and the case of every letter of
# the name (0x20). The queries are read back from the log of tests/tools/fakeauth.py, which
# records each one's source port, ID and name exactly as received.
# SPDX-License-Identifier: MIT
import math
import os
import socket

import dns.message

from syslib import (check, done_testing, free_port, start_fakeauth, start_root_resolverd,
                    wait_dns)

SERVER = "127.53.92.1"
RESOLVER = "127.53.92.2"
N = 1000


def main():
    up, port = free_port(), free_port()
    qlog = start_fakeauth("entropy", {"addresses": [SERVER], "rules": [
        {"name": ".", "type": "NS", "reply": {"answer": [". 86400 IN NS a.root."],
                                              "additional": ["a.root. 86400 IN A " + SERVER]}}],
        "default": {"reply": {"rcode": "NXDOMAIN"}}}, up, 120)
    check("fakeauth starts", qlog is not None)
    start_root_resolverd("entropy", RESOLVER, port, SERVER, up)
    check("resolverd answers", wait_dns(RESOLVER, port))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    got = 0
    for i in range(N):  # one at a time: each is answered (NXDOMAIN) before the next goes
        s.sendto(dns.message.make_query("entropy%d.bits.example." % i, "A").to_wire(),
                 (RESOLVER, port))
        try:
            s.recv(4096)
            got += 1
        except OSError:
            pass
    check("%d of %d questions answered" % (got, N), got == N)
    ports, ids, letters, upper, positions = [], [], 0, 0, {}
    with open(qlog or os.devnull) as f:
        for line in f:
            kv = dict(x.split("=", 1) for x in line.split() if "=" in x)
            if kv.get("proto") != "udp" or "entropy" not in kv.get("name", "").lower():
                continue
            ports.append(int(kv["src"].rsplit(":", 1)[1]))
            ids.append(int(kv["id"]))
            for k, c in enumerate(kv["name"]):
                if c.isalpha():
                    letters += 1
                    upper += c.isupper()
                    positions.setdefault(k, set()).add(c.isupper())
    n = len(ports)
    check("the server saw every question (%d)" % n, n >= N)
    if not n:
        done_testing()
    per_q = letters / n
    frac = upper / letters if letters else 0
    bits = math.log2(65536 - 1024) + 16 + per_q
    print("# %d queries: %d distinct source ports (%d-%d), %d distinct IDs, %.1f letters each "
          "(%.3f of them upper case)" % (n, len(set(ports)), min(ports), max(ports),
                                         len(set(ids)), per_q, frac))
    print("# bits a forger must guess per query: port %.2f + ID 16 + 0x20 %.1f = %.1f"
          % (math.log2(65536 - 1024), per_q, bits))
    # 1,000 draws from 64,512 ports repeat about 8 times; from 65,536 IDs about 8 times.
    check("source ports vary (%d distinct of %d)" % (len(set(ports)), n), len(set(ports)) >= n - 30)
    check("source ports span 1024-65535", min(ports) < 8000 and max(ports) > 58000)
    check("IDs vary (%d distinct of %d)" % (len(set(ids)), n), len(set(ids)) >= n - 30)
    check("every letter is upper case half the time (%.3f)" % frac, 0.46 < frac < 0.54)
    check("every letter position takes both cases",
          all(len(v) == 2 for v in positions.values()))
    done_testing()


main()
