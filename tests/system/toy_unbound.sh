#!/usr/bin/env bash
# tests/system/toy_unbound.sh: Unbound from Debian resolves every named case of the toy
# internet, walking it from conf/toy-root.hints through resolverd --auth-only.
#
# Root hints carry no port, so the toy servers must be on port 53 of their 127.53.x.y
# addresses: the test runs in a network namespace of its own (own_netns), where port 53 is
# free whatever the host runs. Unbound needs
# do-not-query-localhost: no to ask loopback addresses at all, and "127.in-addr.arpa."
# nodefault, else it answers the reverse zone of 127/8 itself (RFC 6761 §6.3) and never asks.
# The dead server costs Unbound timeouts; after them Unbound 1.17 sometimes resolves the
# question but sends no reply to the first query (its log says "finishing processing"), so
# dig asks up to three times, 5 s apart: the retry gets the cached answer.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
CHECKS=14 # the file's checks, counted as skipped when it cannot run

[ -x "$RESOLVERD" ] || skip_all $CHECKS "resolverd is not built"
command -v unbound >/dev/null || skip_all $CHECKS "unbound is not installed"
own_netns $CHECKS

ADDR=127.53.200.1
PORT=$(free_port) || { not_ok "a free port"; done_testing; }
toy_unbound "$ADDR" "$PORT" "	local-zone: \"127.in-addr.arpa.\" nodefault
	module-config: \"iterator\""

# resolves DESC RCODE EXPECTED-ANSWER-ERE ARGS...: Unbound's answer has that status and an
# answer record (whitespace collapsed) matching the ERE ("" for none).
resolves() {
	local desc=$1 rcode=$2 want=$3 out ans
	shift 3
	out=$(dig +tries=3 +time=5 -p "$PORT" "@$ADDR" "$@" 2>&1)
	ans=$(awk '/^;; ANSWER SECTION:/ { on = 1; next } /^$/ { on = 0 } on { $1 = $1; print }' \
		<<<"$out")
	if grep -q "status: $rcode," <<<"$out" &&
		{ [ -z "$want" ] || grep -qE -- "$want" <<<"$ans"; }; then
		ok "Unbound resolves $desc"
	else
		not_ok "Unbound resolves $desc (status $rcode, answer ~ $want)"
		sed 's/^/    /' <<<"$out" | head -30
	fi
}

resolves "plain: www.example.com" NOERROR "^www\.example\.com\. [0-9]+ IN A 192\.0\.2\.10$" \
	www.example.com A
resolves "several servers: www.example.org" NOERROR " A 192\.0\.2\.20$" www.example.org A
resolves "CDN: www.shop.com through cdn.net" NOERROR \
	"^e42\.edge\.cdn\.net\. [0-9]+ IN A 198\.51\.100\.42$" www.shop.com A
resolves "glueless: www.glueless.org" NOERROR " A 192\.0\.2\.31$" www.glueless.org A
resolves "lame: www.lame.net" NOERROR " A 192\.0\.2\.40$" www.lame.net A
resolves "dead server: www.halfdead.org" NOERROR " A 192\.0\.2\.60$" www.halfdead.org A
resolves "too big for UDP: big.example.com TXT" NOERROR "\"record 40 of 40: " big.example.com TXT
resolves "wildcard: foo.wild.example.com" NOERROR \
	"^foo\.wild\.example\.com\. [0-9]+ IN A 192\.0\.2\.80$" foo.wild.example.com A
resolves "NXDOMAIN: nope.example.com" NXDOMAIN "" nope.example.com A
resolves "NODATA: www.example.com MX" NOERROR "" www.example.com MX
resolves "AAAA: www.example.com" NOERROR " AAAA 2001:db8::10$" www.example.com AAAA
resolves "reverse: -x 127.53.10.1" NOERROR " PTR ns1\.example\.com\.$" -x 127.53.10.1
resolves "four levels deep: a.b.c.deep.org" NOERROR " A 192\.0\.2\.4$" a.b.c.deep.org A
resolves "a 13-server TLD (referral of 821 bytes): www.nic.info" NOERROR " A 192\.0\.2\.90$" \
	www.nic.info A
resolves "an RRset of 865 bytes: medium.example.com TXT" NOERROR "\"record 10 of 10: " \
	medium.example.com TXT

out=$(dig +tries=3 +time=5 -p "$PORT" "@$ADDR" www.example.com MX 2>&1)
check "Unbound's NODATA for www.example.com MX is empty with the SOA" \
	grep -qE "ANSWER: 0, AUTHORITY: 1" <<<"$out"
done_testing
