#!/usr/bin/env bash
# tests/system/qdig_vs_dig.sh: qdig and Debian's dig ask NSD the same questions and must print
# the same records in the same sections, the same status and flags: every rdata type lib/
# knows, NXDOMAIN, NODATA, and a reply too big for UDP (both must retry over TCP).
# Also qdig's own exit statuses. SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"

ADDR=127.53.201.1
PORT=$(free_port)
start_nsd "$ADDR" "$PORT" types.example "$TOP/tests/system/data/types.example.zone" \
	127.in-addr.arpa "$TOP/tests/system/data/127.in-addr.arpa.zone" ||
	{ not_ok "NSD starts"; done_testing; }

compare() { # compare DESC ARGS...
	local desc=$1 d q
	shift
	d=$(dig +norec +nocookie +noad -p "$PORT" "@$ADDR" "$@" 2>&1 | dig_records | sort)
	q=$("$QDIG" +norec -p "$PORT" "@$ADDR" "$@" 2>&1 | dig_records | sort)
	if [ -n "$d" ] && [ "$d" = "$q" ]; then
		ok "$desc: qdig prints what dig prints"
	else
		not_ok "$desc: qdig and dig differ"
		diff <(echo "$d") <(echo "$q") | head -20 | sed 's/^/    /'
	fi
}

for t in a:A aaaa:AAAA cname:CNAME dname:DNAME ptr:PTR mx:MX txt:TXT txt2:TXT txt3:TXT \
	srv:SRV caa:CAA naptr:NAPTR ds:DS dnskey:DNSKEY rrsig:RRSIG nsec:NSEC n3p:NSEC3PARAM \
	hinfo:HINFO sshfp:SSHFP tlsa:TLSA svcb:SVCB https:HTTPS https2:HTTPS svcm:SVCB \
	unknown:TYPE65280 afsdb:AFSDB rp:RP @:SOA @:NS; do
	name=${t%%:*} type=${t#*:}
	[ "$name" = @ ] && fq=types.example || fq=$name.types.example
	compare "$type $fq" "$fq" "$type"
done
compare "NSEC3 at a hashed owner" 2t7b4g4vsa5smi47k61mv5bv1a22bojr.types.example NSEC3
compare "ANY" a.types.example ANY
compare "NXDOMAIN" nope.types.example A
compare "NODATA" a.types.example MX
compare "DNSSEC OK bit" ds.types.example DS +dnssec
compare "no EDNS" a.types.example A +noedns
compare "reply over 512 bytes, without EDNS" big.types.example TXT +noedns
compare "reply over 1232 bytes, with EDNS" big.types.example TXT

out=$("$QDIG" -p "$PORT" "@$ADDR" big.types.example TXT)
check "qdig says it retries over TCP after TC=1" grep -q "Truncated, retrying in TCP mode" <<<"$out"
check "qdig's footer names TCP for the retried query" grep -q "(TCP)" <<<"$out"
check "the TCP reply holds all 30 records" test "$(grep -Ec '^big.*IN[[:space:]]+TXT' <<<"$out")" = 30
out=$("$QDIG" -p "$PORT" "@$ADDR" big.types.example TXT +ignore)
check "+ignore prints the truncated reply" grep -q "flags: qr aa tc" <<<"$out"
out=$("$QDIG" +tcp -p "$PORT" "@$ADDR" a.types.example)
check "+tcp asks over TCP from the start" grep -q "(TCP)" <<<"$out"

# +short: dig's lines, in dig's order (the CNAME before the addresses it leads to).
short_same() { # DESC ARGS...: qdig +short prints what dig +short prints, and something
	local desc=$1 d q
	shift
	d=$(dig +short +norec -p "$PORT" "@$ADDR" "$@" 2>&1)
	q=$("$QDIG" +short +norec -p "$PORT" "@$ADDR" "$@" 2>&1)
	if [ "$(wc -l <<<"$d")" -ge 2 ] && [ "$d" = "$q" ]; then
		ok "+short $desc: qdig prints dig's $(wc -l <<<"$d") lines"
	else
		not_ok "+short $desc: qdig and dig differ"
		diff <(echo "$d") <(echo "$q") | head -20 | sed 's/^/    /'
	fi
}
short_same "MX set" mx.types.example MX
short_same "CNAME and its target's addresses" cname.types.example A
short_same "-x (PTR set)" -x 127.0.0.1
out=$("$QDIG" -p "$PORT" "@$ADDR" -x 127.0.0.1 +norec)
check "-x builds the reverse name" grep -Eq "^;1.0.0.127.in-addr.arpa.[[:space:]]+IN[[:space:]]+PTR" <<<"$out"
compare "-x 127.0.0.1" -x 127.0.0.1
out=$("$QDIG" -p "$PORT" "@$ADDR" -x 127.0.0.2 +norec)
rc=$?
check "-x, an address with no name: NXDOMAIN, exit 0 ($rc)" \
	eval '[ $rc = 0 ] && grep -q "status: NXDOMAIN," <<<"$out"'

# Exit statuses as dig's.
DEAD=$(free_port)
start=$(date +%s%N)
"$QDIG" +timeout=1 +tries=1 -p "$DEAD" @127.53.201.2 a.types.example >"$T_TMP/err" 2>&1
rc=$? el=$((($(date +%s%N) - start) / 1000000))
check "no server: exit 9" test "$rc" = 9
check "no server: dig's words" grep -q "no servers could be reached$" "$T_TMP/err"
check "no server: gives up after the timeout ($el ms)" test "$el" -lt 3000
"$QDIG" +frobnicate a.example >/dev/null 2>"$T_TMP/err"
check "unknown option: exit 1" test $? = 1
check "unknown option: the message names it" grep -q "+frobnicate" "$T_TMP/err"
"$QDIG" -h | grep -q "+\[no\]tcp"
check "-h lists the options" test $? = 0
done_testing
