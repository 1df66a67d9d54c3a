#!/usr/bin/env bash
# tests/system/resolver_host.sh: resolverd as this machine's resolver, run as `make run` runs it.
#
# In a private network and mount namespace (unshare -mn: a loopback of its own, so port 53 is
# free whatever the host runs, and a resolv.conf of its own), resolverd starts with the shipped
# conf/offline.yaml: the resolver on 127.0.0.1#53, the toy servers on 127.53.x.y#53. The C
# library's resolver (getent), dig and qdig (which read resolv.conf) then resolve every named
# case. resolverd runs under valgrind (when the build is not a sanitizer build), and after
# SIGTERM it must exit 0 with no error and no leak.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
CHECKS=25 # the file's checks, counted as skipped when it cannot run

[ -x "$RESOLVERD" ] || skip_all $CHECKS "resolverd is not built"
own_netns $CHECKS -mn
echo "nameserver 127.0.0.1" >"$T_TMP/resolv.conf"
echo "options timeout:5 attempts:1" >>"$T_TMP/resolv.conf"
mount --bind "$T_TMP/resolv.conf" /etc/resolv.conf || { not_ok "private resolv.conf"; done_testing; }
# No /etc/hosts: localhost too is resolved through resolverd.
: >"$T_TMP/hosts"
mount --bind "$T_TMP/hosts" /etc/hosts || { not_ok "private /etc/hosts"; done_testing; }

VG=()
if ldd "$RESOLVERD" | grep -q 'libasan\|libtsan'; then
	skip "valgrind: not with a sanitizer build (the sanitizer checks this run instead)"
elif command -v valgrind >/dev/null; then
	VG=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99
		--log-file="$T_TMP/valgrind.log")
else
	skip "valgrind: not installed (apt-get install valgrind)"
fi
start_bg "$T_TMP/resolverd.log" "${VG[@]}" "$RESOLVERD" -c "$TOP/conf/offline.yaml"
PID=$LAST_PID
wait_dns 127.0.0.1 53 60 || { sed 's/^/    /' "$T_TMP/resolverd.log"; not_ok "resolverd starts"; done_testing; }

# getent NAME WANT: the C library resolves NAME (hosts: files dns) to a line matching WANT.
g() {
	local out
	out=$(getent ahosts "$1" 2>&1)
	check "getent ahosts $1: $2" grep -Eq "$2" <<<"$out"
}
g www.example.com '^192\.0\.2\.10 '
g www.example.com '^2001:db8::10 '
g www.example.org '^192\.0\.2\.20 '
g www.shop.com '^198\.51\.100\.42 '
g www.shop.com ' STREAM e42\.edge\.cdn\.net$'
g www.glueless.org '^192\.0\.2\.31 '
g www.lame.net '^192\.0\.2\.40 '
g www.halfdead.org '^192\.0\.2\.60 '
g anything.wild.example.com '^192\.0\.2\.80 '
g a.b.c.deep.org '^192\.0\.2\.4 '
# Locally served zones (RFC 6761, 6303, 8375), as Unbound answers them; 127.in-addr.arpa is
# off in conf/offline.yaml, so the toy servers' reverse zone (below) still resolves.
g localhost. '^127\.0\.0\.1 '
g localhost. '^::1 '
d=$(dig +tries=1 +time=5 @127.0.0.1 www.localhost AAAA | dig_section ANSWER)
check "dig www.localhost AAAA: ::1 ($d)" grep -q ' AAAA ::1$' <<<"$d"
d=$(dig +tries=1 +time=5 @127.0.0.1 foo.invalid)
check "dig foo.invalid: NXDOMAIN, AA, SOA of invalid." eval 'grep -q "status: NXDOMAIN" <<<"$d" &&
	grep -q "flags: qr aa" <<<"$d" && grep -Eq "^invalid\..*SOA" <<<"$d"'
d=$(dig +tries=1 +time=5 @127.0.0.1 -x 192.168.1.1)
check "dig -x 192.168.1.1: NXDOMAIN from 168.192.in-addr.arpa. ($(grep -E "status|SOA" <<<"$d" | tr "\n\t" "  "))" \
	eval 'grep -q "status: NXDOMAIN" <<<"$d" && grep -Eq "^168\.192\.in-addr\.arpa\..*SOA" <<<"$d"'
d=$(dig +tries=1 +time=5 @127.0.0.1 printer.home.arpa)
check "dig printer.home.arpa: NXDOMAIN (RFC 8375)" grep -q "status: NXDOMAIN" <<<"$d"
out=$(getent hosts nope.example.com)
check "getent hosts nope.example.com: not found (exit 2)" [ $? = 2 ]
out=$(getent hosts 127.53.10.1)
check "getent hosts 127.53.10.1: the PTR name ($out)" grep -q 'ns1\.example\.com' <<<"$out"

answer() { dig_section ANSWER; }
d=$(dig +tries=1 +time=5 @127.0.0.1 big.example.com TXT | answer | grep -c ' TXT ')
check "dig @127.0.0.1 big.example.com TXT: all 40 records (TC, then TCP)" [ "$d" = 40 ]
d=$(dig +tries=1 +time=5 @127.0.0.1 www.example.com MX)
check "dig: NODATA for www.example.com MX" \
	eval 'grep -q "status: NOERROR" <<<"$d" && grep -q "ANSWER: 0, AUTHORITY: 1" <<<"$d"'
q=$("$QDIG" +timeout=5 www.example.com AAAA | answer)
check "qdig with the server of resolv.conf: $q" grep -q ' AAAA 2001:db8::10$' <<<"$q"
q=$("$QDIG" +timeout=5 -x 127.53.13.2 | answer)
check "qdig -x 127.53.13.2: $q" grep -q ' PTR ns2\.cdn\.net\.$' <<<"$q"
q=$("$QDIG" +timeout=5 loop.example.com)
check "qdig loop.example.com: SERVFAIL" grep -q 'status: SERVFAIL' <<<"$q"

kill -TERM "$PID"
wait "$PID"
rc=$?
check "SIGTERM: exit status 0 (got $rc)" [ "$rc" = 0 ]
if [ ${#VG[@]} -gt 0 ]; then
	check "valgrind: no error and no leak" [ ! -s "$T_TMP/valgrind.log" ]
	[ -s "$T_TMP/valgrind.log" ] && head -n 40 "$T_TMP/valgrind.log" | sed 's/^/    /'
fi
done_testing
