#!/bin/sh
# README command 2: from a clean clone on Debian 12, install what is missing,
# build, and run every test:
#   1. a plain build;
#   2. valgrind memcheck: the Check suites in one process, and the shell
#      tests that drive vulturectl (deliver, inspect, quarantine, commands
#      by mail) and vultured (IMAP IDLE, restarts, SIGHUP, SIGTERM, its
#      gpg helpers) under memcheck (VALGRIND_ALL=1: every shell test,
#      about 25 minutes);
#   3. make distcheck: the tarball builds and passes every test (the Check
#      suites and every shell test: real gpg keys, Dovecot, aiosmtpd,
#      headless Chromium, the CSAF validator). This is the plain run; it
#      is not repeated in the tree, which keeps CI well under 20 minutes;
#   4. an ASan+UBSan build running everything again;
#   5. every fuzz target for FUZZ_SECONDS (default 20) each.
# Prints the Check and test summaries.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
sh contrib/install-deps.sh
[ -x configure ] || autoreconf -fi
start=$(date +%s)
stamp() { echo "=== $* ($(( $(date +%s) - start ))s)"; }

summaries() {
	for f in tests/*.log; do
		case $f in tests/test-suite.log) continue ;; esac
		echo "== $f"
		grep -E '^[0-9]+%: Checks|passed, [0-9]+ failed|^(PASS|FAIL|ERROR|SKIP)' "$f" || true
	done
}
run_check() {
	if make -j2 check "$@" >check.out 2>&1; then summaries; else
		summaries; cat tests/test-suite.log; return 1
	fi
}

stamp "plain build"
mkdir -p _build && cd _build
[ -f Makefile ] || ../configure -q
make -j2 >/dev/null
make -j2 tests/check_vulture >/dev/null

stamp "valgrind memcheck"
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$top/tests/valgrind.supp --suppressions=$top/tests/valgrind-net.supp --child-silent-after-fork=yes"
if ! CK_FORK=no top_srcdir=$top VDEC_MKFIXTURES=$top/tests/mkfixtures.sh \
    $vg tests/check_vulture > valgrind-check.log 2>&1; then
	tail -60 valgrind-check.log
	exit 1
fi
grep -E '^[0-9]+%: Checks' valgrind-check.log
if [ "${VALGRIND_ALL:-0}" = 1 ]; then
	vtests="tests/cli.sh tests/inbound.sh tests/outbound.sh tests/daemon.sh tests/sched.sh tests/notices.sh tests/commands.sh tests/publish.sh"
else
	# cli.sh (the registry's error paths, 220 s under valgrind) runs
	# under ASan+UBSan and LeakSanitizer below: only with VALGRIND_ALL.
	vtests="tests/inbound.sh tests/commands.sh tests/daemon.sh"
fi
# vultured's logs go to files: its leaks are judged there, by
# tests/vgcheck.sh, skipping the processes GPGME forks to start gpg (one
# thread copied, the others' memory looks lost). Its gpg helpers (vultured
# run anew) are followed into their exec; gpg itself is not.
vgd=$top/_build/valgrind-vultured
rm -rf "$vgd" && mkdir -p "$vgd"
VCTL_WRAPPER="$vg" \
VULTURED_WRAPPER="valgrind --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=none --error-exitcode=99 --suppressions=$top/tests/valgrind.supp --suppressions=$top/tests/valgrind-net.supp --trace-children=yes --trace-children-skip=*/gpg,*/gpg2,*/gpgconf,*/gpg-agent,*/sendmail,*/sh --log-file=$vgd/%p.log" \
    run_check TESTS="$vtests"
sh "$top/tests/vgcheck.sh" "$vgd"
cd "$top"

stamp "distcheck"
cd _build
if ! make -j2 distcheck >distcheck.log 2>&1; then
	tail -80 distcheck.log
	exit 1
fi
grep -E '^# (TOTAL|PASS|FAIL|ERROR)|archives ready|tar.gz' distcheck.log | head -8
cd "$top"

stamp "ASan + UBSan build"
mkdir -p _san && cd _san
[ -f Makefile ] || ../configure -q --enable-sanitizers
make -j2 >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_check
cd "$top"

if [ -f tests/fuzz/run.sh ]; then
	stamp "fuzzing"
	FUZZ_SECONDS=${FUZZ_SECONDS:-20} sh tests/fuzz/run.sh
fi
stamp "all tests passed"
