#!/usr/bin/env bash
# tests/system/local_data_unbound.sh: local-zones (issue 14, local data) against Unbound.
#
# Unbound from Debian and resolverd get the same local-zone and local-data lines (the lists
# ZONES and DATA below: every zone type, data in no zone, a zone inside another) and resolve
# the rest from the toy internet (resolverd --auth-only on port 53, in a network namespace of
# our own). Each question of CASES goes to both with dig; the status, the flags and the
# answer and authority sections (records sorted) must be the same, or both must stay silent
# (deny). Questions marked ~ are resolved from the toy internet: there the resolvers' caches
# differ in negative TTLs and proofs, so only status, flags and answer (no TTL) count. The defaults (localhost, the loopback PTR, invalid, a private reverse zone) are
# among the questions. Then resolverd's reload: changed data is answered and named in the
# log; a bad line changes nothing.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"

ZONES='example.lan. static
nosoa.lan. static
ads.example. always_nxdomain
ok.ads.example. always_transparent
shop.com. always_nxdomain
www.shop.com. always_transparent
ref.example. refuse
den.example. deny
aref.example. always_refuse
aden.example. always_deny
red.example. redirect
null.example. always_null
example.org. transparent
example.com. typetransparent
onion. nodefault'
DATA='example.lan. 3600 IN SOA ns.example.lan. admin.example.lan. 1 3600 600 86400 300
example.lan. 3600 IN MX 10 mail.example.lan.
printer.example.lan. 3600 IN A 192.168.1.20
printer.example.lan. 3600 IN A 192.168.1.21
printer.example.lan. 3600 IN TXT "lobby printer"
www.example.lan. 3600 IN CNAME printer.example.lan.
a.b.example.lan. 3600 IN A 10.0.0.1
h.nosoa.lan. 60 IN A 10.0.0.2
y.ads.example. 60 IN A 10.0.0.3
r.ref.example. 60 IN A 10.0.0.4
d.den.example. 60 IN A 10.0.0.5
r.aref.example. 60 IN A 10.0.0.6
red.example. 60 IN A 10.0.0.7
y.null.example. 60 IN A 10.0.0.11
null.example. 60 IN SOA ns.null.example. admin.null.example. 1 3600 600 86400 300
local.example.org. 60 IN A 10.0.0.8
www.example.com. 60 IN A 10.0.0.9
printer.intern. 60 IN A 10.0.0.10'
CASES='printer.example.lan A
printer.example.lan A +norec
printer.example.lan TXT
printer.example.lan MX
printer.example.lan ANY
www.example.lan A
www.example.lan CNAME
b.example.lan A
nope.example.lan A
example.lan SOA
example.lan MX
example.lan NS
x.nosoa.lan A
h.nosoa.lan AAAA
www.ads.example A
ads.example SOA
y.ads.example A +norec
www.ok.ads.example A ~
www.shop.com A ~
mail.shop.com A
r.ref.example A
s.ref.example A
d.den.example A
e.den.example A
r.aref.example A
r.aden.example A
foo.red.example A
a.b.red.example A
foo.red.example MX
x.null.example A
x.null.example AAAA
x.null.example MX
y.null.example A
local.example.org A
local.example.org MX
www.example.org A ~
www.example.com A
www.example.com AAAA ~
printer.intern A
printer.intern MX
other.intern A ~
www.onion A ~
localhost A
localhost AAAA
www.localhost A
localhost NS
localhost MX
1.0.0.127.in-addr.arpa PTR
1.0.0.127.in-addr.arpa PTR +norec
foo.invalid A
invalid SOA
5.1.168.192.in-addr.arpa PTR
10.in-addr.arpa NS
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa PTR'
CHECKS=$(($(grep -c . <<<"$CASES") + 4))

[ -x "$RESOLVERD" ] || skip_all $CHECKS "resolverd is not built"
command -v unbound >/dev/null || skip_all $CHECKS "unbound is not installed"
command -v dig >/dev/null || skip_all $CHECKS "dig is not installed"
own_netns $CHECKS

UB=127.54.1.1 RS=127.54.1.2
PORT=$(free_port) || { not_ok "a free port"; done_testing; }

unbound_lines() {
	while read -r name type; do printf '\tlocal-zone: "%s" %s\n' "$name" "$type"; done <<<"$ZONES"
	while read -r line; do printf "\\tlocal-data: '%s'\\n" "$line"; done <<<"$DATA"
}
toy_unbound "$UB" "$PORT" "$(unbound_lines)"

resolver_yaml() { # $1: the local-data lines
	printf 'server:\n  listen: [%s]\n  port: %s\n' "$RS" "$PORT"
	printf 'resolver:\n  root-hints: %s\n  upstream-port: 53\n' "$TOP/conf/toy-root.hints"
	printf '  query-special-addresses: true\nlocal-zones:\n  zones:\n'
	while read -r name type; do printf '    - { name: %s, type: %s }\n' "$name" "$type"; done \
		<<<"$ZONES"
	printf '  data:\n'
	while read -r line; do printf "    - '%s'\\n" "$line"; done <<<"$1"
}
CFG=$T_TMP/resolverd.yaml
resolver_yaml "$DATA" >"$CFG"
start_bg "$T_TMP/resolverd.log" "$RESOLVERD" "$CFG"
PID=$LAST_PID
wait_dns "$RS" "$PORT" 10 || { not_ok "resolverd starts: $(tail -n 3 "$T_TMP/resolverd.log")"; done_testing; }

# What matters of a reply: status, flags, answer and authority, each section sorted.
shape() { # shape SERVER ARGS...
	local server=$1 out
	shift
	out=$(dig +tries=1 +time=2 +nocookie +dnssec -p "$PORT" "@$server" "$@" 2>&1)
	if grep -q "timed out" <<<"$out"; then
		echo "no reply"
		return
	fi
	dig_records <<<"$out" | grep -E '^(STATUS|FLAGS|ANSWER|AUTHORITY)\|' | sort
}

# Of a resolved reply: status, flags and the answer without TTLs.
loose() { grep -E '^(STATUS|FLAGS|ANSWER)\|' | awk -F' ' '/^ANSWER/ { $2 = "" } { print }'; }

while read -r question; do
	filter="cat"
	if [[ $question == *" ~" ]]; then
		question=${question% ~}
		filter=loose
	fi
	# shellcheck disable=SC2086 # "name type [options]"
	want=$(shape "$UB" $question | $filter)
	# shellcheck disable=SC2086
	got=$(shape "$RS" $question | $filter)
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		ok "$question: as Unbound ($(sed -n 's/^STATUS|//p' <<<"$want" | grep . || echo "$want"))"
	else
		not_ok "$question: Unbound and resolverd differ"
		diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
	fi
done <<<"$CASES"

# The reload: a changed record is answered and the log names the key; a bad line keeps all.
ask() { dig +tries=1 +time=2 +short -p "$PORT" "@$RS" "$@" 2>&1; }
reloaded() { # reloaded N: waits for the Nth reload report in the log
	for _ in $(seq 1 50); do
		[ "$(grep -c 'config: ' "$T_TMP/resolverd.log")" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
resolver_yaml "${DATA/192.168.1.21/192.168.1.99}" >"$CFG"
kill -HUP "$PID"
if reloaded 1 && grep -q 'config: reloaded .*changed local-zones.data' "$T_TMP/resolverd.log"; then
	ok "reload: the log says local-zones.data changed"
else
	not_ok "reload: the log names local-zones.data"
	sed 's/^/    /' "$T_TMP/resolverd.log"
fi
check "reload: the new data is answered" \
	test "$(ask printer.example.lan A | sort | tr '\n' ' ')" = "192.168.1.20 192.168.1.99 "
resolver_yaml "$DATA
nothing.example.lan. 3600 IN A 10.0.0.300" >"$CFG"
kill -HUP "$PID"
if reloaded 2 && grep -q 'kept the configuration in force: .*local-zones.data: ' \
	"$T_TMP/resolverd.log"; then
	ok "bad reload: the log says why, with the file and line"
else
	not_ok "bad reload: the log says why"
	sed 's/^/    /' "$T_TMP/resolverd.log"
fi
check "bad reload: the data in force is kept" \
	test "$(ask printer.example.lan A | sort | tr '\n' ' ')" = "192.168.1.20 192.168.1.99 "
done_testing
