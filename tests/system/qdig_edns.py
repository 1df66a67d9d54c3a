#!/usr/bin/python3
# tests/system/qdig_edns.py: EDNS options in replies (EDE, NSID, EXPIRE, COOKIE, padding,
# client subnet, keepalive, an unknown one), as dig 9.18 prints them and qdig must too. A
# scripted server (tests/tools/fakeauth.py) sends them; dig and qdig ask it the same and
# their outputs, normalised only in IDs, times, dates, the banner's version and the client
# cookie, must be equal. Also +dns64prefix (RFC 7050), against scripted ipv4only.arpa answers.
# SPDX-License-Identifier: MIT
import re
import subprocess

from syslib import QDIG, check, done_testing, free_port, not_ok, start_fakeauth

ADDR = "127.0.0.77"


def hexs(text):
    return text.encode().hex()


RULES = [
    ("ede.example.", {"rcode": "SERVFAIL", "edns_options": [
        [15, "0016" + hexs("no reachable authority at ede.example.")]]}),
    ("ede2.example.", {"rcode": "SERVFAIL", "edns_options": [[15, "0006"], [15, "0063"]]}),
    ("nsid.example.", {"answer": ["nsid.example. 300 IN A 192.0.2.1"], "edns_options": [
        [3, hexs("ns1.toy")], [9, "00127500"], [11, "0064"], [12, "000000000000"],
        [8, "00011818c00002"], [65001, "abcd"], [15, "0016" + hexs("no reachable")]]}),
    ("cookie.example.", {"answer": ["cookie.example. 300 IN A 192.0.2.2"],
                         "server_cookie": "0102030405060708090a0b0c0d0e0f10"}),
    ("badcookie.example.", {"answer": ["badcookie.example. 300 IN A 192.0.2.3"],
                            "server_cookie": "1112131415161718", "badcookie": True}),
]


def norm(text):
    subs = [(r"^; <<>> (DiG \S+|qdig \S+) <<>>", "; <<>> V <<>>"), (r"id: \d+", "id: ID"),
            (r"Query time: \d+ msec", "Query time: T"), (r"^;; WHEN: .*", ";; WHEN: D"),
            (r"COOKIE: [0-9a-f]{16}", "COOKIE: CLIENT"), (r"!!timestamp .*", "!!timestamp T")]
    for a, b in subs:
        text = re.sub(a, b, text, flags=re.M)
    return text


def run(prog, args):
    p = subprocess.run([prog] + args, capture_output=True, text=True, timeout=20)
    return norm(p.stdout + p.stderr) + "exit %d\n" % p.returncode


# +dns64prefix (RFC 7050): ipv4only.arpa AAAA as each of these servers answers it.
DNS64 = [
    ["64:ff9b::c000:aa", "64:ff9b::c000:ab"],
    ["2001:db8:1:2:c0:0:aa00:0", "2001:db8:1:2:c0:0:ab00:0"],
    ["2001:db8:c000:aa::", "2001:db8:c000:ab::"],
    ["2001:db8:1:c0:0:aa::", "2001:db8:1:c0:0:ab::"],
    ["64:ff9b::c000:ab", "64:ff9b::c000:aa", "2001:db8::1"],
    ["64:ff9b::c000:aa", "2001:db8::1"],
]


def dns64_rule(i, addrs):
    return {"name": "ipv4only.arpa.", "type": "AAAA", "server": "127.0.0.%d" % (80 + i),
            "reply": {"answer": ["ipv4only.arpa. 300 IN AAAA " + a for a in addrs]}}


def main():
    port = free_port()
    scenario = {"addresses": [ADDR] + ["127.0.0.%d" % (80 + i) for i in range(len(DNS64))],
                "rules": [{"name": n, "type": "A", "reply": r} for n, r in RULES] +
                [dns64_rule(i, a) for i, a in enumerate(DNS64)] +
                [{"name": "silent.example.", "udp": [{"do": "drop"}], "tcp": [{"do": "stall"}]}]}
    if start_fakeauth("edns", scenario, port) is None:
        not_ok("fakeauth starts")
        return
    for name, _ in RULES:
        for extra in ([], ["+nocomments"], ["+qr"], ["+nobadcookie"], ["+showbadcookie"],
                      ["+cookie=0102030405060708"], ["+yaml"], ["+yaml", "+qr"]):
            args = ["@" + ADDR, "-p", str(port), "+norec", name] + extra
            d, q = run("dig", args), run(QDIG, args)
            check("same as dig: %s" % " ".join(args[3:]), d == q and ("OPT" in d or extra),
                  "dig:\n%s\nqdig:\n%s" % (d, q))
    # A server that never answers: dig's words for the timeout, after every try.
    for extra in (["+tries=2"], ["+tries=1", "+short"], ["+tcp", "+tries=1"], ["+retry=1"]):
        args = ["@" + ADDR, "-p", str(port), "+timeout=1", "silent.example"] + extra
        d, q = run("dig", args), run(QDIG, args)
        check("same as dig: silent server, %s" % " ".join(extra), d == q and "exit 9" in d,
              "dig:\n%s\nqdig:\n%s" % (d, q))
    for i, addrs in enumerate(DNS64):
        for extra in (["+dns64prefix"], ["+dns64prefix", "+tcp"], ["a.example", "+dns64prefix"]):
            args = ["@127.0.0.%d" % (80 + i), "-p", str(port), "+norec"] + extra
            d, q = run("dig", args), run(QDIG, args)
            check("same as dig: %s (%s)" % (" ".join(extra), " ".join(addrs)), d == q,
                  "dig:\n%s\nqdig:\n%s" % (d, q))


main()
done_testing()
