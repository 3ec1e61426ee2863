#!/bin/sh
# README command 2: from a clean clone on Debian 12, install what is missing,
# build, and run every test: the Check suites and the shell tests in a plain
# build, again under ASan+UBSan, the Check suites and CLI under valgrind
# memcheck, and make distcheck. Prints the Check summaries.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
sh contrib/install-deps.sh
[ -x configure ] || autoreconf -fi

summaries() {
	for f in tests/*.log; do
		case $f in tests/test-suite.log) continue ;; esac
		echo "== $f"
		grep -E '^[0-9]+%: Checks|passed, [0-9]+ failed|^(PASS|FAIL|ERROR|SKIP)' "$f" || true
	done
}
run_check() {
	if make -j2 check; then summaries; else
		summaries; cat tests/test-suite.log; return 1
	fi
}

echo "=== plain build"
mkdir -p _build && cd _build
[ -f Makefile ] || ../configure -q
make -j2
run_check

echo "=== valgrind memcheck"
# The Check suites in one process, then every shell test with vulturectl
# and vultured under memcheck (exit 99 on an error or a definite leak
# fails the test that ran it).
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$top/tests/valgrind.supp --suppressions=$top/tests/valgrind-net.supp --child-silent-after-fork=yes"
CK_FORK=no top_srcdir=$top VDEC_MKFIXTURES=$top/tests/mkfixtures.sh $vg tests/check_vulture 2>&1 | tail -3
VCTL_WRAPPER="$vg" make check TESTS="tests/cli.sh tests/inbound.sh tests/outbound.sh tests/daemon.sh" >/dev/null 2>&1 || { summaries; cat tests/test-suite.log; exit 1; }
summaries

echo "=== distcheck"
make -j2 distcheck >distcheck.log 2>&1 || { tail -50 distcheck.log; exit 1; }
grep -E 'archives ready|^=+$' distcheck.log | head -3
cd "$top"

echo "=== ASan + UBSan build"
mkdir -p _san && cd _san
[ -f Makefile ] || ../configure -q --enable-sanitizers
make -j2
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_check
echo "=== all tests passed"
