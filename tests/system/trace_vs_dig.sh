#!/usr/bin/env bash
# tests/system/trace_vs_dig.sh: qdig +trace prints, step by step, the records Debian's
# dig +trace prints, given the same root.
#
# dig +trace takes the root's NS set from @server and looks up name servers that come without
# glue through the system resolver (/etc/resolv.conf); its -p applies to every step. So both
# run against one resolverd: the toy internet on port 53 of 127.53.0.0/16 (root hints carry no
# port) and a full resolver on 127.0.0.1#53 walking it; dig runs in a mount namespace of its
# own (unshare -m) where a bind-mounted resolv.conf names that resolver. qdig +trace
# @127.0.0.1 gets its roots the same way. For each plain case (every server answers: no dead or
# lame one for dig to pick at random, no loop) the steps of the question itself must hold the
# same records: each step's answer and authority records, whitespace collapsed, sorted, the
# TTLs of the first step (the resolver's, counting down) left out. qdig's extra lines (the
# truncated UDP try, sub-questions) are left out; after a CNAME, dig stops where qdig
# restarts, so qdig's steps must begin with dig's. dig +trace sets DO, and the toy root is
# signed: +nodnssec keeps its RRSIGs, NSEC and DS out, as qdig +trace asks without DO.
# The whole test runs in a network namespace of its own (own_netns), where port 53 is free
# whatever the host runs; skipped (as its 17 checks) only when no namespace can be made.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
CHECKS=17 # the file's checks, counted as skipped when it cannot run

[ -x "$RESOLVERD" ] || skip_all $CHECKS "resolverd is not built"
own_netns $CHECKS
RESOLV=$T_TMP/resolv.conf
echo "nameserver 127.0.0.1" >"$RESOLV"
if ! err=$(unshare -m sh -c "mount --bind '$RESOLV' /etc/resolv.conf" 2>&1); then
	skip_all $CHECKS "no mount namespace for dig's resolv.conf (unshare -m: $err)"
fi

toy_resolver || {
	not_ok "resolverd serves port 53 of 127.0.0.1 and 127.53.0.0/16"
	done_testing
}

# The steps of a +trace output (dig's or qdig's): one line per step, the records of the
# step sorted and joined by " | ". Comment lines, indented paragraphs (qdig's sub-questions)
# and steps that did not answer (qdig's truncated try, failed or lame servers) are left out.
steps() {
	awk 'BEGIN { RS = "" }
	$0 ~ /^ / || /;; Truncated|trying the next server|;; No reply|;; Gave up/ { next }
	{
		n = split($0, L, "\n"); k = 0
		for (i = 1; i <= n; i++) {
			if (L[i] ~ /^;/) continue
			l = L[i]; gsub(/[ \t]+/, " ", l)
			if (step == 0) { # without the TTL
				nf = split(l, f, " "); l = f[1]
				for (m = 3; m <= nf; m++) l = l " " f[m]
			}
			r[++k] = l
		}
		if (k == 0) next
		for (i = 2; i <= k; i++)  # insertion sort: a step has a handful of records
			for (j = i; j > 1 && r[j - 1] > r[j]; j--) { t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
		s = r[1]; for (i = 2; i <= k; i++) s = s " | " r[i]
		print s; step++
	}'
}

# The referral to arpa, left out: dig and qdig each pick one of the 13 root servers at random,
# and the ten that do not serve arpa (d-m) refer to the three that do (a-c), which the walk then
# asks; a-c answer from arpa at once. One step more or less, as each happens to pick.
no_arpa() { grep -v '^arpa\. [0-9]* IN NS [a-c]\.root-servers\.net\.'; }

in_ns() { unshare -m sh -c "mount --bind '$RESOLV' /etc/resolv.conf && exec \"\$@\"" sh "$@"; }

# compare DESC [prefix] ARGS...: dig's steps and qdig's, equal (or qdig's beginning with
# dig's, with "prefix").
compare() {
	local desc=$1 prefix="" d q
	shift
	[ "$1" = prefix ] && prefix=1 && shift
	d=$(in_ns dig +trace +nodnssec +tries=1 +time=2 @127.0.0.1 "$@" 2>&1 | steps | no_arpa)
	q=$("$QDIG" +trace +tries=1 +timeout=2 @127.0.0.1 "$@" 2>&1 | steps | no_arpa)
	[ -n "$prefix" ] && q=$(head -n "$(wc -l <<<"$d")" <<<"$q")
	if [ "$(wc -l <<<"$d")" -ge 3 ] && [ "$d" = "$q" ]; then
		ok "$desc: the records of each of the $(wc -l <<<"$d") steps are dig's"
	else
		not_ok "$desc: qdig +trace and dig +trace print different records"
		diff <(echo "$d") <(echo "$q") | sed 's/^/    /' | head -20
	fi
}

compare "plain" www.example.com
compare "in-zone CNAME chain" alias.example.com
compare "several servers" www.example.org
compare "CDN, up to the CNAME dig stops at" prefix www.shop.com
compare "glueless" www.glueless.org
compare "big answer (dig retries over TCP silently)" big.example.com TXT
compare "wildcard" anything.wild.example.com
compare "wildcard AAAA" a.b.wild.example.com AAAA
compare "wildcard, existing name (NODATA)" sub.wild.example.com
compare "wildcard, below an existing name (NXDOMAIN)" x.sub.wild.example.com
compare "NXDOMAIN" nope.example.com
compare "NODATA" www.example.com MX
compare "NODATA, empty non-terminal" _tcp.example.com SRV
compare "AAAA" www.example.com AAAA
compare "AAAA only" v6only.example.com AAAA
compare "reverse" -x 127.53.10.1
compare "deep chain" a.b.c.deep.org

done_testing
