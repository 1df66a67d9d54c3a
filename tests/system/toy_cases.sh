#!/usr/bin/env bash
# tests/system/toy_cases.sh: every named case of zones/README.md, asked of the toy servers.
#
# resolverd --auth-only serves zones/map.yaml on a free port; dig asks each case's servers
# directly (+norec) and the rcode, the AA and TC flags, the section counts and the records
# must be the ones README.md describes. Then a full resolverd on the same toy internet is
# asked the same cases with qdig, as a user would, and must resolve each to its final answer.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"

[ -x "$RESOLVERD" ] || { skip "resolverd is not built"; done_testing; }
TOY=$(free_port) || { not_ok "a free port"; done_testing; }

start_toy "$TOY" || { not_ok "resolverd --auth-only starts"; done_testing; }

# The reply being checked, and how to get one.
OUT=""
dq() { # dq ADDR ARGS...: dig, straight to a toy server
	local addr=$1
	shift
	OUT=$(dig +norec +nocookie +tries=1 +time=2 -p "$TOY" "@$addr" "$@" 2>&1)
}

section() { dig_section "$1" <<<"$OUT"; } # the records of section $1 of $OUT

# expect DESC COND...: each COND must hold for $OUT. Conditions: NOERROR (or any rcode);
# aa, -aa, tc, -tc, ra, -ra; an=N, ns=N, ar=N (records, OPT not counted); ANSWER~ERE, AUTHORITY~ERE,
# ADDITIONAL~ERE (a record of that section matches; records are "owner ttl class type
# rdata" with single spaces).
expect() {
	local desc=$1 c why="" flags status
	shift
	status=$(sed -nE 's/.*status: ([A-Z]+),.*/\1/p' <<<"$OUT")
	flags=" $(sed -nE 's/^;; flags: ([a-z ]*);.*/\1/p' <<<"$OUT") "
	for c in "$@"; do
		case "$c" in
		aa | tc | ra) [[ "$flags" == *" $c "* ]] || why="$why no $c;" ;;
		-aa | -tc | -ra) [[ "$flags" != *" ${c#-} "* ]] || why="$why ${c#-} set;" ;;
		an=* | ns=* | ar=*)
			local key=${c%%=*} n
			key=${key/an/ANSWER} key=${key/ns/AUTHORITY} key=${key/ar/ADDITIONAL}
			n=$(sed -nE "s/.* $key: ([0-9]+).*/\1/p" <<<"$OUT")
			# dig counts the OPT record among the additional ones
			[ "$key" = ADDITIONAL ] && grep -q "OPT PSEUDOSECTION" <<<"$OUT" &&
				n=$((n - 1))
			[ "$n" = "${c#*=}" ] || why="$why $key $n, not ${c#*=};" ;;
		*~*)
			section "${c%%~*}" | grep -qE -- "${c#*~}" ||
				why="$why no ${c%%~*} ~ ${c#*~};" ;;
		*) [ "$status" = "$c" ] || why="$why status ${status:-none}, not $c;" ;;
		esac
	done
	if [ -z "$why" ]; then
		ok "$desc"
	else
		not_ok "$desc:$why"
		sed 's/^/    /' <<<"$OUT" | head -40
	fi
}

echo "# the toy servers, asked directly"
dq 127.53.0.1 . NS
expect "root: . NS from a.root-servers.net: 13 servers, A and AAAA glue" NOERROR aa -tc an=13 \
	ar=26 "ANSWER~^\. 518400 IN NS a\.root-servers\.net\.$" \
	"ANSWER~^\. 518400 IN NS m\.root-servers\.net\.$" \
	"ADDITIONAL~^a\.root-servers\.net\..* A 127\.53\.0\.1$" \
	"ADDITIONAL~^m\.root-servers\.net\..* AAAA ::ffff:127\.53\.0\.13$"
dq 127.53.0.13 . NS +noedns
expect "root: without EDNS, the priming reply from m.root-servers.net fits 512 bytes" \
	NOERROR aa -tc an=13 "ADDITIONAL~^m\.root-servers\.net\..* A 127\.53\.0\.13$"
dq 127.53.0.2 www.example.com A
expect "root: referral to com with glue" NOERROR -aa an=0 ns=2 ar=2 \
	"AUTHORITY~^com\. 172800 IN NS a\.gtld-servers\.net\.$" \
	"ADDITIONAL~^b\.gtld-servers\.net\..* A 127\.53\.1\.2$"
dq 127.53.0.3 a.root-servers.net A
expect "root: the root servers serve root-servers.net too" NOERROR aa "ANSWER~ A 127\.53\.0\.1$"

dq 127.53.1.1 www.example.com A
expect "plain: com refers to example.com with glue" NOERROR -aa ns=2 ar=2 \
	"AUTHORITY~^example\.com\. 172800 IN NS ns1\.example\.com\.$" \
	"ADDITIONAL~^ns1\.example\.com\. .* A 127\.53\.10\.1$"
dq 127.53.10.1 www.example.com A
expect "plain: www.example.com A" NOERROR aa -tc an=1 ns=2 \
	"ANSWER~^www\.example\.com\. 3600 IN A 192\.0\.2\.10$" \
	"AUTHORITY~^example\.com\. 3600 IN NS ns2\.example\.com\.$"
dq 127.53.10.2 alias.example.com A
expect "plain: a CNAME chain inside the zone" NOERROR aa an=3 \
	"ANSWER~^alias\.example\.com\. .* CNAME web\.example\.com\.$" \
	"ANSWER~^web\.example\.com\. .* CNAME www\.example\.com\.$" \
	"ANSWER~^www\.example\.com\. .* A 192\.0\.2\.10$"
dq 127.53.10.1 example.com MX
expect "plain: MX with its host's addresses" NOERROR aa "ANSWER~MX 10 mail\.example\.com\.$" \
	"ADDITIONAL~^mail\.example\.com\. .* A 192\.0\.2\.25$" \
	"ADDITIONAL~^mail\.example\.com\. .* AAAA 2001:db8::25$"
dq 127.53.10.1 www.example.org A
expect "plain: a zone the server does not have is REFUSED" REFUSED -aa an=0

dq 127.53.10.1 www.example.com A +edns=1 +noednsneg
expect "errors: EDNS version 1 is BADVERS, from a server without recursion" BADVERS -aa -ra an=0
dq 127.53.10.1 www.example.com A +opcode=status
expect "errors: an opcode other than QUERY is NOTIMP" NOTIMP -aa -ra an=0
dq 127.53.10.1 www.example.com A -c CH
expect "errors: class CH is REFUSED" REFUSED -aa -ra an=0

dq 127.53.1.12 example.org NS
expect "several servers: org refers to three" NOERROR -aa ns=3 ar=3 \
	"AUTHORITY~ NS ns3\.example\.org\.$"
for a in 127.53.11.1 127.53.11.2 127.53.11.3; do
	dq "$a" www.example.org A
	expect "several servers: $a answers for example.org" NOERROR aa "ANSWER~ A 192\.0\.2\.20$"
done

dq 127.53.12.1 www.shop.com A
expect "CDN: www.shop.com is a CNAME into cdn.net, alone" NOERROR aa an=1 ns=0 \
	"ANSWER~^www\.shop\.com\. 300 IN CNAME www\.shop\.com\.cdn\.net\.$"
dq 127.53.13.2 www.shop.com.cdn.net A
expect "CDN: cdn.net maps it to an edge server" NOERROR aa an=2 \
	"ANSWER~^www\.shop\.com\.cdn\.net\. 60 IN CNAME e42\.edge\.cdn\.net\.$" \
	"ANSWER~^e42\.edge\.cdn\.net\. 20 IN A 198\.51\.100\.42$"

dq 127.53.1.11 www.glueless.org A
expect "glueless: org's referral has no glue" NOERROR -aa ns=2 ar=0 \
	"AUTHORITY~ NS ns1\.dnshost\.com\.$"
dq 127.53.14.1 www.glueless.org A
expect "glueless: dnshost.com's server answers" NOERROR aa "ANSWER~ A 192\.0\.2\.31$"

dq 127.53.1.2 www.lame.net A
expect "lame: net lists ns2.lame.net at 127.53.10.1" NOERROR -aa ns=2 \
	"ADDITIONAL~^ns2\.lame\.net\. .* A 127\.53\.10\.1$"
dq 127.53.10.1 www.lame.net A
expect "lame: 127.53.10.1 refuses lame.net" REFUSED -aa an=0 ns=0
dq 127.53.15.1 www.lame.net A
expect "lame: ns1.lame.net answers" NOERROR aa "ANSWER~ A 192\.0\.2\.40$"

dq 127.53.1.11 www.halfdead.org A
expect "dead: org lists ns2.halfdead.org at 127.53.16.2" NOERROR -aa \
	"ADDITIONAL~^ns2\.halfdead\.org\. .* A 127\.53\.16\.2$"
dig +norec +tries=1 +time=1 -p "$TOY" @127.53.16.2 www.halfdead.org A >/dev/null 2>&1
check "dead: nothing answers at 127.53.16.2" test $? = 9
dq 127.53.16.1 www.halfdead.org A
expect "dead: ns1.halfdead.org answers" NOERROR aa "ANSWER~ A 192\.0\.2\.60$"
dq 127.53.1.11 www.pcdiff.org A
expect "pcdiff: org's glue for ns1.pcdiff.org is 127.53.17.1" NOERROR -aa \
	"ADDITIONAL~^ns1\.pcdiff\.org\. .* A 127\.53\.17\.1$"
dq 127.53.17.1 ns1.pcdiff.org A
expect "pcdiff: the zone says 127.53.17.2" NOERROR aa "ANSWER~ A 127\.53\.17\.2$"

dq 127.53.10.1 big.example.com TXT +ignore +noedns
expect "TC: 40 TXT records do not fit 512 bytes" NOERROR aa tc an=0
dq 127.53.10.1 big.example.com TXT +ignore +bufsize=4096
expect "TC: nor the 1232 bytes of EDNS" NOERROR aa tc an=0
dq 127.53.10.1 big.example.com TXT +tcp
expect "TC: over TCP the whole answer comes" NOERROR aa -tc an=40 "ANSWER~\"record 40 of 40: "
dq 127.53.10.1 big.example.com TXT
expect "TC: dig retries over TCP by itself" NOERROR aa -tc an=40

dq 127.53.10.2 anything.wild.example.com A
expect "wildcard: synthesised under the name asked" NOERROR aa an=1 \
	"ANSWER~^anything\.wild\.example\.com\. 3600 IN A 192\.0\.2\.80$"
dq 127.53.10.2 a.b.wild.example.com AAAA
expect "wildcard: several labels below it, AAAA" NOERROR aa \
	"ANSWER~^a\.b\.wild\.example\.com\. .* AAAA 2001:db8::80$"
dq 127.53.10.2 sub.wild.example.com A
expect "wildcard: an existing name is not covered (NODATA)" NOERROR aa an=0 "AUTHORITY~ SOA "
dq 127.53.10.2 x.sub.wild.example.com A
expect "wildcard: nor what lies below it (NXDOMAIN)" NXDOMAIN aa an=0

dq 127.53.10.1 nope.example.com A
expect "NXDOMAIN, SOA with TTL min(3600, 300)" NXDOMAIN aa an=0 ns=1 \
	"AUTHORITY~^example\.com\. 300 IN SOA ns1\.example\.com\. hostmaster\.example\.com\. "
dq 127.53.10.1 www.example.com MX
expect "NODATA: www has no MX" NOERROR aa an=0 ns=1 "AUTHORITY~^example\.com\. 300 IN SOA "
dq 127.53.10.1 _tcp.example.com SRV
expect "NODATA: the empty non-terminal _tcp" NOERROR aa an=0 "AUTHORITY~ SOA "

dq 127.53.10.1 www.example.com AAAA
expect "AAAA: www.example.com" NOERROR aa an=1 "ANSWER~ AAAA 2001:db8::10$"
dq 127.53.10.1 v6only.example.com AAAA
expect "AAAA: v6only has AAAA only" NOERROR aa an=1 "ANSWER~ AAAA 2001:db8::6$"
dq 127.53.10.1 v6only.example.com A
expect "AAAA: and no A (NODATA)" NOERROR aa an=0

dq 127.53.0.1 -x 127.53.10.1
expect "reverse: the root servers' arpa refers to in-addr.arpa" NOERROR -aa \
	"AUTHORITY~^in-addr\.arpa\. .* NS a\.in-addr-servers\.arpa\.$" \
	"ADDITIONAL~ A 127\.53\.2\.1$"
dq 127.53.2.1 -x 127.53.10.1
expect "reverse: in-addr.arpa refers to loopnet.net, glueless" NOERROR -aa ar=0 \
	"AUTHORITY~^53\.127\.in-addr\.arpa\. .* NS ns1\.loopnet\.net\.$"
dq 127.53.30.1 -x 127.53.10.1
expect "reverse: 127.53.10.1 is ns1.example.com" NOERROR aa \
	"ANSWER~^1\.10\.53\.127\.in-addr\.arpa\. 3600 IN PTR ns1\.example\.com\.$"

dq 127.53.1.11 a.b.c.deep.org A
expect "deep: org refers to deep.org" NOERROR -aa "AUTHORITY~^deep\.org\. .* NS ns1\.deep\.org\.$"
dq 127.53.20.1 a.b.c.deep.org A
expect "deep: deep.org refers to c.deep.org" NOERROR -aa \
	"AUTHORITY~^c\.deep\.org\. .* NS ns1\.c\.deep\.org\.$"
dq 127.53.21.1 a.b.c.deep.org A
expect "deep: c.deep.org refers to b.c.deep.org" NOERROR -aa "AUTHORITY~^b\.c\.deep\.org\. .* NS "
dq 127.53.22.1 a.b.c.deep.org A
expect "deep: b.c.deep.org answers, four levels down" NOERROR aa "ANSWER~ A 192\.0\.2\.4$"

echo "# the real internet's sizes"
msg_size() { sed -nE 's/^;; MSG SIZE +rcvd: ([0-9]+)$/\1/p' <<<"$OUT"; }
sized() { # sized DESC LOW HIGH: the reply's size is in [LOW, HIGH]
	local n
	n=$(msg_size)
	if [ -n "$n" ] && [ "$n" -ge "$2" ] && [ "$n" -le "$3" ]; then
		ok "$1 ($n bytes)"
	else
		not_ok "$1: ${n:-no} bytes, not $2-$3"
	fi
}
dq 127.53.0.1 . NS
sized "root: the priming reply is the real root's 811 bytes" 811 811
dq 127.53.0.1 www.nic.info A
expect "info: the root refers to 13 servers, A and AAAA glue" NOERROR -aa -tc an=0 ns=13 ar=26 \
	"AUTHORITY~^info\. 172800 IN NS m\.nic\.info\.$" "ADDITIONAL~^m\.nic\.info\. .* A 127\.53\.3\.13$" \
	"ADDITIONAL~^m\.nic\.info\. .* AAAA ::ffff:127\.53\.3\.13$"
sized "info: the referral is between 800 and 1,232 bytes (EDNS 1232)" 800 1232
dq 127.53.3.13 www.nic.info A
expect "info: its 13th server answers" NOERROR aa an=1 ns=13 "ANSWER~ A 192\.0\.2\.90$"
dq 127.53.10.1 medium.example.com TXT
expect "medium: 10 TXT records, whole over UDP with EDNS 1232" NOERROR aa -tc an=10
sized "medium: between 512 and 1,232 bytes" 513 1232
dq 127.53.10.1 medium.example.com TXT +noedns +ignore
expect "medium: without EDNS, TC=1 and no records" NOERROR aa tc an=0

echo "# the same cases through resolverd, with qdig"
RES=$(free_port)
while [ "$RES" = "$TOY" ]; do RES=$(free_port); done
start_toy "$(free_port)" "server:
  listen: [127.0.0.1]
  port: $RES
resolver:
  root-hints: $TOP/conf/toy-root.hints
  upstream-port: $TOY
  query-special-addresses: true
local-zones:
  off: [127.in-addr.arpa]
" && wait_dns 127.0.0.1 "$RES" 10 ||
	{ not_ok "resolverd starts on the toy internet"; done_testing; }
rq() { OUT=$("$QDIG" +tries=1 +timeout=8 -p "$RES" @127.0.0.1 "$@" 2>&1); }

rq www.example.com
expect "resolver: plain" NOERROR "ANSWER~^www\.example\.com\. [0-9]+ IN A 192\.0\.2\.10$"
rq www.example.org
expect "resolver: several servers" NOERROR "ANSWER~ A 192\.0\.2\.20$"
rq www.shop.com
expect "resolver: CDN, CNAME across zones" NOERROR an=3 "ANSWER~CNAME www\.shop\.com\.cdn\.net\.$" \
	"ANSWER~^e42\.edge\.cdn\.net\. [0-9]+ IN A 198\.51\.100\.42$"
rq www.glueless.org
expect "resolver: glueless" NOERROR "ANSWER~ A 192\.0\.2\.31$"
rq www.lame.net
expect "resolver: lame" NOERROR "ANSWER~ A 192\.0\.2\.40$"
rq www.halfdead.org
expect "resolver: dead server beside a live one" NOERROR "ANSWER~ A 192\.0\.2\.60$"
rq ns1.pcdiff.org
expect "resolver: the child's own address for its server" NOERROR "ANSWER~ A 127\.53\.17\.2$"
rq www.pcdiff.org
expect "resolver: the child's address dead, the parent's glue used" NOERROR \
	"ANSWER~ A 192\.0\.2\.61$"
rq big.example.com TXT
expect "resolver: TC, then TCP" NOERROR an=40
rq foo.wild.example.com AAAA
expect "resolver: wildcard" NOERROR "ANSWER~^foo\.wild\.example\.com\. [0-9]+ IN AAAA 2001:db8::80$"
rq nope.example.com
expect "resolver: NXDOMAIN" NXDOMAIN an=0 "AUTHORITY~ SOA "
rq www.example.com MX
expect "resolver: NODATA" NOERROR an=0 "AUTHORITY~ SOA "
rq www.example.com AAAA
expect "resolver: AAAA" NOERROR "ANSWER~ AAAA 2001:db8::10$"
rq -x 127.53.10.1
expect "resolver: reverse (qdig -x)" NOERROR "ANSWER~ PTR ns1\.example\.com\.$"
rq a.b.c.deep.org
expect "resolver: four levels deep" NOERROR "ANSWER~ A 192\.0\.2\.4$"
# Replies between 512 and 1232 bytes over UDP (issue 11, finding 2).
rq www.nic.info
expect "resolver: through a 13-server TLD (referral of 800+ bytes)" NOERROR \
	"ANSWER~ A 192\.0\.2\.90$"
rq medium.example.com TXT
expect "resolver: an RRset between 512 and 1232 bytes" NOERROR an=10

done_testing
