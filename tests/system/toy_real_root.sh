#!/usr/bin/env bash
# tests/system/toy_real_root.sh: the toy internet's root has the real root's size.
#
# zones/root.zone has 13 servers, a-m.root-servers.net on 127.53.0.1-13, each with A and AAAA
# (IPv4-mapped) glue: priming gets 811 bytes, as from the real root. Checked: the hints name the
# same 13 servers and addresses as root.zone and map.yaml; the toy servers' priming reply has
# the real size and layout, and NSD gives the same answers; resolverd and qdig +trace walk it
# from conf/toy-root.hints, priming from it (the 811-byte reply read whole over UDP, issue 11
# finding 2) once for many cold-cache questions.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"

MAP=$TOP/zones/map.yaml
HINTS=$TOP/conf/toy-root.hints
[ -x "$RESOLVERD" ] || { skip "resolverd is not built"; done_testing; }

check "the hints name the 13 servers with A and AAAA" eval '[ "$(grep -c "	NS	" "$HINTS")" = 13 ] &&
	[ "$(grep -c "	AAAA	::ffff:127\.53\.0\." "$HINTS")" = 13 ]'
addrs() { # the names and addresses of the A and AAAA records of a master file
	awk 'NF >= 3 && ($(NF - 1) == "A" || $(NF - 1) == "AAAA") { print $1, $NF }' "$1" | sort
}
check "the hints' 26 addresses are root.zone's glue for the root servers" eval \
	'[ "$(addrs "$HINTS" | wc -l)" = 26 ] &&
	[ "$(addrs "$HINTS")" = "$(addrs "$TOP/zones/root.zone" | grep root-servers)" ]'
roots=$(grep -A2 -- '- name: \.$' "$MAP" | sed -nE 's/^ +servers: \[(.*)\]$/\1/p')
check "map.yaml serves the root on the 13 servers' addresses, 127.53.0.1-13" \
	test "$roots" = "$(seq -s ', ' -f '127.53.0.%g' 1 13)"

TOY=$(free_port) || { not_ok "a free port"; done_testing; }
printf 'toy-internet:\n  map: %s\n  port: %s\n' "$MAP" "$TOY" >"$T_TMP/toy.yaml"
start_bg "$T_TMP/toy.log" "$RESOLVERD" --auth-only "$T_TMP/toy.yaml"
wait_dns 127.53.0.13 "$TOY" 10 || { not_ok "resolverd --auth-only serves map.yaml"; done_testing; }

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
	if start_nsd 127.53.0.13 "$NSD_PORT" . "$TOP/zones/root.zone" \
		root-servers.net "$TOP/zones/root-servers.net.zone"; then
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

echo "# walks from conf/toy-root.hints"
RES=$(free_port)
while [ "$RES" = "$TOY" ]; do RES=$(free_port); done
TOY2=$(free_port)
while [ "$TOY2" = "$TOY" ] || [ "$TOY2" = "$RES" ]; do TOY2=$(free_port); done
printf 'toy-internet:\n  map: %s\n  port: %s\nserver:\n  listen: [127.0.0.1]\n  port: %s\n' \
	"$MAP" "$TOY2" "$RES" >"$T_TMP/res.yaml"
printf 'resolver:\n  root-hints: %s\n  upstream-port: %s\n  query-special-addresses: true\n' \
	"$HINTS" "$TOY2" >>"$T_TMP/res.yaml"
printf 'log:\n  level: debug\n' >>"$T_TMP/res.yaml"
start_bg "$T_TMP/res.log" "$RESOLVERD" "$T_TMP/res.yaml"
wait_dns 127.0.0.1 "$RES" 10 || { not_ok "resolverd starts on map.yaml"; done_testing; }

OUT=$("$QDIG" +tries=1 +timeout=8 -p "$RES" @127.0.0.1 www.example.com 2>&1)
check "resolverd resolves www.example.com from the 13 servers' hints" \
	eval 'dig_section ANSWER <<<"$OUT" | grep -q " A 192\.0\.2\.10$"'
for q in www.example.org www.nic.info www.glueless.org "-x 127.53.10.1"; do
	# shellcheck disable=SC2086 # the question's words are meant to split
	"$QDIG" +tries=1 +timeout=8 -p "$RES" @127.0.0.1 $q >/dev/null 2>&1
done
bad=$(grep -c ': \. NS: asked .* malformed' "$T_TMP/res.log")
check "resolverd primes: the 811-byte reply is read whole ($bad malformed replies to . NS)" \
	[ "$bad" = 0 ]
primed=$(grep -Ec ': \. NS: asked [a-m]\.root-servers\.net\. for \. over UDP: answer' \
	"$T_TMP/res.log")
asked=$(grep -c ': \. NS: asked ' "$T_TMP/res.log")
check "resolverd primes once for five cold-cache questions ($primed answers, $asked queries)" \
	test "$primed" = 1 -a "$asked" = 1
OUT=$(timeout 20 "$QDIG" +trace -p "$TOY2" www.example.com +root-hints="$HINTS" 2>&1)
check "qdig +trace walks it to the answer" \
	grep -Eq '^www\.example\.com\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.10$' <<<"$OUT"
bad=$(grep -c 'Bad reply' <<<"$OUT")
ns=$(grep -Ec '^ *\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+NS[[:space:]]' <<<"$OUT")
check "qdig +trace primes: no bad reply ($bad), 13 root servers in the answer ($ns)" \
	test "$bad" = 0 -a "$ns" = 13
done_testing
