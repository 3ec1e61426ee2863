#!/bin/sh
# README command 2: from a clean clone on Debian 12, install what is missing,
# build, and run every test:
#   1. a plain build;
#   2. valgrind memcheck: the Check suites in one process, and the shell
#      tests that drive vulturectl (deliver, inspect, quarantine, commands
#      by mail) and vultured (IMAP IDLE, restarts, SIGHUP, SIGTERM, its
#      gpg helpers) under memcheck (VALGRIND_ALL=1: every shell test,
#      about 25 minutes);
#   3. make distcheck built with ASan+UBSan: the tarball builds, installs
#      and passes every test (the Check suites and every shell test: real
#      gpg keys, Dovecot, aiosmtpd, headless Chromium, the CSAF
#      validator) under AddressSanitizer, LeakSanitizer and
#      UndefinedBehaviorSanitizer. One run serves both: the tarball is
#      checked and the suite is sanitized, which keeps CI well under 20
#      minutes;
#   4. every fuzz target for FUZZ_SECONDS (default 20) each, built from
#      the release tarball;
#   5. nothing left behind: no gpg-agent and no /tmp/v*.XXXXXX directory
#      that this run started or made is still there (else it fails).
# Prints the Check and test summaries.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
sh contrib/install-deps.sh
[ -x configure ] || autoreconf -fi
# A build made in the source tree (./configure && make) would stop the
# out-of-tree configure below ("source directory already configured").
if [ -f config.status ] && [ -f Makefile ]; then
	echo "note: cleaning the build in the source tree (make distclean)" >&2
	make distclean >/dev/null
fi
start=$(date +%s)
stamp() { echo "=== $* ($(( $(date +%s) - start ))s)"; }

# What the tests leave behind: their directories (/tmp/vt.XXXXXX and the
# like) and gpg-agents living in them. Only what this run made counts:
# what was there before is listed now.
tmpdirs() {
	find /tmp -maxdepth 1 \( -type d -o -name 'vtrack.*' \) 2>/dev/null |
	    grep -E '^/tmp/v[a-z]+\.[A-Za-z0-9]{6}$' | sort
}
agents() {	# pid home, for gpg-agents with a home under /tmp/v*.XXXXXX
	ps -eo pid=,etimes=,args= | awk '$3 ~ /(^|\/)gpg-agent$/ {
		for (i = 4; i < NF; i++) if ($i == "--homedir") print $1, $2, $(i + 1) }' |
	    grep -E ' /tmp/v[a-z]+\.[A-Za-z0-9]{6}(/|$)'
}
before=$(mktemp /tmp/vrun-before.XXXXXX)
fz=
trap 'rm -f "$before"; [ -n "$fz" ] && rm -rf "$fz"' EXIT
tmpdirs > "$before"
left_behind() {
	# gpgconf --kill is asynchronous: give the last agents a moment.
	n=0
	while [ $n -lt 10 ]; do
		since=$(( $(date +%s) - start + 1 ))
		new_agents=$(agents | awk -v s="$since" '$2 <= s {print $1, $3}')
		new_dirs=$(tmpdirs | comm -13 "$before" -)
		[ -z "$new_agents$new_dirs" ] && break
		sleep 0.5
		n=$((n + 1))
	done
	[ -z "$new_agents$new_dirs" ] && return 0
	echo "=== the tests left behind:"
	[ -n "$new_agents" ] && printf 'gpg-agent %s\n' "$new_agents"
	[ -n "$new_dirs" ] && printf '%s\n' "$new_dirs"
	# Ended and removed now, so that the next run starts clean.
	printf '%s\n' "$new_agents" | while read -r pid home; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done
	printf '%s\n' "$new_dirs" | while read -r d; do
		case $d in /tmp/v*.??????) umount -R "$d" 2>/dev/null; rm -rf "$d" ;; esac
	done
	return 1
}

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

stamp "distcheck with ASan + UBSan"
cd _build
if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    make -j2 distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-sanitizers \
    >distcheck.log 2>&1; then
	grep -E '^(FAIL|ERROR|XPASS):' distcheck.log || true
	# The failing tests' logs (distcheck keeps its tree on failure).
	for f in $(grep -E '^(FAIL|ERROR):' distcheck.log |
	    sed 's/^[A-Z]*: \([^ ]*\).*/\1/' | sort -u); do
		l=$(ls vulture-*/_build/sub/"$f".log 2>/dev/null | head -1)
		[ -n "$l" ] && { echo "== $l"; tail -60 "$l"; }
	done
	tail -80 distcheck.log
	exit 1
fi
grep -E '^(PASS|FAIL|ERROR|SKIP):' distcheck.log
grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR)|archives ready|tar.gz' distcheck.log | head -10
cd "$top"

# The fuzz targets build from the release tarball (make distcheck left
# it in _build): what it ships is enough to fuzz.
stamp "fuzzing (from the tarball)"
tarball=$(ls -t _build/vulture-*.tar.gz | head -1)
fz=$(mktemp -d /tmp/vtar.XXXXXX)
tar -xzf "$tarball" -C "$fz"
src=$(ls -d "$fz"/vulture-*)
fuzz_rc=0
FUZZ_SECONDS=${FUZZ_SECONDS:-20} sh "$src/tests/fuzz/run.sh" || fuzz_rc=$?
if [ -d "$src/tests/fuzz/artifacts" ]; then
	mkdir -p tests/fuzz/artifacts
	cp "$src"/tests/fuzz/artifacts/* tests/fuzz/artifacts/
fi
rm -rf "$fz"
fz=
[ "$fuzz_rc" = 0 ] || exit "$fuzz_rc"

stamp "leftovers"
left_behind || exit 1
stamp "all tests passed"
