#!/bin/sh
# vulture benchmark: N vendors with keys, one case they all take part in,
# M signed+encrypted vendor replies, measured through the real paths:
#   1. vulturectl deliver (the MTA pipe), one process per message, each
#      ending with the acknowledgement signed, encrypted and queued; then
#      vulturectl outbox flush to a real SMTP server (aiosmtpd);
#   2. the gpg floor: gpg --decrypt and gpg --sign --encrypt of the same
#      messages, one process each (as the CLI does);
#   3. vultured with IMAP IDLE against a private Dovecot: M messages
#      APPENDed at once (throughput, CPU of both cores, RSS), one message
#      with a 20 MB attachment (RSS), then M messages APPENDed at a steady
#      rate (latency APPEND -> applied).
# See contrib/bench/README. Not part of make check.
#
# usage: sh contrib/bench/bench.sh [-n VENDORS] [-m MESSAGES] [--rsa]
#            [--big MB] [--rate PER_SECOND] [--keep]
# BUILD=DIR: where vulturectl and vultured are (default _build).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
N=20 M=200 RSA=0 BIG=20 RATE=0 KEEP=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) N=$2; shift ;;
	-m) M=$2; shift ;;
	--rsa) RSA=1 ;;
	--big) BIG=$2; shift ;;
	--rate) RATE=$2; shift ;;
	--keep) KEEP=1 ;;
	*) echo "usage: bench.sh [-n VENDORS] [-m MESSAGES] [--rsa] [--big MB] [--rate PER_SECOND] [--keep]" >&2; exit 64 ;;
	esac
	shift
done
top_srcdir=$top
top_builddir=${BUILD:-$top/_build}
for p in vulturectl vultured; do
	[ -x "$top_builddir/$p" ] || { echo "bench: $top_builddir/$p missing: build first (or set BUILD)" >&2; exit 1; }
done
. "$top/tests/lib.sh"
if [ "$KEEP" = 1 ]; then
	# lib.sh's clean-up still stops the servers and gpg-agents.
	KEEP_T=1
fi
# The bench's own helpers too, when it stops early (a failure, ^C).
cleanup_bench() {
	for p in ${CPULOG_PID:-} ${PERF_PID:-} ${STAMP_PID:-}; do
		kill "$p" 2>/dev/null
	done
	cleanup
}
trap cleanup_bench EXIT
PY=/usr/bin/python3
BT="$PY $here/benchtool.py"
MK="$PY $top/tests/mkreply.py"
VULTURED="$top_builddir/vultured"
ALGO=ed25519/cv25519
[ "$RSA" = 1 ] && ALGO="rsa3072/rsa3072"
t_start=$(date +%s)
load0=$(cut -d' ' -f1 /proc/loadavg)
say() { printf '%s\n' "$*" >&2; }
now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
# column statistics: stats FILE COL -> "mean p50 p99 max sum"
stats() {
	vals=$(awk -v c="$2" '{ print $c }' "$1")
	printf '%s %s %s %s %s\n' \
	    "$(printf '%s\n' $vals | awk '{ s += $1 } END { printf "%.4f", s / NR }')" \
	    "$($BT pct 50 $vals)" "$($BT pct 99 $vals)" \
	    "$(printf '%s\n' $vals | sort -g | tail -1)" \
	    "$(printf '%s\n' $vals | awk '{ s += $1 } END { printf "%.4f", s }')"
}
sql() { sqlite3 "$T/vulture.db" "$1"; }
hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
# CPU: the machine may be shared, so what counts is the CPU time of our
# own processes, not /proc/stat. perf stat counts a command and every
# process it starts (gpg included: GPGME double-forks it, but perf's
# counters follow); gpg-agent is a long-lived daemon, read from its
# /proc/PID/stat. Without perf, /proc/stat (the whole machine) is used.
HAVE_PERF=0
perf stat -x, -e task-clock -o /dev/null true >/dev/null 2>&1 && HAVE_PERF=1
agent_pid() { ps -eo pid,args | awk -v h="$T/gnupg" '($2 == "gpg-agent" || $2 ~ /\/gpg-agent$/) && index($0, h) { print $1; exit }'; }
agent_cpu() {	# seconds of CPU the desk's gpg-agent used so far
	a=$(agent_pid)
	if [ -n "$a" ]; then $BT proccpu "$a" | awk '{ print $1 }'; else echo 0; fi
}
sysbusy() { $BT cpu | awk '{ b += $2; t += $3 } END { printf "%d %d\n", b, t }'; }
# measured FILE CMD...: runs CMD; FILE gets "wall_s cpu_s" (CPU of CMD,
# its children and the agent's share)
measured() {
	mf=$1
	shift
	a0=$(agent_cpu) s0=$(sysbusy) w0=$(now)
	if [ "$HAVE_PERF" = 1 ]; then
		perf stat -x, -e task-clock -o "$mf.perf" -- "$@"
	else
		"$@"
	fi
	w1=$(now) s1=$(sysbusy) a1=$(agent_cpu)
	if [ "$HAVE_PERF" = 1 ]; then
		c=$(awk -F, '/task-clock/ { print $1 / 1000 }' "$mf.perf")
	else
		c=$(echo "$s0 $s1" | awk -v n="$(nproc)" -v w="$(awk -v a="$w0" -v b="$w1" 'BEGIN { print b - a }')" '{ print ($3 - $1) / ($4 - $2) * n * w }')
		a0=0 a1=0
	fi
	awk -v w0="$w0" -v w1="$w1" -v c="$c" -v a0="$a0" -v a1="$a1" 'BEGIN { printf "%.4f %.4f\n", w1 - w0, c + a1 - a0 }' > "$mf"
}

# Keys, made two at a time (RSA 3072 takes seconds each).
genkey() {	# home uid -> prints the primary fingerprint
	h=$1
	mkdir -p "$h" && chmod 700 "$h"
	if [ "$RSA" = 1 ]; then
		gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' \
		    --quick-gen-key "$2" rsa3072 sign,cert never >/dev/null 2>&1
		fpr=$(gpg --homedir "$h" --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
		gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' \
		    --quick-add-key "$fpr" rsa3072 encr never >/dev/null 2>&1
	else
		gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' \
		    --quick-gen-key "$2" ed25519 sign,cert never >/dev/null 2>&1
		fpr=$(gpg --homedir "$h" --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
		gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' \
		    --quick-add-key "$fpr" cv25519 encr never >/dev/null 2>&1
	fi
	echo "$fpr"
}

say "== setup: $N vendors ($ALGO), $M replies, $(nproc) CPUs, in $T"
MAIL="$T/maildir"
start_smtp "$MAIL" || exit 1
start_dovecot || exit 1
printf 'secret\n' > "$T/imap.secret"
chmod 600 "$T/imap.secret"
BASECONF="[imap]
host = 127.0.0.1
port = $IMAP_PORT
tls = none
user = t01
password_file = $T/imap.secret
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = none"
write_conf "$BASECONF"
mkdir -p "$T/keys" "$T/msgs" "$T/asc" "$T/plain" "$T/out"
if [ "$RSA" = 1 ]; then
	genkey "$T/gnupg" "Vulture desk <vultures@cert.example>" > /dev/null
	vctl init > "$T/init.out" || { cat "$T/init.out"; exit 1; }
else
	vctl init --generate-key > "$T/init.out" || { cat "$T/init.out"; exit 1; }
fi
DESK=$(awk '/desk key/ {print $3}' "$T/init.out")
gpg --homedir "$T/gnupg" --armor --export "$DESK" > "$T/desk.asc" 2>/dev/null
i=1
while [ $i -le "$N" ]; do
	pids=
	for j in $i $((i + 1)); do
		[ $j -le "$N" ] || continue
		v=$(printf 'v%02d' $j)
		genkey "$T/keys/$v" "Vendor $j PSIRT <psirt@$v.example>" > "$T/keys/$v.fpr" &
		pids="$pids $!"
	done
	for p in $pids; do wait "$p"; done
	i=$((i + 2))
done
t_keys=$(date +%s)
vendors=
for j in $(seq "$N"); do
	v=$(printf 'v%02d' $j)
	gpg --homedir "$T/keys/$v" --armor --export "$(cat "$T/keys/$v.fpr")" > "$T/keys/$v.asc" 2>/dev/null
	gpg --homedir "$T/keys/$v" --batch --import "$T/desk.asc" 2>/dev/null
	vctl vendor add "$v" "Vendor $j" general "psirt@$v.example" >/dev/null &&
	vctl vendor key "$v" "$T/keys/$v.asc" >/dev/null &&
	vctl vendor approve "$v" >/dev/null || { say "vendor $v setup failed"; exit 1; }
	vendors="$vendors${vendors:+,}$v"
done
ID=$(vctl case open "Benchmark: overflow in FooHTTP")
t0=$(now)
vctl case notify "$ID" vendors "$vendors" > /dev/null || { say "notify failed"; exit 1; }
t_notify=$(ms "$t0" "$(now)")

# The replies: M messages, vendor (k mod N), a unique body each.
for k in $(seq "$M"); do
	v=$(printf 'v%02d' $(( (k - 1) % N + 1 )))
	printf '%s\t%s\t%s\n' "$k" "$v" "$(cat "$T/keys/$v.fpr")"
done > "$T/replies.list"
export T MK DESK ID
# shellcheck disable=SC2016
xargs -P 2 -L 1 sh -c '
	st=affected; [ $(($1 % 2)) = 0 ] && st=affected-investigating
	printf "Status: %s\nComment: benchmark reply %s from %s.\n  Fixed in 2.4.%s.\n" $st $1 $2 $1 > "$T/msgs/$1.txt"
	$MK --home "$T/keys/$2" --signer $3 --recipient "$DESK" --shape combined \
	    --from "psirt@$2.example" --protected-subject "Re: [$ID] Vulnerability notice" \
	    --subject "Re: [$ID]" --body-file "$T/msgs/$1.txt" > "$T/msgs/$1.eml"
' sh < "$T/replies.list" || { say "mkreply failed"; exit 1; }
FILES=$(for k in $(seq "$M"); do echo "$T/msgs/$k.eml"; done)
# The big one: BIG MB of random (incompressible) attachment, from v01.
head -c "$((BIG * 1024 * 1024))" /dev/urandom > "$T/big.bin"
printf 'Status: affected\nComment: proof of concept attached.\n' > "$T/big.txt"
$MK --home "$T/keys/v01" --signer "$(cat "$T/keys/v01.fpr")" --recipient "$DESK" --shape combined \
    --from psirt@v01.example --protected-subject "Re: [$ID] PoC" --subject "Re: [$ID]" \
    --body-file "$T/big.txt" --attach "$T/big.bin" > "$T/big.eml" || { say "mkreply big failed"; exit 1; }
rm -f "$T/big.bin"
BIG_BYTES=$(stat -c %s "$T/big.eml")
avg_bytes=$(cat $FILES | wc -c | awk -v m="$M" '{ printf "%.0f", $1 / m }')
$BT extract "$T/asc" $FILES || exit 1

# The snapshot every phase starts from: vendors, case, notices already
# sent (so that the outbox holds only what the phase queues).
sql "UPDATE outbox SET state = 'sent', sent_at = strftime('%s','now')"
sql ".backup '$T/snap.db'"
restore() {
	rm -f "$T/vulture.db" "$T/vulture.db-wal" "$T/vulture.db-shm"
	cp "$T/snap.db" "$T/vulture.db"
	chmod 600 "$T/vulture.db"
}
say "   keys $((t_keys - t_start)) s, setup $(( $(date +%s) - t_start )) s; notify $N vendors: $t_notify ms; average reply $avg_bytes bytes, big reply $BIG_BYTES bytes"

# ---------------------------------------------------------------- deliver
say "== 1. vulturectl deliver, $M messages one after the other"
restore
for f in $FILES; do
	printf '%s\t-\t%s\tdeliver\n' "$f" "$top_builddir/vulturectl"
done > "$T/deliver.jobs"
t0=$(now)
measured "$T/deliver.cpu" $BT run "$T/deliver.jobs" "$T/deliver.res"
t1=$(now)
read -r d_wall d_cpus < "$T/deliver.cpu"
d_cpu_msg=$(awk -v c="$d_cpus" -v m="$M" 'BEGIN { printf "%.4f", c / m }')
d_cores=$(awk -v c="$d_cpus" -v w="$d_wall" 'BEGIN { printf "%.2f", c / w }')
d_bad=$(awk '$3 != 0' "$T/deliver.res" | wc -l)
set -- $(stats "$T/deliver.res" 1)
d_mean=$1 d_p50=$2 d_p99=$3
d_rate=$(awk -v m="$M" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", m / (b - a) }')
d_rss=$(sort -n -k2 "$T/deliver.res" | tail -1 | awk '{ printf "%.1f", $2 / 1024 }')
d_applied=$(sql "SELECT count(*) FROM events WHERE kind = 'vendor-reply'")
d_acks=$(sql "SELECT count(*) FROM outbox WHERE kind = 'ack'")
say "   $d_rate msg/s, exit != 0: $d_bad, applied $d_applied, acks queued $d_acks"
# The 20 MB one through deliver (a fresh process: its own peak RSS).
printf '%s\t-\t%s\tdeliver\n' "$T/big.eml" "$top_builddir/vulturectl" > "$T/big.jobs"
$BT run "$T/big.jobs" "$T/big.res"
set -- $(cat "$T/big.res")
big_d_time=$1 big_d_rss=$(awk -v k="$2" 'BEGIN { printf "%.1f", k / 1024 }') big_d_rc=$3
big_d_ok=$(sql "SELECT state || '/' || kind FROM messages WHERE size = $BIG_BYTES")
say "   ${BIG} MB message: exit $big_d_rc in ${big_d_time}s, peak RSS $big_d_rss MB, $big_d_ok"

say "== outbox flush to aiosmtpd"
t0=$(now)
flushes=0
while :; do
	out=$(vctl outbox flush 2>&1)
	flushes=$((flushes + 1))
	case $out in "sent 0,"*|"") break ;; esac
	[ $flushes -gt 50 ] && break
done
t1=$(now)
f_sent=$(sql "SELECT count(*) FROM outbox WHERE kind = 'ack' AND state = 'sent'")
f_recv=$(ls "$MAIL/new" | wc -l)
f_rate=$(awk -v m="$f_sent" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", m / (b - a) }')
say "   $f_sent acks sent in $(ms "$t0" "$t1") ms ($f_rate msg/s, $flushes runs), $f_recv received"

# ---------------------------------------------------------------- floor
say "== 2. gpg floor: --decrypt, then --sign --encrypt, one process each"
GPG="gpg --homedir $T/gnupg --batch --yes --quiet --no-tty"
: > "$T/floor.jobs"
for k in $(seq "$M"); do
	v=$(awk -v k="$k" '$1 == k { print $2 }' "$T/replies.list")
	vf=$(cat "$T/keys/$v.fpr")
	printf '%s\t%s\t%s\n' "$T/asc/$k.asc" "$T/plain/$k.txt" \
	    "$(echo $GPG --decrypt | tr ' ' '\t')" >> "$T/floor.jobs"
	printf '%s\t%s\t%s\n' "$T/plain/$k.txt" "$T/out/$k.asc" \
	    "$(echo $GPG --trust-model always --armor -u $DESK --sign --encrypt -r $vf -r $DESK | tr ' ' '\t')" >> "$T/floor.jobs"
	printf '%s %s %s\n' "$T/asc/$k.asc" "$T/plain/$k.txt" "$vf" >> "$T/gpgme.jobs"
done
# gpg-agent warm, as it is for vulture.
$GPG --decrypt < "$T/asc/1.asc" > /dev/null 2>&1
measured "$T/floor.cpu" $BT run "$T/floor.jobs" "$T/floor.res"
read -r fl_wall fl_cpus < "$T/floor.cpu"
fl_cpu_msg=$(awk -v c="$fl_cpus" -v m="$M" 'BEGIN { printf "%.4f", c / m }')
fl_bad=$(awk '$3 != 0' "$T/floor.res" | wc -l)
awk 'NR % 2 == 1 { d = $1 } NR % 2 == 0 { print d + $1, d, $1 }' "$T/floor.res" > "$T/floor.pairs"
set -- $(stats "$T/floor.pairs" 1)
fl_mean=$1 fl_p50=$2
fl_dec=$(stats "$T/floor.pairs" 2 | awk '{ print $1 }')
fl_enc=$(stats "$T/floor.pairs" 3 | awk '{ print $1 }')
ratio_d=$(awk -v a="$d_mean" -v b="$fl_mean" 'BEGIN { printf "%.2f", a / b }')
ratio_dc=$(awk -v a="$d_cpu_msg" -v b="$fl_cpu_msg" 'BEGIN { printf "%.2f", a / b }')
say "   per message $(ms 0 "$fl_mean") ms (decrypt $(ms 0 "$fl_dec") + sign/encrypt $(ms 0 "$fl_enc")), CPU $(ms 0 "$fl_cpu_msg") ms; failures: $fl_bad"

# The same two runs side by side, decrypting one message while signing
# another, as vultured's pipeline does: two gpg at once on this machine's
# cores cost more CPU each than one after the other (shared caches, SMT).
awk 'NR % 2 == 1' "$T/floor.jobs" > "$T/floor.dec.jobs"
awk 'NR % 2 == 0' "$T/floor.jobs" > "$T/floor.enc.jobs"
measured "$T/floor2.cpu" sh -c "$BT run '$T/floor.dec.jobs' '$T/floor2.dec.res' & $BT run '$T/floor.enc.jobs' '$T/floor2.enc.res'; wait"
read -r fl2_wall fl2_cpus < "$T/floor2.cpu"
fl2_cpu_msg=$(awk -v c="$fl2_cpus" -v m="$M" 'BEGIN { printf "%.4f", c / m }')
fl2_wall_msg=$(awk -v w="$fl2_wall" -v m="$M" 'BEGIN { printf "%.4f", w / m }')
fl2_bad=$(cat "$T/floor2.dec.res" "$T/floor2.enc.res" | awk '$3 != 0' | wc -l)
say "   side by side: $(ms 0 "$fl2_wall_msg") ms wall per message, CPU $(ms 0 "$fl2_cpu_msg") ms; failures: $fl2_bad"

# The GPGME floor: the same operations through GPGME in one small process
# (contrib/bench/gpgme-floor.c), without vulture's code.
say "== 2b. GPGME floor: the same through GPGME, one process, no vulture code"
GF="$T/gpgme-floor"
gf_cpu_msg=0 gf2_cpu_msg=0 gf2_wall_msg=0
if ${CC:-cc} -O2 -o "$GF" "$here/gpgme-floor.c" $(pkg-config --cflags --libs gpgme) 2> "$T/gpgme-floor.err"; then
	measured "$T/gf.cpu" "$GF" "$T/gnupg" "$DESK" both "$T/gpgme.jobs" || { say "gpgme-floor failed"; exit 1; }
	read -r gf_wall gf_cpus < "$T/gf.cpu"
	gf_cpu_msg=$(awk -v c="$gf_cpus" -v m="$M" 'BEGIN { printf "%.4f", c / m }')
	measured "$T/gf2.cpu" sh -c "'$GF' '$T/gnupg' '$DESK' decrypt '$T/gpgme.jobs' & '$GF' '$T/gnupg' '$DESK' sign '$T/gpgme.jobs' || exit 1; wait \$! || exit 1"
	read -r gf2_wall gf2_cpus < "$T/gf2.cpu"
	gf2_cpu_msg=$(awk -v c="$gf2_cpus" -v m="$M" 'BEGIN { printf "%.4f", c / m }')
	gf2_wall_msg=$(awk -v w="$gf2_wall" -v m="$M" 'BEGIN { printf "%.4f", w / m }')
	say "   one after the other: CPU $(ms 0 "$gf_cpu_msg") ms per message; side by side: $(ms 0 "$gf2_wall_msg") ms wall, CPU $(ms 0 "$gf2_cpu_msg") ms"
else
	say "   not built (see $T/gpgme-floor.err): GPGME floor skipped"
fi

# ---------------------------------------------------------------- IMAP
# vultured's stderr goes through a stamper: every log line with the time
# it was written (microseconds); the product is not changed.
start_vultured() {	# log file
	restore
	mkfifo "$T/log.fifo"
	$BT stamp < "$T/log.fifo" > "$1" &
	STAMP_PID=$!
	VSTART=$(now)
	if [ "$HAVE_PERF" = 1 ]; then
		perf stat -I 100 -x, -e task-clock -o "$1.perf" -- "$VULTURED" -f 2> "$T/log.fifo" &
		PERF_PID=$!
		n=0
		until VULTURED_PID=$(pgrep -P "$PERF_PID" -x vultured); do
			sleep 0.02; n=$((n + 1)); [ $n -lt 250 ] || break
		done
	else
		"$VULTURED" -f 2> "$T/log.fifo" &
		VULTURED_PID=$!
		PERF_PID=
	fi
	rm -f "$T/log.fifo"
	n=0
	until grep -q 'intake connected' "$1" 2>/dev/null; do
		sleep 0.1
		n=$((n + 1))
		[ $n -lt 100 ] || { say "vultured did not connect: $(cat "$1")"; exit 1; }
	done
	grep -q 'idle=1' "$1" || say "   (no IDLE: polling)"
}
stop_vultured() {
	kill -TERM "$VULTURED_PID" 2>/dev/null
	if [ -n "$PERF_PID" ]; then wait "$PERF_PID"; else wait "$VULTURED_PID"; fi 2>/dev/null
	VULTURED_PID= PERF_PID=
	wait "$STAMP_PID" 2>/dev/null
	STAMP_PID=
}
# window_cpu PERFFILE T0 T1: CPU seconds of vultured and its gpg children
# between two absolute times (perf's -I lines are relative to VSTART)
window_cpu() {
	awk -F, -v s="$VSTART" -v a="$2" -v b="$3" '!/^#/ && /task-clock/ {
		t = s + $1; if (t > a && t <= b + 0.1) c += $2 } END { printf "%.4f", c / 1000 }' "$1"
}
processed() { grep -cE 'message [0-9]+ (apply|quarantine|ignore) ' "$1"; }
wait_processed() {	# log count seconds
	n=0
	while [ "$(processed "$1")" -lt "$2" ]; do
		sleep 0.05
		n=$((n + 1))
		[ $n -lt $(($3 * 20)) ] || { say "   timeout: $(processed "$1") of $2 processed"; return 1; }
	done
}
imap_clear() { imap recreate Processed >/dev/null 2>&1; }

say "== 3. vultured, IMAP IDLE: $M messages APPENDed at once"
start_vultured "$T/burst.log"
VPID=$VULTURED_PID
sleep 0.5
a0=$(agent_cpu) s0=$(sysbusy)
$BT cpulog "$T/burst.sys" &
CPULOG_PID=$!
$BT append "$IMAP_PORT" t01 secret INBOX "$T/burst.appends" 0 $FILES || exit 1
wait_processed "$T/burst.log" "$M" 300
a1=$(agent_cpu) s1=$(sysbusy)
kill "$CPULOG_PID"; wait "$CPULOG_PID" 2>/dev/null
CPULOG_PID=
$BT latency "$T/burst.log" "$T/burst.appends" > "$T/burst.lat"
b_rate=$(sed -n 's/.* wrate=\([0-9.]*\).*/\1/p' "$T/burst.lat")
b_span=$(sed -n 's/.* work=\([0-9.]*\).*/\1/p' "$T/burst.lat")
b_p50=$(sed -n 's/^p50=\([0-9.]*\).*/\1/p' "$T/burst.lat")
b_p99=$(sed -n 's/.* p99=\([0-9.]*\).*/\1/p' "$T/burst.lat")
b_applied=$(sql "SELECT count(*) FROM events WHERE kind = 'vendor-reply'")
b_acks=$(sql "SELECT count(*) FROM outbox WHERE kind = 'ack'")
b_hwm=$(hwm "$VPID")
b_first=$(sed -n 's/.* busy=\([0-9.]*\).*/\1/p' "$T/burst.lat")
b_last=$(sed -n 's/.* last=\([0-9.]*\).*/\1/p' "$T/burst.lat")
ratio_v=$(awk -v r="$b_rate" -v b="$fl_mean" 'BEGIN { printf "%.2f", (1 / r) / b }')
# The outbox drains by itself.
n=0
while [ "$(sql "SELECT count(*) FROM outbox WHERE kind = 'ack' AND state = 'sent'")" -lt "$b_acks" ] && [ $n -lt 600 ]; do
	sleep 0.1; n=$((n + 1))
done
b_sent=$(sql "SELECT count(*) FROM outbox WHERE kind = 'ack' AND state = 'sent'")
say "   $b_rate msg/s over ${b_span}s; applied $b_applied, acks $b_acks (sent $b_sent); VmHWM $((b_hwm / 1024)) MB"

say "== 4. vultured: one message with a ${BIG} MB attachment"
$BT append "$IMAP_PORT" t01 secret INBOX "$T/big.appends" 0 "$T/big.eml" || exit 1
wait_processed "$T/burst.log" "$((M + 1))" 120
$BT latency "$T/burst.log" "$T/big.appends" > "$T/big.lat"
big_v_lat=$(sed -n 's/^p50=\([0-9.]*\).*/\1/p' "$T/big.lat")
big_v_hwm=$(hwm "$VPID")
# The gpg helpers (gpgproc) are processes of their own: their peak too.
big_h_hwm=0
for h in $(pgrep -P "$VPID" -x vultured-gpg); do
	x=$(hwm "$h")
	[ "${x:-0}" -gt "$big_h_hwm" ] && big_h_hwm=$x
done
big_v_ok=$(sql "SELECT state || '/' || kind FROM messages WHERE size = $BIG_BYTES")
say "   applied in ${big_v_lat}s ($big_v_ok); VmHWM $((big_v_hwm / 1024)) MB"
stop_vultured
if [ "$HAVE_PERF" = 1 ]; then
	b_cpus=$(window_cpu "$T/burst.log.perf" "$b_first" "$b_last")
	b_cpus=$(awk -v c="$b_cpus" -v a0="$a0" -v a1="$a1" 'BEGIN { printf "%.4f", c + a1 - a0 }')
	b_how="vultured + gpg + gpg-agent"
else
	b_cpus=$(echo "$s0 $s1" | awk -v n="$(nproc)" -v w="$b_span" '{ printf "%.4f", ($3 - $1) / ($4 - $2) * n * w }')
	b_how="whole machine, no perf"
fi
b_cores=$(awk -v c="$b_cpus" -v w="$b_span" 'BEGIN { printf "%.2f", c / w }')
# The whole machine over the same window: vultured's share plus what the
# test's own servers (Dovecot, aiosmtpd) and the APPEND client used.
b_sys=$(awk -v t0="$b_first" -v t1="$b_last" -v n="$(nproc)" '
	$1 <= t0 { b0 = $2; c0 = $3 } $1 <= t1 { b1 = $2; c1 = $3 }
	END { printf "%.2f", (c1 > c0) ? (b1 - b0) / (c1 - c0) * n : 0 }' "$T/burst.sys")
b_cpu_msg=$(awk -v c="$b_cpus" -v m="$M" 'BEGIN { printf "%.4f", c / m }')
ratio_vc=$(awk -v a="$b_cpu_msg" -v b="$fl_cpu_msg" 'BEGIN { printf "%.2f", a / b }')
say "   CPU while queued: $b_cores cores busy ($b_how), $(ms 0 "$b_cpu_msg") ms CPU per message"
imap_clear

if [ "$RATE" = 0 ]; then
	# Half the measured capacity, at most 5 a second: latency without
	# a standing queue.
	RATE=$(awk -v r="$b_rate" 'BEGIN { x = r / 2; if (x > 5) x = 5; if (x < 0.2) x = 0.2; printf "%.2f", x }')
fi
say "== 5. vultured, IMAP IDLE: $M messages APPENDed at $RATE/s"
start_vultured "$T/paced.log"
sleep 0.5
$BT append "$IMAP_PORT" t01 secret INBOX "$T/paced.appends" "$RATE" $FILES || exit 1
wait_processed "$T/paced.log" "$M" 120
$BT latency "$T/paced.log" "$T/paced.appends" > "$T/paced.lat"
p_p50=$(sed -n 's/^p50=\([0-9.]*\).*/\1/p' "$T/paced.lat")
p_p99=$(sed -n 's/.* p99=\([0-9.]*\).*/\1/p' "$T/paced.lat")
p_max=$(sed -n 's/.* max=\([0-9.]*\).*/\1/p' "$T/paced.lat")
p_missing=$(sed -n 's/.*missing=\([0-9]*\).*/\1/p' "$T/paced.lat")
p_hwm=$(hwm "$VULTURED_PID")
stop_vultured

say "== 6. vulturectl deliver with [deliver] mode = queue, vultured running"
write_conf "$BASECONF
[deliver]
mode = queue"
start_vultured "$T/queue.log"
sleep 0.5
t0=$(now)
measured "$T/queue.cpu" $BT run "$T/deliver.jobs" "$T/queue.res"
wait_processed "$T/queue.log" "$M" 300
q_last=$(grep -E 'message [0-9]+ (apply|quarantine|ignore) ' "$T/queue.log" | tail -1 | cut -d' ' -f1)
stop_vultured
read -r q_dwall q_dcpus < "$T/queue.cpu"
set -- $(stats "$T/queue.res" 1)
q_mean=$1 q_p50=$2 q_p99=$3
q_bad=$(awk '$3 != 0' "$T/queue.res" | wc -l)
q_rate=$(awk -v m="$M" -v a="$t0" -v b="$q_last" 'BEGIN { printf "%.1f", m / (b - a) }')
q_applied=$(sql "SELECT count(*) FROM events WHERE kind = 'vendor-reply'")
q_acks=$(sql "SELECT count(*) FROM outbox WHERE kind = 'ack'")
if [ "$HAVE_PERF" = 1 ]; then
	# deliver's processes (and the agent, in measured) plus vultured
	# and its gpg from the first deliver to the last message applied.
	q_vcpus=$(window_cpu "$T/queue.log.perf" "$t0" "$q_last")
	q_cpus=$(awk -v a="$q_dcpus" -v b="$q_vcpus" 'BEGIN { printf "%.4f", a + b }')
	q_cpu_msg=$(awk -v c="$q_cpus" -v m="$M" 'BEGIN { printf "%.4f", c / m }')
	q_dcpu_msg=$(awk -v c="$q_dcpus" -v m="$M" 'BEGIN { printf "%.4f", c / m }')
	ratio_qc=$(awk -v a="$q_cpu_msg" -v b="$fl_cpu_msg" 'BEGIN { printf "%.2f", a / b }')
else
	q_cpu_msg=0 q_dcpu_msg=0 ratio_qc="n/a (no perf)"
fi
say "   deliver exits after $(ms 0 "$q_mean") ms (p99 $(ms 0 "$q_p99")), exit != 0: $q_bad; all applied at $q_rate msg/s; applied $q_applied, acks $q_acks"
restore
write_conf "$BASECONF"

# vultured in the burst against the side-by-side floors: what share of
# its CPU is neither gpg (nor GPGME driving gpg).
ratio_vc2=$(awk -v a="$b_cpu_msg" -v b="$fl2_cpu_msg" 'BEGIN { printf "%.2f", a / b }')
ratio_vw2=$(awk -v r="$b_rate" -v b="$fl2_wall_msg" 'BEGIN { printf "%.2f", 1 / r / b }')
share_gpg=$(awk -v a="$b_cpu_msg" -v b="$fl2_cpu_msg" 'BEGIN { printf "%.0f", (a - b) / a * 100 }')
if [ "$gf2_cpu_msg" != 0 ]; then
	ratio_vg2=$(awk -v a="$b_cpu_msg" -v b="$gf2_cpu_msg" 'BEGIN { printf "%.2f", a / b }')
	share_own=$(awk -v a="$b_cpu_msg" -v b="$gf2_cpu_msg" 'BEGIN { printf "%.0f", (a - b) / a * 100 }')
	gf_ratio=$(awk -v a="$gf_cpu_msg" -v b="$fl_cpu_msg" 'BEGIN { printf "%.2f", a / b }')
else
	ratio_vg2=n/a share_own=n/a gf_ratio=n/a
fi
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { if (v !~ /^[0-9.]+$/) print "n/a"; else print (v + 0 <= t + 0) ? "met" : "MISSED" }'; }
rss_max=$(awk -v a="$big_d_rss" -v b="$((big_v_hwm / 1024))" -v c="$((big_h_hwm / 1024))" 'BEGIN { m = (a > b) ? a : b; print (m > c) ? m : c }')
load1=$(cut -d' ' -f1 /proc/loadavg)
cat <<EOF

== vulture benchmark: N=$N vendors, M=$M replies ($avg_bytes bytes average), $ALGO, $(nproc) CPUs, load $load0 -> $load1, $(( $(date +%s) - t_start )) s
gpg floor (decrypt + sign/encrypt): $(ms 0 "$fl_mean") ms wall (decrypt $(ms 0 "$fl_dec") + sign/encrypt $(ms 0 "$fl_enc")), $(ms 0 "$fl_cpu_msg") ms CPU per message
  side by side:                 $(ms 0 "$fl2_wall_msg") ms wall, $(ms 0 "$fl2_cpu_msg") ms CPU per message (decrypting one while signing another, as vultured does)
GPGME floor (gpgme-floor):      $(ms 0 "$gf_cpu_msg") ms CPU per message one after the other ($gf_ratio x gpg floor); side by side $(ms 0 "$gf2_wall_msg") ms wall, $(ms 0 "$gf2_cpu_msg") ms CPU
deliver (pipe, 1 process/msg):  $d_rate msg/s; per message $(ms 0 "$d_mean") ms wall (p50 $(ms 0 "$d_p50"), p99 $(ms 0 "$d_p99")), $(ms 0 "$d_cpu_msg") ms CPU; $d_cores cores busy
  deliver / floor:              $ratio_d x wall, $ratio_dc x CPU   (target <= 1.3: $(verdict "$ratio_dc" 1.3))
deliver, mode = queue:          the MTA waits $(ms 0 "$q_mean") ms (p99 $(ms 0 "$q_p99")), $(ms 0 "$q_dcpu_msg") ms CPU; vultured applies at $q_rate msg/s; $(ms 0 "$q_cpu_msg") ms CPU per message in all ($ratio_qc x floor)   (target <= 1.3: $(verdict "$ratio_qc" 1.3))
outbox flush (aiosmtpd):        $f_sent acks, $f_rate msg/s
vultured, $M APPENDed at once: $b_rate msg/s = $(awk -v r="$b_rate" 'BEGIN { printf "%.0f", 1000 / r }') ms wall per message ($ratio_v x floor), $(ms 0 "$b_cpu_msg") ms CPU ($ratio_vc x floor)   (target <= 1.3: $(verdict "$ratio_vc" 1.3))
  against the side-by-side floors: $ratio_vc2 x gpg's, $ratio_vg2 x GPGME's CPU; $ratio_vw2 x gpg's wall; not gpg: $share_gpg% of vultured's CPU, not gpg or GPGME: $share_own%   (target < 30%: $(verdict "$share_own" 30))
  while queued:                 $b_cores cores busy ($b_how)   (target both cores: $(awk -v c="$b_cores" 'BEGIN { print (c >= 1.6) ? "met" : "MISSED" }')); the whole machine $b_sys (with Dovecot, aiosmtpd, the APPEND client); APPEND->applied p50 ${b_p50}s p99 ${b_p99}s (queueing)
vultured, paced at $RATE/s:     APPEND->applied p50 ${p_p50}s p99 ${p_p99}s max ${p_max}s, missing $p_missing   (target p99 < 1.5 s: $(verdict "$p_p99" 1.5))
peak RSS vultured:              $((b_hwm / 1024)) MB after $M messages, $((big_v_hwm / 1024)) MB with the ${BIG} MB message ($BIG_BYTES bytes: $big_v_ok in ${big_v_lat}s); its gpg helpers $((big_h_hwm / 1024)) MB
peak RSS deliver:               $d_rss MB ($M messages), $big_d_rss MB with the ${BIG} MB message ($big_d_ok in ${big_d_time}s)   (target < 64 MB: $(verdict "$rss_max" 64))
exactly once:                   deliver applied $d_applied/$M, acks $d_acks; queued $q_applied/$M, acks $q_acks; vultured applied $b_applied/$M, acks $b_acks, sent $b_sent
EOF
