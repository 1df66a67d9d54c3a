#!/usr/bin/env bash
# tests/system/toy_real_root.sh: the toy internet with a root of the real size (zones/map-13.yaml).
#
# zones/map-13.yaml is zones/map.yaml with a root of 13 servers, a-m.root-servers.net, each
# with A and AAAA (IPv4-mapped) glue: priming gets 811 bytes, as from the real root. Checked:
# the two maps differ in the root's entries only; the new zones pass nsd-checkzone; the toy
# servers' priming reply has the real size and layout, and NSD gives the same answers; then
# resolverd and qdig +trace walk it from conf/toy-root-13.hints. Today both fail at priming
# (issue 11 finding 2: UDP replies over 512 bytes), reported as skips until that is fixed;
# then map-13.yaml becomes map.yaml (zones/README.md, "The real root's size").
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"

MAP13=$TOP/zones/map-13.yaml
HINTS13=$TOP/conf/toy-root-13.hints
[ -x "$RESOLVERD" ] || { skip "resolverd is not built"; done_testing; }

changed=$(diff <(sed '1,/^zones:/d' "$TOP/zones/map.yaml") <(sed '1,/^zones:/d' "$MAP13") |
	grep -c '^[<>]')
check "map-13.yaml is map.yaml but for the root's and root-servers.net's lines ($changed)" \
	[ "$changed" = 8 ]
for zf in ". root-13.zone" "root-servers.net root-servers.net-13.zone"; do
	set -- $zf
	check "nsd-checkzone $1 $2" nsd-checkzone "$1" "$TOP/zones/$2"
done
check "the hints name the 13 servers with A and AAAA" \
	eval '[ "$(grep -c "	NS	" "$HINTS13")" = 13 ] && [ "$(grep -c "	AAAA	::ffff:127\.53\.0\." "$HINTS13")" = 13 ]'

TOY=$(free_port) || { not_ok "a free port"; done_testing; }
printf 'toy-internet:\n  map: %s\n  port: %s\n' "$MAP13" "$TOY" >"$T_TMP/toy.yaml"
start_bg "$T_TMP/toy.log" "$RESOLVERD" --auth-only "$T_TMP/toy.yaml"
wait_dns 127.53.0.13 "$TOY" 10 || { not_ok "resolverd --auth-only serves map-13.yaml"; done_testing; }

OUT=""
dq() { OUT=$(dig +norec +nocookie +tries=1 +time=2 -p "$TOY" "$@" 2>&1); }
size() { sed -nE 's/^;; MSG SIZE +rcvd: ([0-9]+)$/\1/p' <<<"$OUT"; }
count() { dig_section "$1" <<<"$OUT" | grep -c -- "$2"; }
flags() { sed -nE 's/^;; flags: ([a-z ]*);.*/\1/p' <<<"$OUT"; }

echo "# the toy root at its real size"
dq @127.53.0.13 . NS
check "priming at m.root-servers.net: 811 bytes, as the real root's (got $(size))" [ "$(size)" = 811 ]
check "13 NS, 13 A and 13 AAAA, AA, no TC ($(flags))" eval '[ "$(count ANSWER " NS ")" = 13 ] &&
	[ "$(count ADDITIONAL " A 127\.53\.0\.")" = 13 ] &&
	[ "$(count ADDITIONAL " AAAA ::ffff:127\.53\.0\.")" = 13 ] && [ "$(flags)" = "qr aa" ]'
dq @127.53.0.13 . NS +noedns +ignore
echo "# without EDNS: $(flags), $(size) bytes, $(count ADDITIONAL " A ") A and $(count ADDITIONAL " AAAA ") AAAA"
check "without EDNS the priming reply fits 512 bytes" [ "$(size)" -le 512 ]
dq @127.53.0.7 www.nic.info A
check "the referral to info from g.root-servers.net: 821 bytes (got $(size))" [ "$(size)" = 821 ]
dq @127.53.0.4 d.root-servers.net AAAA
check "d.root-servers.net AAAA from root-servers.net" \
	eval 'dig_section ANSWER <<<"$OUT" | grep -q " AAAA ::ffff:127\.53\.0\.4$"'

if command -v nsd >/dev/null; then
	NSD_PORT=$(free_port)
	while [ "$NSD_PORT" = "$TOY" ]; do NSD_PORT=$(free_port); done
	if start_nsd 127.53.0.13 "$NSD_PORT" . "$TOP/zones/root-13.zone" \
		root-servers.net "$TOP/zones/root-servers.net-13.zone"; then
		for q in ". NS" ". NS +noedns" ". SOA" "www.nic.info A" "www.example.com A" \
			"a.root-servers.net AAAA" "root-servers.net NS" "nope.zz A"; do
			# shellcheck disable=SC2086 # the question's words are meant to split
			n=$(dig +norec +nocookie +tries=2 +time=2 -p "$NSD_PORT" @127.53.0.13 $q 2>&1 | dig_records | sort)
			# shellcheck disable=SC2086
			a=$(dig +norec +nocookie +tries=2 +time=2 -p "$TOY" @127.53.0.13 $q 2>&1 | dig_records | sort)
			check "@127.53.0.13 $q: same as NSD" eval '[ -n "$n" ] && [ "$n" = "$a" ]'
		done
	else
		not_ok "NSD starts on 127.53.0.13"
	fi
else
	skip "nsd is not installed: no comparison"
fi

echo "# walks from conf/toy-root-13.hints"
RES=$(free_port)
while [ "$RES" = "$TOY" ]; do RES=$(free_port); done
TOY2=$(free_port)
while [ "$TOY2" = "$TOY" ] || [ "$TOY2" = "$RES" ]; do TOY2=$(free_port); done
printf 'toy-internet:\n  map: %s\n  port: %s\nserver:\n  listen: [127.0.0.1]\n  port: %s\n' \
	"$MAP13" "$TOY2" "$RES" >"$T_TMP/res.yaml"
printf 'resolver:\n  root-hints: %s\n  upstream-port: %s\n  query-special-addresses: true\n' \
	"$HINTS13" "$TOY2" >>"$T_TMP/res.yaml"
printf 'log:\n  level: debug\n' >>"$T_TMP/res.yaml"
start_bg "$T_TMP/res.log" "$RESOLVERD" "$T_TMP/res.yaml"
wait_dns 127.0.0.1 "$RES" 10 || { not_ok "resolverd starts on map-13.yaml"; done_testing; }

# Today priming fails on every root server (the 811-byte reply is read as 512 bytes: "message
# truncated inside a field"), and the walk goes on from the hints: the answers are right, the
# priming is not. Until issue 11 (finding 2) is fixed, the priming checks are skips.
issue11() { # issue11 DESC CMD...: ok when CMD succeeds, else a skip naming the issue
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else skip "$desc (issue 11 finding 2, not fixed yet)"; fi
}
OUT=$("$QDIG" +tries=1 +timeout=8 -p "$RES" @127.0.0.1 www.example.com 2>&1)
check "resolverd resolves www.example.com from the 13 servers' hints" \
	eval 'dig_section ANSWER <<<"$OUT" | grep -q " A 192\.0\.2\.10$"'
bad=$(grep -c 'trace 1: \. NS: asked .* malformed' "$T_TMP/res.log")
issue11 "resolverd primes: the 811-byte reply is read whole ($bad malformed replies to . NS)" \
	[ "$bad" = 0 ]
OUT=$(timeout 20 "$QDIG" +trace -p "$TOY2" www.example.com +root-hints="$HINTS13" 2>&1)
check "qdig +trace walks it to the answer" \
	grep -Eq '^www\.example\.com\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.10$' <<<"$OUT"
bad=$(grep -c 'Bad reply: message truncated' <<<"$OUT")
issue11 "qdig +trace primes: no bad reply ($bad)" [ "$bad" = 0 ]
done_testing
