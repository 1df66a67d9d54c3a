#!/usr/bin/env bash
# tests/system/qdig_doh.sh: qdig's DNS over HTTP (RFC 8484: +https, +https-get, +https-post,
# +http-plain, +http-plain-get, +http-plain-post) beside Debian's dig 9.18, byte for byte.
#
# dnsdist (Debian's 1.7, built with DoH) listens on 127.53.204.1 with a DoH frontend over TLS
# (port 443, a certificate made here with openssl) and one over plain HTTP (port 80), in front
# of resolverd resolving the toy internet. Each case is run by dig and by qdig; the outputs,
# normalised as in qdig_options.sh (and the TTLs, which the resolver's cache counts down
# between the two runs; and a connection reset told as its end, since a server that gives up
# on a stream sends a FIN or a reset as it happens, to dig as to qdig), must be equal, exit
# status included. dnsdist's HTTP actions give the
# error cases: a 418 status, a 200 that is not application/dns-message (dig parses it anyway;
# qdig refuses it, as the README says), both with a body that starts with the query's ID ("AA"
# for +qid=16705) so that only the status and the type tell; a body larger than a DNS message;
# a TCP listener that never speaks bounds the wait. SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
CHECKS=43
command -v dnsdist >/dev/null || skip_all $CHECKS "dnsdist is not installed (scripts/deps.sh test)"
[ -x "$RESOLVERD" ] || skip_all $CHECKS "resolverd is not built"
own_netns $CHECKS

toy_resolver || { not_ok "resolverd resolves the toy internet"; done_testing; }

D=127.53.204.1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-keyout "$T_TMP/doh.key" -out "$T_TMP/doh.pem" -subj "/CN=doh.example" \
	-addext "subjectAltName=DNS:doh.example,IP:$D" >/dev/null 2>&1 ||
	{ not_ok "a certificate for dnsdist"; done_testing; }
cat >"$T_TMP/dnsdist.conf" <<EOC
setLocal("$D:53")
setACL({"127.0.0.0/8"})
newServer({address="127.0.0.1:53"})
addDOHLocal("$D:443", "$T_TMP/doh.pem", "$T_TMP/doh.key", {"/dns-query", "/other", "/teapot", "/text", "/huge"})
addDOHLocal("$D:80", nil, nil, {"/dns-query"})
addAction(HTTPPathRule("/teapot"), HTTPStatusAction(418, string.rep("A", 40), "application/dns-message"))
addAction(HTTPPathRule("/text"), HTTPStatusAction(200, string.rep("A", 40), "text/plain"))
addAction(HTTPPathRule("/huge"), HTTPStatusAction(200, string.rep("x", 70000), "application/dns-message"))
setSecurityPollSuffix("")
EOC
start_bg "$T_TMP/dnsdist.log" dnsdist --supervised --disable-syslog -C "$T_TMP/dnsdist.conf"
wait_dns $D 53 10 || { not_ok "dnsdist starts"; sed 's/^/    /' "$T_TMP/dnsdist.log"; done_testing; }
check "dnsdist serves DoH over TLS and plain HTTP" grep -q "$D:80 for DoH" "$T_TMP/dnsdist.log"

norm() {
	sed -E -e 's/^; <<>> (DiG [^ ]+|qdig [^ ]+) <<>>/; <<>> VERSION <<>>/' \
		-e 's/id: [0-9]+/id: ID/' -e 's/Query time: [0-9]+ (m|u)sec/Query time: T/' \
		-e 's/^;; WHEN: .*/;; WHEN: DATE/' -e 's/COOKIE: [0-9a-f]+.*/COOKIE: C/' \
		-e 's/!!timestamp .*/!!timestamp T/' -e 's/^q?dig: /dig: /' \
		-e '/^Use?a?g?e?:? /s/qdig/dig/g' -e 's/ in [0-9]+ ms\.$/ in T ms./' -e 's/^([^;][^\t ]*[\t ]+)[0-9]+([\t ])/\1TTL\2/' \
		-e "s/^(        - '[^ ]+ )[0-9]+ /\1TTL /" -e 's/: connection reset$/: end of file/'
}

CA=$T_TMP/doh.pem
CASES=$(
	cat <<EOC
@$D www.example.com +https
@$D www.example.com +https-get
@$D www.example.com +https-post
@$D www.example.com +http-plain
@$D www.example.com +http-plain-get
@$D www.example.com +http-plain-post
@$D example.com MX +https +noall +answer +stats
@$D nope.example.com +https-get
@$D www.example.com +https=/other
@$D www.example.com +https-get=/other +short
@$D www.example.com +https= +short
@$D www.example.com +https +qr +nocookie
@$D www.example.com +https-get +qr
@$D www.example.com +http-plain +qr +noall +stats
@$D www.example.com +https +yaml
@$D www.example.com +http-plain-get +yaml
@$D www.example.com +https +short +identify
@$D www.example.com +https +tcp
@$D www.example.com +https +nohttps
@$D www.example.com +http-plain-get +nohttp-plain-get
@$D www.example.com +https +header-only
@$D www.example.com +http-plain-get +header-only +qr
@$D www.example.com +https +tls-ca=$CA
@$D www.example.com +https +tls-ca=$CA +tls-hostname=doh.example +short
@$D www.example.com +https +tls-ca=$CA +tls-hostname=wrong.example
@$D www.example.com +https-get +tls-ca
@$D www.example.com +https +tls-certfile=$CA +tls-keyfile=$T_TMP/doh.key +short
@$D www.example.com +https -b 127.0.0.9 +short
@$D www.example.com +https -b 192.0.2.1 +tries=2
@$D www.example.com +https=dns-query
@$D www.example.com +https=/nope +tries=2
@$D www.example.com +https=/teapot +qid=16705
@$D www.example.com +https -p 444
@$D www.example.com +https -p 80 +tries=2
@$D www.example.com +http-plain -p 443 +tries=2
@$D www.example.com +http-plain -p 53 +tries=1
@$D . DNSKEY +dnssec +https-get +multiline +noall +answer
EOC
)
while IFS= read -r line; do
	# shellcheck disable=SC2086 # a case line is a command line: split into words
	same $line
done <<<"$CASES"

# What dig takes and qdig does not: a 200 that is not a DNS message (dig parses its body,
# RFC 8484 §6 says application/dns-message), and a body larger than any DNS message.
for p in /text /huge; do
	out=$("$QDIG" @$D www.example.com +https=$p +tries=1 +qid=16705 2>&1)
	rc=$?
	echo "$out" | sed 's/^/    /' 
	check "+https=$p: refused as dig refuses an HTTP error (exit $rc)" \
		eval '[ $rc = 9 ] && grep -qx ";; communications error to $D#443: failure" <<<"$out"'
done

# A server that accepts the connection and says nothing: qdig gives up after +timeout (dig
# waits for the TLS handshake without a bound).
SILENT=127.53.205.1
start_bg "$T_TMP/silent.log" python3 -c '
import socket, time
s = socket.socket()
s.bind(("'$SILENT'", 443))
s.listen(8)
time.sleep(60)'
for _ in $(seq 1 50); do # until it listens (5 s at most)
	ss -Hltn | grep -q "$SILENT:443 " && break
	sleep 0.1
done
for o in +https +http-plain; do
	start=$(date +%s%N)
	out=$("$QDIG" @$SILENT -p 443 www.example.com $o +tries=2 +timeout=1 2>&1)
	rc=$? ms=$((($(date +%s%N) - start) / 1000000))
	check "$o to a silent server: timed out twice, exit 9, in $ms ms (under 4 s)" \
		eval '[ $rc = 9 ] && [ $ms -lt 4000 ] && [ "$(grep -c "communications error to $SILENT#443: timed out" <<<"$out")" = 2 ]'
done

# The GET request is RFC 8484's: the dns= parameter in base64url, without padding; dnsdist
# answers it (above); here the same query over GET and POST gets the same answer.
g=$("$QDIG" @$D www.example.com +https-get +short +qid=7)
p=$("$QDIG" @$D www.example.com +https-post +short +qid=7)
check "GET and POST get the same answer ($g)" eval '[ -n "$g" ] && [ "$g" = "$p" ]'
done_testing
