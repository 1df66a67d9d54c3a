# tests/system/trace_json.py: qdig +json and +trace +json, read back.
#
# resolverd --auth-only serves the toy internet on a free port. For every case of
# tests/system/data/trace_cases.txt (the cases trace_cases.sh checks in text and +short),
# `qdig +trace +json` must print one JSON document (python3 -m json.tool accepts it) whose
# steps, read back, are the walk the case describes: the servers asked in order (each name
# with its address from the address plan), the zone each referral delegates to, the
# sub-questions, the failed tries, the TCP retry, and whose result is the final answer. Then
# the shape of every object against the schema README.md describes, and plain `qdig +json`.
# SPDX-License-Identifier: MIT
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from syslib import (QDIG, RESOLVERD, TOP, check, done_testing, free_port, not_ok, ok, skip,
                    start_toy)

DATA = os.path.join(TOP, "tests/system/data/trace_cases.txt")
HINTS = os.path.join(TOP, "conf/toy-root.hints")
RUNS_MAX = 150    # runs of a case with a "? STEP" until the iterator tries that server first
RUN_SECONDS = 20  # and at most this long per case


def load_data():
    """The address plan {name: ({addresses}, group)} and the cases, as trace_cases.sh reads
    them (a name with an A and an AAAA address has a line for each)."""
    servers, cases = {}, []
    with open(DATA) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if line.startswith("server "):
                _, name, addr, group = line.split()
                servers.setdefault(name, (set(), group))[0].add(addr)
            elif line.startswith("case "):
                label, args = line[5:].split(": ", 1)
                cases.append({"label": label, "args": args.split(), "steps": [], "ends": []})
            elif line.startswith("= "):
                cases[-1]["ends"].append(line[2:])
            else:
                cases[-1]["steps"].append(line)
    return servers, cases


def step_regex(steps, servers, optional_present):
    """The expected steps as one regular expression over the joined step lines: names
    literal, "(a|b)" alternatives, @GROUP any server of the group, "..." any steps, "? STEP"
    optional (or required, with optional_present)."""
    out = ""
    for line in steps:
        if line == "...":
            out += r"([^\n]*\n)*"
            continue
        opt = line.startswith("? ")
        line = line[2:] if opt else line
        line = line.replace(".", r"\.")

        def group(m):
            g = m.group(1).replace("\\.", ".")
            return "(" + "|".join(re.escape(n) for n, (_, gr) in servers.items() if gr == g) + ")"

        line = re.sub(r"@([^ ]+)", group, line)
        out += "(%s\n)?" % line if opt and not optional_present else line + "\n"
    return re.compile(out)


def server_of(step, servers, port):
    """The step's server name, checked against the address plan and the port."""
    s = step["server"]
    name = s["name"].rstrip(".")
    if s["address"] in servers.get(name, (set(),))[0] and s["port"] == port:
        return name
    return "%s!%s#%s" % (name, s["address"], s["port"])


def canon(doc, servers, port):
    """The steps of a +trace +json document as canonical lines, with a "lookup" line where a
    sub-question begins (deeper than the step before, or as deep as one that ended its own)."""
    lines, pd, pk = [], 0, ""
    for s in doc["steps"]:
        d, kind = s["depth"], s["kind"]
        if d > pd or (d > 0 and d == pd and pk in ("answer", "nxdomain", "nodata", "no-server")):
            lines.append("%d lookup %s %s" % (d, s["qname"], s["qtype"]))
        extra = "-"
        if kind in ("referral", "cname"):
            extra = s["target"]
        elif kind == "rcode":
            extra = s["rcode"]
        elif kind == "limit":
            extra = s["note"]
        if "server" in s:
            srv, proto = server_of(s, servers, port), s["transport"]
        else:
            srv, proto = "-", "-"
        lines.append("%d %s %s %s %s" % (d, kind, srv, proto, extra))
        pd, pk = d, kind
    return "".join(l + "\n" for l in lines)


def record_text(r):
    return "%s %d %s %s %s" % (r["name"], r["ttl"], r["class"], r["type"], r["rdata"])


def end_problems(case, doc, rc):
    """What is wrong with how the walk ended: the rcode, the exit status, the records."""
    want = case["ends"][0].split()[0]
    why = []
    res = doc["result"]
    if res["rcode"] != want:
        why.append("ended %s, not %s" % (res["rcode"], want))
    if rc != (9 if want == "SERVFAIL" else 0):
        why.append("exit status %d" % rc)
    have = {record_text(r) for r in res["answer"] + res["authority"]}
    for end in case["ends"]:
        rec = end.split(" ", 1)[1] if " " in end else None
        if rec and rec not in have:
            why.append("no record '%s' in the result" % rec)
    return why


def trace(port, args):
    p = subprocess.run([QDIG, "+trace", "+json", "+tries=1", "+timeout=2", "-p", str(port),
                        "+root-hints=" + HINTS] + args, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check_case(case, servers, port, docs):
    """Runs a case (until its optional step shows, if it has one) and checks every run."""
    label = "json: " + case["label"]
    maybe = step_regex(case["steps"], servers, False)
    every = step_regex(case["steps"], servers, True)
    optional = any(s.startswith("? ") for s in case["steps"])
    start = time.monotonic()
    for run in range(1, RUNS_MAX + 1):
        rc, out, err = trace(port, case["args"])
        try:
            doc = json.loads(out)
        except ValueError as e:
            not_ok(label + ": the output is not JSON: %s" % e, out[:2000] + err)
            return
        got = canon(doc, servers, port)
        why = end_problems(case, doc, rc)
        if why or not maybe.fullmatch(got):
            not_ok("%s: %s" % (label, "; ".join(why) or "not the steps expected"),
                   "want:\n" + "\n".join(case["steps"]) + "\ngot:\n" + got)
            return
        docs.append(doc)
        if not optional:
            ok(label)
            return
        if every.fullmatch(got):
            ok("%s (the optional step showed in run %d)" % (label, run))
            return
        if time.monotonic() - start > RUN_SECONDS:
            break
    not_ok("%s: the optional step never showed in %d runs" % (label, run))


# ---- the schema ----

def is_name(v):
    return isinstance(v, str) and v.endswith(".")


def record_problems(r, where):
    want = {"name": is_name, "ttl": lambda v: isinstance(v, int) and v >= 0,
            "class": lambda v: isinstance(v, str), "type": lambda v: isinstance(v, str),
            "rdata": lambda v: isinstance(v, str)}
    if set(r) != set(want):
        return ["%s: record keys %s" % (where, sorted(r))]
    return ["%s: record %s %r" % (where, k, r[k]) for k, f in want.items() if not f(r[k])]


def message_problems(m, where):
    keys = {"id", "opcode", "rcode", "flags", "edns", "question", "answer", "authority",
            "additional"}
    if set(m) != keys:
        return ["%s: message keys %s" % (where, sorted(m))]
    why = []
    if not isinstance(m["id"], int) or not isinstance(m["flags"], list):
        why.append(where + ": id or flags")
    if m["edns"] is not None and set(m["edns"]) != {"version", "udp_size", "do", "options_size"}:
        why.append(where + ": edns keys %s" % sorted(m["edns"]))
    for q in m["question"]:
        if set(q) != {"name", "class", "type"}:
            why.append(where + ": question keys %s" % sorted(q))
    for sec in ("answer", "authority", "additional"):
        for r in m[sec]:
            why += record_problems(r, "%s.%s" % (where, sec))
    return why


def step_problems(s, i):
    where = "steps[%d]" % i
    need = {"depth", "kind", "qname", "qtype", "zone"}
    allowed = need | {"server", "transport", "time_ms", "target", "note", "size", "rcode", "reply"}
    why = []
    if not need <= set(s) or not set(s) <= allowed:
        why.append("%s: keys %s" % (where, sorted(s)))
    if "server" in s:
        if set(s["server"]) != {"name", "address", "port"} or s["transport"] not in ("udp", "tcp"):
            why.append(where + ": server or transport")
        if not isinstance(s.get("time_ms"), (int, float)):
            why.append(where + ": time_ms")
    if "reply" in s:
        why += message_problems(s["reply"], where + ".reply")
        if s["rcode"] != s["reply"]["rcode"] or not isinstance(s.get("size"), int):
            why.append(where + ": rcode or size")
    return why


def doc_problems(doc):
    why = []
    if set(doc) != {"qname", "qtype", "qclass", "roots", "steps", "result"}:
        why.append("keys %s" % sorted(doc))
        return why
    roots = doc["roots"]
    if roots.get("source") == "hints":
        if set(roots) != {"source", "file", "servers"} or not roots["servers"]:
            why.append("roots from hints: %s" % sorted(roots))
    elif roots.get("source") == "server":
        if set(roots) != {"source", "server", "transport", "time_ms", "size", "reply"}:
            why.append("roots from a server: %s" % sorted(roots))
        else:
            why += message_problems(roots["reply"], "roots.reply")
    else:
        why.append("roots source %r" % roots.get("source"))
    for i, s in enumerate(doc["steps"]):
        why += step_problems(s, i)
    res = doc["result"]
    if set(res) != {"rcode", "answer", "authority"}:
        why.append("result keys %s" % sorted(res))
    for sec in ("answer", "authority"):
        for r in res.get(sec, []):
            why += record_problems(r, "result." + sec)
    return why


def keys_of(v, acc):
    """Every object key in a JSON value, recursively."""
    if isinstance(v, dict):
        for k, x in v.items():
            acc.add(k)
            keys_of(x, acc)
    elif isinstance(v, list):
        for x in v:
            keys_of(x, acc)
    return acc


def readme_schema():
    """The text of README.md's section on qdig's JSON (up to the next heading)."""
    with open(os.path.join(TOP, "README.md")) as f:
        text = f.read()
    m = re.search(r"^###? [^\n]*JSON[^\n]*\n(.*?)(?=^## )", text, re.S | re.M)
    return m.group(1) if m else ""


def main():
    if not os.access(RESOLVERD, os.X_OK):
        skip("resolverd is not built")
        done_testing()
    port = free_port()
    if not start_toy(port):
        not_ok("resolverd --auth-only starts")
        done_testing()
    servers, cases = load_data()
    docs = []
    print("# qdig +trace +json: every case of the toy internet")
    for case in cases:
        check_case(case, servers, port, docs)

    print("# the documents")
    p = subprocess.run([QDIG, "+trace", "+json", "-p", str(port), "+root-hints=" + HINTS,
                        "www.glueless.org"], capture_output=True, text=True, timeout=60)
    t = subprocess.run([sys.executable, "-m", "json.tool"], input=p.stdout, capture_output=True,
                       text=True, timeout=60)
    check("python3 -m json.tool reads a +trace +json document", t.returncode == 0, t.stderr)
    check("one document, on one line", p.stdout.count("\n") == 1 and p.stdout.endswith("}\n"))
    why = [w for d in docs for w in doc_problems(d)]
    check("every +trace document has the schema's shape (%d documents)" % len(docs), not why,
          "\n".join(sorted(set(why))[:20]))
    big = next(d for d in docs if d["qname"] == "big.example.com.")
    tc = [s for s in big["steps"] if s["kind"] == "truncated"]
    tcp = [s for s in big["steps"] if s.get("transport") == "tcp"]
    check("big answer: the TCP retry goes to the server that truncated",
          len(tc) == 1 and len(tcp) == 1 and tc[0]["server"] == tcp[0]["server"] and
          tc[0]["reply"]["answer"] == [] and "tc" in tc[0]["reply"]["flags"])
    check("big answer: the TCP reply holds the 40 records, and so does the result",
          len(tcp[0]["reply"]["answer"]) == 40 and len(big["result"]["answer"]) == 40)
    rd = [s for d in docs for s in d["steps"] if "reply" in s and "rd" in s["reply"]["flags"]]
    check("no step asked for recursion (no rd echoed in any reply)", not rd)
    plain = next(d for d in docs if d["qname"] == "www.example.com." and d["qtype"] == "A")
    check("the question and the root hints are in the document",
          plain["qclass"] == "IN" and plain["roots"]["file"] == HINTS and
          {"name": "a.root-servers.net.", "address": "127.53.0.1"} in plain["roots"]["servers"])

    print("# plain qdig +json")
    p = subprocess.run([QDIG, "+json", "+norec", "-p", str(port), "@127.53.10.1",
                        "www.example.com"], capture_output=True, text=True, timeout=60)
    t = subprocess.run([sys.executable, "-m", "json.tool"], input=p.stdout, capture_output=True,
                       text=True, timeout=60)
    check("python3 -m json.tool reads a plain +json document", t.returncode == 0, t.stderr)
    doc = json.loads(p.stdout)
    why = [] if set(doc) == {"server", "transport", "time_ms", "size", "reply"} else [str(sorted(doc))]
    why += message_problems(doc.get("reply", {}), "reply") if "reply" in doc else []
    check("plain +json: the schema's shape", not why, "\n".join(why))
    check("plain +json: server, transport, size",
          doc["server"] == {"address": "127.53.10.1", "port": port} and
          doc["transport"] == "udp" and doc["size"] > 12)
    r = doc["reply"]
    check("plain +json: the reply: NOERROR, aa, no rd, the question and the answer",
          r["rcode"] == "NOERROR" and "aa" in r["flags"] and "rd" not in r["flags"] and
          r["question"] == [{"name": "www.example.com.", "class": "IN", "type": "A"}] and
          [record_text(x) for x in r["answer"]] == ["www.example.com. 3600 IN A 192.0.2.10"])
    p = subprocess.run([QDIG, "+json", "+norec", "-p", str(port), "@127.53.10.1",
                        "big.example.com", "TXT"], capture_output=True, text=True, timeout=60)
    doc = json.loads(p.stdout)
    check("plain +json: after TC=1 the reply came over TCP, whole",
          doc["transport"] == "tcp" and len(doc["reply"]["answer"]) == 40)
    allkeys = keys_of(doc, set())
    for d in docs:
        keys_of(d, allkeys)
    schema = readme_schema()
    missing = sorted(k for k in allkeys if '"%s"' % k not in schema)
    check("README.md's JSON section names every key qdig writes", schema and not missing,
          "missing: %s" % missing if schema else "no JSON section found in README.md")
    done_testing()


main()
