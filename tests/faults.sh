#!/bin/sh
# Faults: what the store and the outbox promise when things break.
#  a. vultured killed (SIGKILL) at random points while it handles mail from
#     a real Dovecot: FAULT_ITER iterations (50) of FAULT_PER (4) messages
#     APPENDed (half before the start, half while it runs), a kill after a
#     random 0-900 ms, a restart each time. At the end every message is
#     applied exactly once (vendor-reply events by Message-ID), answered
#     exactly once (one ack per reply in the outbox) and delivered (at most
#     one duplicate on the wire, after a kill in mid-send).
#  b. the SMTP server down: nothing is lost or failed, everything drains
#     when it is back (outbox flush, and vultured by itself).
#  c. disk full during vulturectl deliver (the database on a small tmpfs,
#     or a file-size limit where mounting is not possible): exit 75,
#     nothing half-written, and the message goes in once there is room.
#  d. the database locked by another writer for less than the busy
#     timeout: deliver waits and stores (tests/inbound.sh has the
#     timeout itself); vultured's intake waits out a longer lock and loses
#     nothing.
# About 3 minutes on 2 cores. FAULT_ITER and FAULT_PER make it shorter;
# FAULT_PARTS="c d" runs only those parts; FAULT_NO_MOUNT=1 tries the
# file-size limit instead of a tmpfs (what runs without root).
. "$(dirname "$0")/lib.sh"
MK="/usr/bin/python3 $top_srcdir/tests/mkreply.py"
VULTURED="$top_builddir/vultured"
ITER=${FAULT_ITER:-50}
PER=${FAULT_PER:-4}
TOTAL=$((ITER * PER))
MAIL="$T/maildir"
MNT=
cleanup_faults() {
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	cleanup
}
trap cleanup_faults EXIT

start_smtp "$MAIL" || { bad smtp; finish; exit 1; }
start_dovecot || { bad dovecot; finish; exit 1; }
printf 'secret\n' > "$T/imap.secret"
chmod 600 "$T/imap.secret"
conf() {
	write_conf "$1
[imap]
host = 127.0.0.1
port = $IMAP_PORT
tls = none
user = t01
password_file = $T/imap.secret
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = none"
}
conf ""
vctl init --generate-key > "$T/init.out" || { bad init; finish; exit 1; }
DESK=$(awk '/desk key/ {print $3}' "$T/init.out")
gpg --homedir "$T/gnupg" --armor --export "$DESK" > "$T/desk.asc" 2>/dev/null
mkdir -p "$T/keys"
for v in v1 v2 v3 v4; do
	mkkey "$v" "Vendor $v <psirt@$v.example>" > "$T/keys/$v.fpr"
	gpg --homedir "$T/keys/$v" --batch --import "$T/desk.asc" 2>/dev/null
	vctl vendor add "$v" "Vendor $v" general "psirt@$v.example" >/dev/null
	vctl vendor key "$v" "$T/keys/$v.asc" >/dev/null
	vctl vendor approve "$v" >/dev/null
done
ID=$(vctl case open "Overflow in FooHTTP")
vctl case notify "$ID" vendors v1,v2,v3,v4 >/dev/null || bad notify
vctl outbox flush >/dev/null || bad "notices not sent"
sql() { sqlite3 "$T/vulture.db" "$1"; }
part() { case " ${FAULT_PARTS:-a b c d} " in *" $1 "*) return 0 ;; esac; return 1; }

# The replies, made two at a time: replies/K.eml with Message-ID
# <fault-K@vN.example>.
mkdir -p "$T/replies"
for k in $(seq "$TOTAL"); do
	v=v$(( (k - 1) % 4 + 1 ))
	echo "$k $v $(cat "$T/keys/$v.fpr")"
done > "$T/replies.list"
export T MK DESK ID
xargs -P 2 -L 1 sh -c '
	st=affected; [ $(($1 % 2)) = 0 ] && st=affected-investigating
	$MK --home "$T/keys/$2" --signer $3 --recipient "$DESK" --shape combined \
	    --from "psirt@$2.example" --protected-subject "Re: [$ID]" --subject "Re: [$ID]" \
	    --message-id "fault-$1@$2.example" \
	    --body "Status: $st
Comment: reply $1" > "$T/replies/$1.eml"
' sh < "$T/replies.list" || bad "mkreply"

rnd() {	# 0..$1-1
	echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1 ))
}
msleep() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }
run_vultured() {
	"$VULTURED" -f -v >> "$T/vultured.log" 2>&1 &
	VULTURED_PID=$!
}
wait_for() {	# seconds command...: until the command succeeds
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# ---------------------------------------------------------------- a.
if part a; then
t0=$(date +%s)
half=$((PER / 2))
hit_new=0 hit_send=0 hit_inbox=0 prev_sending=0
k=1
i=1
while [ $i -le "$ITER" ]; do
	before= after=
	j=0
	while [ $j -lt "$PER" ]; do
		if [ $j -lt $half ]; then before="$before $T/replies/$k.eml"
		else after="$after $T/replies/$k.eml"; fi
		k=$((k + 1))
		j=$((j + 1))
	done
	imap append INBOX $before || bad "append $i"
	run_vultured
	d=$(rnd 900)
	a=$(rnd "$((d + 1))")
	msleep "$a"
	imap append INBOX $after || bad "append $i"
	msleep "$((d - a))"
	kill -9 "$VULTURED_PID" 2>/dev/null
	wait "$VULTURED_PID" 2>/dev/null
	VULTURED_PID=
	# Where the kill landed.
	[ "$(sql "SELECT count(*) FROM messages WHERE state = 'new'")" != 0 ] && hit_new=$((hit_new + 1))
	sending=$(sql "SELECT count(*) FROM outbox WHERE state = 'sending'")
	[ "$sending" -gt "$prev_sending" ] && hit_send=$((hit_send + 1))
	prev_sending=$sending
	[ "$(imap count INBOX)" != 0 ] && hit_inbox=$((hit_inbox + 1))
	i=$((i + 1))
done
killed_at=$(sql "SELECT count(*) FROM messages WHERE state = 'new'")
echo "a. $ITER kills over $TOTAL messages in $(( $(date +%s) - t0 )) s: $hit_new left stored messages unprocessed, $hit_send acks claimed in mid-send, $hit_inbox mail on the server; at the end $killed_at unprocessed, $(imap count INBOX) in INBOX"
# A kill in mid-send leaves acks claimed ('sending') until their lease
# runs out (OUTBOX_LEASE, 10 minutes): let that time pass.
sql "UPDATE outbox SET next_attempt = 0 WHERE state = 'sending'"
run_vultured
all_done() {
	[ "$(imap count INBOX)" = 0 ] &&
	[ "$(sql "SELECT count(*) FROM messages WHERE state = 'new'")" = 0 ] &&
	[ "$(sql "SELECT count(*) FROM messages")" -ge "$TOTAL" ] &&
	[ "$(sql "SELECT count(*) FROM outbox WHERE state <> 'sent'")" = 0 ]
}
wait_for 120 all_done && ok || bad "not drained: INBOX $(imap count INBOX), $(sql "SELECT state || ':' || count(*) FROM messages GROUP BY state") / outbox $(sql "SELECT kind || ':' || state || ':' || count(*) FROM outbox GROUP BY kind, state")"
kill -TERM "$VULTURED_PID"
wait "$VULTURED_PID"
[ $? = 0 ] && ok || bad "vultured exit after the fault run"
VULTURED_PID=

# Every reply stored once, applied once, answered once, delivered.
[ "$(sql "SELECT count(*) FROM messages WHERE message_id LIKE 'fault-%'")" = "$TOTAL" ] && ok ||
    bad "stored: $(sql "SELECT count(*) FROM messages WHERE message_id LIKE 'fault-%'") of $TOTAL"
[ "$(sql "SELECT count(*) FROM messages WHERE message_id LIKE 'fault-%' AND state = 'processed' AND kind = 'applied'")" = "$TOTAL" ] && ok ||
    bad "applied: $(sql "SELECT state || '/' || kind || ':' || count(*) FROM messages GROUP BY state, kind")"
/usr/bin/python3 - "$T/vulture.db" "$TOTAL" "$MAIL" <<'PY' && ok || bad "exactly once (see above)"
import collections, email, os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
total = int(sys.argv[2])
want = {"fault-%d@v%d.example" % (k, (k - 1) % 4 + 1) for k in range(1, total + 1)}
ev = collections.Counter(r[0] for r in db.execute(
    "SELECT message_id FROM events WHERE kind = 'vendor-reply'"))
acks = collections.Counter()
ackids = {}
for mid, body in db.execute("SELECT message_id, body FROM outbox WHERE kind = 'ack'"):
    irt = email.message_from_bytes(body)["In-Reply-To"].strip("<> ")
    acks[irt] += 1
    ackids[mid] = irt
wire = collections.Counter()
for d in ("new", "cur"):
    for f in os.listdir(os.path.join(sys.argv[3], d)):
        m = email.message_from_binary_file(open(os.path.join(sys.argv[3], d, f), "rb"))
        wire[m["Message-ID"].strip("<> ")] += 1
fails = []
for name, c in (("applied", ev), ("acks queued", acks)):
    if set(c) != want:
        fails.append("%s: missing %d, unexpected %d" % (name, len(want - set(c)), len(set(c) - want)))
    dup = [m for m, n in c.items() if n > 1]
    if dup:
        fails.append("%s more than once: %s" % (name, dup[:5]))
sent = collections.Counter({m: wire[m] for m in ackids})
lost = [m for m, n in sent.items() if n == 0]
twice = [m for m, n in sent.items() if n > 2]
if lost:
    fails.append("acks never delivered: %d" % len(lost))
if twice:
    fails.append("acks delivered more than twice: %d" % len(twice))
dups = sum(1 for n in sent.values() if n == 2)
print("a. applied %d, acks %d, delivered %d (%d twice after a kill in mid-send)"
      % (sum(ev.values()), sum(acks.values()), len(sent) - len(lost), dups))
for f in fails:
    print("   " + f, file=sys.stderr)
sys.exit(1 if fails else 0)
PY
[ "$(imap count Processed)" = "$TOTAL" ] && ok || bad "Processed holds $(imap count Processed), want $TOTAL"
grep -E 'AddressSanitizer|runtime error' "$T/vultured.log" && bad "sanitizer report"
fi

# ---------------------------------------------------------------- b.
if part b; then
# The SMTP server goes away: acks queue up, are kept (never failed) and
# go out when it is back.
before_b=$(ls "$MAIL/new" | wc -l)
stop_smtp
for k in 1 2 3; do
	v=v$k
	$MK --home "$T/keys/$v" --signer "$(cat "$T/keys/$v.fpr")" --recipient "$DESK" --shape combined \
	    --from "psirt@$v.example" --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --message-id "smtp-$k@$v.example" \
	    --body "Status: not-affected" > "$T/smtp$k.eml"
	vctl deliver < "$T/smtp$k.eml" || bad "deliver smtp$k"
done
expect 1 'sent 0, retrying 3, failed 0' -- vctl outbox flush
expect 1 'sent 0, retrying 3, failed 0' -- vctl outbox flush
[ "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued' AND attempts = 2 AND last_error IS NOT NULL")" = 3 ] && ok ||
    bad "outbox while SMTP is down: $(sql "SELECT state, attempts, last_error FROM outbox WHERE state <> 'sent'")"
# vultured's sender meets the same closed port (the back-off time passed)
# and keeps the mail.
sql "UPDATE outbox SET next_attempt = 0 WHERE state = 'queued'"
run_vultured
tried() { [ "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued' AND attempts = 3")" = 3 ]; }
wait_for 15 tried && ok || bad "vultured with SMTP down: $(sql "SELECT state, attempts, last_error FROM outbox WHERE state <> 'sent'")"
# The server comes back on its port; the back-off passes again.
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAIL" >"$T/smtp.log" 2>&1 &
SMTP_PID=$!
wait_for 10 /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 1).close()" || bad "smtp back"
sql "UPDATE outbox SET next_attempt = 0 WHERE state = 'queued'"
drained() { [ "$(sql "SELECT count(*) FROM outbox WHERE state <> 'sent'")" = 0 ]; }
wait_for 20 drained && ok || bad "outbox not drained by vultured: $(sql "SELECT state, attempts, last_error FROM outbox WHERE state <> 'sent'")"
[ "$(($(ls "$MAIL/new" | wc -l) - before_b))" = 3 ] && ok || bad "received after SMTP came back: $(($(ls "$MAIL/new" | wc -l) - before_b))"
[ "$(sql "SELECT count(*) FROM outbox WHERE state = 'failed'")" = 0 ] && ok || bad "outbox mail failed"
kill -TERM "$VULTURED_PID"
wait "$VULTURED_PID"
VULTURED_PID=
echo "b. 3 acks kept through 3 failed attempts, all delivered when the server was back"
fi

# ---------------------------------------------------------------- c.
if part c; then
# Disk full while deliver stores: 75, the database intact, nothing
# stored; with room again the same message goes in.
head -c 524288 /dev/urandom > "$T/poc.bin"
$MK --home "$T/keys/v1" --signer "$(cat "$T/keys/v1.fpr")" --recipient "$DESK" --shape combined \
    --from psirt@v1.example --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --message-id "full@v1.example" \
    --body "Status: affected" --attach "$T/poc.bin" > "$T/full.eml"
msz=$(stat -c %s "$T/full.eml")
cp "$CONF" "$T/main.conf"
mkdir -p "$T/full"
DB2="$T/full/vulture.db"
sqlite3 "$T/vulture.db" ".backup '$T/full.db'"
sz=$(stat -c %s "$T/full.db")
# Room for the database, then the message stored and updated (SQLite
# rewrites the whole row, and secure_delete zeroes the old copy).
if [ -z "${FAULT_NO_MOUNT:-}" ] &&
    mount -t tmpfs -o size=$(( (sz + 5 * msz) / 1024 + 1024 ))k tmpfs "$T/full" 2>/dev/null; then
	MNT="$T/full"
	how=tmpfs
	cp "$T/full.db" "$DB2"
	chmod 600 "$DB2"
	# Fill the file system: half of what the message needs is left.
	avail=$(df -B1 --output=avail "$T/full" | tail -1)
	head -c $((avail - msz / 2)) /dev/zero > "$T/full/filler" 2>/dev/null
	full_deliver() { vctl deliver < "$T/full.eml"; }
else
	how="ulimit -f"
	cp "$T/full.db" "$DB2"
	chmod 600 "$DB2"
	# Files may not grow past the database's size: the write-ahead log
	# cannot take the message. SIGXFSZ ignored: write() fails instead.
	full_deliver() { (trap '' XFSZ; ulimit -f $(( (sz + 65536) / 512 )); vctl deliver < "$T/full.eml"); }
fi
sed -i "s|^database = .*|database = $DB2|" "$CONF"
n_before=$(sqlite3 "$DB2" "SELECT count(*) FROM messages")
full_deliver > "$T/full.out" 2>&1
rc=$?
[ $rc = 75 ] && ok || bad "deliver on a full disk ($how): exit $rc, want 75: $(cat "$T/full.out")"
grep -q 'temporary failure' "$T/full.out" && ok || bad "deliver on a full disk said: $(cat "$T/full.out")"
rm -f "$T/full/filler"
[ "$(sqlite3 "$DB2" "PRAGMA integrity_check")" = ok ] && ok || bad "integrity after disk full: $(sqlite3 "$DB2" "PRAGMA integrity_check" | head -3)"
[ "$(sqlite3 "$DB2" "SELECT count(*) FROM messages")" = "$n_before" ] && ok || bad "a message was stored on a full disk"
vctl deliver < "$T/full.eml" && ok || bad "deliver with room again"
[ "$(sqlite3 "$DB2" "SELECT state || '/' || kind FROM messages WHERE message_id = 'full@v1.example'")" = processed/applied ] && ok ||
    bad "the message once there was room: $(sqlite3 "$DB2" "SELECT state, kind, reason FROM messages WHERE message_id = 'full@v1.example'")"
[ "$(sqlite3 "$DB2" "PRAGMA integrity_check")" = ok ] && ok || bad "integrity after recovery"
echo "c. disk full ($how): exit $rc, database intact, stored once there was room"
if [ -n "$MNT" ]; then
	# Room to store the message but not to process it: stored means
	# exit 0; the message waits, unprocessed and intact, for vultured.
	# The room that takes is found by bisection (4 KiB, a tmpfs page):
	# the least free space with which deliver stores (exit 0, not 75).
	sqlite3 "$DB2" ".backup '$T/full.db'" || bad "backup"
	umount "$MNT"
	MNT=
	sz=$(stat -c %s "$T/full.db")
	head -c 65536 /dev/urandom > "$T/poc2.bin"
	$MK --home "$T/keys/v2" --signer "$(cat "$T/keys/v2.fpr")" --recipient "$DESK" --shape combined \
	    --from psirt@v2.example --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --message-id "full2@v2.example" \
	    --body "Status: affected" --attach "$T/poc2.bin" > "$T/full2.eml"
	msz2=$(stat -c %s "$T/full2.eml")
	n_max=$(sqlite3 "$T/full.db" "SELECT max(id) FROM messages")
	probe() {	# free bytes: deliver into a fresh copy with that much room; sets res
		[ -n "$MNT" ] && umount "$MNT"
		MNT=
		mount -t tmpfs -o size=$(( (sz + 4 * msz2) / 1024 + 1024 ))k tmpfs "$T/full" || { res=mount; return 1; }
		MNT="$T/full"
		cp "$T/full.db" "$DB2"
		chmod 600 "$DB2"
		avail=$(df -B1 --output=avail "$T/full" | tail -1)
		head -c $((avail - $1)) /dev/zero > "$T/full/filler" 2>/dev/null
		vctl deliver < "$T/full2.eml" > "$T/full2.out" 2>&1
		res=$?
		# The newest row: its Message-ID is read when it is processed.
		[ $res = 0 ] && res=$(sqlite3 "$DB2" "SELECT state FROM messages WHERE id > $n_max")
		return 0
	}
	lo=0 hi=$(( (3 * msz2 / 4096 + 1) * 4096 )) probes=0
	probe "$lo"; lo_res=$res
	probe "$hi"; hi_res=$res
	[ "$lo_res" = 75 ] && [ "$hi_res" = processed ] && ok ||
	    bad "disk-full bisection bounds: $lo bytes free gave '$lo_res' (want 75), $hi gave '$hi_res' (want processed): $(cat "$T/full2.out")"
	while [ $((hi - lo)) -gt 4096 ] && [ "$lo_res" = 75 ]; do
		mid=$(( (lo + hi) / 8192 * 4096 ))
		probe "$mid"
		probes=$((probes + 1))
		if [ "$res" = 75 ]; then lo=$mid; else hi=$mid hi_res=$res; fi
	done
	# hi: the least room that stores. Leave the data as deliver left it.
	probe "$hi"
	st2=$res
	[ "$st2" = new ] && ok ||
	    bad "with the least room that stores ($hi bytes free) the message is '$st2', want new (stored, unprocessed): $(cat "$T/full2.out"); $(sqlite3 "$DB2" "SELECT id, state, kind, reason FROM messages WHERE id > $n_max")"
	rm -f "$T/full/filler"
	/usr/bin/python3 - "$DB2" "$T/full2.eml" "$n_max" <<'PY' && ok || bad "the message stored on a full disk is not the one delivered"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT r.raw FROM messages m LEFT JOIN message_raw r ON r.message = m.id"
                  " WHERE m.id > ?", (int(sys.argv[3]),)).fetchall()
rows = [(r[0] or b"",) for r in rows]
want = open(sys.argv[2], "rb").read()
if len(rows) != 1 or bytes(rows[0][0]) != want:
    print("stored %d copies; %s" % (len(rows), ", ".join(
        "%d bytes, %s" % (len(r[0]), "same" if bytes(r[0]) == want else "different")
        for r in rows)), file=sys.stderr)
    sys.exit(1)
PY
	[ "$(sqlite3 "$DB2" "PRAGMA integrity_check")" = ok ] && ok || bad "integrity after a full disk in processing"
	# More room (a copy on the ordinary disk), then vultured --once.
	sqlite3 "$DB2" ".backup '$T/full3.db'" || bad "backup"
	umount "$MNT"
	MNT=
	sed -i "s|^database = .*|database = $T/full3.db|" "$CONF"
	"$VULTURED" --once > "$T/once-full.log" 2>&1
	[ "$(sqlite3 "$T/full3.db" "SELECT state || '/' || kind FROM messages WHERE message_id = 'full2@v2.example'")" = processed/applied ] && ok ||
	    bad "the message left by a full disk: $(sqlite3 "$T/full3.db" "SELECT id, state, kind, reason FROM messages ORDER BY id DESC LIMIT 1"); $(cat "$T/once-full.log")"
	echo "c. disk full after the store ($hi bytes free, $probes probes): deliver exit 0, message $st2, processed by vultured --once once there was room"
else
	skip "faults.sh c: disk full after the store (message waits unprocessed and intact) needs a tmpfs mount (root); ran with $how"
fi
cp "$T/main.conf" "$CONF"
fi

# ---------------------------------------------------------------- d.
if part d; then
# Another writer holds the database for 2 s (less than the 10 s busy
# timeout): deliver waits, then stores and processes.
$MK --home "$T/keys/v3" --signer "$(cat "$T/keys/v3.fpr")" --recipient "$DESK" --shape combined \
    --from psirt@v3.example --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --message-id "locked@v3.example" \
    --body "Status: not-affected" > "$T/locked.eml"
/usr/bin/python3 - "$T/vulture.db" "$VCTL_BIN" "$T/locked.eml" <<'PY' && ok || bad "deliver under a 2 s lock"
import sqlite3, subprocess, sys, threading, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, check_same_thread=False)
db.execute("BEGIN EXCLUSIVE")
threading.Timer(2.0, lambda: db.execute("COMMIT")).start()
t = time.time()
r = subprocess.run([sys.argv[2], "deliver"], stdin=open(sys.argv[3], "rb"), capture_output=True, timeout=60)
took = time.time() - t
print("d. deliver waited %.1f s for the lock, exit %d" % (took, r.returncode))
sys.exit(0 if r.returncode == 0 and took >= 1.9 else 1)
PY
[ "$(sql "SELECT state FROM messages WHERE message_id = 'locked@v3.example'")" = processed ] && ok || bad "locked message not processed"
# A lock longer than the busy timeout (10 s) while vultured runs: the
# message stays on the server, and is stored and applied afterwards
# (within seconds, not at the next message).
$MK --home "$T/keys/v4" --signer "$(cat "$T/keys/v4.fpr")" --recipient "$DESK" --shape combined \
    --from psirt@v4.example --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --message-id "locked2@v4.example" \
    --body "Status: affected" > "$T/locked2.eml"
: > "$T/vultured.log"
run_vultured
wait_for 10 grep -q 'intake connected' "$T/vultured.log" || bad "vultured did not connect"
sleep 0.5
hold_lock() {	# seconds [file to APPEND meanwhile]
	/usr/bin/python3 - "$T/vulture.db" "$IMAP_PORT" "$@" <<'PY'
import imaplib, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
if len(sys.argv) > 4:
    m = imaplib.IMAP4("127.0.0.1", int(sys.argv[2]))
    m.login("t01", "secret")
    m.append("INBOX", None, None, open(sys.argv[4], "rb").read())
    m.logout()
time.sleep(float(sys.argv[3]))
db.execute("COMMIT")
PY
}
hold_lock 13 "$T/locked2.eml" || bad "lock for vultured"
t_unlock=$(date +%s)
locked_done() { [ "$(sql "SELECT state FROM messages WHERE message_id = 'locked2@v4.example'")" = processed ]; }
wait_for 30 locked_done && ok || bad "message under a long lock: $(sql "SELECT state FROM messages WHERE message_id = 'locked2@v4.example'"); $(tail -5 "$T/vultured.log")"
echo "d. vultured: a message that arrived under a 13 s lock applied $(( $(date +%s) - t_unlock )) s after the lock ended"
wait_for 10 sh -c "[ \"\$(/usr/bin/python3 '$top_srcdir/tests/imaptool.py' $IMAP_PORT t01 secret count INBOX)\" = 0 ]" && ok || bad "INBOX not emptied after the lock"
kill -TERM "$VULTURED_PID"
wait "$VULTURED_PID"
VULTURED_PID=
# The database locked past the busy timeout when vultured starts: it
# does not start, and says so with 75 (78 would mean its configuration
# is wrong).
hold_lock 13 &
LOCK_PID=$!
sleep 0.5
"$VULTURED" -f > "$T/start.log" 2>&1
rc=$?
wait "$LOCK_PID"
[ $rc = 75 ] && ok || bad "vultured started under a lock: exit $rc, want 75: $(cat "$T/start.log")"
# --once (cron) with the database locked: 75, not 78.
hold_lock 13 &
LOCK_PID=$!
sleep 0.5
"$VULTURED" --once > "$T/once.log" 2>&1
rc=$?
wait "$LOCK_PID"
[ $rc = 75 ] && ok || bad "vultured --once under a lock: exit $rc, want 75: $(cat "$T/once.log")"
fi

[ "$(sql "PRAGMA integrity_check")" = ok ] && ok || bad "integrity at the end"
finish
