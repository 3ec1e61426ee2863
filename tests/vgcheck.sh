#!/bin/sh
# Reads the valgrind logs (--log-file=DIR/%p.log) of daemons run by the
# tests and fails on any error or definite leak in a daemon's own process.
# Its children (the gpg helpers of gpgproc.h, and the processes GPGME
# forks to start gpg) are judged on memory errors only: a fork copies one
# thread, so what the other threads held looks "definitely lost" there
# (which is also why the daemon runs with --errors-for-leak-kinds=none and
# leaks are judged here, not by its exit code). A child that execs gpg
# ends its log at the exec, without a summary, and is skipped.
set -u
dir=$1
n=0 nc=0 bad=0
for f in "$dir"/*.log; do
	[ -f "$f" ] || continue
	ppid=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\)$/\1/p' "$f" | head -1)
	if [ -n "$ppid" ] && [ -f "$dir/$ppid.log" ]; then
		grep -q 'ERROR SUMMARY' "$f" || continue
		nc=$((nc + 1))
		if ! grep -Eq '^==[0-9]+== ERROR SUMMARY: 0 errors' "$f"; then
			echo "valgrind: errors in child $f:" >&2
			sed -n '/Invalid\|uninitialised\|Syscall param/,+12p' "$f" | head -80 >&2
			bad=1
		fi
		continue
	fi
	n=$((n + 1))
	if grep -Eq '^==[0-9]+== +definitely lost: [1-9]' "$f" ||
	    ! grep -Eq '^==[0-9]+== ERROR SUMMARY: 0 errors' "$f"; then
		echo "valgrind: errors or definite leaks in $f:" >&2
		sed -n '/HEAP SUMMARY/,$p;/Invalid\|uninitialised\|definitely lost in/,+12p' "$f" | head -80 >&2
		bad=1
	fi
done
[ "$n" -gt 0 ] || { echo "valgrind: no daemon log in $dir" >&2; exit 1; }
echo "valgrind: $n daemon runs clean, and $nc of their children without errors"
exit $bad
