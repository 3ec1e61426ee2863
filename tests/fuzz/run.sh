#!/bin/sh
# Builds every libFuzzer target in tests/fuzz/ with clang
# (-fsanitize=fuzzer,address,undefined) straight from src/, runs each for
# FUZZ_SECONDS on a copy of its corpus (the committed corpus stays as it
# is) with its dictionary, prints the figures, and exits non-zero on any
# crash, leak, timeout, out-of-memory or failed build.
#
#   FUZZ_SECONDS=30 sh tests/fuzz/run.sh            # what CI runs
#   FUZZ_SECONDS=600 FUZZ_TARGETS="decode_fast" sh tests/fuzz/run.sh
#
# FUZZ_SECONDS  seconds per target (30)
# FUZZ_TARGETS  which targets (form tmpl config cmd route decode_fast decode gpgproc
#               cvss)
# FUZZ_JOBS     targets fuzzed at once (2: one per core)
# FUZZ_KEEP=1   keep the work directory (binaries, grown corpora, logs)
# FUZZ_CC       the compiler (clang)
# Artifacts of a failure are copied to tests/fuzz/artifacts/ (ignored by
# git): reproduce with the binary and the file, see tests/fuzz/README.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_TARGETS=${FUZZ_TARGETS:-form tmpl config cmd route decode_fast decode gpgproc cvss}
FUZZ_JOBS=${FUZZ_JOBS:-2}
CC=${FUZZ_CC:-clang}

W=$(mktemp -d /tmp/vfz.XXXXXX)
mkdir -p "$W/obj" "$W/tmp" "$W/art"
status=0
cleanup() {
	# gpg-agents that fuzz_decode's homes (under $W/tmp) started, even
	# when a crash skipped its own clean-up.
	for h in "$W"/tmp/vf.*; do
		[ -d "$h" ] && gpgconf --homedir "$h" --kill gpg-agent >/dev/null 2>&1
	done
	if [ "${FUZZ_KEEP:-0}" = 1 ]; then
		echo "work directory kept: $W"
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v "$CC" >/dev/null 2>&1 || { echo "fuzz: $CC not found (apt-get install clang)" >&2; exit 1; }

# What config.h (from configure) provides to these sources.
cat > "$W/config.h" <<'EOF'
#define _GNU_SOURCE 1
#define PACKAGE "vulture"
#define PACKAGE_NAME "vulture"
#define PACKAGE_VERSION "fuzz"
#define VERSION "fuzz"
EOF
PKGS="gmime-3.0 gpgme gpg-error glib-2.0 gnutls"
PKG_CFLAGS=$(pkg-config --cflags $PKGS libetpan) || exit 1
# Debian's libetpan.pc carries a -specs=... that clang does not take.
PKG_LIBS="$(pkg-config --libs $PKGS) $(pkg-config --libs libetpan | sed 's/-specs=[^ ]*//g')"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c11 -g -O1 $SAN -DHAVE_CONFIG_H -I$W -I$top/include -I$top/src $PKG_CFLAGS"

# The sources of src/ each target links.
srcs() {
	case $1 in
	form) echo form form_value textin ident lex ;;
	cmd) echo cmd cmd_lex cmd_args cmd_verbs cmd_argv textin ident lex ;;
	# The router alone: its facts are made by the harness.
	route) echo route form form_value cmd cmd_lex cmd_args cmd_verbs cmd_argv textin ids ident lex policy vtime log ;;
	tmpl) echo tmpl ;;
	cvss) echo cvss vulnid ;;
	config) echo config policy ids ident tlscheck log ;;
	# The decoder and the in-process implementation of its crypto
	# interface (vcrypto.h, decode_pgp): no compose, no gpg helper.
	decode|decode_fast) echo decode decode_mime decode_pgp vcrypto spill keys log textin ident ;;
	gpgproc) echo gpgproc compose compose_mime compose_pgp decode decode_mime decode_pgp vcrypto spill keys log textin ident ;;
	esac
}

build() {	# target: builds $W/fuzz_TARGET, logs to $W/build-TARGET.log
	t=$1 harness=$1 extra= wrap=
	case $t in
	decode_fast)
		harness=decode
		extra=-DVDEC_FUZZ_NO_GPG
		wrap="-Wl,--wrap=gpgme_op_decrypt_verify -Wl,--wrap=gpgme_op_verify" ;;
	esac
	objs=
	for s in $(srcs "$t"); do
		o="$W/obj/$s.o"
		# -fsanitize=fuzzer-no-link: coverage in the code under test.
		[ -f "$o" ] || $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$top/src/$s.c" -o "$o" || return 1
		objs="$objs $o"
	done
	$CC $CFLAGS -fsanitize=fuzzer $extra "$here/fuzz_$harness.c" $objs $wrap $PKG_LIBS -o "$W/fuzz_$t"
}

echo "== building: $FUZZ_TARGETS"
start=$(date +%s)
built=
for t in $FUZZ_TARGETS; do
	if [ ! -f "$here/fuzz_${t%_fast}.c" ]; then
		echo "fuzz: no target $t" >&2
		status=1
		continue
	fi
	if build "$t" > "$W/build-$t.log" 2>&1; then
		built="$built $t"
	else
		echo "fuzz: building $t failed:" >&2
		cat "$W/build-$t.log" >&2
		status=1
	fi
done
echo "   built in $(( $(date +%s) - start )) s"

run() {	# target
	t=$1 c=${1%_fast}
	mkdir -p "$W/corpus/$t"
	[ -d "$here/corpus/$c" ] && cp "$here/corpus/$c"/* "$W/corpus/$t/" 2>/dev/null
	dict=
	[ -f "$here/$c.dict" ] && dict="-dict=$here/$c.dict"
	# Leaks count: detect_leaks is on by default under ASan.
	TMPDIR="$W/tmp" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    "$W/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
	    -timeout=20 -rss_limit_mb=2048 -max_len=262144 $dict \
	    -artifact_prefix="$W/art/$t-" "$W/corpus/$t" > "$W/run-$t.log" 2>&1
	echo $? > "$W/run-$t.rc"
}

echo "== fuzzing $FUZZ_SECONDS s per target, $FUZZ_JOBS at once"
start=$(date +%s)
set -- $built
while [ $# -gt 0 ]; do
	pids=
	n=0
	while [ $# -gt 0 ] && [ $n -lt "$FUZZ_JOBS" ]; do
		run "$1" &
		pids="$pids $!"
		shift
		n=$((n + 1))
	done
	for p in $pids; do wait "$p"; done
done

printf '%-12s %10s %8s %6s %7s %6s %6s %7s  %s\n' target execs exec/s cov features corpus new rss_mb result
for t in $built; do
	log="$W/run-$t.log"
	rc=$(cat "$W/run-$t.rc" 2>/dev/null || echo 1)
	stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
	# The last status line: "#N DONE cov: C ft: F corp: U/S ...".
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	result=ok
	if [ "$rc" != 0 ]; then
		result="FAILED (exit $rc)"
		status=1
	fi
	printf '%-12s %10s %8s %6s %7s %6s %6s %7s  %s\n' "$t" "$(stat number_of_executed_units)" \
	    "$(stat average_exec_per_sec)" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
	    "$(stat new_units_added)" "$(stat peak_rss_mb)" "$result"
done
echo "   fuzzed in $(( $(date +%s) - start )) s"

for t in $built; do
	[ "$(cat "$W/run-$t.rc" 2>/dev/null)" = 0 ] && continue
	echo "== $t failed; the end of its log:" >&2
	grep -E 'ERROR|SUMMARY|runtime error|Test unit written|^    #[0-9]' "$W/run-$t.log" | head -40 >&2
	if ls "$W"/art/"$t"-* >/dev/null 2>&1; then
		mkdir -p "$here/artifacts"
		cp "$W"/art/"$t"-* "$here/artifacts/"
		echo "   input saved in tests/fuzz/artifacts/: reproduce with" >&2
		echo "   FUZZ_KEEP=1 FUZZ_SECONDS=1 FUZZ_TARGETS=$t sh tests/fuzz/run.sh, then WORKDIR/fuzz_$t FILE" >&2
	fi
done
exit $status
