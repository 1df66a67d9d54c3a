#!/usr/bin/env bash
# tests/bench/resolvers.sh: resolverd side by side with Unbound, and with a server that answers
# from one pre-built reply (the floor), on a toy hierarchy served by NSD (issue 7).
#
# The hierarchy (written to a temporary directory): a root, 4 TLDs (com net org info) and 1,000
# second-level zones z0.com ... z999.<tld>, each with www, mail, ns1 and a wildcard. Three NSD
# instances serve it on port 53, one per level, so no instance answers from a deeper zone and
# the walk really goes root -> TLD -> SLD: the root on 127.54.0.1, the TLDs on 127.54.1.1-4, the
# SLDs on 127.54.2.1-20 (127.54/16: zones/map.yaml has 127.53/16). Rate limiting is off.
# resolverd and Unbound get the same settings: one thread, no DNSSEC validation (but see
# below), QNAME minimisation on (both defaults: relaxed), 64 MiB of cache, root hints to the
# bench root, loopback upstreams allowed. The resolver runs on CPU 0; the load clients and NSD run on CPU 1.
#
# A signed copy of the hierarchy (issue 12) is made at each run with fresh keys
# (ldns-keygen, ldns-signzone, ldns-key2ds; nothing is committed): RSASHA256 (2048 bits) and
# NSEC at the root, ECDSA P-256 and NSEC3 (no salt, no extra iterations) in the TLDs, ECDSA
# P-256 and NSEC in the SLDs, a KSK and a ZSK in each zone, the DS records in the parents,
# signatures valid from a day ago for 30 days. Three more NSD instances serve it on
# 127.54.10.1, 127.54.11.1-4 and 127.54.12.1-20. Two more programs validate it from the
# root KSK's DS (the same anchor file for both): rval (resolverd, dnssec.trust-anchor-file)
# and uval (Unbound, module-config "validator iterator", trust-anchor-file); the other
# programs ask the unsigned hierarchy, resolverd with dnssec.validate: false.
#
# Each round (ROUNDS, default 3; the order of the programs turns each round) starts every
# resolver afresh and measures, in this order:
#   cold     2,000 distinct names (www and mail of each zone) from an empty cache, 100 in
#            flight: wall time, NOERROR / SERVFAIL / lost, and the queries the three NSD
#            instances received meanwhile per name (nsd-control stats over a unix socket)
#   dnsperf  the same names, now cached: QPS, latency, resolver CPU per answer
#   loadgen  the same with the batched client (tests/tools/loadgen.c), 100 in flight (200
#            already overflows now and then the resolvers' default 208 KiB socket buffers)
#   paced    loadgen at 10,000 q/s: latency
#   rss      100,000 distinct names (answered by the wildcards), 100 in flight, then VmRSS
#   threads2 a fresh resolver with 2 threads on both CPUs (the client shares CPU 1 with it):
#            cached QPS and CPU per answer, beside the 1-thread figure of the same round
# The pre-built server (tests/tools/udp_prebuilt.c) has only dnsperf, loadgen and paced.
# rval and uval have cold (on the signed names, then a check that 3 answers have AD=1),
# dnsperf and loadgen. The upstream queries of each cold run are counted at NSD (its
# control socket's num.queries, from the resolver's start to the end of the run).
# RESOLVERD_BASE=PATH adds a fourth program, "base": another resolverd binary (an older
# commit, say) with the same configuration and every measurement, interleaved with the others
# in each round, so that the table has the ratio resolverd/base of the same run.
# tests/bench/report.py prints medians with [min-max] and the ratios.
#
#   tests/bench/resolvers.sh        (as root: NSD binds port 53)
#   ROUNDS=1 LOAD_SECONDS=2 tests/bench/resolvers.sh     a quick look
#   PROGS="rval uval" tests/bench/resolvers.sh     only those programs (of resolverd, unbound,
#            prebuilt, rval, uval, base)
#   RESOLVERD_BASE=/path/to/old/resolverd tests/bench/resolvers.sh     before / after
#   PERF=1 tests/bench/resolvers.sh     then profiles resolverd and Unbound (perf record -g,
#            in runs of their own after the rounds, so that the table is not slowed): the
#            cached load (hit) and the cold names plus the 100k fill (miss); the reports, a
#            flat profile and the share of each system call, go to $BUILD/bench/perf-*.txt
#   CALLGRIND=1 tests/bench/resolvers.sh     then counts the instructions (user space only,
#            valgrind --tool=callgrind, repeatable run to run) of resolverd, rval (and base):
#            start-up and the cold names, then CALLGRIND_QUERIES (20,000) cached answers, in
#            runs of their own; the per-function counts of the cached answers go to
#            $BUILD/bench/callgrind-*-hit.txt (the raw data beside them, callgrind-*-hit.out
#            and callgrind-*-miss.out; tests/bench/callgrind_cmp.py reads them), and rval
#            beside resolverd (and resolverd beside base) to stdout. ROUNDS=0 CALLGRIND=1:
#            only that.
#
# Every wait and every run is bounded; a trap stops every process started here and removes
# the temporary directory, whatever happens. Only 127.0.0.0/8 addresses are used.
# SPDX-License-Identifier: MIT

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
ROUNDS=${ROUNDS:-3}
LOAD_SECONDS=${LOAD_SECONDS:-4} # each full-load run
PACED_SECONDS=${PACED_SECONDS:-3}
SLDS=1000
SLD_ADDRS=20
TLDS=(com net org info)
RESOLVER_PORT=5300
declare -A ADDR=([resolverd]=127.54.255.1 [unbound]=127.54.255.2 [prebuilt]=127.54.255.3
	[base]=127.54.255.4 [rval]=127.54.255.5 [uval]=127.54.255.6)
LOADGEN=$BUILD/tests/loadgen
PREBUILT=$BUILD/tests/udp_prebuilt
RESOLVERD=$BUILD/resolverd
RESOLVERD_BASE=${RESOLVERD_BASE:-}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-resolvers.XXXXXX")
RESULTS=$TMP/results
PIDS=()
UNDER=() # a command that runs resolverd (valgrind for CALLGRIND=1)

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

die() {
	echo "resolvers.sh: $*" >&2
	exit 1
}

say() { echo "[$(date +%T)] $*" >&2; }

# ---- processes ----

# start_bg NAME CPUS CMD...: CMD in the background on CPUS, its output in $TMP/NAME.log.
start_bg() {
	local name=$1 cpus=$2
	shift 2
	taskset -c "$cpus" "$@" >"$TMP/$name.log" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

stop_pid() {
	local p=$1
	kill "$p" 2>/dev/null
	for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}

# wait_answer ADDR PORT NAME: until something answers (any rcode), at most 10 s.
wait_answer() {
	local i
	for i in $(seq 1 50); do
		dig +norec +tries=1 +timeout=1 -p "$2" "@$1" "$3" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# ---- the hierarchy ----

tld_of() { echo "${TLDS[$(($1 % ${#TLDS[@]}))]}"; }

# net_of B LEVEL: the /24 of a hierarchy's servers at LEVEL (0 root, 1 TLDs, 2 SLDs): 127.54.B+LEVEL.
net_of() { echo "127.54.$(($1 + $2))"; }

# write_zones DIR B: the hierarchy's zone files in DIR, its servers on 127.54.B.1 (the root),
# 127.54.B+1.1-4 (the TLDs) and 127.54.B+2.1-20 (the SLDs); root hints in DIR/root.hints.
write_zones() {
	local z=$1 b=$2
	mkdir -p "$z"
	awk -v dir="$z" -v n=$SLDS -v naddr=$SLD_ADDRS -v tlds="${TLDS[*]}" -v rnet="$(net_of "$b" 0)" \
		-v tnet="$(net_of "$b" 1)" -v snet="$(net_of "$b" 2)" '
	function soa(f, origin) {
		printf "$ORIGIN %s\n$TTL 86400\n@ SOA ns1.nic.%s hostmaster 1 3600 900 604800 86400\n", \
			origin, origin > f
	}
	BEGIN {
		nt = split(tlds, tld, " ")
		f = dir "/root.zone"
		printf "$ORIGIN .\n$TTL 86400\n@ SOA a.root-servers.net. hostmaster 1 3600 900 604800 86400\n" > f
		printf "@ NS a.root-servers.net.\na.root-servers.net. A %s.1\n", rnet > f
		for (t = 1; t <= nt; t++)
			printf "%s. NS ns1.nic.%s.\nns1.nic.%s. A %s.%d\n", tld[t], tld[t], tld[t], tnet, t > f
		for (t = 1; t <= nt; t++) {
			f = dir "/" tld[t] ".zone"
			soa(f, tld[t] ".")
			printf "@ NS ns1.nic\nns1.nic A %s.%d\n", tnet, t > f
			if (tld[t] == "net")
				printf "a.root-servers A %s.1\n", rnet > f
		}
		for (i = 0; i < n; i++) {
			t = tld[i % nt + 1]
			a = snet "." (i % naddr + 1)
			printf "z%d NS ns1.z%d\nns1.z%d A %s\n", i, i, i, a > (dir "/" t ".zone")
			f = dir "/z" i "." t ".zone"
			printf "$ORIGIN z%d.%s.\n$TTL 86400\n", i, t > f
			printf "@ SOA ns1 hostmaster 1 3600 900 604800 86400\n@ NS ns1\nns1 A %s\n", a > f
			printf "www A 10.%d.%d.1\nmail A 10.%d.%d.2\n* A 10.%d.%d.3\n", \
				int(i / 256), i % 256, int(i / 256), i % 256, int(i / 256), i % 256 > f
			close(f)
		}
	}'
	printf '. 3600000 NS a.root-servers.net.\na.root-servers.net. 3600000 A %s.1\n' "$(net_of "$b" 0)" \
		>"$z/root.hints"
}

# The names: cold.txt (www and mail of every zone, in a shuffled order) and rss.txt
# (h0-h99 of every zone, answered by the wildcards, zones taken in turn).
write_names() {
	awk -v n=$SLDS -v tlds="${TLDS[*]}" 'BEGIN {
		nt = split(tlds, tld, " "); srand(7)
		for (i = 0; i < n; i++) {
			printf "%.8f www.z%d.%s A\n", rand(), i, tld[i % nt + 1]
			printf "%.8f mail.z%d.%s A\n", rand(), i, tld[i % nt + 1]
		}
	}' | sort -n | cut -d' ' -f2- >"$TMP/cold.txt"
	awk -v n=$SLDS -v tlds="${TLDS[*]}" 'BEGIN {
		nt = split(tlds, tld, " ")
		for (j = 0; j < 100; j++)
			for (i = 0; i < n; i++)
				printf "h%d.z%d.%s A\n", j, i, tld[i % nt + 1]
	}' >"$TMP/rss.txt"
}

# nsd_conf NAME ADDRS ZONES DIR: an NSD configuration serving ZONES (zone names, their files
# in DIR) on ADDRS, with a control socket (nsd_queries reads its counters).
nsd_conf() {
	local d=$TMP/nsd-$1 a z
	mkdir -p "$d"
	{
		printf 'server:\n'
		for a in $2; do printf '  ip-address: %s\n' "$a"; done
		printf '  port: 53\n  username: ""\n  chroot: ""\n  database: ""\n'
		printf '  pidfile: "%s/nsd.pid"\n  xfrdfile: "%s/xfrd.state"\n' "$d" "$d"
		printf '  zonelistfile: "%s/zone.list"\n  logfile: "%s/nsd.log"\n' "$d" "$d"
		printf '  zonesdir: "%s"\n  server-count: 1\n  verbosity: 0\n' "$4"
		printf '  rrl-ratelimit: 0\n  rrl-whitelist-ratelimit: 0\n  hide-version: yes\n'
		printf 'remote-control:\n  control-enable: yes\n  control-interface: "%s/nsd.sock"\n' "$d"
		for z in $3; do
			if [ "$z" = . ]; then
				printf 'zone:\n  name: "."\n  zonefile: "root.zone"\n'
			else
				printf 'zone:\n  name: "%s"\n  zonefile: "%s.zone"\n' "$z" "$z"
			fi
		done
	} >"$d/nsd.conf"
	echo "$d/nsd.conf"
}

# start_nsd SET DIR B: three NSD instances (SET-root, SET-tld, SET-sld) serving the zones
# of DIR on the addresses of B (write_zones).
start_nsd() {
	local set=$1 dir=$2 r t s slds="" i addrs=""
	r=$(net_of "$3" 0) t=$(net_of "$3" 1) s=$(net_of "$3" 2)
	for ((i = 0; i < SLDS; i++)); do slds+=" z$i.$(tld_of $i)"; done
	for ((i = 1; i <= SLD_ADDRS; i++)); do addrs+=" $s.$i"; done
	start_bg "nsd-$set-root" 1 nsd -d -c "$(nsd_conf "$set-root" "$r.1" . "$dir")"
	start_bg "nsd-$set-tld" 1 nsd -d -c "$(nsd_conf "$set-tld" "$t.1 $t.2 $t.3 $t.4" \
		"${TLDS[*]}" "$dir")"
	start_bg "nsd-$set-sld" 1 nsd -d -c "$(nsd_conf "$set-sld" "$addrs" "$slds" "$dir")"
	wait_answer "$r.1" 53 . ||
		die "NSD ($set root) does not answer: $(cat "$TMP/nsd-$set-root/nsd.log")"
	wait_answer "$t.4" 53 info || die "NSD ($set TLDs) does not answer"
	wait_answer "$s.$SLD_ADDRS" 53 "z$((SLD_ADDRS - 1)).$(tld_of $((SLD_ADDRS - 1)))" ||
		die "NSD ($set SLDs) does not answer: $(tail -5 "$TMP/nsd-$set-sld/nsd.log")"
	[ "$(dig +short +norec -p 53 "@$s.1" www.z0.com A)" = 10.0.0.1 ] ||
		die "NSD ($set SLDs) does not serve z0.com"
}

# nsd_queries SET: the queries the three NSD instances of SET have answered so far.
nsd_queries() {
	local l n=0 q
	for l in root tld sld; do
		q=$(nsd-control -c "$TMP/nsd-$1-$l/nsd.conf" stats_noreset 2>/dev/null |
			sed -n 's/^num\.queries=//p')
		[ -n "$q" ] || { echo -1; return; }
		n=$((n + q))
	done
	echo "$n"
}

# ---- the signed copy (the validating runs) ----

# sign_sld ZONE: ZONE's fresh keys (ECDSA P-256, a KSK and a ZSK) in $TMP/keys, its zone
# signed with NSEC from $TMP/szones-in into $TMP/szones, its DS (SHA-256) in $TMP/ds/ZONE.
sign_sld() {
	local z=$1 k s
	k=$(cd "$TMP/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$z") || return 1
	s=$(cd "$TMP/keys" && ldns-keygen -a ECDSAP256SHA256 "$z") || return 1
	sign_zone "$z" "$TMP/szones-in/$z.zone" "$TMP/szones/$z.zone" "$TMP/keys/$k" "$TMP/keys/$s" ||
		return 1
	ldns-key2ds -n -2 "$TMP/keys/$k.key" >"$TMP/ds/$z"
}

# sign_zone ZONE IN OUT KEY... [-- SIGNZONE-OPTIONS]: IN signed into OUT, valid from a day ago
# for 30 days (far from 2068: RFC 4034 section 3.1.5's serial arithmetic).
sign_zone() {
	local z=$1 in=$2 out=$3
	shift 3
	ldns-signzone -i "$SIG_FROM" -e "$SIG_UNTIL" -o "$z" "${SIGN_OPTS[@]}" -f "$out" "$in" "$@" \
		>/dev/null 2>&1 || { echo "resolvers.sh: ldns-signzone failed on $z" >&2; return 1; }
}

# sign_hierarchy: $TMP/szones-in (write_zones) signed into $TMP/szones with
# keys made now: ECDSA P-256 and NSEC in the SLDs, ECDSA P-256 and NSEC3 (no salt, no extra
# iterations: RFC 9276) in the TLDs, RSASHA256 (2048 bits) and NSEC at the root, as the real
# tree is; each parent gets its children's DS. The root KSK's DS is $TMP/root.anchor.
sign_hierarchy() {
	local i t z k s
	mkdir -p "$TMP/keys" "$TMP/ds" "$TMP/szones"
	SIG_FROM=$(date -u -d '-1 day' +%Y%m%d%H%M%S)
	SIG_UNTIL=$(date -u -d '+30 days' +%Y%m%d%H%M%S)
	SIGN_OPTS=()
	export TMP SIG_FROM SIG_UNTIL
	export -f sign_sld sign_zone
	for ((i = 0; i < SLDS; i++)); do echo "z$i.$(tld_of $i)"; done |
		timeout -k 5 300 xargs -P 2 -n 50 bash -c 'SIGN_OPTS=(); for z; do sign_sld "$z" || exit 255; done' _ ||
		die "signing the SLDs failed"
	SIGN_OPTS=(-n -t 0)
	for t in "${TLDS[@]}"; do
		cat "$TMP/szones-in/$t.zone" "$TMP"/ds/z*."$t" >"$TMP/szones-in/$t.zone.ds"
		k=$(cd "$TMP/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$t") || die "ldns-keygen $t"
		s=$(cd "$TMP/keys" && ldns-keygen -a ECDSAP256SHA256 "$t") || die "ldns-keygen $t"
		sign_zone "$t" "$TMP/szones-in/$t.zone.ds" "$TMP/szones/$t.zone" "$TMP/keys/$k" \
			"$TMP/keys/$s" || die "signing $t failed"
		ldns-key2ds -n -2 "$TMP/keys/$k.key" >"$TMP/ds/$t"
	done
	SIGN_OPTS=()
	cat "$TMP/szones-in/root.zone" "${TLDS[@]/#/$TMP/ds/}" >"$TMP/szones-in/root.zone.ds"
	k=$(cd "$TMP/keys" && ldns-keygen -a RSASHA256 -b 2048 -k .) || die "ldns-keygen ."
	s=$(cd "$TMP/keys" && ldns-keygen -a RSASHA256 -b 2048 .) || die "ldns-keygen ."
	sign_zone . "$TMP/szones-in/root.zone.ds" "$TMP/szones/root.zone" "$TMP/keys/$k" \
		"$TMP/keys/$s" || die "signing the root failed"
	ldns-key2ds -n -2 "$TMP/keys/$k.key" >"$TMP/root.anchor"
	cp "$TMP/szones-in/root.hints" "$TMP/szones/root.hints"
}

# ---- the resolvers ----

# The validating programs: rval is resolverd, uval Unbound, each validating the signed copy
# from the root's DS ($TMP/root.anchor); the others ask the unsigned hierarchy, not validating.
is_val() { [ "$1" = rval ] || [ "$1" = uval ]; }
hints_of() { if is_val "$1"; then echo "$TMP/szones/root.hints"; else echo "$TMP/zones/root.hints"; fi; }

resolverd_conf() { # THREADS [PROG: resolverd, base or rval]
	local p=${2:-resolverd} dnssec
	dnssec=$(printf 'dnssec:\n  validate: false')
	if is_val "$p"; then
		dnssec=$(printf 'dnssec:\n  trust-anchor-file: %s' "$TMP/root.anchor")
	elif [ "$p" = base ] && ! grep -aq trust-anchor-file "$RESOLVERD_BASE"; then
		dnssec="" # a binary older than validation: no dnssec section
	fi
	cat >"$TMP/$p.yaml" <<-EOF
	server:
	  listen: [${ADDR[$p]}]
	  port: $RESOLVER_PORT
	  threads: $1
	access:
	  allow: [127.0.0.0/8]
	cache:
	  size: 64M
	resolver:
	  root-hints: $(hints_of "$p")
	  upstream-port: 53
	  query-special-addresses: true
	log:
	  level: warn
	$dnssec
	EOF
	echo "$TMP/$p.yaml"
}

unbound_conf() { # THREADS [PROG: unbound or uval]
	local p=${2:-unbound} modules="iterator" anchor=""
	if is_val "$p"; then
		modules="validator iterator"
		anchor="trust-anchor-file: \"$TMP/root.anchor\""
	fi
	cat >"$TMP/$p.conf" <<-EOF
	server:
	  interface: ${ADDR[$p]}@$RESOLVER_PORT
	  port: $RESOLVER_PORT
	  num-threads: $1
	  so-reuseport: yes
	  do-ip6: no
	  access-control: 127.0.0.0/8 allow
	  do-not-query-localhost: no
	  module-config: "$modules"
	  $anchor
	  trust-anchor-signaling: no
	  qname-minimisation: yes
	  root-hints: "$(hints_of "$p")"
	  msg-cache-size: 32m
	  rrset-cache-size: 32m
	  chroot: ""
	  username: ""
	  directory: "$TMP"
	  pidfile: ""
	  use-syslog: no
	  logfile: ""
	  verbosity: 0
	remote-control:
	  control-enable: no
	EOF
	echo "$TMP/$p.conf"
}

# start_prog PROG THREADS CPUS: starts it, waits for it; its PID in PROG_PID.
start_prog() {
	case $1 in
	resolverd | rval) start_bg "$1" "$3" "${UNDER[@]}" "$RESOLVERD" -c "$(resolverd_conf "$2" "$1")" ;;
	base) start_bg "$1" "$3" "${UNDER[@]}" "$RESOLVERD_BASE" -c "$(resolverd_conf "$2" base)" ;;
	unbound | uval) start_bg "$1" "$3" unbound -d -p -c "$(unbound_conf "$2" "$1")" ;;
	prebuilt) start_bg "$1" "$3" "$PREBUILT" "${ADDR[prebuilt]}" "$RESOLVER_PORT" ;;
	esac
	PROG_PID=$LAST_PID
	wait_answer "${ADDR[$1]}" "$RESOLVER_PORT" . || die "$1 does not answer: $(cat "$TMP/$1.log")"
}

# ---- the measurements ----

# record PROG ROUND KEY=VALUE...: one result line per pair.
record() {
	local prog=$1 round=$2 kv
	shift 2
	for kv in "$@"; do echo "$prog $round ${kv%%=*} ${kv#*=}" >>"$RESULTS"; done
}

# loadgen PROG PID ARGS...: runs the batched client on CPU 1; its key=value line on stdout.
loadgen() {
	local prog=$1 pid=$2
	shift 2
	timeout -k 5 200 taskset -c 1 "$LOADGEN" -s "${ADDR[$prog]}" -p $RESOLVER_PORT -c 8 \
		-P "$pid" "$@"
}

# pick KEY LINE: the value of KEY in a loadgen line.
pick() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# m_cold PROG ROUND PID Q0: Q0 is nsd_queries before PROG started (its priming counts too).
m_cold() {
	local out q1 set=plain
	is_val "$1" && set=signed
	out=$(loadgen "$1" "$3" -d "$TMP/cold.txt" -1 -w 100 -T 5000 -t 60)
	q1=$(nsd_queries $set)
	say "  $1 cold: $out upstream=$((q1 - $4))"
	record "$1" "$2" cold_s="$(pick wall_s "$out")" cold_noerror="$(pick noerror "$out")" \
		cold_servfail="$(pick servfail "$out")" cold_lost="$(pick lost "$out")" \
		cold_upq="$(awk -v q=$((q1 - $4)) -v n="$(wc -l <"$TMP/cold.txt")" -v ok="$(( $4 >= 0 && q1 >= 0 ))" \
			'BEGIN { printf "%.3f", ok ? q / n : -1 }')"
}

m_dnsperf() { # PROG ROUND PID
	local t0 t1 out done qps lat
	t0=$(cpu_ticks "$3")
	out=$(timeout -k 5 $((LOAD_SECONDS + 30)) taskset -c 1 dnsperf -s "${ADDR[$1]}" \
		-p $RESOLVER_PORT -d "$TMP/cold.txt" -l "$LOAD_SECONDS" -c 8 -q 200 -t 2 2>&1)
	t1=$(cpu_ticks "$3")
	done=$(sed -nE 's/^ *Queries completed: *([0-9]+).*/\1/p' <<<"$out")
	qps=$(sed -nE 's/^ *Queries per second: *([0-9.]+).*/\1/p' <<<"$out")
	lat=$(sed -nE 's/^ *Average Latency \(s\): *([0-9.]+) \(min [0-9.]+, max ([0-9.]+)\).*/\1 \2/p' \
		<<<"$out")
	say "  $1 dnsperf: completed=$done qps=$qps latency(avg max s)=$lat"
	[ -n "$done" ] && [ "$done" -gt 0 ] || { say "  dnsperf failed: $out"; return; }
	record "$1" "$2" dnsperf_qps="$qps" \
		dnsperf_cpu_us="$(awk -v d=$((t1 - t0)) -v n="$done" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.3f", d * 1e6 / hz / n }')" \
		dnsperf_avg_ms="$(awk -v s="${lat% *}" 'BEGIN { printf "%.3f", s * 1000 }')" \
		dnsperf_max_ms="$(awk -v s="${lat#* }" 'BEGIN { printf "%.3f", s * 1000 }')"
}

m_loadgen() { # PROG ROUND PID [PREFIX]
	local out p=${4:-full}
	out=$(loadgen "$1" "$3" -d "$TMP/cold.txt" -w 100 -T 2000 -t "$LOAD_SECONDS")
	say "  $1 loadgen ($p): $out"
	record "$1" "$2" "${p}_qps=$(pick qps "$out")" "${p}_cpu_us=$(pick cpu_us "$out")" \
		"${p}_avg_ms=$(pick avg_ms "$out")" "${p}_max_ms=$(pick max_ms "$out")" \
		"${p}_lost=$(pick lost "$out")"
}

m_paced() { # PROG ROUND PID
	local out
	out=$(loadgen "$1" "$3" -d "$TMP/cold.txt" -r 10000 -w 1000 -T 2000 -t "$PACED_SECONDS")
	say "  $1 paced 10k: $out"
	record "$1" "$2" paced_qps="$(pick qps "$out")" paced_avg_ms="$(pick avg_ms "$out")" \
		paced_max_ms="$(pick max_ms "$out")" paced_cpu_us="$(pick cpu_us "$out")"
}

m_rss() { # PROG ROUND PID
	local out rss
	out=$(loadgen "$1" "$3" -d "$TMP/rss.txt" -1 -w 100 -T 5000 -t 120)
	rss=$(rss_kb "$3")
	say "  $1 100k names: $out rss_kb=$rss"
	record "$1" "$2" rss_mb="$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" \
		fill_s="$(pick wall_s "$out")" fill_servfail="$(pick servfail "$out")" \
		fill_lost="$(pick lost "$out")"
}

# One resolver, one round: fresh start, then every measurement.
bench_resolver() { # PROG ROUND
	local q0
	q0=$(nsd_queries plain)
	start_prog "$1" 1 0
	local pid=$PROG_PID
	m_cold "$1" "$2" "$pid" "$q0"
	m_dnsperf "$1" "$2" "$pid"
	m_loadgen "$1" "$2" "$pid"
	m_paced "$1" "$2" "$pid"
	m_rss "$1" "$2" "$pid"
	stop_pid "$pid"
	start_prog "$1" 2 0,1
	pid=$PROG_PID
	loadgen "$1" "$pid" -d "$TMP/cold.txt" -1 -w 100 -T 5000 -t 60 >/dev/null
	m_loadgen "$1" "$2" "$pid" threads2
	stop_pid "$pid"
}

# A validating resolver, one round: fresh start, the cold names (then a check that the answers
# are secure: AD=1), the cached load.
bench_val() { # PROG ROUND
	local q0 pid n ad=0
	q0=$(nsd_queries signed)
	start_prog "$1" 1 0
	pid=$PROG_PID
	m_cold "$1" "$2" "$pid" "$q0"
	for n in www.z0.com mail.z1.net www.z998.org; do
		dig +dnssec +tries=1 +timeout=2 -p $RESOLVER_PORT "@${ADDR[$1]}" "$n" A |
			grep -q '^;; flags:.* ad[ ;]' && ad=$((ad + 1))
	done
	[ $ad = 3 ] || say "  $1: only $ad of 3 answers have AD=1: not validating?"
	record "$1" "$2" cold_ad="$ad"
	m_dnsperf "$1" "$2" "$pid"
	m_loadgen "$1" "$2" "$pid"
	stop_pid "$pid"
}

bench_prebuilt() { # ROUND
	start_prog prebuilt 1 0
	m_dnsperf prebuilt "$1" "$PROG_PID"
	m_loadgen prebuilt "$1" "$PROG_PID"
	m_paced prebuilt "$1" "$PROG_PID"
	stop_pid "$PROG_PID"
}

# ---- profiles (PERF=1) ----

# perf_report DATA OUT: the flat profile, then the CPU share of each system call (the frame
# under do_syscall_64 in each sample's stack) and of user space.
perf_report() {
	{
		echo "== flat profile (self time, symbols over 0.5%)"
		perf report -q -i "$1" --stdio --no-children --percent-limit 0.5 -g none \
			--sort dso,symbol 2>/dev/null
		echo "== CPU share by system call; user = samples outside the kernel"
		perf script -i "$1" 2>/dev/null | awk '
			!/^[ \t]+[0-9a-f]+ / {
				if (NF == 0 && n) { c[sys != "" ? sys : (kern ? "kernel, other" : "user")]++; tot++ }
				prev = ""; sys = ""; n = 0; kern = 0; next
			}
			{
				sym = $2; sub(/\+0x.*/, "", sym); n++
				if (n == 1 && $3 ~ /kernel/) kern = 1
				if (sym == "do_syscall_64" && sys == "") sys = prev
				prev = sym
			}
			END { for (k in c) printf "%6.2f%%  %s\n", 100 * c[k] / tot, k }' | sort -rn | head -25
	} >"$2"
}

# profile PROG: a fresh resolver, recorded during the cold names and the fill, then during
# the cached load.
profile() {
	local pid perf_pid
	mkdir -p "$BUILD/bench"
	start_prog "$1" 1 0
	pid=$PROG_PID
	perf record -q -F 4999 -g -p "$pid" -o "$TMP/perf-miss.data" >/dev/null 2>&1 &
	perf_pid=$!
	PIDS+=("$perf_pid")
	sleep 0.5
	loadgen "$1" "$pid" -d "$TMP/cold.txt" -1 -w 100 -T 5000 -t 60 >/dev/null
	is_val "$1" || loadgen "$1" "$pid" -d "$TMP/rss.txt" -1 -w 100 -T 5000 -t 120 >/dev/null
	kill -INT "$perf_pid"
	wait "$perf_pid" 2>/dev/null
	perf record -q -F 4999 -g -p "$pid" -o "$TMP/perf-hit.data" >/dev/null 2>&1 &
	perf_pid=$!
	PIDS+=("$perf_pid")
	sleep 0.5
	loadgen "$1" "$pid" -d "$TMP/cold.txt" -w 100 -T 2000 -t "$LOAD_SECONDS" >/dev/null
	kill -INT "$perf_pid"
	wait "$perf_pid" 2>/dev/null
	stop_pid "$pid"
	perf_report "$TMP/perf-miss.data" "$BUILD/bench/perf-$1-miss.txt"
	perf_report "$TMP/perf-hit.data" "$BUILD/bench/perf-$1-hit.txt"
	say "profiles of $1 in $BUILD/bench/perf-$1-{hit,miss}.txt"
}

# ---- instruction counts (CALLGRIND=1) ----

# callgrind PROG: a fresh resolverd under callgrind; the cold names once (counted with the
# start-up: dump 1), then CALLGRIND_QUERIES cached answers (dump 2; each dump zeroes).
callgrind() {
	local pid out cold n f ir
	n=${CALLGRIND_QUERIES:-20000}
	mkdir -p "$BUILD/bench"
	UNDER=(valgrind -q --tool=callgrind --compress-strings=no --callgrind-out-file="$TMP/cg-$1.%p")
	start_prog "$1" 1 0
	UNDER=()
	pid=$PROG_PID
	cold=$(loadgen "$1" "$pid" -d "$TMP/cold.txt" -1 -w 20 -T 10000 -t 300)
	callgrind_control -d "$pid" >/dev/null 2>&1 # dump 1 (and zero): start-up and cold names
	out=$(loadgen "$1" "$pid" -d "$TMP/cold.txt" -n "$n" -w 20 -T 10000 -t 120)
	callgrind_control -d "$pid" >/dev/null 2>&1 # dump 2: the cached answers
	stop_pid "$pid"
	f=$(ls "$TMP"/cg-"$1".*.1 2>/dev/null | head -1)
	[ -n "$f" ] || { say "callgrind of $1: no dump"; return; }
	cp "$f" "$BUILD/bench/callgrind-$1-miss.out"
	ir=$(sed -n 's/^summary: //p' "$f")
	echo "callgrind $1: $ir instructions (user space) for start-up and $(pick answered "$cold")" \
		"cold names: $(awk -v i="$ir" -v a="$(pick answered "$cold")" \
			'BEGIN { printf "%.0f", i / a }') per name"
	f=${f%.1}.2
	[ -s "$f" ] || { say "callgrind of $1: no second dump"; return; }
	cp "$f" "$BUILD/bench/callgrind-$1-hit.out"
	CG_ANSWERS[$1]=$(pick answered "$out")
	/usr/bin/python3 "$TOP/tests/bench/callgrind_cmp.py" "$f" "${CG_ANSWERS[$1]}" \
		>"$BUILD/bench/callgrind-$1-hit.txt"
	ir=$(sed -n 's/^summary: //p' "$f")
	say "  $1 callgrind: $out"
	echo "callgrind $1: $ir instructions (user space) for ${CG_ANSWERS[$1]} cached answers:" \
		"$(awk -v i="$ir" -v a="${CG_ANSWERS[$1]}" 'BEGIN { printf "%.0f", i / a }') per answer"
}

# ---- main ----

check_setup() {
	[ "$(id -u)" = 0 ] || die "needs root: NSD serves the hierarchy on port 53"
	local t
	for t in nsd unbound dnsperf dig taskset /usr/bin/python3; do
		command -v "$t" >/dev/null || die "$t is missing: run scripts/deps.sh bench"
	done
	for t in "$LOADGEN" "$PREBUILT" "$RESOLVERD"; do
		[ -x "$t" ] || die "$t is missing: run make bench"
	done
	[ -z "$RESOLVERD_BASE" ] || [ -x "$RESOLVERD_BASE" ] ||
		die "RESOLVERD_BASE=$RESOLVERD_BASE is not an executable"
	[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs: the resolver on one, the load on the other"
	if ss -Hlnu | awk '{ print $4 }' | grep -q '^127\.54\.'; then
		die "something listens on 127.54.x.x already: $(ss -Hlnup | grep '127\.54\.' | head -3)"
	fi
}

machine_note() {
	echo "machine: $(nproc) CPUs ($(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)), \
$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), \
$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
	echo "peers: $(unbound -V | sed -n "s/^Version /Unbound /p"), NSD $(nsd -v 2>&1 | sed -n 's/NSD version //p'), \
dnsperf $(dnsperf -h 2>&1 | sed -n 's/^Version //p')"
	[ -z "$RESOLVERD_BASE" ] || echo "base: $RESOLVERD_BASE (resolverd: $RESOLVERD)"
}

main() {
	check_setup
	say "writing the hierarchy: 1 root, ${#TLDS[@]} TLDs, $SLDS SLDs; names in $TMP"
	write_zones "$TMP/zones" 0
	write_names
	say "signing a copy of it with fresh keys"
	local t0=$SECONDS
	write_zones "$TMP/szones-in" 10
	sign_hierarchy
	say "signed in $((SECONDS - t0)) s"
	say "starting NSD: root, TLDs, SLDs; the same for the signed copy"
	start_nsd plain "$TMP/zones" 0
	start_nsd signed "$TMP/szones" 10
	local progs=(resolverd unbound prebuilt rval uval) r i p
	[ -z "$RESOLVERD_BASE" ] || progs=(resolverd base unbound prebuilt rval uval)
	[ -z "${PROGS:-}" ] || read -ra progs <<<"$PROGS"
	for ((r = 1; r <= ROUNDS; r++)); do
		for ((i = 0; i < ${#progs[@]}; i++)); do
			p=${progs[$(((i + r - 1) % ${#progs[@]}))]}
			say "round $r: $p"
			case $p in
			prebuilt) bench_prebuilt "$r" ;;
			rval | uval) bench_val "$p" "$r" ;;
			*) bench_resolver "$p" "$r" ;;
			esac
		done
	done
	echo
	machine_note
	echo "rounds: $ROUNDS; full load ${LOAD_SECONDS}s per run, paced ${PACED_SECONDS}s"
	[ ! -s "$RESULTS" ] || /usr/bin/python3 "$TOP/tests/bench/report.py" "$RESULTS"
	if [ "${PERF:-0}" = 1 ]; then
		command -v perf >/dev/null || die "PERF=1 needs perf (Debian: linux-perf)"
		profile resolverd
		[ -z "$RESOLVERD_BASE" ] || profile base
		profile unbound
		profile rval
		profile uval
	fi
	if [ "${CALLGRIND:-0}" = 1 ]; then
		command -v callgrind_control >/dev/null || die "CALLGRIND=1 needs valgrind"
		declare -A CG_ANSWERS=()
		callgrind resolverd
		callgrind rval
		echo "callgrind, resolverd validating (new) beside not validating (old), self cost:"
		/usr/bin/python3 "$TOP/tests/bench/callgrind_cmp.py" \
			"$BUILD/bench/callgrind-rval-hit.out" "${CG_ANSWERS[rval]}" \
			"$BUILD/bench/callgrind-resolverd-hit.out" "${CG_ANSWERS[resolverd]}"
		if [ -n "$RESOLVERD_BASE" ]; then
			callgrind base
			echo "callgrind, resolverd beside base (self cost of each function):"
			/usr/bin/python3 "$TOP/tests/bench/callgrind_cmp.py" \
				"$BUILD/bench/callgrind-resolverd-hit.out" "${CG_ANSWERS[resolverd]}" \
				"$BUILD/bench/callgrind-base-hit.out" "${CG_ANSWERS[base]}"
		fi
	fi
}

main "$@"
