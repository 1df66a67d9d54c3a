#!/usr/bin/env bash
# tests/system/trace_cases.sh: qdig +trace walks every named case of zones/README.md.
#
# resolverd --auth-only serves the toy internet on a free port; qdig +trace walks each case
# from conf/toy-root.hints, and its text and +short outputs, read back into canonical steps,
# must show the walk tests/system/data/trace_cases.txt describes: the servers asked in order
# (each name with its address from the address plan), the zone each referral delegates to,
# the sub-resolution of name servers without glue, the failed try before the answer in the
# dead and lame cases, the TCP retry after TC=1, the CNAME restart, the denials, the limits,
# and the final answer. trace_json.py checks the same cases through +json. Then the text's
# layout, colour, qdig -h and usage errors. SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"

# ---- reading the output back ----
# The data file describes each case's walk as canonical step lines "DEPTH KIND SERVER
# TRANSPORT EXTRA" (its header says more). trace_canon_text and trace_canon_short turn qdig's
# text and +short outputs into the same lines, prefixed "S "; "R record" lines give the records
# printed for the question itself (text only), "F SERVFAIL" the failure line. trace_regex
# turns a case's expected steps into an extended regular expression over the joined lines.
TRACE_DATA=$TOP/tests/system/data/trace_cases.txt

# The awk functions both readers share: srv() checks a server's name against its addresses and
# port (the address plan in the data file), norm() collapses whitespace.
TRACE_AWK_COMMON='
FNR == NR { if ($1 == "server") addr[$2, $3] = 1; next }
function srv(name, a, p) { return (((name, a) in addr) && p == port) ? name : name "!" a "#" p }
function norm(s) { sub(/^[ \t]+/, "", s); gsub(/[ \t]+/, " ", s); return s }
function depth_of(s) { match(s, /^ */); return RLENGTH / 2 }
# "ADDR#PORT(NAME) over PROTO..." or "NAME(ADDR#PORT) PROTO...": sets A P NAME PROTO.
function server_addr_first(s) {
	A = s; sub(/#.*/, "", A); P = s; sub(/^[^#]*#/, "", P); sub(/\(.*/, "", P)
	NAME = s; sub(/^[^(]*\(/, "", NAME); sub(/\).*/, "", NAME)
	PROTO = s; sub(/^[^)]*\) (over )?/, "", PROTO); sub(/ .*/, "", PROTO); PROTO = tolower(PROTO)
}
function server_name_first(s) {
	NAME = s; sub(/\(.*/, "", NAME); A = s; sub(/^[^(]*\(/, "", A); sub(/#.*/, "", A)
	P = s; sub(/^[^#]*#/, "", P); sub(/\).*/, "", P)
	PROTO = s; sub(/^[^)]*\) /, "", PROTO); sub(/ .*/, "", PROTO); PROTO = tolower(PROTO)
}
'

# trace_canon_text PORT QNAME: qdig +trace text on stdin -> canonical lines. A reply's kind
# shows in its last line (alias, NXDOMAIN, NODATA, truncated, rcode, lame); otherwise it is an
# answer when a record is owned by the name asked at that depth, else a referral to the owner
# of its NS records, as a reader of dig +trace tells them apart.
trace_canon_text() {
	awk -v port="$1" -v q0="$2" "$TRACE_AWK_COMMON"'
	FNR == 1 { q[0] = tolower(q0) }
	{
		n = split($0, L, "\n"); d = depth_of(L[1]); first = norm(L[1])
		if (first ~ /^;; (Priming the root name servers|Looking up a name server that came without glue): /) {
			nw = split(first, w, " "); q[d] = tolower(w[nw - 1])
			print "S " d " lookup " w[nw - 1] " " w[nw]; next
		}
		if (first ~ /^;; No reply from /) {
			s = first; sub(/^;; No reply from /, "", s); server_addr_first(s)
			note = s; sub(/^[^:]*: /, "", note)
			print "S " d " " (note ~ /^timed out/ ? "timeout" : "failed") " " srv(NAME, A, P) " " PROTO " -"
			next
		}
		if (first ~ /^;; Gave up on /) { print "S " d " no-server - - -"; next }
		if (first ~ /^;; Stopped at /) {
			s = first; sub(/^;; Stopped at [^ ]+ [^ ]+: /, "", s); sub(/ \(a limit of the walk\)$/, "", s)
			print "S " d " limit - - " s; next
		}
		if (first ~ /^;; The walk failed/) { print "F SERVFAIL"; next }
		kind = ""; extra = "-"; owned = 0; ns_owner = ""; recv = ""
		for (i = 1; i <= n; i++) {
			l = norm(L[i])
			if (l ~ /^;; Received /) { recv = l; continue }
			if (l ~ /^;; Alias: restarting at /) { kind = "cname"; extra = l; sub(/.* at /, "", extra); continue }
			if (l ~ /^;; NXDOMAIN: /) { kind = "nxdomain"; continue }
			if (l ~ /^;; NODATA: /) { kind = "nodata"; continue }
			if (l ~ /^;; Truncated /) { kind = "truncated"; continue }
			if (l ~ /^;; lame[:,]/) { kind = "lame"; continue }
			if (l ~ /^;; Bad reply/) { kind = "malformed"; continue }
			if (l ~ /^;; [A-Z0-9]+[ ,]/ && l ~ /trying the next server$/) {
				kind = "rcode"; split(l, w, /[ ,]/); extra = w[2]; continue
			}
			if (l ~ /^;/) { print "S " d " unexpected-line " l; continue }
			split(l, w, " ")
			if (d == 0) print "R " l
			if (tolower(w[1]) == q[d]) owned = 1
			if (w[4] == "NS" && ns_owner == "") ns_owner = w[1]
		}
		if (recv == "") { print "S " d " unexpected-paragraph " first; next }
		s = recv; sub(/^;; Received [0-9]+ bytes from /, "", s); server_addr_first(s)
		if (kind == "" && owned) kind = "answer"
		if (kind == "" && ns_owner != "") { kind = "referral"; extra = ns_owner }
		if (kind == "") kind = "unexpected-reply"
		if (kind == "cname") q[d] = tolower(extra)
		print "S " d " " kind " " srv(NAME, A, P) " " PROTO " " extra
	}' "$TRACE_DATA" RS= -
}

# trace_canon_short PORT: qdig +trace +short on stdin -> canonical lines. A sub-question
# begins where a step is deeper than the one before, or as deep as one that ended its own.
trace_canon_short() {
	awk -v port="$1" "$TRACE_AWK_COMMON"'
	FNR == 1 { pd = 0; pk = "" }
	/^;; The walk failed/ { print "F SERVFAIL"; next }
	$1 == "roots" { next }
	{
		d = depth_of($0); l = norm($0); split(l, w, " ")
		kind = w[1]; sub(/:$/, "", w[3]); extra = (w[4] == "->") ? w[5] : "-"
		server = "-"; proto = "-"
		if (match(l, / from [^ ]+\([^)]*\) [A-Z]+ [0-9]+ ms/)) {
			server_name_first(substr(l, RSTART + 6, RLENGTH - 6))
			server = srv(NAME, A, P); proto = PROTO
		}
		note = index(l, ": ") ? substr(l, index(l, ": ") + 2) : ""
		if (kind == "rcode") { split(note, x, " "); extra = x[1] }
		if (kind == "limit") extra = note
		if (d > pd || (d > 0 && d == pd && pk ~ /^(answer|nxdomain|nodata|no-server)$/))
			print "S " d " lookup " w[2] " " w[3]
		print "S " d " " kind " " server " " proto " " extra
		pd = d; pk = kind
	}' "$TRACE_DATA" -
}

# The names of the servers of GROUP as an alternation, dots escaped.
trace_group() {
	awk -v g="$1" '$1 == "server" && $4 == g && !seen[$2]++ { s = s (s ? "|" : "") $2 }
		END { gsub(/\./, "\\.", s); print "(" s ")" }' "$TRACE_DATA"
}

# trace_regex MODE STEP...: the expected steps as one ERE over the joined step lines (each
# ending in a newline). MODE "maybe" lets "? STEP" lines be absent, "all" requires them.
trace_regex() {
	local mode=$1 nl=$'\n' re="^" line opt g
	shift
	for line in "$@"; do
		if [ "$line" = "..." ]; then
			re+="([^$nl]*$nl)*"
			continue
		fi
		opt=""
		[[ "$line" == "? "* ]] && opt=1 line=${line#\? }
		line=${line//./\\.}
		while [[ "$line" =~ @([^ ]+) ]]; do
			g=$(trace_group "${BASH_REMATCH[1]//\\./.}")
			line=${line/"${BASH_REMATCH[0]}"/$g}
		done
		if [ -n "$opt" ] && [ "$mode" = maybe ]; then
			re+="($line$nl)?"
		else
			re+="$line$nl"
		fi
	done
	printf '%s$' "$re"
}

# The cases of the data file: CASE_LABELS[i], CASE_ARGS[i], CASE_STEPS[i] (steps, one a
# line) and CASE_ENDS[i] ("= ..." lines without the "= ").
trace_load_cases() {
	local line i=-1
	CASE_LABELS=() CASE_ARGS=() CASE_STEPS=() CASE_ENDS=()
	while IFS= read -r line; do
		case "$line" in
		"" | "#"* | "server "*) ;;
		"case "*)
			i=$((i + 1))
			line=${line#case }
			CASE_LABELS[i]=${line%%: *} CASE_ARGS[i]=${line#*: }
			CASE_STEPS[i]="" CASE_ENDS[i]=""
			;;
		"= "*) CASE_ENDS[i]+="${line#= }"$'\n' ;;
		*) CASE_STEPS[i]+="$line"$'\n' ;;
		esac
	done <"$TRACE_DATA"
}

# The name a case asks, as qdig prints it: lower case, final dot, -x ADDR made reverse.
trace_qname() {
	local args=($1)
	if [ "${args[0]}" = -x ]; then
		local IFS=.
		local o=(${args[1]})
		echo "${o[3]}.${o[2]}.${o[1]}.${o[0]}.in-addr.arpa."
	else
		echo "${args[0],,}."
	fi
}

# ---- the cases ----

[ -x "$RESOLVERD" ] || { skip "resolverd is not built"; done_testing; }
TOY=$(free_port) || { not_ok "a free port"; done_testing; }
start_toy "$TOY" || { not_ok "resolverd --auth-only starts"; done_testing; }
HINTS=$TOP/conf/toy-root.hints
RUNS_MAX=150    # runs of a case with a "? STEP" until the iterator tries that server first
RUN_SECONDS=20  # and at most this long per case

trace() { "$QDIG" +trace +tries=1 +timeout=2 -p "$TOY" +root-hints="$HINTS" "$@" 2>&1; }

# trace_end FORMAT INDEX RC CANON: what is wrong with how the walk ended (empty: nothing).
# The rcode: SERVFAIL when the failure line shows, NXDOMAIN when the last step of the
# question is one, else NOERROR; the exit status 9 for SERVFAIL, else 0; in text, every
# record the case names among those printed for the question.
trace_end() {
	local fmt=$1 i=$2 rc=$3 canon=$4 want rcode=NOERROR rec why=""
	want=$(head -n 1 <<<"${CASE_ENDS[i]}")
	want=${want%% *}
	grep -q '^F SERVFAIL' <<<"$canon" && rcode=SERVFAIL
	[ "$rcode" = NOERROR ] && [ "$(grep '^S 0 ' <<<"$canon" | tail -n 1 | cut -d' ' -f3)" = nxdomain ] &&
		rcode=NXDOMAIN
	[ "$rcode" = "$want" ] || why+=" ended $rcode, not $want;"
	[ "$rc" = "$([ "$want" = SERVFAIL ] && echo 9 || echo 0)" ] || why+=" exit status $rc;"
	[ "$fmt" = text ] || { echo "$why"; return; }
	while IFS= read -r rec; do
		rec=${rec#* }
		[ "$rec" = "${rec#* }" ] && continue # the rcode alone
		grep -qxF "R $rec" <<<"$canon" || why+=" no record '$rec';"
	done <<<"${CASE_ENDS[i]%$'\n'}"
	echo "$why"
}

# check_case FORMAT INDEX: runs case INDEX (text or short) and checks its steps and its end.
# A case with an optional step runs until the step shows, each run checked.
check_case() {
	local fmt=$1 i=$2 label="$1: ${CASE_LABELS[$2]}" args=(${CASE_ARGS[$2]}) steps=()
	local q re_maybe re_all optional=0 run start=$SECONDS out rc canon got why
	mapfile -t steps <<<"${CASE_STEPS[i]%$'\n'}"
	re_maybe=$(trace_regex maybe "${steps[@]}")
	re_all=$(trace_regex all "${steps[@]}")
	grep -q '^? ' <<<"${CASE_STEPS[i]}" && optional=1
	q=$(trace_qname "${CASE_ARGS[i]}")
	for ((run = 1; run <= RUNS_MAX; run++)); do
		if [ "$fmt" = short ]; then
			out=$(trace "${args[@]}" +short)
			rc=$?
			canon=$(trace_canon_short "$TOY" <<<"$out")
		else
			out=$(trace "${args[@]}")
			rc=$?
			canon=$(trace_canon_text "$TOY" "$q" <<<"$out")
		fi
		got=$(sed -n 's/^S //p' <<<"$canon")$'\n'
		why=$(trace_end "$fmt" "$i" "$rc" "$canon")
		if [ -n "$why" ] || ! [[ "$got" =~ $re_maybe ]]; then
			not_ok "$label:${why:- not the steps expected}"
			printf '%s' "${CASE_STEPS[i]}" | sed 's/^/    want: /'
			printf '%s' "$got" | sed 's/^/    got:  /'
			sed 's/^/    | /' <<<"$out" | head -60
			return
		fi
		CASE_OUT[i]=$out
		if [ "$optional" = 0 ]; then
			ok "$label"
			return
		fi
		if [[ "$got" =~ $re_all ]]; then
			ok "$label (the optional step showed in run $run)"
			return
		fi
		((SECONDS - start > RUN_SECONDS)) && break
	done
	not_ok "$label: the optional step never showed in $((run - 1)) runs"
}

trace_load_cases
declare -A CASE_OUT
for fmt in text short; do
	echo "# qdig +trace$([ "$fmt" = short ] && echo " +short"): every case of the toy internet"
	for i in "${!CASE_LABELS[@]}"; do
		check_case "$fmt" "$i"
	done
done

# ---- the layout ----
echo "# the layout of the text"
out=$(trace www.example.com)
re="^;; Received [0-9]+ bytes from (::ffff:)?127\.53\.[0-9.]+#$TOY\([a-z0-9.-]+\) over UDP in [0-9]+ ms$"
n=$(grep -c ';; Received' <<<"$out")
check "every reply gets dig's 'Received' line, with the transport ($n replies, 4 at least)" \
	test "$n" -ge 4 -a "$n" = "$(sed 's/^ *//' <<<"$out" | grep -cE "$re")"
check "the root priming is indented under a line naming it" \
	grep -qx '  ;; Priming the root name servers: \. NS' <<<"$out"
check "records are printed as dig prints them" \
	grep -qP '^www\.example\.com\.\t3600\tIN\tA\t192\.0\.2\.10$' <<<"$out"
out=$(trace www.glueless.org)
check "glueless: the look-up of ns1.dnshost.com is indented under a line naming it" \
	grep -qx '  ;; Looking up a name server that came without glue: ns1\.dnshost\.com\. A' <<<"$out"
check "glueless: its steps are indented too" \
	grep -qE "^  ;; Received [0-9]+ bytes from 127\.53\.14\.[12]#$TOY\(ns[12]\.dnshost\.com\)" <<<"$out"
out=$(trace big.example.com TXT)
check "big answer: the truncated reply says so, and the retry is over TCP" \
	grep -qx ';; Truncated (TC=1), retrying over TCP' <<<"$out"
tc=$(grep -A1 ';; Received' <<<"$out" | grep -B1 'Truncated' | head -n 1 | sed 's/.* from \([^(]*\)(.*/\1/')
tcp=$(grep ';; Received .* over TCP' <<<"$out" | sed 's/.* from \([^(]*\)(.*/\1/')
check "big answer: the TCP retry goes to the server that truncated ($tc)" test -n "$tc" -a "$tc" = "$tcp"
check "big answer: all 40 TXT records come over TCP" \
	test "$(grep -cE $'^big\\.example\\.com\\.\t3600\tIN\tTXT\t"record [0-9]+ of 40' <<<"$out")" = 40
out=$(trace big.example.com TXT +tcp)
check "+tcp: every step over TCP, no truncated try" eval \
	'[ "$(grep -c ";; Received .* over TCP" <<<"$out")" = 4 ] && ! grep -q "over UDP\|Truncated" <<<"$out"'
out=$(trace www.shop.com)
check "CDN: the restart at the CNAME's target is said" \
	grep -qx ';; Alias: restarting at www\.shop\.com\.cdn\.net\.' <<<"$out"
out=$(trace nope.example.com)
check "NXDOMAIN is said" grep -qx ';; NXDOMAIN: nope\.example\.com\. does not exist' <<<"$out"
out=$(trace www.example.com MX)
check "NODATA is said" grep -qx ';; NODATA: www\.example\.com\. has no MX records' <<<"$out"
out=$(trace loop.example.com)
check "CNAME loop: the limit and the failure are said" \
	grep -qx ';; The walk failed: SERVFAIL (the steps above say why)' <<<"$out"
out=$(trace www.example.com +short)
check "+short: one line per step, nothing else" \
	test "$(wc -l <<<"$out")" = 4 -a "$(grep -c ' from .* ms' <<<"$out")" = 4
check "+short: the answer step ends with the answer's rdata" \
	grep -qE "^answer www\.example\.com\. A from ns[12]\.example\.com\(.*\) UDP [0-9]+ ms: 192\.0\.2\.10$" <<<"$out"
out=$(trace big.example.com TXT +short)
check "+short: a long RRset is cut to three and counted" grep -q ' (and 37 more)$' <<<"$out"

# ---- colour ----
echo "# colour"
esc=$'\033'
out=$(trace www.glueless.org)
walked() { # the walk to www.glueless.org's answer, printed
	grep -q '^;; Received .* bytes from ' <<<"$1" &&
		grep -qP '^www\.glueless\.org\.\t\d+\tIN\tA\t192\.0\.2\.31$' <<<"$1"
}
check "no colour when stdout is not a terminal" \
	eval 'walked "$out" && [ -z "$(grep -F "$esc" <<<"$out")" ]'
out=$(trace www.glueless.org +color)
check "+color: comments dim, indentation kept before the colour" \
	grep -qxF "  $esc[2m;; Looking up a name server that came without glue: ns1.dnshost.com. A$esc[0m" \
	<<<"$out"
check "+color: the owner of a record bold" \
	grep -qF "$esc[1mwww.glueless.org.$esc[0m" <<<"$out"
plain() { sed -E 's/ from .* over / from S over /; s/ in [0-9]+ ms/ in N ms/'; } # any server
check "+color, then the codes taken out: the plain text" \
	test "$(sed "s/$esc\[[0-9]*m//g" <<<"$out" | plain)" = "$(trace www.glueless.org | plain)"
out=$(trace www.glueless.org +color +json)
check "+json is never coloured, even with +color" eval \
	'[ -z "$(grep -F "$esc" <<<"$out")" ] && /usr/bin/python3 -c "import json, sys; json.load(sys.stdin)" <<<"$out" && grep -q 192.0.2.31 <<<"$out"'
out=$(trace www.glueless.org +color +nocolor)
check "+nocolor after +color: plain" \
	eval 'walked "$out" && [ -z "$(grep -F "$esc" <<<"$out")" ]'

# ---- options ----
echo "# qdig -h and usage errors"
help=$("$QDIG" -h)
check "qdig -h exits 0" test $? = 0
missing=""
for o in $(sed -nE 's/^\t(SW|NUM|FN|OFF|NO|OLD)\("([a-z-]+)".*/\2/p; s/^\t\{ "([a-z-]+)", O_.*/\1/p' \
	"$TOP/client/opts_table.c"); do
	grep -qE "^  \+(\[no\])?$o(=|\[| |$)" <<<"$help" || missing+=" +$o"
done
for o in -p -t -c -q -x -h @server; do
	grep -qE "^  $o " <<<"$help" || missing+=" $o"
done
check "qdig -h documents every option of the table${missing:+ (missing:$missing)}" test -z "$missing"
check "qdig -h gives the exit statuses" grep -q "Exit status: 0 .* 1 usage error, 9 no reply" <<<"$help"
for bad in +bogus +nosuchthing -z; do
	err=$("$QDIG" "$bad" www.example.com 2>&1 >/dev/null)
	rc=$?
	check "'$bad' is a usage error in dig's words (exit $rc: ${err%%$'\n'*})" \
		test "$rc" = 1 -a "${err%%$'\n'*}" = "Invalid option: $bad"
done
err=$("$QDIG" +t www.example.com 2>&1 >/dev/null)
check "an ambiguous abbreviation is refused: ${err%%$'\n'*}" test "${err%%$'\n'*}" = "Invalid option: +t"
err=$("$QDIG" +trace +root-hints="$T_TMP/none.hints" www.example.com 2>&1 >/dev/null)
rc=$?
check "+root-hints with a missing file: exit 9, the file named ($err)" \
	test "$rc" = 9 -a -n "$(grep -F "$T_TMP/none.hints" <<<"$err")"

done_testing
