#!/usr/bin/env bash
# tests/system/resolver_daemon.sh: resolverd as a service, on the offline toy internet.
#
# One resolverd (two workers) serves the toy internet on a free port and resolves from its
# root on another. Checked here, with dig and qdig as clients: the answers' header (RA, the
# question's case, EDNS, TC and TCP), the cache (a second question sends nothing upstream, by
# the counters SIGUSR1 logs; TTLs count down; RD=0 is answered from the cache only), the
# defences (loops end in SERVFAIL quickly, the access lists, garbage datagrams and streams),
# the dead server within the time budget, configuration errors, SIGHUP and SIGTERM.
# toy_cases.sh resolves every named case; resolver_host.sh covers port 53 and valgrind.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"

[ -x "$RESOLVERD" ] || { skip "resolverd is not built"; done_testing; }
PY=/usr/bin/python3
TOY=$(free_port) || { not_ok "a free port"; done_testing; }
RES=$(free_port)
while [ "$RES" = "$TOY" ]; do RES=$(free_port); done

resolver_yaml() { # the resolver's part of the configuration; $1: more access lines
	printf 'server:\n  listen: [127.0.0.1]\n  port: %s\n  threads: 2\n' "$RES"
	printf 'access:\n  allow: [127.0.0.0/8]\n%s' "${1:-}"
	printf 'resolver:\n  root-hints: %s\n  upstream-port: %s\n' "$TOP/conf/toy-root.hints" "$TOY"
	printf '  query-special-addresses: true\n'
}
start_toy "$TOY" "$(resolver_yaml "  refuse: [127.0.0.3]
")" && wait_dns 127.0.0.1 "$RES" 10 || { not_ok "resolverd starts"; done_testing; }
PID=$LAST_PID CFG=$TOY_CFG LOG=$TOY_CFG.log

OUT=""
dr() { OUT=$(dig +tries=1 +time=5 +nocookie -p "$RES" @127.0.0.1 "$@" 2>&1); }
has() { grep -Eq -- "$1" <<<"$OUT"; }
in_answer() { answer | grep -Eq -- "$1"; }
status() { sed -nE 's/.*status: ([A-Z]+),.*/\1/p' <<<"$OUT"; }
answer() { dig_section ANSWER <<<"$OUT"; }

# counter NAME: the last value SIGUSR1 made the daemon log ("12 upstream queries").
counter() {
	local before
	before=$(grep -c ' queries, ' "$LOG")
	kill -USR1 "$PID"
	for _ in $(seq 1 50); do
		[ "$(grep -c ' queries, ' "$LOG")" -gt "$before" ] && break
		sleep 0.05
	done
	grep ' queries, ' "$LOG" | tail -n 1 | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+'
}
# same_count A B: both are counts, and equal (two missing counters are not the same count).
same_count() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" = "$2" ]; }

echo "# answers"
dr WwW.ExAmPlE.cOm A
check "dig gets the answer" in_answer ' IN A 192\.0\.2\.10$'
check "RA and RD set, no AA" has '^;; flags: qr rd ra;'
check "the question comes back in the client's case" has '^;WwW\.ExAmPlE\.cOm\.[[:space:]]+IN[[:space:]]+A$'
check "EDNS answered with our size, 1232" has '^; EDNS: version: 0, flags:; udp: 1232$'
dr example.com DS
check "DS is asked of the parent, example.com's servers cached or not (RFC 4035 3.1.4.1)" \
	eval 'has "status: NOERROR" && has "^com\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+SOA[[:space:]]"'
dr www.example.com +dnssec
check "DO asked, DO repeated in the reply (RFC 3225 section 3), with the answer" \
	eval 'in_answer " IN A 192\.0\.2\.10$" && has "^; EDNS: version: 0, flags: do; udp: 1232$"'
dr nowhere.example.com +dnssec
check "DO repeated on a denial too" \
	eval 'has "status: NXDOMAIN" && has "^; EDNS: version: 0, flags: do; udp: 1232$"'
dr www.example.com +noedns
check "no EDNS asked, none given (and the answer came)" \
	eval 'in_answer " IN A 192\.0\.2\.10$" && ! has "OPT PSEUDOSECTION"'
dr big.example.com TXT +ignore +bufsize=1232
check "a reply over 1232 bytes has TC=1 over UDP" has '^;; flags: qr tc rd ra;'
dr big.example.com TXT
check "dig retries over TCP and gets all 40 records" [ "$(answer | grep -c ' TXT ')" = 40 ]
dr www.example.com +opcode=status
check "an opcode other than QUERY: NOTIMP" [ "$(status)" = NOTIMP ]
dr www.example.com CH
check "a class other than IN: REFUSED" [ "$(status)" = REFUSED ]
# A transfer is refused (it is not ours to give); qdig says it as dig, "Transfer failed.",
# and the rcode is read from the wire.
OUT=$("$QDIG" +tries=1 +timeout=5 -p "$RES" @127.0.0.1 example.com AXFR 2>&1)
check "AXFR: qdig says the transfer failed" grep -qx '; Transfer failed.' <<<"$OUT"
rcode=$(python3 - "$RES" <<'EOF'
import socket, struct, sys
q = struct.pack(">HHHHHH", 0x5151, 0, 1, 0, 0, 0) + b"\x07example\x03com\0" + struct.pack(">HH", 252, 1)
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(struct.pack(">H", len(q)) + q)
r = s.recv(4096)
print(struct.unpack(">H", r[4:6])[0] & 15)
EOF
)
check "AXFR over TCP: REFUSED, it is not ours to transfer ($rcode)" [ "$rcode" = 5 ]

echo "# the cache"
up=$(counter "upstream queries")
dr www.example.org
ttl1=$(answer | awk '$4 == "A" { print $2 }')
up2=$(counter "upstream queries")
check "a first question goes upstream ($up -> $up2 queries) and is answered" \
	eval '[ "${up2:-0}" -gt "${up:-0}" ] && in_answer " IN A 192\.0\.2\.20$"'
sleep 1.1
hits=$(counter "cache hits")
dr www.example.org
ttl2=$(answer | awk '$4 == "A" { print $2 }')
check "the second is answered from the cache: no upstream query" \
	eval 'in_answer " IN A 192\.0\.2\.20$" && same_count "$(counter "upstream queries")" "$up2"'
check "and counted as a cache hit" same_count "$(counter "cache hits")" $((${hits:-0} + 1))
check "its TTL counts down ($ttl1 then $ttl2)" [ "${ttl2:-x}" -lt "${ttl1:-0}" ]
dr www.example.org +norec
check "RD=0 for a cached name: the cached answer" in_answer ' IN A 192\.0\.2\.20$'
up=$(counter "upstream queries")
dr never.example.net +norec
check "RD=0 for anything else: answered ($(status)), no upstream query" \
	eval '[ -n "$(status)" ] && same_count "$(counter "upstream queries")" "$up"'

echo "# limits and loops"
for q in loop.example.com www.loop-a.net; do
	t0=$(date +%s%N)
	dr "$q"
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "$q: SERVFAIL, in $ms ms (under 2 s)" eval '[ "$(status)" = SERVFAIL ] && [ $ms -lt 2000 ]'
done
check "the CNAME loop's log line names the limit" \
	grep -q 'SERVFAIL for loop.example.*: limit: CNAME chain too long' "$LOG"
t0=$(date +%s%N)
dr www.halfdead.org
ms=$((($(date +%s%N) - t0) / 1000000))
check "beside a dead server: answered in $ms ms, well inside the 10 s budget" \
	eval 'in_answer " IN A 192\.0\.2\.60$" && [ $ms -lt 3000 ]'

echo "# access lists"
dr -b 127.0.0.3 www.example.com
check "a client in access.refuse gets REFUSED" [ "$(status)" = REFUSED ]
dr -b 127.0.0.2 www.example.com
check "its neighbour is answered" [ "$(status)" = NOERROR ]
dr -b 127.0.0.3 www.example.com +tcp
check "over TCP too, the client in access.refuse gets REFUSED" \
	eval '[ "$(status)" = REFUSED ] && has "\(TCP\)"'
dr -b 127.0.0.2 www.example.com +tcp
check "and its neighbour is answered over TCP" [ "$(status)" = NOERROR ]

echo "# garbage"
garbage_udp() { # sends each datagram kind; prints the replies' rcodes (or "none")
	$PY - "$RES" <<'EOF'
import os, random, socket, struct, sys
port = int(sys.argv[1])
def ask(data):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    s.sendto(data, ("127.0.0.1", port))
    try:
        r = s.recv(4096)
        return "rcode=%d,id=%d" % (r[3] & 15, struct.unpack("!H", r[:2])[0])
    except socket.timeout:
        return "none"
q = struct.pack("!HHHHHH", 4660, 0x0100, 1, 0, 0, 0) + b"\x03www\x07example\x03com\x00\x00\x01\x00\x01"
print("short", ask(b"\x12\x34\x01"))
print("response", ask(struct.pack("!H", 4660) + b"\x81\x00" + q[4:]))
print("truncated", ask(q[:-3]))
print("badlabel", ask(q[:12] + b"\x45" + q[13:]))
print("trailing", ask(q + b"junk"))
random.seed(53)
for i in range(300):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(os.urandom(random.randrange(1, 600)), ("127.0.0.1", port))
    s.close()
print("good", ask(q))
EOF
}
G=$(garbage_udp)
check "under 12 bytes: dropped" grep -q '^short none$' <<<"$G"
check "a response (QR=1): dropped, never answered" grep -q '^response none$' <<<"$G"
check "a truncated question: FORMERR" grep -q '^truncated rcode=1,id=4660$' <<<"$G"
check "a label running past the end: FORMERR" grep -q '^badlabel rcode=1,id=4660$' <<<"$G"
check "after 300 random datagrams the daemon still answers" grep -q '^good rcode=0,id=4660$' <<<"$G"
check "the daemon counted them" eval '[ "$(counter dropped)" -gt 0 ] && [ "$(counter formerr)" -gt 0 ]'
T=$($PY - "$RES" "$PID" <<'EOF'
import socket, struct, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
def q(i, name, qtype=1):  # a query with its TCP length prefix
    body = struct.pack("!HHHHHH", i, 0x0100, 1, 0, 0, 0)
    body += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\x00"
    body += struct.pack("!HH", qtype, 1)
    return struct.pack("!H", len(body)) + body
def replies(f, n):  # id -> rcode of the next n replies
    out = {}
    for _ in range(n):
        m = f.read(struct.unpack("!H", f.read(2))[0])
        out[struct.unpack("!H", m[:2])[0]] = m[3] & 15
    return out
def rss_kb():
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
s = socket.create_connection(("127.0.0.1", port), timeout=5)
f = s.makefile("rb")
# More questions than one connection may have in flight (64), none of them cached.
s.sendall(b"".join(q(i, "p%d.wild.example.com" % i) for i in range(1, 101)))
r = replies(f, 100)
print("pipelined", len(r), sorted(r) == list(range(1, 101)))
junk = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\x40junk"
s.sendall(struct.pack("!H", len(junk)) + junk + q(8, "www.example.com"))
print("junk", replies(f, 2))
# A client that sends and never reads: the replies queued for it stay bounded.
u = socket.create_connection(("127.0.0.1", port), timeout=2)
before = rss_kb()
try:
    u.sendall(q(9, "big.example.com", 16) * 20000)
except socket.timeout:
    pass
time.sleep(0.5)
print("unread_growth_kb", rss_kb() - before)
EOF
)
check "TCP: 100 questions in one write (more than the 64 in flight): 100 replies" \
	grep -q '^pipelined 100 True$' <<<"$T"
check "TCP: a malformed message gets FORMERR, the next question its answer" \
	grep -q '^junk {7: 1, 8: 0}$' <<<"$T"
growth=$(sed -n 's/^unread_growth_kb //p' <<<"$T")
check "TCP: 20,000 big answers left unread cost the daemon ${growth:-?} KB, not 56 MB" \
	eval '[ -n "$growth" ] && [ "$growth" -lt 16384 ]'
dr www.example.com
check "and the daemon still answers" [ "$(status)" = NOERROR ]

echo "# TCP limits: a second resolverd with one worker, 2 connections, 400 ms idle"
TOY2=$(free_port) RES2=$(free_port)
start_toy "$TOY2" "server:
  listen: [127.0.0.1]
  port: $RES2
  threads: 1
  tcp-max-connections: 2
  tcp-idle-timeout-ms: 400
resolver:
  root-hints: $TOP/conf/toy-root.hints
  upstream-port: $TOY2
  query-special-addresses: true
" && wait_dns 127.0.0.1 "$RES2" 10 || not_ok "a second resolverd starts"
T=$($PY - "$RES2" <<'EOF2'
import socket, struct, sys, time
port = int(sys.argv[1])
q = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\x03www\x07example\x03com\x00\x00\x01\x00\x01"
def ask(s):
    s.sendall(struct.pack("!H", len(q)) + q)
    try:
        n = s.recv(2)
        return "answered" if len(n) == 2 else "closed"
    except (ConnectionResetError, socket.timeout):
        return "closed"
conns = [socket.create_connection(("127.0.0.1", port), timeout=3) for _ in range(3)]
time.sleep(0.1)
print("third", ask(conns[2]))
print("first", ask(conns[0]))
time.sleep(1.0)
print("idle", ask(conns[1]))
EOF2
)
check "over tcp-max-connections, a new connection is admitted and served" \
	grep -q '^third answered$' <<<"$T"
check "by closing the oldest idle one (RFC 7766 6.2.3)" grep -q '^first closed$' <<<"$T"
check "an idle connection is closed after tcp-idle-timeout-ms" grep -q '^idle closed$' <<<"$T"

# All twenty clients must ask inside the root's delay: 1 s leaves room for starting twenty digs
# on a loaded machine (200 ms did not always); the first timeout is longer still.
echo "# identical questions in flight: one resolution (a root that answers after 1 s)"
SLOW=$(free_port) RES3=$(free_port)
cat >"$T_TMP/slow.py" <<'EOF2'
# A root server for A questions: after argv[2] seconds, an AA answer (A 192.0.2.1; its own NS and A).
# Its priming answer has no glue: the resolver must keep the hints' address.
import socket, struct, sys, threading, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.9", int(sys.argv[1])))
def answer(q, peer):
    time.sleep(float(sys.argv[2]))
    end = q.index(b"\0", 12) + 5
    qname, qtype = q[12:end - 4], struct.unpack("!H", q[end - 4:end - 2])[0]
    if qtype == 2:
        rd = b"\x01a\x0croot-servers\x03net\x00"
        rr = b"\xc0\x0c" + struct.pack("!HHIH", 2, 1, 3600, len(rd)) + rd
    else:
        addr = [127, 0, 0, 9] if qname.startswith(b"\x01a\x0croot-servers") else [192, 0, 2, 1]
        rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 3600, 4) + bytes(addr)
    head = q[:2] + struct.pack("!HHHHH", 0x8400, 1, 1, 0, 0)
    s.sendto(head + q[12:end] + rr, peer)
deadline = time.time() + 60
while time.time() < deadline:
    q, peer = s.recvfrom(4096)
    print("port", peer[1], flush=True)
    threading.Thread(target=answer, args=(q, peer), daemon=True).start()
EOF2
start_bg "$T_TMP/slow.log" $PY "$T_TMP/slow.py" "$SLOW" 1.0
printf '. 3600000 NS a.root-servers.net.\na.root-servers.net. 3600000 A 127.0.0.9\n' \
	>"$T_TMP/slow.hints"
printf 'server:\n  listen: [127.0.0.1]\n  port: %s\nresolver:\n  root-hints: %s\n  upstream-port: %s\n' \
	"$RES3" "$T_TMP/slow.hints" "$SLOW" >"$T_TMP/slow.yaml"
printf '  first-timeout-ms: 4000\n' >>"$T_TMP/slow.yaml"
start_bg "$T_TMP/slow.yaml.log" "$RESOLVERD" "$T_TMP/slow.yaml"
PID3=$LAST_PID
# Ready when it answers an A question (wait_dns asks . SOA, which this root cannot answer).
for _ in $(seq 1 20); do
	dig +short +tries=1 +time=4 -p "$RES3" @127.0.0.1 ready.example A | grep -q . && break
done
for i in $(seq 1 20); do
	dig +tries=1 +time=5 -p "$RES3" @127.0.0.1 same.example A >"$T_TMP/same.$i" 2>&1 &
done
for _ in $(seq 1 100); do
	[ "$(grep -l 'status: NOERROR' "$T_TMP"/same.* 2>/dev/null | wc -l)" = 20 ] && break
	sleep 0.1
done
check "twenty clients asking the same question all get the answer" \
	[ "$(grep -l '192\.0\.2\.1$' "$T_TMP"/same.* | wc -l)" = 20 ]
kill -USR1 "$PID3"
for _ in $(seq 1 50); do grep -q ' queries, ' "$T_TMP/slow.yaml.log" && break; sleep 0.1; done
line=$(grep ' queries, ' "$T_TMP/slow.yaml.log" | tail -n 1)
check "one resolution, the others joined it ($line)" grep -q ' (19 joined),' <<<"$line"
digs=()
for i in $(seq 1 30); do
	dig +tries=1 +time=5 -p "$RES3" @127.0.0.1 "name$i.example" A >/dev/null 2>&1 &
	digs+=($!)
done
wait "${digs[@]}"
n=$(grep -c '^port ' "$T_TMP/slow.log")
d=$(sort -u "$T_TMP/slow.log" | grep -c '^port ')
check "each upstream query leaves from a port of its own ($d ports for $n queries)" \
	eval '[ $n -ge 30 ] && [ $d -ge $((n - 1)) ]'

echo "# configuration"
bad=$T_TMP/bad.yaml
printf 'server:\n  port: 5300\n  lisen: [127.0.0.1]\n' >"$bad"
msg=$("$RESOLVERD" -c "$bad" 2>&1)
rc=$?
check "an unknown key stops the start with file:line: key ($msg)" \
	eval '[ $rc = 1 ] && grep -q "$bad:3: server.lisen: unknown key" <<<"$msg"'
printf 'cache:\n  size: lots\n' >"$bad"
msg=$("$RESOLVERD" -c "$bad" 2>&1)
check "a bad value names the key and the reason ($msg)" grep -q "$bad:2: cache.size: not a size" <<<"$msg"
"$RESOLVERD" -c "$T_TMP/missing.yaml" >/dev/null 2>&1
check "a missing file: exit status 1" [ $? = 1 ]

echo "# SIGHUP"
up=$(counter "upstream queries")
cp "$CFG" "$CFG.good"
sed 's/refuse: \[127.0.0.3\]/refuse: [127.0.0.3, 127.0.0.4]/' "$CFG.good" >"$CFG"
kill -HUP "$PID"
for _ in $(seq 1 50); do grep -q 'reloaded' "$LOG" && break; sleep 0.05; done
dr -b 127.0.0.4 www.example.com
check "after SIGHUP the new access list is in force" [ "$(status)" = REFUSED ]
dr www.example.org
check "and the cache was kept: answered, no upstream query" \
	eval 'in_answer " IN A 192\.0\.2\.20$" && same_count "$(counter "upstream queries")" "$up"'
printf 'server:\n  threads: many\n' >"$CFG"
kill -HUP "$PID"
for _ in $(seq 1 50); do grep -q 'kept the configuration in force' "$LOG" && break; sleep 0.05; done
check "a bad configuration on SIGHUP is refused, and why" \
	grep -q "reload: config: kept the configuration in force: $CFG:2: server.threads" "$LOG"
dr -b 127.0.0.4 www.example.com
check "and the one in force stays" [ "$(status)" = REFUSED ]

echo "# SIGTERM"
t0=$(date +%s%N)
kill -TERM "$PID"
wait "$PID"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "SIGTERM: exit status 0 ($rc), in $ms ms" eval '[ $rc = 0 ] && [ $ms -lt 2000 ]'
check "the final counters are logged" grep -q 'stopping (signal 15)' "$LOG"

done_testing
