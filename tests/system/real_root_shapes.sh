#!/usr/bin/env bash
# tests/system/real_root_shapes.sh: conf/internet.yaml against recorded shapes of the real root.
#
# fakeauth.py replays tests/tools/scenarios/real-root.json: the real root's priming reply
# (13 servers, A and AAAA glue: 811 bytes) and its com referral (13 gtld servers, A and AAAA
# glue, DS and RRSIG: 1,175 bytes), with the A glue on 127.0.80.x and 127.0.81.x and the
# real AAAA addresses. The test runs in a network namespace of its own (unshare -n: only lo),
# so the AAAA addresses fail at once (ENETUNREACH) and nothing leaves the machine. dig checks
# the shapes; then resolverd, configured as conf/internet.yaml with only the root hints, the
# upstream port and query-special-addresses changed, and validation off (the recorded replies
# are not signed by the root's keys), resolves www.example.com through them.
# SPDX-License-Identifier: MIT
if [ -z "${REAL_ROOT_NETNS:-}" ]; then
	if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
		exec unshare -n env REAL_ROOT_NETNS=1 bash "$0" "$@"
	fi
fi
source "$(dirname "$0")/lib.sh"

[ -n "${REAL_ROOT_NETNS:-}" ] || { skip "needs root for unshare -n (a network namespace)"; done_testing; }
ip link set lo up || { not_ok "lo up in the namespace"; done_testing; }
/usr/bin/python3 -c 'import dns.message' 2>/dev/null || { skip "dnspython is not installed"; done_testing; }

SC=$TOP/tests/tools/scenarios/real-root.json
FA_PORT=$(free_port) || { not_ok "a free port"; done_testing; }
addrs=$(/usr/bin/python3 -c 'import json, sys; print(" ".join("--addr " + a for a in json.load(open(sys.argv[1]))["addresses"]))' "$SC")
FA_LOG=$T_TMP/fakeauth.log
# shellcheck disable=SC2086 # $addrs is a list of options
start_bg "$T_TMP/fakeauth.out" /usr/bin/python3 "$TOP/tests/tools/fakeauth.py" --scenario "$SC" \
	$addrs --port "$FA_PORT" --log "$FA_LOG" --max-seconds 120
wait_dns 127.0.80.1 "$FA_PORT" 10 || { not_ok "fakeauth starts"; cat "$T_TMP/fakeauth.out"; done_testing; }

OUT=""
d() { OUT=$(dig +norec +tries=1 +time=2 -p "$FA_PORT" "$@" 2>&1); }
size() { sed -nE 's/^;; MSG SIZE +rcvd: ([0-9]+)$/\1/p' <<<"$OUT"; }
count() { dig_section "$1" <<<"$OUT" | grep -c -- "$2"; }

echo "# the shapes"
d @127.0.80.1 . NS
check "priming: 811 bytes (got $(size)), as a.root-servers.net sends it" [ "$(size)" = 811 ]
check "priming: 13 NS, 13 A and 13 AAAA glue records, AA" eval '[ "$(count ANSWER " NS ")" = 13 ] &&
	[ "$(count ADDITIONAL " A 127\.0\.80\.")" = 13 ] && [ "$(count ADDITIONAL " AAAA ")" = 13 ] &&
	grep -q "^;; flags: qr aa;" <<<"$OUT"'
d @127.0.80.7 www.example.com A
check "com referral: 1,175 bytes (got $(size)), no AA" \
	eval '[ "$(size)" = 1175 ] && grep -q "^;; flags: qr;" <<<"$OUT"'
check "com referral: 13 NS, DS and RRSIG DS, 13 A and 13 AAAA glue" eval '
	[ "$(count AUTHORITY "^com\. 172800 IN NS ")" = 13 ] && [ "$(count AUTHORITY " IN DS ")" = 1 ] &&
	[ "$(count AUTHORITY " IN RRSIG DS ")" = 1 ] && [ "$(count ADDITIONAL " A 127\.0\.81\.")" = 13 ] &&
	[ "$(count ADDITIONAL " AAAA ")" = 13 ]'
d @127.0.80.1 . NS +noedns
check "without EDNS, priming is truncated and dig retries over TCP" \
	grep -q "Truncated, retrying in TCP mode" <<<"$OUT"
check "the real AAAA addresses are unreachable here, at once" \
	bash -c '! timeout 2 dig +tries=1 +time=1 @2001:503:ba3e::2:30 . NS 2>&1 | grep -q "status:"'

echo "# resolverd with conf/internet.yaml's shape"
RES=$(free_port)
CFG=$T_TMP/internet.yaml
sed -e "s|^  port: 53$|  port: $RES|" \
	-e "s|^  root-hints: root.hints$|  root-hints: $TOP/tests/tools/scenarios/real-root.hints|" \
	-e "s|^  upstream-port: 53$|  upstream-port: $FA_PORT|" \
	-e "s|^  query-special-addresses: false$|  query-special-addresses: true|" \
	-e "s|^  validate: true$|  validate: false|" \
	"$TOP/conf/internet.yaml" >"$CFG"
check "the configuration differs from conf/internet.yaml in five lines only" \
	[ "$(diff "$TOP/conf/internet.yaml" "$CFG" | grep -c '^>')" = 5 ]
start_bg "$CFG.log" "$RESOLVERD" -c "$CFG"
if ! wait_dns 127.0.0.1 "$RES" 10; then
	not_ok "resolverd starts"
	sed 's/^/    /' "$CFG.log"
	done_testing
fi
t0=$(date +%s%N)
OUT=$(dig +tries=1 +time=8 -p "$RES" @127.0.0.1 www.example.com A 2>&1)
ms=$((($(date +%s%N) - t0) / 1000000))
primed=$(grep -c 'name=\. type=NS' "$FA_LOG")
# Issue 11, finding 2: UDP replies over 512 bytes used to fail in the upstream transport, and
# the walk ended in SERVFAIL.
if grep -qE 'IN[[:space:]]+A[[:space:]]+192\.0\.2\.80$' <<<"$OUT"; then
	ok "www.example.com through the real root's shapes, in $ms ms (priming queries: $primed)"
else
	not_ok "www.example.com through the real root's shapes: $(sed -nE 's/.*status: ([A-Z]+),.*/\1/p' <<<"$OUT") in $ms ms"
	grep -E 'malformed|SERVFAIL' "$CFG.log" | head -n 3 | sed 's/^/    # /'
fi
check "resolverd primed from the fake root (the log has . NS)" [ "$primed" -ge 1 ]
[ -n "${KEEP_LOGS:-}" ] && { cat "$CFG.log"; cat "$FA_LOG"; }
done_testing
