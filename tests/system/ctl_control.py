#!/usr/bin/python3
# tests/system/ctl_control.py: operating a running resolverd (issue 14): every resolverd-ctl
# command over the control socket, who may use it, its limits, the Prometheus endpoint, and
# the log formats.
#
# Two daemons. D1 resolves from a scripted root (tests/tools/fakeauth.py, which logs every
# query it gets), so that flushes are seen as questions asked upstream again; it logs JSON
# lines with the query log on, serves metrics, and lets control.group nogroup in. D2 serves a
# copy of the toy internet in-process, so that a reload can add a zone, break one, and fix
# it (by resolverd-ctl reload and by SIGHUP). A third start checks the journal's priority
# prefixes. SPDX-License-Identifier: MIT
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from syslib import (BUILD, RESOLVERD, TMP, TOP, check, done_testing, free_port, rcode, skip,
                    start_bg, start_fakeauth, start_resolverd, start_root_resolverd, udp_ask,
                    dns_query, wait_dns)

CTL = os.path.join(BUILD, "resolverd-ctl")
ROOT = "127.0.0.5"
RFC3339 = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
SOA = ". 300 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300"


def ctl(sock, *args, nobody=False, timeout=40):
    argv = [CTL, "-s", sock] + list(args)
    if nobody:
        argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + argv
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def ctl_json(sock, *args):
    rc, out, err = ctl(sock, "--json", *args)
    try:
        return rc, json.loads(out)
    except ValueError:
        return rc, {"unparsed": out + err}


def ask(port, name, qtype=1):
    """rcode and reply of one RD query to 127.0.0.1#port."""
    r = udp_ask("127.0.0.1", "127.0.0.1", port, dns_query(name, qtype), timeout=3)
    return rcode(r), r


def upstream_count(log, name, qtype):
    """Queries for name/qtype the fake root logged (any letter case: 0x20)."""
    try:
        with open(log) as f:
            lines = f.read().splitlines()
    except OSError:
        return -1
    want = "name=" + name.lower() + " "
    return sum(1 for l in lines if want in l.lower() + " " and " type=%s " % qtype in l)


def wait_for(fn, seconds=3.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if fn():
            return True
        time.sleep(0.05)
    return fn()


# ---- D1: a fake root, flushes counted upstream, metrics, JSON logs ----

def scenario():
    def a(name, ip):
        return {"name": name, "type": "A", "reply": {"answer": ["%s 3600 IN A %s" % (name, ip)]}}
    return {"addresses": [ROOT], "rules": [
        {"name": ".", "type": "NS", "reply": {"answer": [". 86400 IN NS a.root."],
                                              "additional": ["a.root. 86400 IN A " + ROOT]}},
        a("www.flush.example.", "192.0.2.1"),
        a("a.www.flush.example.", "192.0.2.2"),
        a("other.flush.example.", "192.0.2.3"),
        {"name": "www.flush.example.", "type": "AAAA", "reply": {"authority": [SOA]}},
        {"name": "www.flush.example.", "type": "TXT", "reply": {}},  # NODATA, no SOA
        {"name": "fail.flush.example.", "reply": {"rcode": "SERVFAIL", "aa": False}},
    ], "default": {"reply": {"rcode": "NXDOMAIN", "authority": [SOA]}}}


def flushes(sock, port, qlog):
    n = lambda name, t="A": upstream_count(qlog, name, t)  # noqa: E731
    ask(port, "www.flush.example")
    ask(port, "www.flush.example")
    check("a cached name is asked upstream once", n("www.flush.example.") == 1,
          "asked %d times" % n("www.flush.example."))
    rc, out, _ = ctl(sock, "flush", "www.flush.example")
    check("flush NAME: exit 0, says what it dropped", rc == 0 and "flushed 1 entry" in out, out)
    r, _ = ask(port, "www.flush.example")
    check("a flushed name is asked upstream again", r == 0 and n("www.flush.example.") == 2,
          "asked %d times" % n("www.flush.example."))

    ask(port, "www.flush.example", 28)  # NODATA
    rc, out, _ = ctl(sock, "flush", "www.flush.example", "AAAA")
    ask(port, "www.flush.example")
    ask(port, "www.flush.example", 28)
    check("flush NAME TYPE drops that type only",
          rc == 0 and n("www.flush.example.") == 2 and n("www.flush.example.", "AAAA") == 2,
          "A %d, AAAA %d" % (n("www.flush.example."), n("www.flush.example.", "AAAA")))

    # A NODATA that came without an SOA is cached with no record: listed, not read past.
    ask(port, "www.flush.example", 16)
    rc, out, _ = ctl(sock, "dump-cache")
    check("dump-cache: a NODATA without SOA says it has no proof",
          rc == 0 and re.search(r"^; NODATA www\.flush\.example\. TXT \d+ .*proof: none", out, re.M),
          out[:600])
    rc, d = ctl_json(sock, "lookup", "www.flush.example")
    check("lookup --json: a NODATA without SOA has soa null",
          rc == 0 and any(e.get("denial") == "NODATA" and e.get("soa") is None
                          for e in d.get("entries", [])), str(d)[:400])

    ask(port, "a.www.flush.example")
    ask(port, "other.flush.example")
    rc, out, _ = ctl(sock, "flush-zone", "www.flush.example")
    ask(port, "a.www.flush.example")
    ask(port, "other.flush.example")
    check("flush-zone drops the name and everything below it, nothing beside it",
          rc == 0 and n("a.www.flush.example.") == 2 and n("other.flush.example.") == 1,
          out + " a.www %d other %d" % (n("a.www.flush.example."), n("other.flush.example.")))

    ask(port, "gone.flush.example")
    r, _ = ask(port, "gone.flush.example")
    before = n("gone.flush.example.")
    rc, out, _ = ctl(sock, "flush-negative")
    ask(port, "gone.flush.example")
    ask(port, "other.flush.example")
    check("flush-negative drops denials only",
          r == 3 and before == 1 and n("gone.flush.example.") == 2 and n("other.flush.example.") == 1,
          "%s before %d after %d" % (out, before, n("gone.flush.example.")))

    rc, out, _ = ctl(sock, "flush-all")
    ask(port, "other.flush.example")
    check("flush-all empties the cache", rc == 0 and n("other.flush.example.") == 2, out)


def scrape(mport, path="/metrics"):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (mport, path), timeout=5) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, "", ""
    except OSError as e:
        return None, "", str(e)


METRIC = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABELS = r'\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*)?\}'
VALUE = r"(?:[-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|Inf)|NaN)"


def parse_exposition(text):
    """Checks text against the exposition format 0.0.4; returns (problems, samples dict)."""
    problems, samples, types, helps, seen_samples = [], {}, {}, set(), set()
    if not text.endswith("\n"):
        problems.append("does not end with a newline")
    for line in text.split("\n")[:-1]:
        m = re.fullmatch(r"# (HELP|TYPE) (%s) (.*)" % METRIC, line)
        if m:
            kind, name, rest = m.groups()
            if kind == "TYPE":
                if rest not in ("counter", "gauge", "histogram", "summary", "untyped"):
                    problems.append("bad type: " + line)
                if name in types or name in seen_samples:
                    problems.append("TYPE late or twice: " + line)
                types[name] = rest
            else:
                if name in helps:
                    problems.append("HELP twice: " + line)
                helps.add(name)
            continue
        if line.startswith("#") or not line:
            problems.append("stray line: %r" % line)
            continue
        m = re.fullmatch(r"(%s)(%s)? (%s)" % (METRIC, LABELS, VALUE), line)
        if not m:
            problems.append("not a sample: %r" % line)
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(4)
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in types else name
        if family not in types:
            problems.append("no TYPE for: " + line)
        if types.get(family) == "counter" and float(value) < 0:
            problems.append("negative counter: " + line)
        seen_samples.add(family)
        samples[name + labels] = float(value)
    for fam, t in types.items():
        if t != "histogram":
            continue
        buckets = [(k, v) for k, v in samples.items() if k.startswith(fam + "_bucket{")]
        vals = [v for _, v in buckets]
        if vals != sorted(vals) or samples.get(fam + '_bucket{le="+Inf"}') != samples.get(fam + "_count"):
            problems.append("histogram %s: buckets not cumulative or +Inf != count" % fam)
    return problems, samples


def metrics_and_stats(sock, port, mport):
    r, _ = ask(port, "fail.flush.example")
    check("a SERVFAIL from every server is passed on", r == 2)
    code, ctype, text = scrape(mport)
    check("GET /metrics: 200, text/plain version 0.0.4",
          code == 200 and ctype.startswith("text/plain; version=0.0.4"), "%s %s" % (code, ctype))
    problems, samples = parse_exposition(text)
    check("every line of /metrics follows the exposition format (%d samples)" % len(samples),
          not problems and len(samples) > 50, "\n".join(problems[:10]))
    rc, st = ctl_json(sock, "stats")
    check("stats --json: every counter, as JSON", rc == 0 and "upstream.timeouts" in st, str(st)[:300])
    same = [("queries", "resolverd_queries_total"), ("upstream.queries",
            "resolverd_upstream_queries_total"), ("rcode.NXDOMAIN", 'resolverd_replies_total{rcode="NXDOMAIN"}'),
            ("qtype.AAAA", 'resolverd_queries_by_type_total{type="AAAA"}'),
            ("servfail.no-server", 'resolverd_servfail_by_reason_total{reason="no-server"}')]
    check("stats and /metrics show the same counters",
          all(st.get(k) == samples.get(m) for k, m in same) and st.get("servfail.no-server", 0) >= 1,
          str([(k, st.get(k), samples.get(m)) for k, m in same]))
    for fam in ("resolverd_cache_hits_total", "resolverd_cache_misses_total", "resolverd_cache_bytes",
                "resolverd_cache_entries", "resolverd_upstream_timeouts_total",
                "resolverd_upstream_tcp_fallbacks_total", "resolverd_resolutions_in_flight",
                'resolverd_reply_duration_seconds_bucket{le="+Inf"}'):
        check("/metrics has " + fam, fam in samples)
    code, _, _ = scrape(mport, "/other")
    check("another path: 404", code == 404, str(code))
    rc, out, _ = ctl(sock, "stats", "--reset")
    rc2, st2 = ctl_json(sock, "stats")
    _, _, text2 = scrape(mport)
    _, samples2 = parse_exposition(text2)
    check("stats --reset: counts from zero, gauges stay, /metrics is not reset",
          rc == 0 and rc2 == 0 and st2.get("queries") == 0 and st2.get("cache.entries", 0) > 0 and
          samples2.get("resolverd_queries_total", 0) >= st.get("queries", 1) > 0,
          "%s %s" % (st2.get("queries"), samples2.get("resolverd_queries_total")))


def json_log(log):
    with open(log) as f:
        lines = f.read().splitlines()
    bad, queries, servfail = [], [], []
    for l in lines:
        try:
            o = json.loads(l)
        except ValueError:
            bad.append(l)
            continue
        if not re.fullmatch(RFC3339, o.get("time", "")) or o.get("level") not in (
                "error", "warn", "info", "debug") or "msg" not in o:
            bad.append(l)
        if o.get("msg") == "query":
            queries.append(o)
        if "SERVFAIL for fail.flush.example. A: no-server" in o.get("msg", ""):
            servfail.append(o)
    check("log.format json: every line is a JSON object with an RFC 3339 time, level, msg",
          lines and not bad, "\n".join(bad[:5]))
    keys = {"client", "qname", "qtype", "rcode", "cached", "time_ms"}
    check("the query log: client, question, rcode, cache or not, time taken",
          queries and all(keys <= set(q) for q in queries) and
          any(q["cached"] for q in queries) and any(not q["cached"] for q in queries) and
          any(q["qname"] == "gone.flush.example." and q["rcode"] == "NXDOMAIN" for q in queries) and
          all(re.fullmatch(r"127\.0\.0\.1#\d+", q["client"]) for q in queries),
          json.dumps(queries[:3]))
    check("a SERVFAIL is logged at level info with its reason",
          servfail and servfail[0]["level"] == "info", "\n".join(lines[-5:]))


def d1():
    up = free_port()
    port = free_port()
    mport = free_port()
    qlog = start_fakeauth("d1root", scenario(), up)
    if not qlog:
        check("fakeauth starts", False)
        return
    sock = os.path.join(TMP, "d1.sock")
    extra = ("log:\n  queries: true\n  format: json\ncontrol:\n  socket: %s\n  group: nogroup\n"
             "metrics:\n  listen: 127.0.0.1\n  port: %d\n" % (sock, mport))
    p, log = start_root_resolverd("d1", "127.0.0.1", port, ROOT, up, "  threads: 2\n", extra)
    if not wait_dns("127.0.0.1", port):
        check("D1 starts", False)
        return
    flushes(sock, port, qlog)
    metrics_and_stats(sock, port, mport)
    rc, out, err = ctl(sock, "status", nobody=True)
    check("a member of control.group may use the socket (nobody, in nogroup)", rc == 0,
          out + err)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=5)
    check("the socket file is removed at exit", not os.path.exists(sock))
    json_log(log)


# ---- D2: the toy internet, reloads, listings, trace, access ----

NEWZONE = """$ORIGIN newzone.com.
$TTL 3600
@	IN	SOA	ns1.example.com. hostmaster.newzone.com. 1 7200 3600 1209600 300
@		NS	ns1.example.com.
www		A	%s
"""


def add_newzone(zones, addr):
    with open(os.path.join(zones, "newzone.com.zone"), "w") as f:
        f.write(NEWZONE % addr)
    with open(os.path.join(zones, "map.yaml")) as f:
        text = f.read()
    if "newzone.com" not in text:
        with open(os.path.join(zones, "map.yaml"), "a") as f:
            f.write("  - name: newzone.com\n    file: newzone.com.zone\n    servers: [127.53.10.1]\n")
        with open(os.path.join(zones, "com.zone"), "a") as f:
            f.write("newzone\t172800\tNS\tns1.example\n")


def listings(sock, port):
    ask(port, "www.example.com")
    ask(port, "nowhere.example.com")
    rc, out, _ = ctl(sock, "status")
    check("status: version, configuration, listeners, counts",
          rc == 0 and re.search(r"^resolverd \S+, pid \d+, running since " + RFC3339, out, re.M) and
          "listening on: 127.0.0.1#%d" % port in out and "cache: " in out, out)
    rc, st = ctl_json(sock, "status")
    check("status --json", rc == 0 and st.get("threads") == 2 and "uptime_s" in st, str(st))
    rc, out, _ = ctl(sock, "stats")
    lines = out.splitlines()
    check("stats: one 'key value' line per counter",
          rc == 0 and len(lines) > 50 and all(re.fullmatch(r"[a-z0-9.+_A-Z-]+ \d+", l) for l in lines),
          out[:300])
    rc, out, _ = ctl(sock, "dump-cache")
    check("dump-cache: zone-file lines with the TTL left and trust",
          rc == 0 and re.search(r"^www\.example\.com\.\t\d+\tIN\tA\t192\.0\.2\.10\t; trust=answer-auth dnssec=\w+$", out, re.M)
          and re.search(r"^; NXDOMAIN nowhere\.example\.com\. \d+ trust=authority-auth dnssec=\w+ proof: example\.com\. ", out, re.M)
          and re.search(r"^example\.com\.\t\d+\tIN\tNS\tns1\.example\.com\.\t; trust=", out, re.M), out[:600])
    rc, d = ctl_json(sock, "dump-cache")
    check("dump-cache --json: every entry", rc == 0 and d.get("count", 0) > 10 and
          len(d.get("entries", [])) == d.get("count"), str(d)[:300])
    rc, out, _ = ctl(sock, "lookup", "www.example.com")
    check("lookup: the name's entries and the delegations above it, from the root",
          rc == 0 and re.search(r"^www\.example\.com\.\t\d+\tIN\tA\t192\.0\.2\.10", out, re.M) and
          re.search(r"^\.\t\d+\tIN\tNS\t", out, re.M) and re.search(r"^com\.\t\d+\tIN\tNS\t", out, re.M) and
          re.search(r"^ns1\.example\.com\.\t\d+\tIN\tA\t127\.53\.10\.1", out, re.M) and
          out.index("\ncom.") < out.index("\nexample.com."), out)
    rc, d = ctl_json(sock, "lookup", "www.example.com")
    check("lookup --json", rc == 0 and d.get("entries") and len(d.get("delegations", [])) > 3, str(d)[:300])
    rc, out, err = ctl(sock, "lookup", "nothing.example.net")
    check("lookup of a name not cached: says so, exit 0", rc == 0 and "; nothing" in out, out + err)
    infra(sock, port)


def infra(sock, port):
    """dump-infra shows the servers asked with their timing; flush-infra forgets them."""
    rc, out, _ = ctl(sock, "dump-infra")
    check("dump-infra: the servers asked, timed, and a count",
          rc == 0 and re.search(r"^127\.53\.\d+\.\d+ rtt \d+ ms \(variance \d+ ms\), timeout \d+ ms$", out, re.M)
          and re.search(r"^\d+ servers$", out, re.M), out[:600])
    rc, d = ctl_json(sock, "dump-infra")
    servers = d.get("servers", [])
    timed = [x["address"] for x in servers if x["timed"] and x["timeout_ms"] >= 200]
    check("dump-infra --json", rc == 0 and d.get("count") == len(servers) > 2 and timed, str(d)[:300])
    one = timed[0] if timed else "127.0.0.1"
    rc, out, _ = ctl(sock, "flush-infra", one)
    _, d2 = ctl_json(sock, "dump-infra")
    check("flush-infra ADDR forgets that server only",
          rc == 0 and out.strip() == "forgot 1 server: " + one and
          d2.get("count") == len(servers) - 1 and
          all(x["address"] != one for x in d2.get("servers", [])), out + str(d2)[:300])
    rc, out, _ = ctl(sock, "flush-infra", "all")
    _, d3 = ctl_json(sock, "dump-infra")
    check("flush-infra all forgets every server",
          rc == 0 and out.strip() == "forgot %d servers: every server" % (len(servers) - 1) and
          d3.get("count") == 0, out + str(d3)[:200])
    rc, out, err = ctl(sock, "flush-infra", "ns1.example.com")
    check("flush-infra NAME: a usage error, exit 1",
          rc == 1 and "expected all or an IP address" in err, out + err)


def trace(sock, port):
    _, st = ctl_json(sock, "stats")
    rc, out, err = ctl(sock, "trace", "www.example.com")
    _, st2 = ctl_json(sock, "stats")
    check("trace: qdig's +trace layout, ending in the answer",
          rc == 0 and ";; Priming the root name servers: . NS" in out and
          re.search(r";; Received \d+ bytes from (::ffff:)?127\.53\.0\.\d+#\d+\(\w\.root-servers\.net\) over UDP", out) and
          re.search(r"^www\.example\.com\.\s+\d+\s+IN\s+A\s+192\.0\.2\.10$", out, re.M | re.I), out + err)
    check("trace asks the servers although the answer is cached, and leaves the cache alone",
          st2.get("upstream.queries", 0) == st.get("upstream.queries", 0) and
          st2.get("cache.insertions") == st.get("cache.insertions") and
          re.search(r";; Received \d+ bytes from 127\.53\.10\.\d#\d+\(ns\d\.example\.com\)", out),
          "upstream %s -> %s, insertions %s -> %s" % (
              st.get("upstream.queries"), st2.get("upstream.queries"),
              st.get("cache.insertions"), st2.get("cache.insertions")))
    rc, d = ctl_json(sock, "trace", "www.shop.com")
    steps = d.get("steps", [])
    check("trace --json: the steps as qdig +trace +json gives them",
          rc == 0 and any(s.get("kind") == "cname" for s in steps) and steps[-1].get("kind") == "answer"
          and d.get("result", {}).get("rcode") == "NOERROR", str(d)[:400])
    rc, out, _ = ctl(sock, "trace", "loop.example.com")
    check("trace of a walk that fails: exit 1, says why",
          rc == 1 and "CNAME chain too long" in out and "The walk failed: SERVFAIL" in out, out[-300:])


def reloads(sock, port, cfg, zones, log):
    r, _ = ask(port, "www.newzone.com")
    add_newzone(zones, "192.0.2.77")
    rc, out, err = ctl(sock, "reload")
    check("reload: says which zones changed and were added",
          rc == 0 and "com. (changed)" in out and "newzone.com. (added)" in out and
          "config: reloaded" in out, out + err)
    ctl(sock, "flush-zone", "newzone.com")
    r2, reply = ask(port, "www.newzone.com")
    check("a reload picks up a new toy zone (NXDOMAIN before, the answer after)",
          r == 3 and r2 == 0 and reply and bytes([192, 0, 2, 77]) in reply, "%s %s" % (r, r2))
    with open(cfg) as f:
        good = f.read()
    with open(cfg, "w") as f:
        f.write(good.replace("access:\n  allow: [127.0.0.0/8]\n",
                             "access:\n  allow: [127.0.0.0/8]\n  refuse: [127.0.0.1]\n"))
    with open(os.path.join(zones, "newzone.com.zone"), "a") as f:
        f.write("bad\tA\t999.0.2.1\n")
    rc, out, err = ctl(sock, "reload")
    check("a bad zone file: reload exits 1 and names file and line",
          rc == 1 and re.search(r"newzone\.com\.zone:\d+", err), out + err)
    ctl(sock, "flush-zone", "newzone.com")
    r3, reply3 = ask(port, "www.newzone.com")
    check("a bad reload changes nothing: old zones served, new access list not taken",
          r3 == 0 and reply3 and bytes([192, 0, 2, 77]) in reply3, str(r3))
    with open(cfg, "w") as f:
        f.write(good + "server:\n  port: 1\n")
    rc, out, err = ctl(sock, "reload")
    check("a bad configuration: reload exits 1 with file:line: key: reason",
          rc == 1 and re.search(re.escape(cfg) + r":\d+: server: duplicate key", err), out + err)
    with open(cfg, "w") as f:
        f.write(good.replace("level: info", "level: debug").replace("threads: 2", "threads: 3"))
    add_newzone(zones, "192.0.2.78")
    os.kill(PIDS["d2"], signal.SIGHUP)
    ok = wait_for(lambda: "reload: zones: newzone.com. (changed)" in open(log).read())
    text = open(log).read()
    check("SIGHUP reloads the zones too and the log says what changed",
          ok and "reload: config: reloaded %s: changed server.threads (at restart), log.level" % cfg
          in text, text[-600:])
    with open(cfg, "w") as f:
        f.write(good)
    os.kill(PIDS["d2"], signal.SIGHUP)
    wait_for(lambda: open(log).read().count("reload: config") >= 4)
    ctl(sock, "flush", "www.newzone.com")
    r4, reply4 = ask(port, "www.newzone.com")
    check("... and the edited zone is served", r4 == 0 and reply4 and bytes([192, 0, 2, 78]) in reply4)


def access(sock, port, log):
    rc, out, err = ctl(sock, "status", nobody=True)
    check("another user is refused (socket mode 0600, no control.group)",
          rc == 1 and "Permission denied" in err, out + err)
    os.chmod(sock, 0o666)
    rc, out, err = ctl(sock, "status", nobody=True)
    check("... and refused by the peer check even when the file mode lets it connect",
          rc == 1 and "not allowed: uid 65534" in err, out + err)
    check("the refusal is logged", "control: refused a client: not allowed: uid 65534" in open(log).read())
    rc, out, err = ctl(sock, "bogus")
    check("an unknown command: exit 1, usage named", rc == 1 and "unknown command 'bogus'" in err, err)


def raw(sock, data, wait=1.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(wait)
    try:
        s.connect(sock)
        if data:
            s.sendall(data)
        got = b""
        while True:
            c = s.recv(4096)
            if not c:
                return got
            got += c
    except OSError:
        return None
    finally:
        s.close()


def limits(sock, port):
    got = raw(sock, b"bogus\n")
    check("the daemon parses requests itself: an unknown one gets an error",
          got is not None and got.startswith(b"error\nunknown command"), repr(got))
    got = raw(sock, b"a" * 1024)
    check("a request over 1024 bytes: refused, not read on", got == b"error\nrequest too long\n", repr(got))
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    t0 = time.monotonic()
    r, _ = ask(port, "www.example.com")
    quick = time.monotonic() - t0
    s.settimeout(5)
    try:
        closed = s.recv(10) == b""
    except OSError:
        closed = False
    dt = time.monotonic() - t0
    s.close()
    check("a silent control client holds up no query, and is closed after 2 s",
          r == 0 and quick < 0.5 and closed and 1.5 < dt < 4, "query %.3f s, closed %s after %.1f s"
          % (quick, closed, dt))


def log_level_and_stop(sock, port, log, p):
    rc, out, _ = ctl(sock, "log-level", "debug")
    ctl(sock, "flush", "www.example.com")
    ask(port, "www.example.com")
    rc2, _, _ = ctl(sock, "log-level", "info")
    text = open(log).read()
    check("log-level debug: the resolution steps are logged from now on",
          rc == 0 and rc2 == 0 and "resolverd[debug]: trace 0: www.example.com. A" in text, out)
    rc, out, _ = ctl(sock, "stop")
    try:
        status = p.wait(timeout=3)
    except subprocess.TimeoutExpired:
        status = None
    check("stop: says so, and the daemon exits 0 within 3 s", rc == 0 and out == "stopping\n" and
          status == 0, "%s %r %s" % (rc, out, status))


def text_log(log):
    lines = open(log).read().splitlines()
    bad = [l for l in lines if not re.match(RFC3339 + r" resolverd\[(error|warn|info|debug)\]: ", l)]
    check("text log: an RFC 3339 UTC timestamp and the level on every line (%d lines)" % len(lines),
          lines and not bad, "\n".join(bad[:5]))


PIDS = {}


def d2():
    toy = free_port()
    port = free_port()
    while port == toy:
        port = free_port()
    zones = os.path.join(TMP, "zones")
    shutil.copytree(os.path.join(TOP, "zones"), zones)
    sock = os.path.join(TMP, "d2.sock")
    text = ("server:\n  listen: [127.0.0.1]\n  port: %d\n  threads: 2\n"
            "access:\n  allow: [127.0.0.0/8]\n"
            "resolver:\n  root-hints: %s\n  upstream-port: %d\n  query-special-addresses: true\n"
            "log:\n  level: info\ncontrol:\n  socket: %s\n"
            "toy-internet:\n  map: %s\n  port: %d\n"
            % (port, os.path.join(TOP, "conf/toy-root.hints"), toy, sock,
               os.path.join(zones, "map.yaml"), toy))
    p, log = start_resolverd("d2", text, port)
    if not p:
        check("D2 starts", False)
        return
    PIDS["d2"] = p.pid
    cfg = os.path.join(TMP, "d2.yaml")
    listings(sock, port)
    trace(sock, port)
    reloads(sock, port, cfg, zones, log)
    limits(sock, port)
    access(sock, port, log)
    log_level_and_stop(sock, port, log, p)
    text_log(log)


def journal():
    port = free_port()
    log = os.path.join(TMP, "d3.yaml.log")
    open(log, "w").close()
    st = os.stat(log)
    os.environ["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
    p, log = start_resolverd("d3", "server:\n  listen: [127.0.0.1]\n  port: %d\nresolver:\n"
                             "  root-hints: %s\n" % (port, os.path.join(TOP, "conf/root.hints")),
                             port)
    del os.environ["JOURNAL_STREAM"]
    if not p:
        check("D3 starts", False)
        return
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=5)
    lines = open(log).read().splitlines()
    check("under systemd (JOURNAL_STREAM is stderr): <N> priority prefixes, no timestamps",
          lines and all(re.match(r"<[3467]>resolverd\[", l) for l in lines) and
          any(l.startswith("<6>resolverd[info]: listening on") for l in lines), "\n".join(lines[:5]))


def main():
    if not os.path.exists(CTL) or not os.path.exists(RESOLVERD):
        skip("resolverd-ctl is not built")
        done_testing()
    os.chmod(TMP, 0o755)  # nobody must reach the sockets for the access checks
    d1()
    d2()
    journal()
    done_testing()


main()
