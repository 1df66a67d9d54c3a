#!/usr/bin/env bash
# tests/system/forward_zones.sh: forward zones and stub zones (issue 14), over real sockets.
#
# In a network namespace of its own: the toy internet (resolverd --auth-only on port 53 of
# 127.53.x.y) and Unbound walking and validating it (toy_unbound). A validating resolverd
# forwards everything (".") to Unbound: every signed case of zones/README.md gets the verdict
# its table gives resolverd (secure: AD; insecure: no AD; bogus: SERVFAIL with an EDE), with
# the rcode and answer records Unbound gives when asked directly, and Unbound's query log shows
# the questions came from resolverd. With Unbound killed, forwarding
# fails with EDE 22 or 23, and a forward zone with first: true iterates instead; a silent
# forwarder with first: true is soon down (infra) and costs later questions no timeout. Stub zones:
# NSD serves stubzone.com, which com does not delegate (NXDOMAIN without the stub); the stub
# zone makes it resolve, a dead stub server with first: true falls back, without gives
# SERVFAIL. A reload (SIGHUP) that adds a forward zone, and one (resolverd-ctl reload) that
# takes a stub zone out, are used at once and named in what the reload says.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
README=$TOP/zones/README.md
ANCHOR=$TOP/conf/toy-root.anchor

cases() { # "name type|verdict" for each row of the signed cases
	awk '/<!-- signed-cases/ { on = 1; next } /<!-- end of signed-cases/ { on = 0 }
	on && /^\| / && !/^\| Case/ && !/^\|---/ {
		n = split($0, f, "|")
		q = f[3]; gsub(/[` ]+/, " ", q); sub(/^ /, "", q); sub(/ $/, "", q)
		v = f[4]; sub(/^ /, "", v); sub(/ $/, "", v)
		print q "|" v
	}' "$README"
}
CASES=$(cases)
CHECKS=$(($(grep -c . <<<"$CASES") + 15))

[ -x "$RESOLVERD" ] || skip_all $CHECKS "resolverd is not built"
command -v unbound >/dev/null || skip_all $CHECKS "unbound is not installed"
command -v nsd >/dev/null || skip_all $CHECKS "nsd is not installed"
own_netns $CHECKS

UB=127.53.200.1
UBPORT=$(free_port) || { not_ok "a free port"; done_testing; }
toy_unbound "$UB" "$UBPORT" "	trust-anchor-file: \"$ANCHOR\"
	local-zone: \"127.in-addr.arpa.\" nodefault
	module-config: \"validator iterator\"
	log-queries: yes"

# rd ADDR NAME YAML: a validating resolverd on ADDR port 53 with more YAML (its forwarding
# section) and the negative trust anchors $NTA; its configuration is $T_TMP/NAME.yaml, its
# process ${PID[NAME]}.
declare -A PID
rd() {
	cat >"$T_TMP/$2.yaml" <<EOT
server:
  listen: [$1]
  port: 53
resolver:
  root-hints: $TOP/conf/toy-root.hints
  query-special-addresses: true
dnssec:
  trust-anchor-file: $ANCHOR
  negative-trust-anchors: [${NTA:-}]
$3
EOT
	start_bg "$T_TMP/$2.log" "$RESOLVERD" -c "$T_TMP/$2.yaml"
	PID[$2]=$LAST_PID
	wait_dns "$1" 53 10 || { not_ok "resolverd $2 starts: $(tail -n 2 "$T_TMP/$2.log")"; done_testing; }
}

ask() { dig +tries=2 +time=5 +dnssec "$@" 2>&1; }
status() { sed -nE 's/.*status: ([A-Z]+),.*/\1/p' <<<"$1" | head -n 1; }
has_ad() { grep -qE '^;; flags:[^;]* ad[ ;]' <<<"$1"; }
ede_of() { sed -n 's/^; EDE: \([0-9]*\).*/\1/p' <<<"$1" | head -n 1; }
# The answer section without TTLs and RRSIGs' times, sorted: what two resolvers share.
answer() { dig_section ANSWER <<<"$1" | awk '$4 != "RRSIG" { $2 = ""; print }' | sort; }

rd 127.0.0.1 fwd "forwarding:
  forward-zones:
    - name: \".\"
      addresses: [$UB@$UBPORT]"

while IFS='|' read -r question verdict; do
	# shellcheck disable=SC2086 # "name type"
	out=$(ask @127.0.0.1 $question)
	# shellcheck disable=SC2086
	ub=$(ask -p "$UBPORT" @$UB +cd $question)
	st=$(status "$out")
	case "$verdict" in
	secure*) has_ad "$out" && [ "$st" = "$(status "$ub")" ] && [ "$(answer "$out")" = "$(answer "$ub")" ] ;;
	insecure*) ! has_ad "$out" && [ "$st" = "$(status "$ub")" ] && [ "$(answer "$out")" = "$(answer "$ub")" ] ;;
	bogus*) [ "$st" = SERVFAIL ] && [ -n "$(ede_of "$out")" ] ;;
	*) false ;;
	esac
	if [ $? = 0 ]; then
		ok "forwarded to Unbound: $question is ${verdict%%:*} ($st)"
	else
		not_ok "forwarded to Unbound: $question should be $verdict (got $st, $(grep '^;; flags' <<<"$out"))"
		sed 's/^/    /' <<<"$out" | head -20
	fi
done <<<"$CASES"

check "Unbound's query log has resolverd's questions (www.example.com A)" \
	grep -qE "info: 127\.0\.0\.1 www\.example\.com\. A IN" "$T_TMP/unbound.log"

# The same forward zone with first: true, and a stub zone; then Unbound is killed.
rd 127.0.0.2 first "forwarding:
  forward-zones:
    - {name: \".\", addresses: [$UB@$UBPORT], first: true}"

kill "$(cat "$T_TMP/unbound.pid")" 2>/dev/null
for _ in $(seq 1 50); do dig +tries=1 +time=1 -p "$UBPORT" @$UB . SOA >/dev/null 2>&1 || break; sleep 0.1; done

out=$(ask @127.0.0.1 www.example.org A)
ede=$(ede_of "$out")
check "forwarder dead, no first: SERVFAIL with EDE 22 or 23 (got $(status "$out"), EDE ${ede:-none})" \
	[ "$(status "$out")" = SERVFAIL ] && { [ "$ede" = 22 ] || [ "$ede" = 23 ]; }
out=$(ask @127.0.0.2 www.example.org A)
check "forwarder dead, first: true: iterated instead ($(status "$out"))" \
	[ "$(status "$out")" = NOERROR ] && [ -n "$(answer "$out")" ]
out=$(ask @127.0.0.2 www.ed25519.dnssec A)
check "forwarder dead, first: true: validated as it is iterated (AD)" has_ad "$out"

# A forwarder that is silent (a socket that never reads: no refusal, every query times out),
# with first: true. Each question pays one timeout, 0.4, 0.8, 1.6, 3.2 s, until one at 5 s (the
# maximum) times out too: then it is down (dump-infra says so), and the next ten questions
# each iterate at once, well under its 5 s timeout (one probe per 10 s at most).
SILENT=127.0.0.80
SILENTPORT=$(free_port) || { not_ok "a free port"; done_testing; }
start_bg "$T_TMP/silent.log" python3 -c "import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('$SILENT', $SILENTPORT))
print('bound', flush=True)
time.sleep(600)"
for _ in $(seq 1 50); do grep -q bound "$T_TMP/silent.log" && break; sleep 0.1; done
rd 127.0.0.4 silent "control:
  socket: $T_TMP/silent.sock
forwarding:
  forward-zones:
    - {name: \".\", addresses: [$SILENT@$SILENTPORT], first: true}"
infra() { "$BUILD/resolverd-ctl" -s "$T_TMP/silent.sock" dump-infra 2>&1 | grep "^$SILENT "; }
for i in $(seq 1 8); do
	infra | grep -q ", down, next probe in [0-9]* s" && break
	dig +tries=1 +time=8 @127.0.0.4 "w$i.example.org" A >/dev/null 2>&1
done
check "dump-infra: the silent forwarder is down after a few questions ($(infra))" \
	eval 'infra | grep -qE ", down, next probe in [0-9]+ s"'
ms() { echo $(($(date +%s%N) / 1000000)); }
slow=""
for i in $(seq 1 10); do
	t0=$(ms)
	out=$(dig +tries=1 +time=8 @127.0.0.4 "q$i.example.org" A 2>&1)
	dt=$(($(ms) - t0))
	st=$(status "$out")
	if [ "$st" != NOERROR ] && [ "$st" != NXDOMAIN ]; then
		slow+=" q$i:${st:-no answer}"
	elif [ "$dt" -ge 1000 ]; then
		slow+=" q$i:${dt}ms"
	fi
done
check "silent forwarder down, first: true: 10 questions iterate at once (< 1 s each)${slow:+:$slow}" \
	[ -z "$slow" ]

# Stub zones: NSD serves stubzone.com, which com does not delegate.
cat >"$T_TMP/stub.zone" <<EOT
\$TTL 300
stubzone.com. SOA ns.stubzone.com. h.stubzone.com. 1 7200 900 1209600 300
stubzone.com. NS ns.stubzone.com.
ns.stubzone.com. A 127.0.0.70
www.stubzone.com. A 192.0.2.70
ftp.stubzone.com. A 192.0.2.70
EOT
cat >"$T_TMP/fwd.zone" <<EOT
\$TTL 300
fwd.example. SOA ns.fwd.example. h.fwd.example. 1 7200 900 1209600 300
fwd.example. NS ns.fwd.example.
www.fwd.example. A 192.0.2.71
EOT
SPORT=$(free_port) || { not_ok "a free port"; done_testing; }
start_nsd 127.0.0.70 "$SPORT" stubzone.com "$T_TMP/stub.zone" fwd.example "$T_TMP/fwd.zone" || { not_ok "nsd starts"; done_testing; }
# fwd.example is no zone of the signed toy tree: the operator opts it out of validation.
NTA=fwd.example rd 127.0.0.3 stub "control:
  socket: $T_TMP/stub.sock
forwarding:
  stub-zones:
    - name: stubzone.com
      addresses: [127.0.0.70@$SPORT]
    - {name: example.com, addresses: [127.0.0.71@$SPORT], first: true}
    - {name: example.org, addresses: [127.0.0.71@$SPORT]}"
out=$(ask @127.0.0.2 www.stubzone.com A)
check "without the stub zone: NXDOMAIN ($(status "$out"))" [ "$(status "$out")" = NXDOMAIN ]
out=$(ask @127.0.0.3 www.stubzone.com A)
check "stub zone: www.stubzone.com A 192.0.2.70 ($(status "$out"), $(answer "$out"))" \
	grep -q "A 192.0.2.70" <<<"$(answer "$out")"
check "stub zone: insecure (no DS for com), no AD" eval '! has_ad "$out"'
out=$(ask @127.0.0.3 www.example.org A)
check "stub server dead, no first: SERVFAIL ($(status "$out"))" [ "$(status "$out")" = SERVFAIL ]
out=$(ask @127.0.0.3 www.example.com A)
ref=$(ask @127.0.0.2 www.example.com A)
check "stub server dead, first: true: iterated instead ($(status "$out"), $(answer "$out"))" \
	[ "$(status "$out")" = NOERROR ] && [ -n "$(answer "$out")" ] && [ "$(answer "$out")" = "$(answer "$ref")" ]

# A reload adds a forward zone: used at once, and the reload log names the key.
cat >>"$T_TMP/stub.yaml" <<EOT
  forward-zones:
    - {name: fwd.example, addresses: [127.0.0.70@$SPORT]}
EOT
kill -HUP "${PID[stub]}"
for _ in $(seq 1 50); do grep -q "forwarding.forward-zones" "$T_TMP/stub.log" && break; sleep 0.1; done
check "SIGHUP: the reload names forwarding.forward-zones, not at restart" \
	grep -qE "forwarding\.forward-zones($|,| [^(])" "$T_TMP/stub.log"
out=$(ask @127.0.0.3 www.fwd.example A)
check "the forward zone added by the reload is used: www.fwd.example A 192.0.2.71 ($(status "$out"))" \
	grep -q "A 192.0.2.71" <<<"$(answer "$out")"
# resolverd-ctl reload: a stub zone taken out, said so, and no longer used.
sed -i '/name: stubzone.com/,/addresses: \[127.0.0.70@/d' "$T_TMP/stub.yaml"
out=$("$BUILD/resolverd-ctl" -s "$T_TMP/stub.sock" reload 2>&1)
check "resolverd-ctl reload names forwarding.stub-zones ($out)" \
	grep -qE "forwarding\.stub-zones($|,| [^(])" <<<"$out"
out=$(ask @127.0.0.3 ftp.stubzone.com A)
check "the stub zone taken out is no longer used: NXDOMAIN ($(status "$out"))" \
	[ "$(status "$out")" = NXDOMAIN ]
done_testing
