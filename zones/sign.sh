#!/bin/sh
# zones/sign.sh: signs the toy internet's signed zones with ldns-signzone (Debian's ldnsutils),
# and the opt-out TLD with dnssec-signzone (bind9-utils).
#
#   zones/sign.sh [OUTDIR]     writes NAME.zone.signed for each signed zone (default: zones/)
#
# Inputs, all committed: the unsigned NAME.zone files and the toy keys of zones/keys/ (made once
# with ldns-keygen; private keys in the repository, so for this toy internet only). A parent's
# DS records are made from its children's KSKs (ldns-key2ds, SHA-256) and added to its zone
# before signing, so the chain from the root is complete. Signatures are valid from
# 2026-01-01 to 2060-01-01 (within the 68 years that RFC 4034 section 3.1.5's serial
# arithmetic can tell from the present), except expired.dnssec's, valid in 2020 only.
# RSA and Ed25519 signatures are deterministic, so those come out byte for byte the same at
# every run; ECDSA signatures (algorithm 13) differ, the rest of the files does not
# (tests/system/toy_signed_files.sh checks both). The hard cases are zones/README.md's.
# SPDX-License-Identifier: MIT
set -eu
OUT=$(cd "${1:-$(dirname "$0")}" && pwd)
cd "$(dirname "$0")"
INCEPTION=20260101000000
EXPIRATION=20600101000000

# keys ZONE [DIR]: the key base names of ZONE in DIR (default keys), sorted.
keys() {
	p=$1.
	[ "$1" = . ] && p=.
	for k in "${2:-keys}/K$p+"*.key; do
		[ -e "$k" ] || { echo "sign.sh: no keys for $1" >&2; exit 1; }
		echo "${k%.key}"
	done
}

# ds ZONE [DIR]: the DS records (digest type 2) of ZONE's KSKs in DIR (flags 257).
ds() {
	for k in $(keys "$1" "${2:-keys}"); do
		awk '$4 == 257 || $5 == 257 { f = 1 } END { exit !f }' "$k.key" || continue
		ldns-key2ds -n -2 "$k.key"
	done
}

# sign ZONE [EXTRA-ZONE-LINES] -- [ldns-signzone options]: ZONE.zone, plus the extra lines,
# signed with ZONE's keys into $OUT/ZONE.zone.signed.
sign() {
	zone=$1 extra=$2
	shift 2
	file=$zone.zone
	[ "$zone" = . ] && file=root.zone
	tmp=$(mktemp)
	{ cat "$file"; printf '%s\n' "$extra"; } >"$tmp"
	# shellcheck disable=SC2046 # one argument per key
	ldns-signzone -i "$INCEPTION" -e "$EXPIRATION" "$@" -f "$OUT/$file.signed" "$tmp" \
		$(keys "$zone") 2>/dev/null
	rm -f "$tmp"
}

# The second level, under dnssec: NSEC unless said otherwise.
for z in ed25519 badsig dsmismatch rsasha1 rollover; do
	sign "$z.dnssec" ""
done
sign expired.dnssec "" -i 20200101000000 -e 20210101000000
sign iter200.dnssec "" -n -t 200 -s 1a2b3c4d
# A bad signature: the first byte of www's RRSIG A changed after signing (base64 A <-> B).
awk -F'\t' -v OFS='\t' '$1 == "www.badsig.dnssec." && $4 == "RRSIG" && $5 ~ /^A / {
	n = split($5, f, " "); c = substr(f[n], 1, 1); f[n] = (c == "A" ? "B" : "A") substr(f[n], 2)
	$5 = f[1]; for (i = 2; i <= n; i++) $5 = $5 " " f[i]
} { print }' "$OUT/badsig.dnssec.zone.signed" >"$OUT/badsig.dnssec.zone.signed.tmp"
mv "$OUT/badsig.dnssec.zone.signed.tmp" "$OUT/badsig.dnssec.zone.signed"

# Under optout: NSEC3 with 5 iterations and a salt.
sign secure.optout "" -n -t 5 -s cafe0123

# The TLDs, with their children's DS: dsmismatch's from a key it does not use.
sign dnssec "$(for z in ed25519 badsig expired rsasha1 rollover iter200; do ds "$z.dnssec"; done
	ds dsmismatch.dnssec keys/lost)"
# optout with dnssec-signzone: ldns-signzone -p sets the opt-out flag but still chains every
# unsigned delegation; BIND's -A leaves them out of the chain, as com's signer does.
tmp=$(mktemp -d)
{ cat optout.zone; ds secure.optout; cat "$(keys optout).key"; } >"$tmp/zone"
dnssec-signzone -q -z -3 - -A -H 0 -s "$INCEPTION" -e "$EXPIRATION" -o optout. -O full \
	-d "$tmp" -f "$tmp/signed" "$tmp/zone" "$(keys optout)" >/dev/null
# BIND writes hashed owners in upper case; lower case, as ldns writes them (and NSD answers).
sed -E '/^; File written on/d; s/^([0-9A-V]{32})\./\L\1./' "$tmp/signed" >"$OUT/optout.zone.signed"
rm -rf "$tmp"

# The root, with the signed TLDs' DS; com, net, org, info and arpa stay unsigned (no DS).
sign . "$(ds dnssec; ds optout)"
