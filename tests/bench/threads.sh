#!/usr/bin/env bash
# tests/bench/threads.sh: how cached QPS changes with server.threads (README.md, "Scale-out").
#
# In a network namespace of its own: resolverd on the offline toy internet (conf/offline.yaml's
# settings, threads 1, 2 and 4), its cache warmed with seven names, then loadgen
# (tests/tools/loadgen.c, 100 in flight, LOAD_SECONDS each) on those names: QPS and the
# resolver's CPU per answer. ROUNDS rounds (default 3), the thread counts in turn within each;
# prints one line per run and the median per thread count. Nothing is pinned: the load client
# competes for the same CPUs as the workers, which is the limit of this measurement on a
# machine with few cores. Needs root (port 53 in the namespace).
#   tests/bench/threads.sh            ROUNDS=5 LOAD_SECONDS=10 tests/bench/threads.sh
# SPDX-License-Identifier: MIT
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
ROUNDS=${ROUNDS:-3} LOAD_SECONDS=${LOAD_SECONDS:-5}
if [ -z "${IN_NS:-}" ]; then
	IN_NS=1 exec unshare -n bash "$0"
fi
ip link set lo up
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
printf '%s A\n' www.example.com www.example.org www.shop.com www.glueless.org a.b.c.deep.org \
	www.lame.net anything.wild.example.com >"$tmp/names"
echo "cpus: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
	for t in 1 2 4; do
		sed "s/^  threads: 1$/  threads: $t/; s|toy-root.hints|$TOP/conf/toy-root.hints|; s|\.\./zones|$TOP/zones|" \
			"$TOP/conf/offline.yaml" >"$tmp/t.yaml"
		"$BUILD/resolverd" -c "$tmp/t.yaml" 2>"$tmp/log" &
		pid=$!
		for _ in $(seq 50); do dig +short +tries=1 +time=1 @127.0.0.1 www.example.com >/dev/null && break; sleep 0.1; done
		while read -r n _; do dig +short +tries=1 +time=2 @127.0.0.1 "$n" >/dev/null; done <"$tmp/names"
		out=$("$BUILD/tests/loadgen" -s 127.0.0.1 -p 53 -d "$tmp/names" -w 100 -t "$LOAD_SECONDS" -P "$pid")
		kill $pid; wait $pid
		qps=$(sed -nE 's/.* qps=([0-9.]+).*/\1/p' <<<"$out")
		cpu=$(sed -nE 's/.* cpu_us=([0-9.-]+).*/\1/p' <<<"$out")
		lost=$(sed -nE 's/.* lost=([0-9]+).*/\1/p' <<<"$out")
		echo "round $r threads $t: qps $qps cpu_us/answer $cpu lost $lost"
		echo "$t $qps $cpu" >>"$tmp/all"
	done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for t in 1 2 4; do
	q=$(awk -v t="$t" '$1 == t { print $2 }' "$tmp/all" | median)
	c=$(awk -v t="$t" '$1 == t { print $3 }' "$tmp/all" | median)
	echo "threads $t: median qps $q, cpu_us/answer $c ($ROUNDS runs)"
done
