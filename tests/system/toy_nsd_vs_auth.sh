#!/usr/bin/env bash
# tests/system/toy_nsd_vs_auth.sh: NSD and our authoritative engine serve the same toy
# internet and must give the same answers.
#
# Every zone of zones/map.yaml must pass nsd-checkzone. Then each server address of the map
# gets an NSD of its own (NSD answers from the deepest zone it holds, so sharing one would
# collapse the levels) serving the zones the map gives that address, on a free port, while
# resolverd --auth-only serves the whole map on another. Each question of the list below is
# asked of both at the same address; the status, the flags and each section's records
# (sorted; the OPT record aside) must be the same. The list covers every named case of
# zones/README.md and the protocol corners: truncation, EDNS, classes, case. ANY is left
# out: NSD answers it with the first RRset of the zone file, we with a fixed preference.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"

MAP=$TOP/zones/map.yaml

# "address zone file" for every server of every zone of the map (entries written as
# zones/map.yaml writes them: name, file, then servers as a flow list).
map_pairs() {
	awk '/^[[:space:]]*- name:/ { name = $3 }
	/^[[:space:]]*file:/ { file = $2 }
	/^[[:space:]]*servers:/ {
		s = $0; sub(/.*\[/, "", s); sub(/\].*/, "", s)
		n = split(s, a, /, */)
		for (i = 1; i <= n; i++) print a[i], name, file
	}' "$MAP"
}
PAIRS=$(map_pairs)
[ -n "$PAIRS" ] || { not_ok "zones/map.yaml lists servers"; done_testing; }

while read -r zone file; do
	if out=$(nsd-checkzone "$zone" "$TOP/zones/$file" 2>&1); then
		ok "nsd-checkzone $zone"
	else
		not_ok "nsd-checkzone $zone: $out"
	fi
done < <(awk '{ print $2, $3 }' <<<"$PAIRS" | sort -u)

[ -x "$RESOLVERD" ] || { skip "resolverd is not built: no comparison"; done_testing; }
NSD_PORT=$(free_port) && TOY_PORT=$(free_port) || { not_ok "free ports"; done_testing; }
while [ "$TOY_PORT" = "$NSD_PORT" ]; do TOY_PORT=$(free_port); done

printf 'toy-internet:\n  map: %s\n  port: %s\n' "$MAP" "$TOY_PORT" >"$T_TMP/toy.yaml"
start_bg "$T_TMP/toy.log" "$RESOLVERD" --auth-only "$T_TMP/toy.yaml"
wait_dns 127.53.0.1 "$TOY_PORT" 10 || { not_ok "resolverd --auth-only starts"; done_testing; }

# One NSD per address, then a wait until each has loaded each of its zones.
for addr in $(awk '{ print $1 }' <<<"$PAIRS" | sort -u); do
	args=()
	while read -r zone file; do
		args+=("$zone" "$TOP/zones/$file")
	done < <(awk -v a="$addr" '$1 == a { print $2, $3 }' <<<"$PAIRS")
	start_nsd "$addr" "$NSD_PORT" "${args[@]}" ||
		{ not_ok "NSD starts on $addr"; done_testing; }
done
loaded() { # loaded ADDR ZONE: NSD answers the zone's SOA
	dig +norec +tries=1 +time=1 -p "$NSD_PORT" "@$1" "$2" SOA 2>/dev/null |
		grep -q 'status: NOERROR'
}
while read -r addr zone _; do
	for _ in $(seq 1 50); do loaded "$addr" "$zone" && break; sleep 0.1; done
	loaded "$addr" "$zone" || not_ok "NSD on $addr loads $zone"
done <<<"$PAIRS"

reply() { # reply PORT ADDR ARGS...: dig's reply as sorted dig_records lines
	local port=$1 addr=$2
	shift 2
	dig +norec +nocookie +tries=2 +time=2 -p "$port" "@$addr" "$@" 2>&1 | dig_records | sort
}

compare() { # compare ADDR ARGS...
	local addr=$1 n a
	shift
	n=$(reply "$NSD_PORT" "$addr" "$@")
	a=$(reply "$TOY_PORT" "$addr" "$@")
	if grep -q '^STATUS|' <<<"$n" && [ "$n" = "$a" ]; then
		ok "@$addr $*: same as NSD"
	else
		not_ok "@$addr $*: NSD (<) and ours (>) differ"
		diff <(echo "$n") <(echo "$a") | head -30 | sed 's/^/    /'
	fi
}

# The questions: server address, then dig's arguments.
while read -r addr args; do
	[ -z "$addr" ] || [ "${addr:0:1}" = "#" ] && continue
	# shellcheck disable=SC2086 # the arguments are meant to split
	compare "$addr" $args
done <<'EOF'
# root: its own data, referrals, NXDOMAIN, the zones the root servers also serve (arpa only
# on a-c: the others refer to them)
127.53.0.1 . SOA
127.53.0.2 . NS
127.53.0.13 . NS
127.53.0.9 . NS +noedns
127.53.0.6 d.root-servers.net AAAA
127.53.0.4 1.10.53.127.in-addr.arpa PTR
127.53.0.3 www.example.com A
127.53.0.1 com NS
127.53.0.1 com DS
127.53.0.1 nope.zz A
127.53.0.2 a.root-servers.net A
127.53.0.2 root-servers.net NS
127.53.0.3 arpa NS
127.53.0.1 1.10.53.127.in-addr.arpa PTR
# com and net on one pair of servers
127.53.1.1 www.example.com A
127.53.1.2 example.com DS
127.53.1.1 ns1.example.com A
127.53.1.1 nope.com A
127.53.1.1 com SOA
127.53.1.2 a.gtld-servers.net A
127.53.1.2 www.cdn.net A
127.53.1.1 lame.net NS
127.53.1.1 root-servers.net NS
127.53.1.2 gtld-servers.net A
# org
127.53.1.11 www.glueless.org A
127.53.1.12 example.org NS
127.53.1.11 www.halfdead.org A
127.53.1.11 a.b.c.deep.org A
127.53.1.12 a0.nic.org A
127.53.1.12 nic.org A
# info: a TLD with 13 servers, A and AAAA glue (referrals over 512 bytes). Not asked: the
# root's referral to info without EDNS (13 A and 2 AAAA fit 512 bytes), where NSD 4.6 sends
# no TC and we set TC=1, because not all in-domain glue fits (RFC 9471 section 3).
127.53.0.1 www.nic.info A
127.53.0.3 info NS
127.53.3.1 www.nic.info A
127.53.3.13 info NS
127.53.3.7 a.nic.info AAAA
127.53.3.5 nope.info A
127.53.3.2 www.nic.info A +noedns
127.53.3.3 www.nic.info A +tcp
# reverse
127.53.2.1 1.10.53.127.in-addr.arpa PTR
127.53.2.2 127.in-addr.arpa NS
127.53.30.1 1.10.53.127.in-addr.arpa PTR
127.53.30.2 2.16.53.127.in-addr.arpa PTR
127.53.30.2 13.3.53.127.in-addr.arpa PTR
127.53.30.2 9.9.53.127.in-addr.arpa PTR
127.53.30.1 10.53.127.in-addr.arpa PTR
127.53.30.1 ns1.loopnet.net A
# example.com: plain, CNAMEs, MX, SRV, ENT, wildcard, negative, AAAA, big
127.53.10.1 www.example.com A
127.53.10.2 www.example.com AAAA
127.53.10.1 WwW.ExAmPlE.cOm A
127.53.10.1 example.com SOA
127.53.10.1 example.com NS
127.53.10.1 example.com MX
127.53.10.1 example.com TXT
127.53.10.1 alias.example.com A
127.53.10.1 alias.example.com CNAME
127.53.10.2 web.example.com AAAA
127.53.10.2 alias.example.com MX
127.53.10.1 shop.example.com A
127.53.10.1 _sip._tcp.example.com SRV
127.53.10.1 _tcp.example.com A
127.53.10.1 x.wild.example.com A
127.53.10.1 a.b.wild.example.com AAAA
127.53.10.1 x.wild.example.com TXT
127.53.10.1 *.wild.example.com A
127.53.10.1 sub.wild.example.com A
127.53.10.1 sub.wild.example.com TXT
127.53.10.1 x.sub.wild.example.com A
127.53.10.1 wild.example.com A
127.53.10.1 nope.example.com A
127.53.10.1 www.example.com MX
127.53.10.1 v6only.example.com AAAA
127.53.10.1 v6only.example.com A
127.53.10.1 ns2.example.com A
127.53.10.1 big.example.com TXT +ignore +noedns
127.53.10.1 big.example.com TXT +ignore
127.53.10.1 big.example.com TXT +tcp
127.53.10.2 medium.example.com TXT
127.53.10.2 medium.example.com TXT +ignore +noedns
127.53.10.1 medium.example.com TXT +bufsize=900 +ignore
127.53.10.1 medium.example.com TXT +tcp
127.53.10.1 www.lame.net A
127.53.10.1 www.example.org A
127.53.10.1 www.example.com A +noedns
127.53.10.1 www.example.com A +dnssec
127.53.10.1 www.example.com A +edns=1 +noednsneg
127.53.10.1 www.example.com A -c CH
127.53.10.1 www.example.com A +rec
# the other zones
127.53.11.3 www.example.org A
127.53.11.1 example.org NS
127.53.12.1 www.shop.com A
127.53.12.1 shop.com A
127.53.13.1 www.shop.com.cdn.net A
127.53.13.2 e42.edge.cdn.net AAAA
127.53.13.2 nope.edge.cdn.net A
127.53.13.1 shop.com.cdn.net A
127.53.14.1 www.glueless.org A
127.53.14.2 glueless.org NS
127.53.14.1 ns2.dnshost.com A
127.53.15.1 www.lame.net A
127.53.15.1 lame.net NS
127.53.16.1 www.halfdead.org A
127.53.20.1 a.b.c.deep.org A
127.53.20.1 ns1.c.deep.org A
127.53.21.1 a.b.c.deep.org A
127.53.21.1 c.deep.org NS
127.53.22.1 a.b.c.deep.org A
127.53.22.1 a.b.c.deep.org TXT
127.53.22.1 b.c.deep.org DS
# The signed toy internet with DO=1 (+dnssec): RRSIGs with every RRset, DS or its denial in
# referrals, NSEC and NSEC3 proofs (closest encloser, next closer, wildcard, opt-out), DNSKEY
# at the apex, DS from the parent; and without DO, none of it unless asked for by type.
127.53.0.1 . SOA +dnssec
127.53.0.2 . NS +dnssec
127.53.0.7 . NS +dnssec +bufsize=512
127.53.0.8 . DNSKEY +dnssec +bufsize=512 +ignore
127.53.0.9 nope.zz A +dnssec +bufsize=512 +ignore
127.53.0.9 nope.zz A +dnssec +bufsize=512 +tcp
127.53.41.6 nope.rsasha1.dnssec A +dnssec +bufsize=600 +ignore
127.53.0.1 . DNSKEY +dnssec
127.53.0.1 dnssec DS +dnssec
127.53.0.3 optout DS +dnssec
127.53.0.1 arpa DS +dnssec
127.53.0.2 arpa NS +dnssec
127.53.0.1 www.ed25519.dnssec A +dnssec
127.53.0.1 www.example.com A +dnssec
127.53.0.1 com DS +dnssec
127.53.0.1 nope.zz A +dnssec
127.53.0.1 . MX +dnssec
127.53.0.2 a.root-servers.net A +dnssec
127.53.0.1 www.ed25519.dnssec A
127.53.40.1 dnssec SOA +dnssec
127.53.40.1 dnssec DNSKEY +dnssec
127.53.40.1 dnssec NSEC +dnssec
127.53.40.1 dnssec RRSIG +dnssec
127.53.40.1 www.ed25519.dnssec A +dnssec
127.53.40.1 www.insecure.dnssec A +dnssec
127.53.40.1 insecure.dnssec DS +dnssec
127.53.40.1 ed25519.dnssec DS +dnssec
127.53.40.1 rollover.dnssec DS +dnssec
127.53.40.1 nope.dnssec A +dnssec
127.53.40.1 zzz.dnssec A +dnssec
127.53.40.1 ns1.nic.dnssec A +dnssec
127.53.40.1 ns1.nic.dnssec MX +dnssec
127.53.40.1 nic.dnssec A +dnssec
127.53.40.1 www.ed25519.dnssec A
127.53.41.1 www.ed25519.dnssec A +dnssec
127.53.41.1 www.ed25519.dnssec MX +dnssec
127.53.41.1 nope.ed25519.dnssec A +dnssec
127.53.41.1 x.wild.ed25519.dnssec A +dnssec
127.53.41.1 a.b.wild.ed25519.dnssec A +dnssec
127.53.41.1 x.wild.ed25519.dnssec MX +dnssec
127.53.41.1 sub.wild.ed25519.dnssec A +dnssec
127.53.41.1 x.sub.wild.ed25519.dnssec A +dnssec
127.53.41.1 wild.ed25519.dnssec A +dnssec
127.53.41.1 ed25519.dnssec DNSKEY +dnssec
127.53.41.1 ed25519.dnssec DS +dnssec
127.53.41.1 ed25519.dnssec NS +dnssec
127.53.41.1 www.ed25519.dnssec A
127.53.41.1 x.wild.ed25519.dnssec A
127.53.41.1 nope.ed25519.dnssec A
127.53.41.1 ed25519.dnssec DNSKEY
127.53.41.1 www.ed25519.dnssec RRSIG
127.53.41.1 www.ed25519.dnssec NSEC
127.53.41.2 www.insecure.dnssec A +dnssec
127.53.41.3 www.badsig.dnssec A +dnssec
127.53.41.4 www.expired.dnssec A +dnssec
127.53.41.5 www.dsmismatch.dnssec A +dnssec
127.53.41.6 www.rsasha1.dnssec A +dnssec
127.53.41.6 nope.rsasha1.dnssec A +dnssec
127.53.41.7 www.rollover.dnssec A +dnssec
127.53.41.7 rollover.dnssec DNSKEY +dnssec
127.53.41.8 www.iter200.dnssec A +dnssec
127.53.41.8 nope.iter200.dnssec A +dnssec
127.53.41.8 www.iter200.dnssec MX +dnssec
127.53.42.1 optout SOA +dnssec
127.53.42.1 www.secure.optout A +dnssec
127.53.42.1 www.insecure.optout A +dnssec
127.53.42.1 insecure.optout DS +dnssec
127.53.42.1 secure.optout DS +dnssec
127.53.42.1 nope.optout A +dnssec
127.53.42.1 a.b.nope.optout A +dnssec
127.53.42.1 optout MX +dnssec
127.53.42.1 ns1.nic.optout A +dnssec
127.53.42.1 nic.optout A +dnssec
127.53.43.1 www.secure.optout A +dnssec
127.53.43.1 www.secure.optout MX +dnssec
127.53.43.1 nope.secure.optout A +dnssec
127.53.43.1 a.b.nope.secure.optout A +dnssec
127.53.43.1 x.wild.secure.optout A +dnssec
127.53.43.1 a.b.wild.secure.optout A +dnssec
127.53.43.1 x.wild.secure.optout MX +dnssec
127.53.43.1 sub.wild.secure.optout A +dnssec
127.53.43.1 x.sub.wild.secure.optout A +dnssec
127.53.43.1 _tcp.secure.optout A +dnssec
127.53.43.1 _sip._tcp.secure.optout SRV +dnssec
127.53.43.1 secure.optout DNSKEY +dnssec
127.53.43.1 secure.optout DS +dnssec
127.53.43.1 secure.optout NSEC3PARAM +dnssec
127.53.43.1 nope.secure.optout A
127.53.43.2 www.insecure.optout A +dnssec
EOF

done_testing
