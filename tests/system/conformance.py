# tests/system/conformance.py: issue 13, resolverd against the reply shapes real servers send.
#
# Two scripted servers (tests/tools/fakeauth.py): the root on ROOT, which delegates example.
# to CHILD, and CHILD, the server of example., whose rules give each question one shape: an
# answer without AA, a NODATA without AA, an A in answer to an AAAA question, a duplicate
# record, a NODATA without SOA, a server that denies an empty non-terminal, a child whose own
# address for its server (dead) differs from the parent's glue, and at the end (it leaves the
# server lame) a name whose server refuses it. resolverd runs with its defaults (QNAME minimisation on, relaxed). For each the
# client's rcode and records are checked with dig (9.18 prints EDE itself), and where it
# matters what the servers were asked (the fakeauth logs): the root learns only "example.",
# a NODATA without SOA is not asked again within its 10 s, the full name follows a broken
# empty non-terminal. SPDX-License-Identifier: MIT
import subprocess

from syslib import check, done_testing, free_port, start_fakeauth, start_root_resolverd, wait_dns

ROOT = "127.53.93.1"
CHILD = "127.53.93.2"
RESOLVER = "127.53.93.3"
STRANGER = "127.53.93.4"  # refused by access.refuse
DEAD = "127.53.93.9"      # nothing listens: the child's own address for its server
SOA = "example. 300 IN SOA ns.example. host.example. 1 7200 900 1209600 300"
A = "192.0.2.9"


def rule(name, qtype, reply):
    return {"name": name, "type": qtype, "server": CHILD, "reply": reply}


SCENARIO = {
    "addresses": [ROOT, CHILD],
    "rules": [
        {"name": ".", "type": "NS", "server": ROOT,
         "reply": {"answer": [". 300 IN NS a.root."], "additional": ["a.root. 300 IN A " + ROOT]}},
        {"name": "*", "server": ROOT,
         "reply": {"aa": False, "authority": ["example. 300 IN NS ns.example."],
                   "additional": ["ns.example. 300 IN A " + CHILD]}},
        rule("noaa.example.", "A", {"aa": False, "answer": ["noaa.example. 300 IN A " + A]}),
        rule("noaa.example.", "AAAA", {"aa": False, "authority": [SOA]}),
        rule("othertype.example.", "AAAA",
             {"answer": ["othertype.example. 300 IN A " + A], "authority": [SOA]}),
        rule("dup.example.", "A", {"answer": ["dup.example. 300 IN A " + A] * 2}),
        rule("nosoa.example.", "AAAA", {}),
        # An empty non-terminal denied: ent.example. has no data, but www.ent.example. does.
        rule("ent.example.", "A", {"rcode": "NXDOMAIN", "authority": [SOA]}),
        rule("www.ent.example.", "A", {"answer": ["www.ent.example. 300 IN A " + A]}),
        rule("refused.example.", "*", {"rcode": "REFUSED", "aa": False}),
        rule("ns.example.", "A", {"answer": ["ns.example. 300 IN A " + DEAD]}),
        rule("pc.example.", "A", {"answer": ["pc.example. 300 IN A " + A]}),
        {"name": "*", "server": CHILD, "reply": {"authority": [SOA]}},
    ],
}


def dig(port, name, qtype="A", qclass="IN"):
    p = subprocess.run(["dig", "+tries=1", "+time=5", "-p", str(port), "@" + RESOLVER, name,
                        qtype, "-c", qclass], capture_output=True, text=True, timeout=20)
    return p.stdout


def answers(out):
    sec, rows = None, []
    for line in out.splitlines():
        if line.startswith(";; ANSWER SECTION"):
            sec = "an"
        elif not line.strip() or line.startswith(";"):
            sec = None
        elif sec:
            rows.append(" ".join(line.split()))
    return rows


def queries(log, name):
    with open(log) as f:
        return [ln for ln in f if (" name=%s " % name).lower() in ln.lower()]


def main():
    port, auth_port = free_port(), free_port()
    log = start_fakeauth("conform", SCENARIO, auth_port)
    check("fakeauth starts", log is not None)
    _, rlog = start_root_resolverd("conform", RESOLVER, port, ROOT, auth_port,
                                   extra="access:\n  allow: [127.0.0.0/8]\n"
                                         "  refuse: [%s/32]\n" % STRANGER)
    check("resolverd starts", wait_dns(RESOLVER, port))

    out = dig(port, "noaa.example.")
    check("an answer without AA is an answer",
          "status: NOERROR" in out and answers(out) == ["noaa.example. 300 IN A " + A], out)
    with open(log) as f:
        root_names = sorted({ln.split(" name=")[1].split()[0].lower() for ln in f
                             if " dst=%s:" % ROOT in ln})
    check("QNAME minimisation: the root was asked only for . and example. (%s)"
          % " ".join(root_names), root_names == [".", "example."])
    out = dig(port, "noaa.example.", "AAAA")
    check("a NODATA without AA is NODATA",
          "status: NOERROR" in out and "ANSWER: 0, AUTHORITY: 1" in out, out)
    out = dig(port, "othertype.example.", "AAAA")
    check("an A in answer to AAAA is dropped: NODATA",
          "status: NOERROR" in out and "ANSWER: 0, AUTHORITY: 1" in out, out)
    out = dig(port, "dup.example.")
    check("a duplicate record is given once", answers(out) == ["dup.example. 300 IN A " + A],
          out)
    out1, out2 = dig(port, "nosoa.example.", "AAAA"), dig(port, "nosoa.example.", "AAAA")
    check("a NODATA without SOA is NODATA, asked upstream once in 10 s",
          "status: NOERROR" in out2 and "ANSWER: 0" in out2 and
          len(queries(log, "nosoa.example.")) == 1, out1 + out2)
    out = dig(port, "www.ent.example.")
    check("an empty non-terminal denied: the full name is asked (relaxed fallback)",
          answers(out) == ["www.ent.example. 300 IN A " + A] and
          len(queries(log, "www.ent.example.")) == 1, out)
    out = dig(port, "ns.example.")
    check("the child gives its server another address than the parent's glue",
          answers(out) == ["ns.example. 300 IN A " + DEAD], out)
    out = dig(port, "pc.example.")
    check("the child's address fails: the parent's glue is tried (parent-side fallback)",
          answers(out) == ["pc.example. 300 IN A " + A], out)
    out = dig(port, "refused.example.")
    check("every server refuses: SERVFAIL with EDE 22 naming the zone",
          "status: SERVFAIL" in out and
          "EDE: 22 (No Reachable Authority): (no server of example. answered)" in out, out)
    out = dig(port, "example.", "TXT", "CH")
    check("class CH: REFUSED with EDE 21", "status: REFUSED" in out and
          "EDE: 21 (Not Supported)" in out, out)
    out = subprocess.run(["dig", "+tries=1", "+time=5", "-b", STRANGER, "-p", str(port),
                          "@" + RESOLVER, "example."], capture_output=True, text=True,
                         timeout=20).stdout
    check("a client refused by access: REFUSED with EDE 18", "status: REFUSED" in out and
          "EDE: 18 (Prohibited)" in out, out)
    done_testing()


main()
