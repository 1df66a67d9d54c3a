#!/usr/bin/env bash
# tests/system/packaging.sh: resolverd as an operator installs and runs it (issue 14).
#
# The man pages render without a warning, and their option and key lists match the code:
# resolverd(8) against resolverd --help and the options main.c parses, resolverd.yaml(5)
# against the schema of resolver/config/config.c, qdig(1) (whose options are made from
# qdig -h) against qdig -h. resolverd -t checks a configuration and the files it names;
# --version. server.user: started as root, the daemon runs as nobody (/proc/PID/status) and
# still resolves; SIGHUP of a file nobody cannot read fails and changes nothing; a failed drop
# stops the start. sd_notify: READY=1 once it answers, RELOADING=1 and READY=1 on SIGHUP,
# STOPPING=1, on a Unix datagram socket of ours as NOTIFY_SOCKET. Every system call resolverd
# makes (strace, while it resolves, reloads and stops) passes the unit's SystemCallFilter.
# Then make install DESTDIR=... PREFIX=/usr, laid over /usr and /etc with the source tree
# hidden: the installed resolverd serves the installed toy internet, man finds the installed
# pages, and systemd-analyze verify takes the installed unit without a word.
# Runs in a network namespace of its own (port 53 free); each command that sees the installed
# tree runs in a mount namespace made for it alone, so the host's /usr and /etc are never
# touched, however the file is started.
# SPDX-License-Identifier: MIT
source "$(dirname "$0")/lib.sh"
CHECKS=44

[ -x "$RESOLVERD" ] || skip_all $CHECKS "resolverd is not built"
own_netns $CHECKS
MAN=$BUILD/man
[ -f "$MAN/qdig.1" ] || skip_all $CHECKS "$MAN/qdig.1 is not built (make man)"

# --- man pages
for page in "$MAN/qdig.1" "$TOP/man/resolverd.8" "$TOP/man/resolverd.yaml.5" \
	"$TOP/man/resolverd-ctl.8"; do
	w=$({ groff -ww -z -man "$page"; MANWIDTH=80 man --warnings -l "$page" >/dev/null; } 2>&1)
	check "$(basename "$page") renders without warnings${w:+: $w}" [ -z "$w" ]
done

# entries SECTION FILE: the tags of the .TP entries in section .SH SECTION of a man page,
# the first word of each comma-separated part, one a line, roff's escapes undone
# (".BR \-h , \-\-help" gives -h and --help, ".BI \-c " config"" -c; under .SS S, a key K
# gives S.K).
entries() {
	awk -v want="$1" '
		/^\.SH / { on = ($0 == ".SH " want); next }
		!on { next }
		/^\.SS / { ss = $2 "."; gsub(/\\/, "", ss); next }
		tag { tag = 0; sub(/^\.[A-Z]+ /, ""); gsub(/\\-/, "-"); gsub(/"/, "")
		      n = split($0, part, /,/)
		      for (i = 1; i <= n; i++) { split(part[i], w, " "); print ss w[1] }
		      next }
		/^\.TP/ { tag = 1 }' "$2" | sort -u
}
same() { # DESC A B: two lists, equal; else what each lacks
	local d
	d=$(diff <(echo "$2") <(echo "$3") | grep '^[<>]' | tr '\n' ' ')
	check "$1${d:+ (diff: $d)}" [ -z "$d" ]
}

help_opts=$("$RESOLVERD" --help | sed -nE 's/^  (-[-a-zA-Z]+)(, (-[-a-z]+))?.*/\1\n\3/p' |
	grep . | sort -u)
code_opts=$(grep -oE 'strcmp\(a, "-[^"]*"\)' "$TOP/resolver/server/main.c" |
	sed -E 's/.*"(.*)".*/\1/' | sort -u)
page_opts=$(entries OPTIONS "$TOP/man/resolverd.8")
same "resolverd --help lists every option main.c parses" "$code_opts" "$help_opts"
same "resolverd(8) OPTIONS are resolverd --help's" "$help_opts" "$page_opts"

schema=$(sed -nE 's/^\s*\{ "([a-z-]+)", "([a-z0-9-]+)", K_.*/\1.\2/p' \
	"$TOP/resolver/config/config.c" | sort -u)
check "the schema of config.c has keys ($(wc -l <<<"$schema"))" [ "$(wc -l <<<"$schema")" -gt 20 ]
same "resolverd.yaml(5) KEYS are the schema's" "$schema" "$(entries KEYS "$TOP/man/resolverd.yaml.5")"

CTL=$BUILD/resolverd-ctl
ctl_opts=$("$CTL" -h | sed -nE 's/^  (-[-a-zA-Z]+)(, (-[-a-zA-Z]+))?.*/\1\n\3/p' | grep . | sort -u)
same "resolverd-ctl(8) OPTIONS are resolverd-ctl --help's" "$ctl_opts" \
	"$(entries OPTIONS "$TOP/man/resolverd-ctl.8")"
ctl_cmds=$("$CTL" -h | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\).*/\1/p' | sort -u)
same "resolverd-ctl(8) COMMANDS are resolverd-ctl --help's" "$ctl_cmds" \
	"$(entries COMMANDS "$TOP/man/resolverd-ctl.8")"

qdig_opts=$("$QDIG" -h | sed -nE 's/^  ([-+@][^ ]*).*/\1/p' | sort -u)
check "qdig -h lists options ($(wc -l <<<"$qdig_opts"))" [ "$(wc -l <<<"$qdig_opts")" -gt 10 ]
same "qdig(1) OPTIONS are qdig -h's" "$qdig_opts" "$(entries OPTIONS "$MAN/qdig.1")"
# Options the page's own text names (examples, description) must be qdig's.
named=$(sed -n '/^\.SH OPTIONS/,/^\.SH EXIT/!p' "$TOP/man/qdig.1.in" | grep -v '^\.BI +no ' |
	sed 's/\\-/-/g' |
	grep -oE '(^| )(\+[a-z-]+|-[a-z])\b' | tr -d ' ' | sort -u)
missing=""
for o in $named; do
	grep -Eq -- "^\\$o|^\\+\\[no\\]${o#+}" <<<"$qdig_opts" || missing="$missing $o"
done
check "every option qdig(1)'s text names is in qdig -h ($(echo $named))" [ -z "$missing" ]

# --- resolverd -t and --version
v=$("$RESOLVERD" --version)
check "resolverd --version: $v" grep -Eq '^resolverd [0-9]+\.[0-9]+' <<<"$v"
out=$("$RESOLVERD" -t -c "$TOP/conf/offline.yaml" 2>&1)
check "resolverd -t conf/offline.yaml: exit 0 ($out)" [ $? = 0 ]
# t_bad DESC FILE WANT: resolverd -t -c FILE exits 1 with a line that matches WANT.
t_bad() {
	local out rc want=$3
	out=$("$RESOLVERD" -t -c "$2" 2>&1)
	rc=$?
	check "resolverd -t, $1: exit 1 ($out)" eval '[ $rc = 1 ] && grep -q -- "$want" <<<"$out"'
}
printf 'server:\n  port: 53\n  lisen: [127.0.0.1]\n' >"$T_TMP/bad.yaml"
t_bad "unknown key, with file:line" "$T_TMP/bad.yaml" "bad.yaml:3: server.lisen: unknown key"
mkdir "$T_TMP/tree" && cp -r "$TOP/conf" "$TOP/zones" "$T_TMP/tree/"
printf 'www IN A 192.0.2.300\n' >>"$T_TMP/tree/zones/example.com.zone"
line=$(wc -l <"$T_TMP/tree/zones/example.com.zone")
t_bad "a bad zone file, named with its line" "$T_TMP/tree/conf/offline.yaml" \
	"example.com.zone:$line:"
printf 'resolver:\n  root-hints: nowhere.hints\n' >"$T_TMP/nohints.yaml"
t_bad "missing root hints" "$T_TMP/nohints.yaml" "nowhere.hints"
printf '. 3600 IN DNSKEY 257 3 8 AwEAAQ==\n' >"$T_TMP/key.anchor"
printf 'dnssec:\n  trust-anchor-file: key.anchor\nresolver:\n  root-hints: %s\n' \
	"$TOP/conf/root.hints" >"$T_TMP/anchor.yaml"
t_bad "a bad trust anchor file" "$T_TMP/anchor.yaml" "key.anchor:1:"
printf 'server:\n  user: no-such-user-here\n' >"$T_TMP/nouser.yaml"
t_bad "server.user unknown" "$T_TMP/nouser.yaml" "server.user: no user no-such-user-here"

# --- server.user
# The toy internet and the resolver on port 53 (root only), in a directory nobody can read.
chmod 711 "$T_TMP" # nobody may reach pub/ (and the files made readable), not list
DIR=$T_TMP/pub
mkdir -m 755 "$DIR"
offline_yaml() { # USER-LINE
	printf 'server:\n  listen: [127.0.0.1]\n  port: 53\n%s' "$1"
	printf 'resolver:\n  root-hints: %s\n  query-special-addresses: true\n' \
		"$TOP/conf/toy-root.hints"
	printf 'toy-internet:\n  map: %s\n' "$TOP/zones/map.yaml"
}
offline_yaml '  user: nobody
' >"$DIR/nobody.yaml"
chmod 644 "$DIR/nobody.yaml"
NB_UID=$(id -u nobody) NB_GID=$(id -g nobody)
start_bg "$T_TMP/nobody.log" "$RESOLVERD" -c "$DIR/nobody.yaml"
PID=$LAST_PID
if wait_dns 127.0.0.1 53 20; then
	ids=$(grep -E '^(Uid|Gid|Groups):' "/proc/$PID/status" | tr '\t\n' '  ')
	check "server.user nobody: Uid, Gid, Groups are nobody's ($ids)" \
		eval 'grep -Eq "Uid: $NB_UID $NB_UID $NB_UID $NB_UID +Gid: $NB_GID $NB_GID $NB_GID $NB_GID +Groups: ($NB_GID)? *$" <<<"$ids"'
	caps=$(sed -nE 's/^CapEff:\s*//p' "/proc/$PID/status")
	check "server.user nobody: no capability left (CapEff $caps)" [ "$caps" = 0000000000000000 ]
	a=$(dig +short +tries=1 +time=5 @127.0.0.1 www.shop.com A | tail -n 1)
	check "as nobody it still resolves (upstream sockets): www.shop.com $a" [ "$a" = 198.51.100.42 ]
	sed -i 's/^resolver:/log:\n  level: debug\nresolver:/' "$DIR/nobody.yaml"
	kill -HUP "$PID"
	for _ in $(seq 50); do grep -q 'reloaded' "$T_TMP/nobody.log" && break; sleep 0.1; done
	check "as nobody, SIGHUP re-reads a readable file" grep -q "reloaded $DIR/nobody.yaml" "$T_TMP/nobody.log"
	chmod 600 "$DIR/nobody.yaml"
	kill -HUP "$PID"
	for _ in $(seq 50); do grep -q 'kept the configuration' "$T_TMP/nobody.log" && break; sleep 0.1; done
	check "as nobody, SIGHUP of a root-only file fails and says why" \
		grep -q "kept the configuration in force: .*Permission denied" "$T_TMP/nobody.log"
	a=$(dig +short +tries=1 +time=5 @127.0.0.1 www.example.org A | tail -n 1)
	check "after the failed reload it still resolves: www.example.org $a" [ "$a" = 192.0.2.20 ]
	kill -TERM "$PID"
	wait "$PID"
	check "as nobody, SIGTERM: exit 0 ($?)" [ $? = 0 ]
else
	sed 's/^/    /' "$T_TMP/nobody.log"
	for _ in 1 2 3 4 5 6 7; do not_ok "resolverd with server.user nobody starts"; done
fi
# A root-only file: the start warns that SIGHUP will not read it.
offline_yaml '  user: nobody
' >"$T_TMP/rootonly.yaml"
chmod 600 "$T_TMP/rootonly.yaml"
start_bg "$T_TMP/rootonly.log" "$RESOLVERD" -c "$T_TMP/rootonly.yaml"
PID=$LAST_PID
wait_dns 127.0.0.1 53 20
check "a file nobody cannot read: the start warns about SIGHUP" \
	grep -q "rootonly.yaml is not readable by nobody: SIGHUP cannot reload it" "$T_TMP/rootonly.log"
kill -TERM "$PID"
wait "$PID"
# Not root: the drop to another user fails, and it does not serve.
printf 'server:\n  listen: [127.0.0.1]\n  port: 5300\n  user: root\nresolver:\n  root-hints: %s\n' \
	"$TOP/conf/toy-root.hints" >"$DIR/toroot.yaml"
chmod 644 "$DIR/toroot.yaml"
out=$(timeout 10 setpriv --reuid="$NB_UID" --regid="$NB_GID" --clear-groups \
	"$RESOLVERD" -c "$DIR/toroot.yaml" 2>&1)
rc=$?
check "a drop that fails (nobody to root) stops the start: exit 1 ($out)" \
	eval '[ $rc = 1 ] && grep -q "server.user: cannot become root (uid 0, gid 0): setgroups" <<<"$out"'

# --- sd_notify on a socket of ours
cat >"$T_TMP/notify.py" <<'PYEOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(1)
end = time.time() + 40
with open(sys.argv[2], "a", buffering=1) as out:
    while time.time() < end:
        try:
            out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
        except socket.timeout:
            pass
PYEOF
: >"$T_TMP/notes"
start_bg "$T_TMP/notify.log" python3 "$T_TMP/notify.py" "$T_TMP/notify.sock" "$T_TMP/notes"
for _ in $(seq 50); do [ -S "$T_TMP/notify.sock" ] && break; sleep 0.1; done
note() { # WANT: waits up to 10 s for a line WANT among the notifications
	local i
	for ((i = 0; i < 100; i++)); do grep -qx "$1" "$T_TMP/notes" && return 0; sleep 0.1; done
	return 1
}
NOTIFY_SOCKET=$T_TMP/notify.sock start_bg "$T_TMP/notified.log" "$RESOLVERD" -c "$TOP/conf/offline.yaml"
PID=$LAST_PID
if note READY=1; then
	a=$(dig +short +tries=1 +time=2 @127.0.0.1 www.example.com A)
	check "READY=1 came, and it answers at once: www.example.com $a" [ "$a" = 192.0.2.10 ]
else
	not_ok "READY=1 came ($(cat "$T_TMP/notes"))"
fi
kill -HUP "$PID"
note RELOADING=1
# READY=1 again once the reload is over (it reads every toy zone: slow under make asan)
for _ in $(seq 100); do [ -n "$(sed -n 3p "$T_TMP/notes")" ] && break; sleep 0.1; done
check "SIGHUP: RELOADING=1 then READY=1 ($(tr '\n' ' ' <"$T_TMP/notes"))" \
	eval 'note RELOADING=1 && [ "$(sed -n 3p "$T_TMP/notes")" = READY=1 ]'
kill -TERM "$PID"
wait "$PID"
check "SIGTERM: STOPPING=1" note STOPPING=1

# --- the unit's system call filter against the calls resolverd makes
# expand NAME...: the system calls of each group (@name, nested groups opened) or name.
expand() {
	local x
	for x in "$@"; do
		case "$x" in
		@*) expand $(systemd-analyze syscall-filter "$x" | sed -e 's/#.*//' -e 1d) ;;
		*) echo "$x" ;;
		esac
	done
}
if ldd "$RESOLVERD" | grep -q 'libasan\|libtsan'; then
	skip "system calls: not with a sanitizer build (its runtime makes calls of its own)"
else
	unit=$TOP/packaging/resolverd.service.in
	allow=$(expand $(sed -n 's/^SystemCallFilter=\([^~]\)/\1/p' "$unit") | sort -u)
	deny=$(expand $(sed -n 's/^SystemCallFilter=~//p' "$unit") | sort -u)
	allowed=$(comm -23 <(echo "$allow") <(echo "$deny"))
	start_bg "$T_TMP/strace.log" strace -f -qq -o "$T_TMP/calls" "$RESOLVERD" -c "$TOP/conf/offline.yaml"
	PID=$LAST_PID
	wait_dns 127.0.0.1 53 20
	dig +tries=1 +time=5 @127.0.0.1 big.example.com TXT >/dev/null # UDP, TC, then TCP
	dig +short +tries=1 +time=5 @127.0.0.1 www.glueless.org >/dev/null
	dig +tcp +short +tries=1 +time=5 @127.0.0.1 www.shop.com >/dev/null
	traced=$(cat "/proc/$PID/task/$PID/children")
	kill -HUP $traced; sleep 0.5
	kill -USR1 $traced; sleep 0.5
	kill -TERM $traced
	wait "$PID"
	used=$(sed -nE 's/^[0-9]+ +([a-z0-9_]+)\(.*/\1/p' "$T_TMP/calls" | sort -u)
	outside=$(comm -23 <(echo "$used") <(echo "$allowed") | tr '\n' ' ')
	check "the unit's SystemCallFilter allows every call resolverd made ($(wc -l <<<"$used") calls)${outside:+; not: $outside}" \
		eval '[ "$(wc -l <<<"$used")" -gt 20 ] && [ -z "$outside" ]'
fi

# --- the installed tree
ROOT=$T_TMP/root
missing=""
out=$(make -s -C "$TOP" BUILD="$BUILD" install DESTDIR="$ROOT" PREFIX=/usr 2>&1)
check "make install DESTDIR=... PREFIX=/usr${out:+ ($out)}" [ -x "$ROOT/usr/sbin/resolverd" ]
for f in usr/bin/qdig usr/sbin/resolverd-ctl usr/share/man/man1/qdig.1 \
	usr/share/man/man5/resolverd.yaml.5 usr/share/man/man8/resolverd.8 \
	usr/share/man/man8/resolverd-ctl.8 usr/share/resolverd/conf/offline.yaml \
	usr/share/resolverd/zones/map.yaml usr/lib/systemd/system/resolverd.service \
	etc/resolverd/resolverd.yaml; do
	[ -f "$ROOT/$f" ] || missing="$missing $f"
done
check "installed: binaries, pages, examples, zones, unit, configuration${missing:+ (missing:$missing)}" \
	[ -z "$missing" ]
# installed CMD...: CMD with the installed tree laid over /usr and /etc and the source tree
# hidden under an empty tmpfs, in a mount namespace made for that command alone: nothing is
# ever laid over the host's own /usr and /etc, however this file was started. It execs (so
# that in the background $! is CMD's PID): call it only in a subshell, $(...), ( ) or &.
installed() {
	exec unshare -m --propagation private sh -c '
		mount -t overlay overlay -o "lowerdir=$1/usr:/usr" /usr &&
		mount -t overlay overlay -o "lowerdir=$1/etc:/etc" /etc &&
		mount -t tmpfs none "$2" && shift 2 && exec "$@"' sh "$ROOT" "$TOP" "$@"
}
(installed true) || { not_ok "the installed tree laid over /usr and /etc"; done_testing; }
w=$(for p in qdig.1 resolverd.8 resolverd.yaml.5 resolverd-ctl.8; do (installed man -w "$p") 2>&1
done | tr '\n' ' ')
check "man finds the installed pages ($w)" \
	eval '[ "$(grep -o /usr/share/man/ <<<"$w" | wc -l)" = 4 ]'
out=$(installed /usr/sbin/resolverd -t -c /etc/resolverd/resolverd.yaml 2>&1)
check "the installed /etc/resolverd/resolverd.yaml is good ($out)" [ $? = 0 ]
out=$(installed systemd-analyze verify /usr/lib/systemd/system/resolverd.service 2>&1)
rc=$?
check "systemd-analyze verify resolverd.service: exit 0, nothing said${out:+ ($out)}" \
	eval '[ $rc = 0 ] && [ -z "$out" ]'
hidden=$(installed ls -A "$TOP")
check "the source tree is hidden there" [ -z "$hidden" ]
start_bg "$T_TMP/installed.log" installed /usr/sbin/resolverd -c /usr/share/resolverd/conf/offline.yaml
PID=$LAST_PID
if wait_dns 127.0.0.1 53 20; then
	q=$(installed /usr/bin/qdig +short +timeout=5 @127.0.0.1 www.shop.com | tail -n 1)
	check "the installed resolverd serves the installed toy internet: www.shop.com $q" \
		[ "$q" = 198.51.100.42 ]
	q=$(installed /usr/bin/qdig +trace +root-hints=/usr/share/resolverd/conf/toy-root.hints \
		www.example.com | grep -cP '\tA\t192\.0\.2\.10$')
	check "installed qdig +trace from the installed toy root hints" [ "$q" -ge 1 ]
	out=$(installed /usr/sbin/resolverd-ctl -c /usr/share/resolverd/conf/offline.yaml status 2>&1)
	check "installed resolverd-ctl reaches it on the installed offline.yaml's socket" \
		grep -q '^resolverd .*, pid [0-9]*, running since' <<<"$out"
else
	sed 's/^/    /' "$T_TMP/installed.log"
	for _ in 1 2 3; do not_ok "the installed resolverd starts"; done
fi
kill -TERM "$PID"
wait "$PID"
check "the installed resolverd: SIGTERM exits 0 ($?)" [ $? = 0 ]
out=$(make -s -C "$TOP" BUILD="$BUILD" uninstall DESTDIR="$ROOT" PREFIX=/usr 2>&1)
left=$(cd "$ROOT" && find . -type f | sort | tr '\n' ' ')
check "make uninstall leaves only the configuration ($left)" [ "$left" = "./etc/resolverd/resolverd.yaml " ]
done_testing
