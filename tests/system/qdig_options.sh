#!/usr/bin/env bash
# tests/system/qdig_options.sh: qdig's options beside Debian's dig 9.18, byte for byte.
#
# Each case line below is run by both (dig at the same server, same arguments); the outputs
# are normalised only where they must differ (the version in the banner, message IDs, query
# times, the date, cookies, YAML timestamps, "dig:"/"qdig:") and must then be equal. Then the
# README's option table is kept true: every "same" option is used by some case here, every
# "not supported" one is refused with exit 1 and its reason. Also exit statuses, error words,
# ~/.digrc, and a -f batch of 1,000 questions. SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
own_netns 1 -mn
# A resolv.conf of our own (in our mount namespace): the default server, a search list, ndots.
printf 'nameserver 127.53.10.1\nsearch sub.example.com example.com\noptions ndots:2\n' \
	>"$T_TMP/resolv.conf"
mount --bind "$T_TMP/resolv.conf" /etc/resolv.conf || { not_ok "private resolv.conf"; done_testing; }

NSD=127.53.201.1
start_nsd "$NSD" 53 types.example "$TOP/tests/system/data/types.example.zone" \
	127.in-addr.arpa "$TOP/tests/system/data/127.in-addr.arpa.zone" \
	idn.example "$TOP/tests/system/data/idn.example.zone" ||
	{ not_ok "NSD starts"; done_testing; }
start_toy 53 || { not_ok "the toy internet starts"; done_testing; }

# NSD with TSIG keys (RFC 8945), for -y and -k.
KEYNSD=127.53.202.1
SECRET=c2VjcmV0IGtleSBmb3IgcWRpZyB0ZXN0cyAxMjM0NTY=
mkdir -p "$T_TMP/nsdk"
{
	printf 'server:\n  ip-address: %s@53\n  username: ""\n  database: ""\n' "$KEYNSD"
	printf '  pidfile: "%s/nsd.pid"\n  xfrdfile: "%s/xfrd.state"\n' "$T_TMP/nsdk" "$T_TMP/nsdk"
	printf '  zonelistfile: "%s/zone.list"\n  logfile: "%s/nsd.log"\n' "$T_TMP/nsdk" "$T_TMP/nsdk"
	printf '  rrl-ratelimit: 0\n  server-count: 1\nremote-control:\n  control-enable: no\n'
	for k in qdig-key:hmac-sha256 k512:hmac-sha512 k1:hmac-sha1 kmd5:hmac-md5; do
		printf 'key:\n  name: "%s"\n  algorithm: %s\n  secret: "%s"\n' "${k%%:*}" "${k#*:}" "$SECRET"
	done
	printf 'zone:\n  name: types.example\n  zonefile: "%s"\n' "$TOP/tests/system/data/types.example.zone"
} >"$T_TMP/nsdk/nsd.conf"
start_bg "$T_TMP/nsdk/stdout.log" nsd -d -c "$T_TMP/nsdk/nsd.conf"
wait_dns "$KEYNSD" 53 10 || { not_ok "NSD with TSIG keys starts"; done_testing; }
printf 'key "qdig-key" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$SECRET" >"$T_TMP/key.conf"

# NSD serving DNS over TLS (RFC 7858) with a certificate made here, for +tls and +tls-*.
TLSNSD=127.53.203.1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-keyout "$T_TMP/tls.key" -out "$T_TMP/tls.pem" -subj "/CN=ns.types.example" \
	-addext "subjectAltName=DNS:ns.types.example,IP:$TLSNSD" >/dev/null 2>&1 ||
	{ not_ok "a TLS certificate for NSD"; done_testing; }
mkdir -p "$T_TMP/nsdt"
{
	printf 'server:\n  ip-address: %s@53\n  ip-address: %s@853\n  tls-port: 853\n' "$TLSNSD" "$TLSNSD"
	printf '  tls-service-key: "%s"\n  tls-service-pem: "%s"\n' "$T_TMP/tls.key" "$T_TMP/tls.pem"
	printf '  username: ""\n  database: ""\n  pidfile: "%s/nsd.pid"\n' "$T_TMP/nsdt"
	printf '  xfrdfile: "%s/xfrd.state"\n  zonelistfile: "%s/zone.list"\n' "$T_TMP/nsdt" "$T_TMP/nsdt"
	printf '  logfile: "%s/nsd.log"\n  rrl-ratelimit: 0\n  server-count: 1\n' "$T_TMP/nsdt"
	printf 'remote-control:\n  control-enable: no\n'
	printf 'zone:\n  name: types.example\n  zonefile: "%s"\n' "$TOP/tests/system/data/types.example.zone"
} >"$T_TMP/nsdt/nsd.conf"
start_bg "$T_TMP/nsdt/stdout.log" nsd -d -c "$T_TMP/nsdt/nsd.conf"
wait_dns "$TLSNSD" 53 10 || { not_ok "NSD with TLS starts"; done_testing; }
EX=127.53.10.1 # example.com's server

norm() {
	sed -E -e 's/^; <<>> (DiG [^ ]+|qdig [^ ]+) <<>>/; <<>> VERSION <<>>/' \
		-e 's/id: [0-9]+/id: ID/' -e 's/Query time: [0-9]+ (m|u)sec/Query time: T/' \
		-e 's/^;; WHEN: .*/;; WHEN: DATE/' -e 's/COOKIE: [0-9a-f]+/COOKIE: C/' \
		-e 's/!!timestamp .*/!!timestamp T/' -e 's/ in [0-9]+ ms\.$/ in T ms./' \
		-e 's/^q?dig: /dig: /' -e '/^Use?a?g?e?:? /s/qdig/dig/g' \
		-e 's/(TSIG\t[^ ]+) [0-9]+ ([0-9]+) ([0-9]+) .* [0-9]+ ([A-Z]+ [0-9]+ ?)$/\1 T \2 \3 MAC ID \4/' |
		grep -v 'is too short to be secure$'
}

# The cases: one command line each, @server first. A "#" line is a comment.
CASES=$(
	cat <<EOC
@$EX www.example.com
@$EX www.example.com mail.example.com
@$EX example.com MX www.example.com AAAA
@$EX -t MX example.com www.example.com
@$EX +noall +answer example.com MX www.example.com
@$EX example.com +noanswer mail.example.com
@$EX www.example.com +noall +answer
@$EX www.example.com +nocmd
@$EX example.com +noall +authority
@$EX example.com +noall +additional
@$EX example.com +noall +answer +question
@$EX example.com +noquestion +nostats
@$EX example.com +nocomments
@$EX example.com +noall +comments
@$EX example.com +noall +stats
@$EX example.com +noall +answer +nottlid
@$EX example.com SOA +noall +answer +ttlunits
@$EX example.com SOA +noall +answer +noclass
@$EX example.com SOA +noall +answer +noclass +nottlid
@$EX example.com SOA +multiline
@$EX example.com SOA +multiline +norrcomments
@$EX example.com SOA +multiline +ttlunits +nottlid
@$EX example.com SOA +onesoa +noall +answer
@$EX www.example.com +short
@$EX www.example.com +short +identify
@$EX www.example.com mail.example.com +short
@$EX www.example.com +short +noshort
@$EX www.example.com +yaml
@$EX www.example.com +yaml +noall +answer
@$EX www.example.com +qr
@127.53.41.1 ed25519.dnssec DNSKEY +dnssec +norec +multiline
@127.53.41.1 ed25519.dnssec SOA +dnssec +norec +multiline +nocrypto
@127.53.41.7 rollover.dnssec DNSKEY +dnssec +norec +multiline
@127.53.41.6 rsasha1.dnssec DNSKEY +dnssec +norec +rrcomments
@127.53.40.1 nope.dnssec +dnssec +norec +multiline
@127.53.42.1 nope.optout +dnssec +norec +multiline
@127.53.42.1 nope.optout +dnssec +norec +split=16
@127.53.0.1 . DNSKEY +dnssec +norec +multiline +yaml
@127.53.0.1 dnssec DS +dnssec +norec +cd +noadflag
@$EX www.example.com +qr +nocomments
@$EX www.example.com +qr +noall +stats
@$EX www.example.com +qr +nostats
@$NSD +norec dnskey.types.example DNSKEY +noall +answer
@$NSD +norec dnskey.types.example DNSKEY +multiline +noall +answer
@$NSD +norec dnskey.types.example DNSKEY +multiline +norrcomments +noall +answer
@$NSD +norec dnskey.types.example DNSKEY +rrcomments +noall +answer
@$NSD +norec dnskey.types.example DNSKEY +nocrypto +noall +answer
@$NSD +norec dnskey.types.example DNSKEY +nocrypto +multiline +noall +answer
@$NSD +norec dnskey.types.example DNSKEY +split=8 +noall +answer
@$NSD +norec dnskey.types.example DNSKEY +split=0 +noall +answer
@$NSD +norec rrsig.types.example RRSIG +multiline +noall +answer
@$NSD +norec rrsig.types.example RRSIG +nocrypto +noall +answer
@$NSD +norec rrsig.types.example RRSIG +split=12 +multiline +noall +answer
@$NSD +norec ds.types.example DS +multiline +nocrypto +noall +answer
@$NSD +norec ds.types.example DS +split=9 +noall +answer
@$NSD +norec ds.types.example DS +dnssec
@$NSD +norec ds.types.example DS +do +cd +noadflag +qr
@$NSD +norec a.types.example +aaflag +zflag +qr
@$NSD +norec a.types.example +aaonly +raflag +tcflag +qr
@$NSD +norec a.types.example +rdflag +qr
@$NSD +norecurse a.types.example +cdflag +qr
@$NSD +norec a.types.example +opcode=0 +qid=4242 +qr
@$NSD +norec a.types.example +nsid +qr
@$NSD +norec a.types.example +expire +qr
@$NSD +norec a.types.example +keepalive +qr
@$NSD +norec a.types.example +subnet=192.0.2.0/24 +qr
@$NSD +norec a.types.example +subnet=2001:db8::/40 +qr
@$NSD +norec a.types.example +ednsopt=65001:abcd +ednsopt=100 +qr
@$NSD +norec a.types.example +ednsopt=65001:abcd +noednsopt +qr
@$NSD +norec a.types.example +edns=1 +qr
@$NSD +norec a.types.example +edns=0 +ednsflags=0 +qr
@$NSD +norec a.types.example +noedns +qr
@$NSD +norec a.types.example +bufsize=4096 +qr
@$NSD +norec a.types.example +padding=128 +qr
@$NSD +norec a.types.example +padding=100 +tcp +qr
@$NSD +norec a.types.example -u
@$NSD +norec a.types.example +unknownformat
www
www +search
www +search +showsearch
www +defname +noall +answer
nope +search +noall +comments
www.example +search
www.example +search +ndots=1
www.example.com +search
@$EX www +domain=example.com
@$EX nope +domain=example.com +showsearch
@$EX www.example +domain=com +ndots=3 +noall +answer
@$EX www +domain=example.com mail
@$NSD +norec xn--bcher-kva.idn.example +idnout
@$NSD +norec bücher.idn.example +idnin +idnout
@$NSD +norec Bücher.idn.example +idnin +noall +answer
@$NSD +norec ß.idn.example +idnin +noall +question +answer
@$NSD +norec bücher.idn.example +noall +question
@$NSD +norec alias.idn.example +idnout +noall +answer
@$NSD +norec idn.example MX +idnout +short
@$NSD +norec txt.idn.example TXT +idnout +noall +answer
@$NSD +norec xn--a.idn.example +idnin
@$NSD +norec bad.idn.example +idnout +noall +answer
@$NSD +norec dnskey.types.example DNSKEY +unknownformat +multiline +noall +answer
@$NSD +norec txt.types.example TXT +unknownformat +split=4 +noall +answer
@$NSD +norec a.types.example +unknownformat +short
@$NSD +norec a.types.example +edns=1 +noednsnegotiation
@$NSD +norec a.types.example +edns=1 +nocomments
@$NSD +norec a.types.example +edns=1 +ednsnegotiation +nocookie
@$NSD +norec a.types.example +coflag +qr
@$NSD +norec a.types.example +co +dnssec +qr
@$NSD +norec a.types.example +sigchase +topdown +trusted-key=x +mapped +nomapped +dscp=1
@$NSD +norec a.types.example +cookie=0102030405060708 +qr
@$NSD +norec a.types.example +nocookie +qr
@$NSD +norec a.types.example +tcp
@$NSD +norec a.types.example +vc
@$NSD +norec big.types.example TXT
@$NSD +norec big.types.example TXT +ignore +noall +comments
@$NSD +norec a.types.example +timeout=2 +tries=1 +retry=1 +fail
@$NSD +norec a.types.example +nosearch +nodefname +noshowsearch
@$NSD +norec a.types.example +noidnin +noidnout +nokeepopen +nobesteffort
@$NSD +norec -x 127.0.0.1 +short
@$NSD +norec -x 127.0.0.1
@$NSD +norec aaaaaaaaaaaaaaaaaaaaaaaa.types.example TXT +noall +question +authority
@$NSD +norec aaaaaaaaaaaaaaaaa.types.example TXT +noall +question
@$NSD +norec -x 127.0.0.2 +noall +comments
@$NSD +norec -x 300.1.1.1 +noall +comments
@$NSD +norec -4 -q a.types.example -c IN -p 53
@$NSD +norec -t BOGUS a.types.example +noall +answer
@$NSD +norec -c BOGUS a.types.example +noall +answer
@$NSD +norec a.types.example A MX +noall +answer
@$NSD +norec -4 -6 a.types.example
@$NSD +norec +bogus a.types.example
@$NSD +norec -Z a.types.example
@$NSD +norec -p x a.types.example
@$NSD +norec www..types.example
@$NSD +norec aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.types.example
@$NSD +norec $(printf 'a%.0s.' $(seq 1 130))types.example
@127.0.0.1 -p 9 a.example +tries=1 +timeout=1 +short
@$NSD +norec a.types.example +header-only
@$NSD +norec a.types.example +header-only +qr +tcp
@$NSD +norec a.types.example +header-only +qr +yaml
@$NSD +norec a.types.example +header-only +noheader-only +short
@$NSD +norec -b 127.0.0.5 a.types.example
@$NSD +norec -b 127.0.0.5#5399 a.types.example +short
@$NSD +norec -b 127.0.0.5#5399 a.types.example +tcp +short
@$NSD +norec -b 192.0.2.1 a.types.example +tries=2
@$NSD +norec -b 192.0.2.1 a.types.example +tcp +tries=1
@$NSD +norec -b bogus a.types.example
@$NSD +norec -b 127.0.0.1#99999 a.types.example
@$NSD +norec -b 127.0.0.1 -6 a.types.example
@$NSD +norec -4 -b ::1 a.types.example
@$NSD +norec -b ::1 a.types.example
@$EX -b 192.0.2.1 +nssearch example.com +tries=1
@nonexistent.invalid a.example
@::1 -4 a.example
@127.0.0.1 -6 a.example
@127.0.0.1 -p 9 a.example +tries=2 +timeout=1 +short
EOC
)
while IFS= read -r line; do
	[ -z "$line" ] || [ "${line#\#}" != "$line" ] && continue
	# shellcheck disable=SC2086 # a case line is a command line: split into words
	same $line
done <<<"$CASES"

# Every rdata type lib/ knows, in the layouts that change rdata: +multiline, +nocrypto, +split.
for t in a:A aaaa:AAAA cname:CNAME dname:DNAME ptr:PTR mx:MX txt:TXT txt2:TXT txt3:TXT \
	srv:SRV caa:CAA naptr:NAPTR ds:DS dnskey:DNSKEY rrsig:RRSIG nsec:NSEC n3p:NSEC3PARAM \
	hinfo:HINFO sshfp:SSHFP tlsa:TLSA svcb:SVCB https:HTTPS https2:HTTPS svcm:SVCB \
	unknown:TYPE65280 afsdb:AFSDB rp:RP @:SOA @:NS 2t7b4g4vsa5smi47k61mv5bv1a22bojr:NSEC3; do
	name=${t%%:*} type=${t#*:}
	[ "$name" = @ ] && fq=types.example || fq=$name.types.example
	for o in +multiline "+multiline +nocrypto +ttlunits" "+split=8 +nocrypto" "+split=12 +multiline"; do
		# shellcheck disable=SC2086
		same @$NSD +norec "$fq" "$type" +noall +answer +authority $o
	done
done

# TSIG: NSD checks qdig's MAC and signs its reply, which qdig checks (each key type, -y and -k).
for k in hmac-sha256:qdig-key. hmac-sha512:k512 hmac-sha1:k1 kmd5; do
	same @$KEYNSD +norec a.types.example -y "$k:$SECRET"
	same @$KEYNSD +norec a.types.example -y "$k:$SECRET" +qr +noall +additional +answer
done
same @$KEYNSD +norec a.types.example -k "$T_TMP/key.conf" +tcp
# A server that does not sign its reply: dig's complaint and warning.
same @$EX www.example.com -y "hmac-sha256:qdig-key.:$SECRET"
same @$EX www.example.com -y "hmac-sha256:qdig-key.:$SECRET" +short
# +fuzztime makes the signature the same bytes as dig's: the query as sent, compared whole (the
# reply is NSD's BADTIME without a question, which qdig's transport does not take).
for k in hmac-sha256:qdig-key. hmac-sha512:k512; do
	args=(@$KEYNSD +norec a.types.example -y "$k:$SECRET" +qr +qid=4242 +nocookie +tries=1 +timeout=1)
	d=$(dig "${args[@]}" +fuzztime 2>&1 | sed -n '/^;; Sending/,/^;; QUERY SIZE/p')
	q=$("$QDIG" "${args[@]}" +fuzztime 2>&1 | sed -n '/^;; Sending/,/^;; QUERY SIZE/p')
	check "+fuzztime: the signed query is dig's, MAC and all ($k)" \
		eval '[ -n "$d" ] && [ "$d" = "$q" ] && grep -q " 1646972129 300 " <<<"$d"'
	d=$(dig "${args[@]}" +fuzztime=1700000000 2>&1 | sed -n '/^;; Sending/,/^;; QUERY SIZE/p')
	q=$("$QDIG" "${args[@]}" +fuzztime=1700000000 2>&1 | sed -n '/^;; Sending/,/^;; QUERY SIZE/p')
	check "+fuzztime=N: the signed query is dig's ($k)" \
		eval '[ -n "$d" ] && [ "$d" = "$q" ] && grep -q " 1700000000 300 " <<<"$d"'
done

# +json=rfc8427 beside kdig +json (RFC 8427's layout; kdig asks without EDNS or AD, so qdig
# does too). kdig writes SVCB's alpn unquoted where dig and qdig quote it: left out.
for t in a:A aaaa:AAAA cname:CNAME mx:MX txt:TXT txt3:TXT srv:SRV caa:CAA naptr:NAPTR ds:DS \
	dnskey:DNSKEY rrsig:RRSIG nsec:NSEC n3p:NSEC3PARAM sshfp:SSHFP tlsa:TLSA unknown:TYPE65280 \
	nope:A; do
	fq=${t%%:*}.types.example type=${t#*:}
	kn() { sed -E 's/"(dateString|dateSeconds|ID)": [^,]*,/"\1": X,/'; }
	d=$(kdig @$NSD +norec "$fq" "$type" +json 2>&1 | kn)
	q=$("$QDIG" @$NSD +norec "$fq" "$type" +json=rfc8427 +noedns +noadflag 2>&1 | kn)
	check "+json=rfc8427 is kdig's +json: $fq $type" eval '[ -n "$d" ] && [ "$d" = "$q" ]'
done
d=$(kdig @$EX example.com MX +json +edns 2>&1 | kn)
q=$("$QDIG" @$EX example.com MX +json=rfc8427 +nocookie +noadflag 2>&1 | kn)
check "+json=rfc8427 is kdig's +json, with the OPT record" eval '[ -n "$d" ] && [ "$d" = "$q" ]'

# DNS over TLS: unchecked, checked against our certificate (by address, by name, a wrong
# name), against the system's CAs (which do not know it), with a client certificate, and a
# server that refuses the connection.
for o in "" "+tls-ca=$T_TMP/tls.pem +short" "+tls-ca=$T_TMP/tls.pem +tls-hostname=ns.types.example" \
	"+tls-ca=$T_TMP/tls.pem +tls-hostname=wrong.example" "+tls-ca +short" "-p 853 +qr" \
	"+tls-certfile=$T_TMP/tls.pem +tls-keyfile=$T_TMP/tls.key +noall +answer +stats" \
	"+tls-certfile=$T_TMP/tls.pem +tls-keyfile=$T_TMP/tls.key +tls-ca=$T_TMP/tls.pem +short" \
	"+tls-hostname=ns.types.example +short" "+tls-keyfile=$T_TMP/tls.key"; do
	# shellcheck disable=SC2086
	same @$TLSNSD +norec a.types.example +tls $o
done
same @$TLSNSD +norec big.types.example TXT +tls +noall +answer +stats
same @$TLSNSD +norec a.types.example +tls-ca="$T_TMP/tls.pem"
same @127.0.0.1 -p 9 a.example +tls +tries=2
same @127.0.0.1 -p 9 a.example +tcp +tries=2

# +nssearch: one line per name server address, in the order the replies come: sorted here.
for args in "+nssearch example.com" "-4 +nssearch example.com" "@$EX +nssearch example.com" \
	"@127.53.1.1 +nssearch example.com" "+nssearch example.com +tcp"; do
	# shellcheck disable=SC2086
	d=$(dig $args 2>&1 | sed -E 's/ in [0-9]+ ms\.$/ in T ms./' | sort; echo "exit ${PIPESTATUS[0]}")
	# shellcheck disable=SC2086
	q=$("$QDIG" $args 2>&1 | sed -E 's/ in [0-9]+ ms\.$/ in T ms./' | sort; echo "exit ${PIPESTATUS[0]}")
	check "same as dig, lines sorted: $args ($(wc -l <<<"$d") lines)" \
		eval '[ "$d" = "$q" ] && [ "$(grep -c "^SOA " <<<"$d")" = 2 ]'
done

# -b: the queries really leave from that address and port (UDP and TCP), as a listener sees.
for proto in udp tcp; do
	peer=$(timeout 5 python3 -c '
import socket, sys
tcp = sys.argv[1] == "tcp"
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.53.206.1", 53))
if tcp:
    s.listen(1)
    c, a = s.accept()
else:
    a = s.recvfrom(512)[1]
print("%s#%d" % a)' "$proto" &
	for _ in $(seq 1 50); do # until it listens (5 s at most)
		ss -Hltun | grep -q "127.53.206.1:53 " && break
		sleep 0.1
	done
	t=""
	[ $proto = tcp ] && t=+tcp
	"$QDIG" @127.53.206.1 -b 127.0.0.7#5398 a.example +tries=1 +timeout=1 $t >/dev/null 2>&1
	wait)
	check "-b 127.0.0.7#5398: the $proto query came from there ($peer)" test "$peer" = 127.0.0.7#5398
done

# -b and +trace: every step leaves from the source; from an address the machine lacks none can.
for src in 127.0.0.7:0 192.0.2.1:9; do
	"$QDIG" +trace +root-hints="$TOP/conf/toy-root.hints" -b "${src%:*}" www.example.com \
		+tries=1 +timeout=1 >"$T_TMP/out" 2>&1
	rc=$?
	check "+trace -b ${src%:*}: exit $rc (${src#*:} expected)" \
		eval "[ $rc = ${src#*:} ] && { [ $rc = 9 ] || grep -q '^www.example.com.' $T_TMP/out; }"
done

# A dead UDP port answers nothing: dig's words for a timeout, exit 9, within the time given.
DEAD=$(free_port)
same @127.0.0.1 -p "$DEAD" a.example +tries=1 +timeout=1 +short

# -f: a batch of 1,000 questions prints what dig prints, in bounded time.
for i in $(seq 1 1000); do
	case $((i % 4)) in
	0) echo "www.example.com" ;;
	1) echo "mail.example.com MX" ;;
	2) echo "nope$i.example.com +noall +comments" ;;
	3) echo "example.com NS +short" ;;
	esac
done >"$T_TMP/batch"
start=$(date +%s)
same @$EX +noall +answer -f "$T_TMP/batch"
check "the 1,000-line batch took under 60 s ($(($(date +%s) - start)) s for both)" \
	test $(($(date +%s) - start)) -lt 60
same @$EX -f "$T_TMP/no-such-batch"
# dig's ways with batch lines: an empty line asks the root's NS, '#' is no comment, +tcp is
# ignored, and so is a line's @server when the command line has one.
printf '+noall +answer\nwww.example.com\n\n# not a comment\nwww.example.com +tcp +stats\n@127.53.10.2 mail.example.com +nocmd\n-t MX example.com\n' \
	>"$T_TMP/batch2"
same @$EX -f "$T_TMP/batch2"
same -f "$T_TMP/batch2" +short

# ~/.digrc, from a temporary HOME; -r leaves it out.
mkdir -p "$T_TMP/home"
echo "+noall +answer" >"$T_TMP/home/.digrc"
HOME=$T_TMP/home same @$EX www.example.com
HOME=$T_TMP/home same @$EX www.example.com -r

# --help, -h, -v, --version: exit 0 and say something.
for a in -h --help -v --version; do
	"$QDIG" $a >"$T_TMP/out" 2>&1
	rc=$?
	check "qdig $a exits 0 ($rc) with text" eval "[ $rc = 0 ] && [ -s $T_TMP/out ]"
done
"$QDIG" @$EX +json +short www.example.com >/dev/null 2>"$T_TMP/err"
rc=$?
check "+json +short is a usage error (exit $rc), named" \
	eval "[ $rc = 1 ] && grep -q 'cannot be combined' $T_TMP/err"

# The README's table: "same" rows are used above; "not supported" rows are refused.
# +trace is compared with dig +trace in trace_vs_dig.sh; +nssearch, +fuzztime, -f, -r, -h, -v,
# -k, -y, +tls and +tls-* below; the options in qdig_edns.py's lists there; DNS over HTTP in
# qdig_doh.sh.
used=$(printf '%s\n' "$CASES" "+trace +nssearch +fuzztime -f -r -h -v -k -y" \
	"+https +https-get +https-post +http-plain +http-plain-get +http-plain-post" \
	"+tls +tls-ca +tls-hostname +tls-certfile +tls-keyfile" \
	"$(grep -o '\["+[a-z0-9=]*"\]' "$TOP/tests/system/qdig_edns.py" | tr -d '[]"')" | tr ' ' '\n' | sed -E 's/^\+no/+/; s/=.*//' |
	sort -u)
rows=$(sed -n '/^<!-- qdig-option-table -->/,/^<!-- end -->/p' "$TOP/README.md" |
	sed -nE 's/^\| `([-+][a-z0-9-]+)[^`]*` \| ([^|]+) \|.*/\1 \2/p')
check "the README's option table has rows ($(wc -l <<<"$rows"))" test "$(wc -l <<<"$rows")" -gt 90
while read -r opt status; do
	case $status in
	"same (+no"*)
		"$QDIG" "$opt" a.example >"$T_TMP/out" 2>&1
		rc=$?
		check "README: only +no of $opt: +no is tested, $opt refused (exit $rc) with a reason" \
			eval "grep -qxF -- '$opt' <<<\"\$used\" && [ $rc = 1 ] && grep -q 'not supported' $T_TMP/out" ;;
	same*)
		if grep -qxF -- "$opt" <<<"$used"; then ok "README: $opt is same, and tested"
		else not_ok "README: $opt is same, but no case uses it"; fi ;;
	"not supported"*)
		arg=$opt
		case $opt in -[bfkpqtxy]) arg="$opt x" ;; esac
		# shellcheck disable=SC2086
		"$QDIG" $arg a.example >"$T_TMP/out" 2>&1
		rc=$?
		check "README: $opt is not supported: refused (exit $rc) with a reason" \
			eval "[ $rc = 1 ] && grep -q 'not supported' $T_TMP/out" ;;
	"qdig only"*) ok "README: $opt is qdig's own" ;;
	differs*)
		"$QDIG" -h | grep -q -- "${opt#+}"
		check "README: $opt differs (as the notes say), and -h lists it" test $? = 0 ;;
	*) not_ok "README: $opt has an unknown status '$status'" ;;
	esac
done <<<"$rows"
done_testing
