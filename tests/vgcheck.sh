#!/bin/sh
# Reads the valgrind logs (--log-file=DIR/%p.log) of daemons run by the
# tests and fails on any error or definite leak in a daemon's own process.
# Logs of the processes GPGME forks to start gpg are skipped: a fork copies
# one thread, so what the other threads held looks "definitely lost" there
# (which is also why the daemon runs with --errors-for-leak-kinds=none and
# leaks are judged here, not by its exit code).
set -u
dir=$1
n=0 bad=0
for f in "$dir"/*.log; do
	[ -f "$f" ] || continue
	ppid=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\)$/\1/p' "$f" | head -1)
	[ -n "$ppid" ] && [ -f "$dir/$ppid.log" ] && continue
	n=$((n + 1))
	if grep -Eq '^==[0-9]+== +definitely lost: [1-9]' "$f" ||
	    ! grep -Eq '^==[0-9]+== ERROR SUMMARY: 0 errors' "$f"; then
		echo "valgrind: errors or definite leaks in $f:" >&2
		sed -n '/HEAP SUMMARY/,$p;/Invalid\|uninitialised\|definitely lost in/,+12p' "$f" | head -80 >&2
		bad=1
	fi
done
[ "$n" -gt 0 ] || { echo "valgrind: no daemon log in $dir" >&2; exit 1; }
echo "valgrind: $n daemon runs clean"
exit $bad
