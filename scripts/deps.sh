#!/bin/sh
# scripts/deps.sh: install the Debian packages a target needs, only those missing.
#
# Usage: scripts/deps.sh build|test|bench
#   build  compiler, libyaml, libssl-dev (libcrypto: DNSSEC signatures, NSEC3 hashes, qdig's
#          TSIG), libsystemd-dev (sd_notify), libmicrohttpd-dev (the metrics endpoint) and
#          libidn2 (qdig's +idnin/+idnout), libnghttp2 (qdig's DNS over HTTPS)
#   test   build + the peers and tools the tests use (dig, NSD, Unbound, dnspython, clang's
#          fuzzer runtime, valgrind, the signer ldns-signzone and dnssec-verify, dnsdist,
#          strace, systemd-analyze and man)
#   bench  test + dnsperf (load), linux-perf (profiles: PERF=1 tests/bench/resolvers.sh)
# Says what it installs; prints nothing when all is there. Needs root (or sudo) only to install.
set -eu

build="gcc make libyaml-dev libssl-dev libsystemd-dev libmicrohttpd-dev libidn2-dev libnghttp2-dev pkg-config"
test="$build clang libclang-rt-14-dev bind9-dnsutils knot-dnsutils nsd unbound python3 python3-dnspython valgrind iproute2 util-linux ldnsutils bind9-utils dnsdist strace systemd man-db openssl"
bench="$test dnsperf linux-perf"

case "${1:-build}" in
build) want=$build ;;
test) want=$test ;;
bench) want=$bench ;;
*) echo "usage: $0 build|test|bench" >&2; exit 1 ;;
esac

missing=""
for p in $want; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing missing Debian packages:$missing"
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "deps.sh: need root or sudo to install:$missing" >&2; exit 1; }
	sudo=sudo
fi
# Debian's postinst scripts would start nsd and unbound as system services on port 53;
# the tests start their own instances, so keep the packaged services from starting.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
	$sudo chmod 755 /usr/sbin/policy-rc.d
	remove_policy=1
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
[ -n "${remove_policy:-}" ] && $sudo rm -f /usr/sbin/policy-rc.d
exit 0
