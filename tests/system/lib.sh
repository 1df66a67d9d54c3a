# tests/system/lib.sh: shared helpers of the shell system tests. Source it first.
#
# Output protocol (tests/run adds it up): "ok - what", "not ok - what", "skip - what", and
# at the end, from done_testing, "# result: P passed, F failed[, S skipped]".
# Every process a test starts goes through start_bg, and is killed on exit. Waits are bounded.
# Addresses: only 127.0.0.0/8. SPDX-License-Identifier: MIT

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
QDIG=$BUILD/qdig
RESOLVERD=$BUILD/resolverd
T_PASS=0 T_FAIL=0 T_SKIP=0
T_PIDS=()
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/systest.XXXXXX")

cleanup() {
	local p
	for p in "${T_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${T_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$T_TMP"
}
trap cleanup EXIT

ok() { echo "ok - $*"; T_PASS=$((T_PASS + 1)); }
not_ok() { echo "not ok - $*"; T_FAIL=$((T_FAIL + 1)); }
skip() { echo "skip - $*"; T_SKIP=$((T_SKIP + 1)); }

# check DESC CMD...: passes when CMD exits 0.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# skip_all N WHY: the whole file is skipped; it counts as the N checks it holds, so that a
# skipped file is never one skip in the summary.
skip_all() {
	echo "skip - $2 (all $1 checks)"
	T_SKIP=$((T_SKIP + $1))
	done_testing
}

# own_netns N [UNSHARE-FLAGS]: runs this test file again in a network namespace of its own
# (unshare -n, or the flags given, e.g. -mn for a mount namespace too; needs root), with its
# loopback up, so that port 53 and every 127.x address are free whatever the host runs. When
# no namespace can be made, the file is skipped as its N checks. Call it right after sourcing
# this file; the test file is run again without arguments.
own_netns() {
	local n=$1 flags=${2:--n}
	if [ -z "${T_NETNS:-}" ]; then
		if unshare "$flags" true 2>/dev/null; then
			rm -rf "$T_TMP"
			trap - EXIT
			T_NETNS=1 exec unshare "$flags" bash "$0"
		fi
		skip_all "$n" "unshare $flags is not permitted here (needs root)"
	fi
	ip link set lo up || { not_ok "loopback up in the private namespace"; done_testing; }
}

done_testing() {
	local s=""
	[ "$T_SKIP" != 0 ] && s=", $T_SKIP skipped"
	echo "# result: $T_PASS passed, $T_FAIL failed$s"
	[ "$T_FAIL" = 0 ]
	exit $?
}

# free_port: a UDP and TCP port no socket uses, picked at random in 20000-32767: below the
# kernel's ephemeral range (32768-60999), where the source ports of everybody's outgoing
# queries come from, so none of them can take it between this check and our bind.
free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 12768))
		if ! ss -Hantu | awk '{print $5}' | grep -q ":$p\$"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# start_bg LOGFILE CMD...: starts CMD in the background, remembered for cleanup.
start_bg() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 &
	T_PIDS+=($!)
	LAST_PID=$!
}

# wait_dns ADDR PORT [SECONDS]: waits until something answers DNS there (any rcode).
wait_dns() {
	local addr=$1 port=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		dig +tries=1 +timeout=1 -p "$port" "@$addr" . SOA >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# start_nsd ADDR PORT ZONE FILE [ZONE FILE...]: runs NSD serving the zones on ADDR#PORT.
start_nsd() {
	local addr=$1 port=$2 dir
	shift 2
	dir=$(mktemp -d "$T_TMP/nsd.XXXXXX")
	{
		printf 'server:\n  ip-address: %s@%s\n  port: %s\n  username: ""\n' "$addr" "$port" "$port"
		printf '  database: ""\n  pidfile: "%s/nsd.pid"\n  xfrdfile: "%s/xfrd.state"\n' "$dir" "$dir"
		printf '  zonelistfile: "%s/zone.list"\n  logfile: "%s/nsd.log"\n' "$dir" "$dir"
		printf '  rrl-ratelimit: 0\n  verbosity: 1\n  server-count: 1\n'
		printf 'remote-control:\n  control-enable: no\n'
		while [ $# -ge 2 ]; do
			printf 'zone:\n  name: %s\n  zonefile: "%s"\n' "$1" "$2"
			shift 2
		done
	} >"$dir/nsd.conf"
	start_bg "$dir/stdout.log" nsd -d -c "$dir/nsd.conf"
	wait_dns "$addr" "$port" 10 || { cat "$dir/nsd.log" >&2; return 1; }
}

# toy_unbound ADDR PORT "CONF-LINES": in a namespace of the test's own (own_netns), resolverd
# --auth-only serving the toy internet on port 53, then Unbound on ADDR#PORT walking it from
# conf/toy-root.hints, with the server: lines given (tab, key: value, a line each) added to
# the ones every walk of loopback needs. Its log is $T_TMP/unbound.log. Says not ok and ends
# the test when either does not start.
toy_unbound() {
	local addr=$1 port=$2 out
	printf 'toy-internet:\n  map: %s\n  port: 53\n' "$TOP/zones/map.yaml" >"$T_TMP/toy.yaml"
	start_bg "$T_TMP/toy.log" "$RESOLVERD" --auth-only "$T_TMP/toy.yaml"
	if ! wait_dns 127.53.0.1 53 5; then
		not_ok "resolverd serves port 53 of 127.53.0.0/16: $(tail -n 1 "$T_TMP/toy.log")"
		done_testing
	fi
	cat >"$T_TMP/unbound.conf" <<EOF
server:
	interface: $addr
	port: $port
	do-ip6: no
	access-control: 127.0.0.0/8 allow
	root-hints: "$TOP/conf/toy-root.hints"
	do-not-query-localhost: no
$3
	chroot: ""
	username: ""
	directory: "$T_TMP"
	pidfile: "$T_TMP/unbound.pid"
	use-syslog: no
	logfile: "$T_TMP/unbound.log"
	verbosity: 1
	num-threads: 1
	so-reuseport: no
	outgoing-range: 64
remote-control:
	control-enable: no
EOF
	if ! out=$(unbound-checkconf "$T_TMP/unbound.conf" 2>&1); then
		not_ok "unbound-checkconf: $out"
		done_testing
	fi
	start_bg "$T_TMP/unbound.out" unbound -d -c "$T_TMP/unbound.conf"
	wait_dns "$addr" "$port" 10 || { not_ok "Unbound starts"; cat "$T_TMP/unbound.log"; done_testing; }
}

# dig_records: dig's (or qdig's) output on stdin -> "STATUS|rcode", "FLAGS|flags" and one
# "SECTION|record" line per record (the question too), whitespace collapsed, in order.
dig_records() {
	awk '
	/->>HEADER<<-/ { sub(/.*status: /, ""); sub(/,.*/, ""); print "STATUS|" $0; next }
	/^;; flags:/ { sub(/;; flags: */, ""); sub(/;.*/, ""); print "FLAGS|" $0; next }
	/^;; [A-Z]+ SECTION:/ { sec = $2; next }
	/^$/ { sec = ""; next }
	/^;/ && sec != "QUESTION" { next }
	sec != "" { $1 = $1; print sec "|" $0 }
	'
}

# dig_section NAME: the records of one section (ANSWER, AUTHORITY, ADDITIONAL) of dig's
# output on stdin, one a line, whitespace collapsed.
dig_section() { dig_records | sed -n "s/^$1|//p"; }

# start_toy PORT [YAML]: resolverd serving the toy internet on PORT (with more YAML when
# given: a full resolver), remembered for cleanup.
# Its configuration file is $TOY_CFG, its log $TOY_CFG.log, its process $LAST_PID.
start_toy() {
	TOY_CFG=$(mktemp "$T_TMP/toy.XXXXXX.yaml")
	printf 'toy-internet:\n  map: %s\n  port: %s\n%s' "$TOP/zones/map.yaml" "$1" "${2:-}" \
		>"$TOY_CFG"
	if [ -z "${2:-}" ]; then
		start_bg "$TOY_CFG.log" "$RESOLVERD" --auth-only "$TOY_CFG"
	else
		start_bg "$TOY_CFG.log" "$RESOLVERD" "$TOY_CFG"
	fi
	wait_dns 127.53.0.1 "$1" 10 || { sed 's/^/    /' "$TOY_CFG.log" >&2; return 1; }
}

# toy_resolver: in a namespace of the test's own, start_toy on port 53 with a full resolver on
# 127.0.0.1#53 walking it from conf/toy-root.hints; false when it does not answer.
toy_resolver() {
	start_toy 53 "server:
  listen: [127.0.0.1]
  port: 53
resolver:
  root-hints: $TOP/conf/toy-root.hints
  upstream-port: 53
  query-special-addresses: true
" && wait_dns 127.0.0.1 53 5
}

# same ARGS...: dig and qdig print the same, and exit the same, after the caller's norm (a
# filter that takes out what must differ: IDs, times, the banner's version).
same() { # ARGS...: dig and qdig print the same, and exit the same
	local d q drc qrc
	d=$(dig "$@" 2>&1 | norm; echo "exit ${PIPESTATUS[0]}")
	q=$("$QDIG" "$@" 2>&1 | norm; echo "exit ${PIPESTATUS[0]}")
	if [ "$d" = "$q" ] && [ "$(wc -l <<<"$d")" -ge 2 ]; then
		ok "same as dig: $*"
	else
		not_ok "differs from dig: $*"
		diff <(echo "$d") <(echo "$q") | head -20 | sed 's/^/    /'
	fi
}
