#!/usr/bin/env bash
# tests/system/dnssec_daemon.sh: resolverd validating the signed toy internet, beside Unbound
# validating it with the same trust anchor (conf/toy-root.anchor), over real sockets.
#
# The toy servers (resolverd --auth-only) answer on port 53 of 127.53.x.y; a validating
# resolverd on 127.0.0.1 and Unbound walk them, in a network namespace of their own (root hints
# carry no port). For every hard case of zones/README.md
# ("The signed toy internet"): resolverd gives the verdict the line names (AD=1 for secure,
# no AD for insecure, SERVFAIL with its EDE code for bogus) and agrees with Unbound on the
# rcode and the AD bit; CD=1 gets a bogus answer's data; the verdict holds on the cache hit;
# DO=1 brings the RRSIGs and the NSEC/NSEC3 proofs, DO=0 none of them; the log names the zone
# and the reason of a bogus answer.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
CHECKS=66 # the file's checks, counted as skipped when it cannot run

[ -x "$RESOLVERD" ] || skip_all $CHECKS "resolverd is not built"
command -v unbound >/dev/null || skip_all $CHECKS "unbound is not installed"
own_netns $CHECKS

UB=127.53.200.1
UBPORT=$(free_port) || { not_ok "a free port"; done_testing; }
# The toy servers (resolverd --auth-only) and Unbound, validating from the toy root's anchor.
toy_unbound "$UB" "$UBPORT" "	trust-anchor-file: \"$TOP/conf/toy-root.anchor\"
	local-zone: \"127.in-addr.arpa.\" nodefault
	module-config: \"validator iterator\"
	val-log-level: 2"

cat >"$T_TMP/rd.yaml" <<EOF
server:
  listen: [127.0.0.1]
  port: 53
resolver:
  root-hints: $TOP/conf/toy-root.hints
  query-special-addresses: true
dnssec:
  trust-anchor-file: $TOP/conf/toy-root.anchor
log:
  level: info
control:
  socket: $T_TMP/ctl.sock
EOF
start_bg "$T_TMP/rd.log" "$RESOLVERD" -c "$T_TMP/rd.yaml"
wait_dns 127.0.0.1 53 10 || { not_ok "resolverd starts: $(tail -n 2 "$T_TMP/rd.log")"; done_testing; }

# ask SERVER PORT ARGS...: dig's reply, retried (Unbound may drop the first after timeouts).
ask() {
	local srv=$1 port=$2
	shift 2
	dig +tries=3 +time=5 -p "$port" "@$srv" "$@" 2>&1
}
status_of() { sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$1" | head -n 1; }
has_ad() { grep -qE '^;; flags:[^;]* ad[ ;]' <<<"$1"; }
ede_of() { sed -n 's/^; EDE: \([0-9]*\).*/\1/p' <<<"$1" | head -n 1; }

# verdict WHAT NAME TYPE RCODE SECURITY [EDE [UNBOUND-AD]]: resolverd's answer with DO=1, twice
# (the second from the cache), then Unbound's, compared: same rcode and AD bit, unless
# UNBOUND-AD gives Unbound's own (a documented difference). SECURITY is secure, insecure or
# bogus.
verdict() {
	local what=$1 name=$2 type=$3 rcode=$4 sec=$5 ede=${6:-} ub_ad=${7:-}
	local out ub want_ad=0 got_ad pass=1 i
	[ "$sec" = secure ] && want_ad=1
	for i in 1 2; do
		out=$(ask 127.0.0.1 53 +dnssec "$name" "$type")
		got_ad=0
		has_ad "$out" && got_ad=1
		if [ "$sec" = bogus ]; then
			[ "$(status_of "$out")" = SERVFAIL ] && [ "$(ede_of "$out")" = "$ede" ] || pass=0
		else
			[ "$(status_of "$out")" = "$rcode" ] && [ "$got_ad" = "$want_ad" ] || pass=0
		fi
	done
	if [ "$pass" = 1 ]; then
		ok "$what: $name $type is $sec${ede:+ (EDE $ede)}, from the cache too"
	else
		not_ok "$what: $name $type is $sec${ede:+ (EDE $ede)}"
		sed 's/^/    /' <<<"$out" | head -20
	fi
	# qdig walks it itself, validating from the same anchor, and ends with the same verdict.
	local qv
	qv=$("$QDIG" +trace +root-hints="$TOP/conf/toy-root.hints" \
		+trust-anchor="$TOP/conf/toy-root.anchor" "$name" "$type" 2>&1)
	if grep -qx ";; Verdict: $sec.*" <<<"$qv"; then
		ok "$what: qdig +trace +trust-anchor says $sec"
	else
		not_ok "$what: qdig +trace +trust-anchor says $sec: $(grep Verdict <<<"$qv")"
	fi
	ub=$(ask "$UB" "$UBPORT" +dnssec "$name" "$type")
	if [ "$(status_of "$ub")" = "$(status_of "$out")" ] && { has_ad "$ub" && echo 1 || echo 0; } |
		grep -qx "${ub_ad:-$got_ad}"; then
		ok "$what: Unbound ${ub_ad:+differs as documented, but }agrees on $(status_of "$ub")${ub_ad:+ (its ad=$ub_ad)}"
	else
		not_ok "$what: Unbound agrees: it says $(status_of "$ub") $(grep '^;; flags' <<<"$ub")"
	fi
}

verdict "secure chain (8, 13, 15)" www.ed25519.dnssec A NOERROR secure
verdict "NXDOMAIN under NSEC" nope.ed25519.dnssec A NXDOMAIN secure
verdict "NODATA under NSEC" www.ed25519.dnssec MX NOERROR secure
verdict "wildcard under NSEC" x.wild.ed25519.dnssec A NOERROR secure
verdict "insecure delegation" www.insecure.dnssec A NOERROR insecure
verdict "bad signature" www.badsig.dnssec A SERVFAIL bogus 6
verdict "expired signatures" www.expired.dnssec A SERVFAIL bogus 7
verdict "DS matching no DNSKEY" www.dsmismatch.dnssec A SERVFAIL bogus 9
# RSASHA1 (algorithm 5): SHA-1 is deprecated for DNSSEC (draft-ietf-dnsop-must-not-sha1), so
# resolverd does not validate it and the zone is insecure; Unbound 1.17 still validates it.
verdict "only RSASHA1" www.rsasha1.dnssec A NOERROR insecure "" 1
verdict "KSK rollover" www.rollover.dnssec A NOERROR secure
verdict "NSEC3, 200 iterations: answer" www.iter200.dnssec A NOERROR secure
verdict "NSEC3, 200 iterations: denial" nx.iter200.dnssec A NXDOMAIN insecure
verdict "signed delegation in an opt-out TLD" www.secure.optout A NOERROR secure
verdict "unsigned delegation in an opt-out span" www.insecure.optout A NOERROR insecure
verdict "the unsigned toy internet" www.example.com A NOERROR insecure
verdict "the toy root's own data" . SOA NOERROR secure

# CD=1: the client validates itself and gets the data of a bogus answer, without AD.
out=$(ask 127.0.0.1 53 +cd +dnssec www.badsig.dnssec A)
if [ "$(status_of "$out")" = NOERROR ] && grep -qE '^www\.badsig\.dnssec\.\s.*\sA\s' <<<"$out" &&
	! has_ad "$out"; then
	ok "CD=1 gets the bogus answer's data, without AD"
else
	not_ok "CD=1 gets the bogus answer's data, without AD"
	sed 's/^/    /' <<<"$out" | head -20
fi

# DO=1 brings RRSIGs and proofs; DO=0 none; AD=1 without DO still gets AD (RFC 6840 §5.7).
out=$(ask 127.0.0.1 53 +dnssec www.ed25519.dnssec A)
check "DO=1: the answer's RRSIG comes with it" grep -qE '\sRRSIG\s+A 15 ' <<<"$out"
out=$(ask 127.0.0.1 53 +nodnssec +noadflag www.ed25519.dnssec A)
check "DO=0: no RRSIG" bash -c '! grep -q RRSIG <<<"$1"' _ "$out"
check "DO=0, AD=0: no AD" bash -c '! grep -qE "^;; flags:[^;]* ad[ ;]" <<<"$1"' _ "$out"
out=$(ask 127.0.0.1 53 +nodnssec +adflag www.ed25519.dnssec A)
check "AD=1 without DO: AD in the reply" has_ad "$out"
out=$(ask 127.0.0.1 53 +dnssec nope.ed25519.dnssec A)
check "DO=1 NXDOMAIN: the NSEC proof and its RRSIG" \
	grep -qE '\sNSEC\s.*' <<<"$(awk '/AUTHORITY SECTION/,/^$/' <<<"$out")"
check "DO=1 NXDOMAIN: the SOA's RRSIG once" \
	test "$(grep -cE '\sRRSIG\s+SOA ' <<<"$out")" = 1
out=$(ask 127.0.0.1 53 +nodnssec nope.ed25519.dnssec A)
check "DO=0 NXDOMAIN: the SOA alone" grep -q 'AUTHORITY: 1,' <<<"$out"
out=$(ask 127.0.0.1 53 +dnssec y.wild.ed25519.dnssec A)
check "DO=1 wildcard: the NSEC proof in the authority section" \
	grep -qE '\sNSEC\s' <<<"$(awk '/AUTHORITY SECTION/,/^$/' <<<"$out")"
out=$(ask 127.0.0.1 53 +dnssec nx.secure.optout A)
check "DO=1 NSEC3 denial: the NSEC3 records" grep -qE '\sNSEC3\s' <<<"$out"

# qdig's chain of trust: each set proven on the way, with its key; +json carries the same.
out=$("$QDIG" +trace +root-hints="$TOP/conf/toy-root.hints" \
	+trust-anchor="$TOP/conf/toy-root.anchor" www.ed25519.dnssec A 2>&1)
check "qdig +trace shows the chain: the root's keys, the DS and DNSKEY of each zone, the answer" \
	bash -c 'for l in "DNSSEC secure: \. DNSKEY, signed by \. \(key [0-9]+, RSASHA256\)" \
		"DNSSEC secure: dnssec\. DS, signed by \." \
		"DNSSEC secure: dnssec\. DNSKEY, signed by dnssec\. \(key [0-9]+, ECDSAP256SHA256\)" \
		"DNSSEC secure: ed25519\.dnssec\. DS, signed by dnssec\." \
		"DNSSEC secure: ed25519\.dnssec\. DNSKEY, signed by ed25519\.dnssec\. \(key [0-9]+, ED25519\)" \
		"DNSSEC secure: www\.ed25519\.dnssec\. A, signed by ed25519\.dnssec\."; do
		grep -qE "$l" <<<"$1" || { echo "missing: $l"; exit 1; }; done' _ "$out"
out=$("$QDIG" +trace +json +root-hints="$TOP/conf/toy-root.hints" \
	+trust-anchor="$TOP/conf/toy-root.anchor" www.expired.dnssec A 2>&1)
check "qdig +trace +json: verdict steps and the result's security" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
v = [s for s in d["steps"] if s["kind"] == "dnssec"]
assert any(s["security"] == "bogus" and s["note"] == "signature expired" for s in v), v
assert all("key_tag" in s for s in v if s["security"] == "secure" and not s["denial"]), v
assert any(s.get("rrsig_time") for s in v), v  # the expired RRSIG says when it expired
assert d["result"]["security"] == "bogus" and d["result"]["reason"] == "signature expired"
' "$out"
out=$("$QDIG" +trace +root-hints="$TOP/conf/toy-root.hints" \
	+trust-anchor="$TOP/conf/toy-root.anchor" www.expired.dnssec A 2>&1)
check "qdig +trace: an expired signature says when it expired" \
	grep -qE 'DNSSEC bogus: expired\.dnssec\. DNSKEY, .*: RRSIG expired on 20[0-9-]+ ' <<<"$out"
check "qdig +trust-anchor with a file that does not read: exit 1, file:line" \
	bash -c '! "$1" +trace +trust-anchor="$2" example.com 2>/tmp/qa.$$ && grep -q "cannot read" /tmp/qa.$$; r=$?; rm -f /tmp/qa.$$; exit $r' \
	_ "$QDIG" "$T_TMP/none.anchor"

# The log names the zone and the reason of a bogus answer.
check "the log says why www.badsig.dnssec is bogus" \
	grep -qE 'SERVFAIL for www\.badsig\.dnssec\. A: dnssec-bogus: badsig\.dnssec\.: signature' \
	"$T_TMP/rd.log"

# resolverd-ctl flush-bogus: the bogus entries go, the proven ones stay.
CTL="$(dirname "$RESOLVERD")/resolverd-ctl"
before=$("$CTL" -s "$T_TMP/ctl.sock" --json dump-cache 2>&1)
nbogus=$(python3 -c 'import json,sys; print(sum(e.get("dnssec") == "bogus"
	for e in json.loads(sys.argv[1])["entries"]))' "$before")
out=$("$CTL" -s "$T_TMP/ctl.sock" flush-bogus 2>&1)
n=$(sed -n 's/^flushed \([0-9]*\) entr.*: every bogus entry$/\1/p' <<<"$out")
check "flush-bogus drops the $nbogus entries dump-cache shows bogus ($out)" \
	test -n "$n" -a "$nbogus" -gt 0 -a "$n" = "$nbogus"
after=$("$CTL" -s "$T_TMP/ctl.sock" dump-cache 2>&1)
check "after flush-bogus, no bogus entry is left and the secure ones stay" \
	bash -c '! grep -q " dnssec=bogus" <<<"$1" && grep -q " dnssec=secure" <<<"$1"' _ "$after"
out=$(ask 127.0.0.1 53 +dnssec www.badsig.dnssec A)
check "a flushed bogus name is validated again: still SERVFAIL, EDE 6" \
	test "$(status_of "$out")/$(ede_of "$out")" = SERVFAIL/6
done_testing
