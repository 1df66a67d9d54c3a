#!/usr/bin/env bash
# tests/system/toy_signed_unbound.sh: Unbound from Debian, validating from conf/toy-root.anchor,
# gives every hard case of the signed toy internet the verdict zones/README.md's table names in
# its "Unbound 1.17" column: the reference resolverd's validator is compared with.
#
# The table's rows (between the signed-cases markers) are the questions. Unbound walks the toy
# internet served by resolverd --auth-only on port 53 (root hints carry no port), in a network
# namespace of its own (own_netns), with module-config "validator iterator". secure: the
# status the verdict names (NXDOMAIN, NODATA or an answer) and the ad flag; insecure: the same
# without ad; bogus: SERVFAIL, the data when asked again with +cd, and a line of Unbound's log
# (val-log-level 2) naming the question.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
README=$TOP/zones/README.md
ANCHOR=$TOP/conf/toy-root.anchor

# "name type|verdict|unbound" for each row of the table.
cases() {
	awk '/<!-- signed-cases/ { on = 1; next } /<!-- end of signed-cases/ { on = 0 }
	on && /^\| / && !/^\| Case/ && !/^\|---/ {
		n = split($0, f, "|")
		q = f[3]; gsub(/[` ]+/, " ", q); sub(/^ /, "", q); sub(/ $/, "", q)
		v = f[4]; sub(/^ /, "", v); sub(/ $/, "", v)
		u = f[5]; gsub(/ /, "", u)
		print q "|" v "|" u
	}' "$README"
}
CASES=$(cases)
CHECKS=$(($(grep -c . <<<"$CASES") + 1))

[ -n "$CASES" ] || { not_ok "zones/README.md has the table of signed cases"; done_testing; }
[ -x "$RESOLVERD" ] || skip_all $CHECKS "resolverd is not built"
command -v unbound >/dev/null || skip_all $CHECKS "unbound is not installed"
own_netns $CHECKS

ADDR=127.53.200.1
PORT=$(free_port) || { not_ok "a free port"; done_testing; }
toy_unbound "$ADDR" "$PORT" "	trust-anchor-file: \"$ANCHOR\"
	module-config: \"validator iterator\"
	val-log-level: 2"

ask() { dig +tries=2 +time=5 +dnssec -p "$PORT" "@$ADDR" "$@" 2>&1; }
status() { sed -nE 's/.*status: ([A-Z]+),.*/\1/p' <<<"$1"; }
flags() { sed -nE 's/^;; flags: ([a-z ]*);.*/\1/p' <<<"$1"; }
answers() { sed -nE 's/.*ANSWER: ([0-9]+),.*/\1/p' <<<"$1"; }

# The status and answer a verdict implies: NXDOMAIN, NODATA (NOERROR, no answer) or an answer.
shape_ok() { # shape_ok VERDICT OUTPUT
	case "$1" in
	*"(NXDOMAIN)"*) [ "$(status "$2")" = NXDOMAIN ] ;;
	*"(NODATA)"*) [ "$(status "$2")" = NOERROR ] && [ "$(answers "$2")" = 0 ] ;;
	*) [ "$(status "$2")" = NOERROR ] && [ "$(answers "$2")" != 0 ] ;;
	esac
}

while IFS='|' read -r question verdict unbound; do
	# shellcheck disable=SC2086 # "name type"
	out=$(ask $question)
	f=" $(flags "$out") "
	case "$unbound" in
	secure)
		if shape_ok "$verdict" "$out" && [[ $f == *" ad "* ]]; then
			ok "$question: secure ($(status "$out"), ad)"
		else
			not_ok "$question: Unbound says secure (status $(status "$out"), flags$f)"
			sed 's/^/    /' <<<"$out" | head -20
		fi
		;;
	insecure)
		if shape_ok "$verdict" "$out" && [[ $f != *" ad "* ]]; then
			ok "$question: insecure ($(status "$out"), no ad)"
		else
			not_ok "$question: Unbound says insecure (status $(status "$out"), flags$f)"
			sed 's/^/    /' <<<"$out" | head -20
		fi
		;;
	bogus)
		# shellcheck disable=SC2086
		cd_out=$(ask +cd $question)
		why=$(grep -F "validation failure <${question%% *}." "$T_TMP/unbound.log" | tail -n 1)
		if [ "$(status "$out")" = SERVFAIL ] && shape_ok "$verdict" "$cd_out" && [ -n "$why" ]; then
			ok "$question: bogus (SERVFAIL; +cd gets the data; ${why#*: })"
		else
			not_ok "$question: Unbound says bogus (status $(status "$out"), +cd" \
				"$(status "$cd_out"), log: ${why:-none})"
			sed 's/^/    /' <<<"$out" | head -20
		fi
		;;
	*) not_ok "$question: unknown verdict '$unbound' in zones/README.md" ;;
	esac
done <<<"$CASES"

out=$(ask www.example.com MX)
check "an insecure NODATA keeps its SOA (www.example.com MX)" \
	grep -qE "ANSWER: 0, AUTHORITY: [1-9]" <<<"$out"
done_testing
