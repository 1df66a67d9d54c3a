#!/usr/bin/env bash
# tests/system/toy_signed_files.sh: the committed signed zones of the toy internet are what
# zones/sign.sh makes from the committed unsigned zones and keys, and they verify.
#
# sign.sh signs into a temporary directory; each NAME.zone.signed that zones/map.yaml serves
# must come out the same, record for record (whitespace collapsed), except the signature field
# of ECDSA RRSIGs (algorithm 13), which is random at every signing. Then dnssec-verify
# (bind9-utils, which reads times with serial arithmetic) checks every signature and the
# NSEC/NSEC3 chain of each file: the sound zones pass, and the broken ones fail for their
# reason (zones/README.md). Last, conf/toy-root.anchor is the DS of the signed root's KSK.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
Z=$TOP/zones

# "zone file" for each signed file the map serves.
SIGNED=$(awk '/^[[:space:]]*- name:/ { name = $3 }
	/^[[:space:]]*file:.*\.signed$/ { print name, $2 }' "$Z/map.yaml")
[ -n "$SIGNED" ] || { not_ok "zones/map.yaml serves signed zones"; done_testing; }

# norm FILE: the records, whitespace collapsed, ECDSA signatures cut, comments left out, sorted.
norm() {
	awk '/^[[:space:]]*;/ || NF == 0 { next }
	{ sub(/[[:space:]]*;.*\{id = .*$/, "") } # ldns-signzone notes key ids after DNSKEYs
	$4 == "RRSIG" && $6 == 13 { NF = 12 }
	{ $1 = $1; print }' "$1" | sort
}

if command -v ldns-signzone >/dev/null && command -v dnssec-signzone >/dev/null; then
	mkdir "$T_TMP/signed"
	if out=$("$Z/sign.sh" "$T_TMP/signed" 2>&1); then
		while read -r zone file; do
			if [ "$(norm "$Z/$file")" = "$(norm "$T_TMP/signed/$file")" ]; then
				ok "zones/sign.sh makes $file again"
			else
				not_ok "zones/sign.sh makes $file again (committed <, made >)"
				diff <(norm "$Z/$file") <(norm "$T_TMP/signed/$file") | head -10 |
					sed 's/^/    /'
			fi
		done <<<"$SIGNED"
	else
		not_ok "zones/sign.sh runs: $out"
	fi
else
	skip "ldns-signzone or dnssec-signzone is not installed: sign.sh not rerun"
fi

# The reason each broken zone fails dnssec-verify for ("" for the sound ones).
broken() {
	case "$1" in
	badsig.dnssec) echo "No correct ED25519 signature for www.badsig.dnssec A" ;;
	expired.dnssec) echo "signature has expired" ;;
	iter200.dnssec) echo "NSEC3 iterations out of range" ;;
	esac
}
if command -v dnssec-verify >/dev/null; then
	while read -r zone file; do
		out=$(dnssec-verify -q -z -o "$zone" "$Z/$file" 2>&1)
		status=$?
		why=$(broken "$zone")
		if [ -z "$why" ] && [ $status = 0 ] && [ -z "$out" ]; then
			ok "dnssec-verify $file: signatures and chain verify"
		elif [ -n "$why" ] && [ $status != 0 ] && grep -qF "$why" <<<"$out"; then
			ok "dnssec-verify $file fails as it should: $why"
		else
			not_ok "dnssec-verify $file (exit $status, expected ${why:-success}): $out"
		fi
	done <<<"$SIGNED"
else
	skip "dnssec-verify is not installed"
fi

anchor=$(awk '!/^;/ && NF { $1 = $1; print $NF }' "$TOP/conf/toy-root.anchor")
ksk=$(awk -F'\t' '$4 == "DNSKEY" && $5 ~ /^257 / { print; exit }' "$Z/root.zone.signed")
ds=$(ldns-key2ds -n -2 <(echo "$ksk") 2>/dev/null | awk '{ print $NF }')
check "conf/toy-root.anchor is the DS of the signed root's KSK" test -n "$ksk" -a "$anchor" = "$ds"
done_testing
