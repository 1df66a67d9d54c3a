#!/usr/bin/env bash
# tests/system/qdig_xfr.sh: zone transfers (AXFR, IXFR): resolverd's toy servers give them to
# loopback clients, and qdig prints them as Debian's dig 9.18 does, byte for byte once the
# version, times and dates are normalised, against our servers and against NSD serving the
# same zones (provide-xfr for 127.0.0.0/8).
#
# Three zones: example.com (small), dnssec (signed: RRSIG, NSEC, DNSKEY) and big.test, made
# here with 3,000 records (several messages of 16 KiB); and, on our server only, huge.test of
# 250,000 records (8 MB, more than socket buffers hold) for the non-reading client: its
# stalled transfer must not delay another client's question on the same (only) worker, and
# the idle timer must close it. AXFR over UDP is NOTIMP (as NSD), IXFR over UDP the SOA.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
own_netns 55

[ -x "$RESOLVERD" ] || { skip "resolverd is not built"; done_testing; }
OURS=$(free_port) && THEIRS=$(free_port) || { not_ok "free ports"; done_testing; }
while [ "$OURS" = "$THEIRS" ]; do THEIRS=$(free_port); done
EX=127.53.202.1 SIGNED=127.53.202.2 BIG=127.53.202.3 HUGE=127.53.202.4

zone_of() { # zone_of NAME COUNT: a zone with COUNT A and TXT records below its apex
	awk -v z="$1" -v n="$2" 'BEGIN {
		printf "$ORIGIN %s.\n$TTL 300\n@ SOA ns hostmaster 2026120101 3600 900 604800 60\n", z
		print "@ NS ns"; print "ns A 127.53.202.3"
		for (i = 0; i < n; i++)
			if (i % 3) printf "h%05d A 192.0.2.%d\n", i, i % 250
			else printf "t%05d TXT \"record %d of the zone %s\"\n", i, i, z
	}'
}
zone_of big.test 3000 >"$T_TMP/big.test.zone"
zone_of huge.test 250000 >"$T_TMP/huge.test.zone"

cat >"$T_TMP/map.yaml" <<EOF
zones:
  - name: example.com
    file: $TOP/zones/example.com.zone
    servers: [$EX]
  - name: dnssec
    file: $TOP/zones/dnssec.zone.signed
    servers: [$SIGNED]
  - name: big.test
    file: $T_TMP/big.test.zone
    servers: [$BIG]
  - name: huge.test
    file: $T_TMP/huge.test.zone
    servers: [$HUGE]
EOF
printf 'server:\n  threads: 1\n  tcp-idle-timeout-ms: 1500\n' >"$T_TMP/toy.yaml"
printf 'toy-internet:\n  map: %s\n  port: %s\n' "$T_TMP/map.yaml" "$OURS" >>"$T_TMP/toy.yaml"
start_bg "$T_TMP/toy.log" "$RESOLVERD" --auth-only "$T_TMP/toy.yaml"
TOY_PID=$LAST_PID
wait_dns "$EX" "$OURS" 10 ||
	{ not_ok "resolverd --auth-only starts: $(tail -n 2 "$T_TMP/toy.log")"; done_testing; }

# NSD, one per address (each answers from its own zone), transfers allowed to loopback.
nsd_xfr() { # nsd_xfr ADDR ZONE FILE
	local dir
	dir=$(mktemp -d "$T_TMP/nsd.XXXXXX")
	{
		printf 'server:\n  ip-address: %s@%s\n  port: %s\n  username: ""\n' "$1" "$THEIRS" "$THEIRS"
		printf '  database: ""\n  pidfile: "%s/nsd.pid"\n  xfrdfile: "%s/xfrd.state"\n' "$dir" "$dir"
		printf '  zonelistfile: "%s/zone.list"\n  logfile: "%s/nsd.log"\n' "$dir" "$dir"
		printf '  rrl-ratelimit: 0\n  verbosity: 1\n  server-count: 1\n'
		printf 'remote-control:\n  control-enable: no\n'
		printf 'zone:\n  name: %s\n  zonefile: "%s"\n  provide-xfr: 127.0.0.0/8 NOKEY\n' "$2" "$3"
	} >"$dir/nsd.conf"
	start_bg "$dir/stdout.log" nsd -d -c "$dir/nsd.conf"
	wait_dns "$1" "$THEIRS" 10 || { cat "$dir/nsd.log" >&2; return 1; }
}
nsd_xfr "$EX" example.com "$TOP/zones/example.com.zone" &&
	nsd_xfr "$SIGNED" dnssec "$TOP/zones/dnssec.zone.signed" &&
	nsd_xfr "$BIG" big.test "$T_TMP/big.test.zone" || { not_ok "NSD starts"; done_testing; }

norm() {
	sed -E -e 's/^; <<>> (DiG [^ ]+|qdig [^ ]+) <<>>/; <<>> VERSION <<>>/' \
		-e 's/Query time: [0-9]+ (m|u)sec/Query time: T/' -e 's/^;; WHEN: .*/;; WHEN: DATE/' \
		-e 's/!!timestamp .*/!!timestamp T/' -e 's/^      id: [0-9]+$/      id: ID/'
}

who() { # who PORT: whose server listens there
	case $1 in "$OURS") echo ours ;; "$THEIRS") echo NSD ;; *) echo "port $1" ;; esac
}

same() { # same PORT ARGS...: dig and qdig print the same and exit the same
	local port=$1 d q
	shift
	d=$(dig -p "$port" "$@" 2>&1 | norm; echo "exit ${PIPESTATUS[0]}")
	q=$("$QDIG" -p "$port" "$@" 2>&1 | norm; echo "exit ${PIPESTATUS[0]}")
	if [ "$d" = "$q" ] && [ "$(wc -l <<<"$d")" -ge 2 ]; then
		ok "same as dig ($(who "$port")): $*"
	else
		not_ok "differs from dig ($(who "$port")): $*"
		diff <(echo "$d") <(echo "$q") | head -20 | sed 's/^/    /'
	fi
}

SERIAL_EX=2024060101
SERIAL_SIGNED=$(dig +short -p "$OURS" "@$SIGNED" dnssec SOA | awk '{ print $3 }')
for port in "$OURS" "$THEIRS"; do
	same "$port" "@$EX" example.com AXFR
	same "$port" "@$EX" -t AXFR example.com +onesoa
	same "$port" "@$EX" example.com axfr +multiline
	same "$port" "@$EX" example.com AXFR +short
	same "$port" "@$EX" example.com AXFR +noall +answer
	same "$port" "@$EX" example.com AXFR +nostats +nocmd
	same "$port" "@$EX" example.com ixfr=$SERIAL_EX
	same "$port" "@$EX" example.com ixfr=$((SERIAL_EX + 1)) +onesoa
	same "$port" "@$EX" -t IXFR=$((SERIAL_EX - 1)) example.com
	same "$port" "@$EX" example.com ixfr=$((SERIAL_EX - 1)) +onesoa
	same "$port" "@$EX" www.example.com AXFR
	same "$port" "@$EX" example.org AXFR +short
	same "$port" "@$SIGNED" dnssec AXFR
	same "$port" "@$SIGNED" dnssec AXFR +multiline +onesoa
	same "$port" "@$SIGNED" dnssec ixfr=$SERIAL_SIGNED
	same "$port" "@$BIG" big.test AXFR
	same "$port" "@$BIG" big.test ixfr=1 +short
	same "$port" "@$EX" example.com AXFR +yaml
	same "$port" "@$EX" example.com AXFR +yaml +onesoa
	same "$port" "@$EX" www.example.com AXFR +yaml
done
# dig +yaml leaves the header fields out of a message whose YAML passes about 32 KB (its text
# buffer grows and the header is lost). NSD packs about 720 records of big.test in 16 KB
# (36 KB of YAML), we about 500, so this case is compared against ours only.
same "$OURS" "@$BIG" big.test AXFR +yaml +onesoa

DEAD=$(free_port)
same "$DEAD" "@$EX" example.com AXFR +tries=2
out=$("$QDIG" -p "$OURS" "@$BIG" big.test AXFR | tail -n 2)
check "big.test comes in several messages: $out" \
	grep -Eq '^;; XFR size: 3004 records \(messages ([2-9]|[1-9][0-9]+),' <<<"$out"

# What dig cannot send: AXFR over UDP (NOTIMP, as NSD), IXFR over UDP (the SOA: ask by TCP).
udp_rcode() { # udp_rcode PORT ADDR ZONE TYPE: the rcode and the answer count of the reply
	python3 - "$@" <<'EOF'
import socket, struct, sys
port, addr, zone, qtype = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
q = struct.pack(">HHHHHH", 0x4242, 0, 1, 0, 1 if qtype == 251 else 0, 0)
qn = b"".join(bytes([len(l)]) + l.encode() for l in zone.split(".")) + b"\0"
q += qn + struct.pack(">HH", qtype, 1)
if qtype == 251:  # the client's SOA, serial 1 (behind)
    q += qn + struct.pack(">HHIH", 6, 1, 0, 22) + b"\0\0" + struct.pack(">IIIII", 1, 0, 0, 0, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(q, (addr, port))
r = s.recv(65535)
print(struct.unpack(">H", r[2:4])[0] & 15, struct.unpack(">H", r[6:8])[0])
EOF
}
check "AXFR over UDP: NOTIMP from ours" [ "$(udp_rcode "$OURS" "$EX" example.com 252)" = "4 0" ]
check "AXFR over UDP: NOTIMP from NSD" [ "$(udp_rcode "$THEIRS" "$EX" example.com 252)" = "4 0" ]
check "IXFR over UDP, behind: the SOA alone" \
	[ "$(udp_rcode "$OURS" "$EX" example.com 251)" = "0 1" ]

# A client that asks for huge.test and reads nothing: the worker (there is one) answers the
# others at once, holds a bounded buffer for it (measured first, before any other transfer
# of huge.test has grown the heap), and the idle timer closes the stalled connection, which
# got only part.
python3 - "$OURS" "$HUGE" "$EX" "$TOY_PID" >"$T_TMP/stall.out" 2>&1 <<'EOF'
import socket, struct, subprocess, sys, time
port, huge, ex, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def rss_kb():
    with open("/proc/%s/status" % pid) as f:
        return int([l for l in f if l.startswith("VmRSS:")][0].split()[1])
rss0 = rss_kb()
qn = b"\x04huge\x04test\0"
q = struct.pack(">HHHHHH", 0x4343, 0, 1, 0, 0, 0) + qn + struct.pack(">HH", 252, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((huge, port))
s.sendall(struct.pack(">H", len(q)) + q)
time.sleep(0.5)  # the server has filled what the socket takes
print("rss_growth_kb %d" % (rss_kb() - rss0))
worst = 0.0
for args in (["+notcp"], ["+tcp"]):
    t = time.monotonic()
    out = subprocess.run(["dig", "+tries=1", "+time=2", "-p", str(port), "@" + ex,
                          "www.example.com", "+short"] + args, capture_output=True, text=True)
    worst = max(worst, time.monotonic() - t)
    print("answer", args[0], out.stdout.strip())
print("worst_ms %d" % (worst * 1000))
time.sleep(3)  # past the idle timeout of 1.5 s
s.settimeout(5)
got, closed, t = 0, False, time.monotonic()
while time.monotonic() - t < 10:
    try:
        b = s.recv(65536)
    except (ConnectionResetError, socket.timeout):
        closed = True
        break
    if not b:
        closed = True
        break
    got += len(b)
print("closed %s got %d" % (closed, got))
EOF
sed 's/^/    /' "$T_TMP/stall.out"
out=$("$QDIG" -p "$OURS" "@$HUGE" huge.test AXFR | tail -n 2)
check "huge.test whole: $out" grep -q '^;; XFR size: 250004 records ' <<<"$out"
HUGE_BYTES=$(sed -nE 's/.*bytes ([0-9]+)\)$/\1/p' <<<"$out")
check "a stalled transfer: UDP still answered" \
	grep -q '^answer +notcp 192.0.2.10$' "$T_TMP/stall.out"
check "a stalled transfer: TCP still answered" grep -q '^answer +tcp 192.0.2.10$' "$T_TMP/stall.out"
if ldd "$RESOLVERD" | grep -q 'libasan\|libtsan'; then # a quarantine keeps freed memory
	skip "a stalled transfer holds a bounded buffer: not measurable under make asan"
else
	check "a stalled transfer holds a bounded buffer (RSS growth under 2 MB)" \
		awk '/^rss_growth_kb/ { exit !($2 < 2048) }' "$T_TMP/stall.out"
fi
check "a stalled transfer delays no one (under 500 ms)" \
	awk '/^worst_ms/ { exit !($2 < 500) }' "$T_TMP/stall.out"
check "the stalled reader is closed, short of the zone's $HUGE_BYTES bytes (stops by itself)" \
	awk -v all="${HUGE_BYTES:-0}" '/^closed/ { exit !($2 == "True" && $4 < all) }' "$T_TMP/stall.out"

# A reader that keeps up with huge.test does not starve the worker's other clients either.
"$QDIG" -p "$OURS" "@$HUGE" huge.test AXFR >"$T_TMP/huge.out" 2>&1 &
bg=$!
start=$(date +%s%N)
ans=$(dig +tries=1 +time=2 -p "$OURS" "@$EX" www.example.com +short)
ms=$((($(date +%s%N) - start) / 1000000))
wait "$bg"
check "a question during a fast transfer: answered in ${ms} ms" \
	[ "$ans" = 192.0.2.10 -a "$ms" -lt 500 ]
check "and the transfer completes" grep -q '^;; XFR size: 250004 records ' "$T_TMP/huge.out"
check "resolverd still runs" kill -0 "$TOY_PID"
done_testing
