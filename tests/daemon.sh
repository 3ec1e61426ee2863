#!/bin/sh
# vultured against a real Dovecot and a real SMTP server on loopback:
# replies APPENDed to the mailbox are picked up over IDLE, applied,
# answered and moved; the IMAP server is stopped and restarted mid-run; a
# changed UIDVALIDITY is rescanned without applying anything twice;
# SIGHUP reloads (a bad configuration is refused), SIGTERM stops cleanly.
. "$(dirname "$0")/lib.sh"
MK="/usr/bin/python3 $top_srcdir/tests/mkreply.py"
VULTURED="$top_builddir/vultured"
MAIL="$T/maildir"
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
ACME=$(mkkey acme "ACME PSIRT <psirt@acme.example>")
gpg --homedir "$T/keys/acme" --batch --import "$T/desk.asc" 2>/dev/null
vctl vendor add acme "ACME Corp" general psirt@acme.example >/dev/null
vctl vendor key acme "$T/keys/acme.asc" >/dev/null
vctl vendor approve acme >/dev/null
ID=$(vctl case open "Overflow in FooHTTP")
vctl case notify "$ID" vendors acme >/dev/null
imap append INBOX /dev/null 2>/dev/null   # creates nothing, logs in once

reply() {	# name status
	printf 'Status: %s\n' "$2" > "$T/$1.txt"
	$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined \
	    --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --body-file "$T/$1.txt" > "$T/$1.eml"
}
status() {
	vctl --json case show "$ID" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['participants'][0]['status'])"
}
# Under valgrind (VULTURED_WRAPPER) everything takes several times longer,
# the start of vultured and its gpg helpers most: wait longer, it costs
# nothing when the condition comes sooner.
scale=1
[ -n "${VULTURED_WRAPPER:-}" ] && scale=5
wait_for() {	# seconds command...: until the command succeeds
	n=$(($1 * 10 * scale))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
is_status() { [ "$(status)" = "$1" ]; }
count_is() { [ "$(imap count "$1" 2>/dev/null)" = "$2" ]; }

${VULTURED_WRAPPER:-} "$VULTURED" -f -v > "$T/vultured.log" 2>&1 &
VULTURED_PID=$!
wait_for 10 grep -q 'intake connected' "$T/vultured.log" && ok || bad "daemon did not connect: $(cat "$T/vultured.log")"
# The notice queued by `case notify` goes out by itself.
wait_for 10 sh -c "ls '$MAIL/new/' | grep -q ." && ok || bad "notice not sent"

reply r1 affected-investigating
imap append INBOX "$T/r1.eml"
wait_for 10 is_status affected-investigating && ok || bad "r1 not applied: $(status)"
wait_for 5 count_is Processed 1 && ok || bad "r1 not moved to Processed"
count_is INBOX 0 && ok || bad "INBOX not empty"
# The acknowledgement reaches the SMTP server.
wait_for 10 sh -c "grep -l 'Auto-Submitted: auto-replied' '$MAIL'/new/* | grep -q ." && ok || bad "no ack sent"

# Clear text: quarantined on the server too.
$MK --home "$T/keys/acme" --shape plain --subject "hello" --body "hi" > "$T/plain.eml"
imap append INBOX "$T/plain.eml"
wait_for 10 count_is Quarantine 1 && ok || bad "plain not moved to Quarantine"

# Dovecot goes away and comes back on the same port: no message lost.
stop_dovecot
sleep 1
reply r2 not-affected
start_dovecot || bad "dovecot restart"
imap append INBOX "$T/r2.eml"
wait_for 30 is_status not-affected && ok || bad "r2 after restart: $(status)"
[ "$(grep -c 'intake connected' "$T/vultured.log")" -ge 2 ] && ok || bad "no reconnect logged"

# UIDVALIDITY changes (Dovecot forgets its UID list while stopped) with an
# old message (r1, already applied) and a new one: r1 is not applied again.
wait_for 10 count_is INBOX 0
stop_dovecot
rm -f "$T"/dovecot/home/t01/Maildir/dovecot-uidlist "$T"/dovecot/home/t01/Maildir/dovecot.index*
sleep 1   # UIDVALIDITY is a time stamp
start_dovecot || bad "dovecot restart"
reply r3 affected
imap append INBOX "$T/r1.eml" "$T/r3.eml"
wait_for 30 is_status affected && ok || bad "r3 after uidvalidity change: $(status)"
wait_for 10 count_is INBOX 0 && ok || bad "INBOX not emptied after rescan"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM events WHERE kind = 'vendor-reply'")" = 3 ] && ok || bad "replies applied: $(sqlite3 "$T/vulture.db" "SELECT count(*) FROM events WHERE kind = 'vendor-reply'")"
grep -q "uidvalidity [0-9]* -> [0-9]*: rescanning" "$T/vultured.log" && ok || bad "uidvalidity change not logged"

# SIGHUP: a broken configuration is refused and the daemon keeps going.
cp "$CONF" "$T/good.conf"
printf '[general]\naddress = broken\n' > "$CONF"
kill -HUP "$VULTURED_PID"
wait_for 5 grep -q 'reload refused' "$T/vultured.log" && ok || bad "bad reload not refused"
cp "$T/good.conf" "$CONF"
kill -HUP "$VULTURED_PID"
wait_for 10 grep -q 'reloaded configuration' "$T/vultured.log" && ok || bad "reload"
reply r4 not-affected-investigating
imap append INBOX "$T/r4.eml"
wait_for 15 is_status not-affected-investigating && ok || bad "r4 after reload: $(status)"

# Two replies in one batch, the later-signed one first: the decoder
# decides the older while the newer is being committed, and the commit
# checks the order again: the newer stands, the older is quarantined.
reply s1 affected-investigating
sleep 1.1
reply s2 not-affected
imap append INBOX "$T/s2.eml" "$T/s1.eml"
wait_for 30 sh -c "[ \"\$(sqlite3 '$T/vulture.db' \"SELECT count(*) FROM messages WHERE kind = 'stale'\")\" = 1 ]" && ok || bad "s1 not quarantined as stale"
is_status not-affected && ok || bad "the older s1 undid s2: $(status)"
wait_for 10 count_is Quarantine 2 && ok || bad "s1 not moved to Quarantine"

# A message past IMAP_SRC_PIECE is fetched in pieces (BODY.PEEK[]<o.n>)
# and applied like any other.
head -c 2500000 /dev/urandom > "$T/big.bin"
printf 'Status: affected\n' > "$T/r5.txt"
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined \
    --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --body-file "$T/r5.txt" --attach "$T/big.bin" > "$T/r5.eml"
imap append INBOX "$T/r5.eml"
wait_for 30 is_status affected && ok || bad "big r5 over IMAP: $(status)"
grep -Eq 'fetched in [3-9] pieces' "$T/vultured.log" && ok || bad "r5 not fetched in pieces"
[ "$(sqlite3 "$T/vulture.db" "SELECT size FROM messages ORDER BY id DESC LIMIT 1")" -gt 2500000 ] && ok || bad "r5 size"

# [deliver] mode = queue: deliver only stores and wakes the daemon through
# the FIFO beside the database; the daemon, in IDLE for up to 29 minutes,
# applies the message at once.
conf "[deliver]
mode = queue"
kill -HUP "$VULTURED_PID"
wait_for 10 sh -c "[ \$(grep -c 'reloaded configuration' '$T/vultured.log') -ge 2 ]" && ok || bad "reload into queue mode"
[ -p "$T/vulture.db-wake" ] && ok || bad "no wake-up FIFO beside the database"
reply r6 not-affected
vctl deliver < "$T/r6.eml" && ok || bad "queued deliver exit"
ROW6=$(sqlite3 "$T/vulture.db" "SELECT max(id) FROM messages")
wait_for 10 is_status not-affected && ok || bad "queued r6 not applied by the daemon: $(status)"
grep -q "message $ROW6 apply" "$T/vultured.log" && ok || bad "r6 not applied by vultured"

# gpg runs in two helper processes (gpgproc): killed, the daemon does the
# work in its threads, and nothing is lost; a second later the next reply
# finds them started again.
HELPERS=$(pgrep -P "$VULTURED_PID" -x vultured-gpg)
[ "$(echo $HELPERS | wc -w)" = 2 ] && ok || bad "gpg helpers: '$HELPERS'"
# They are vultured run anew, not forks: none of the daemon's memory.
for h in $HELPERS; do
	tr '\0' ' ' < /proc/$h/cmdline | grep -q -- '--gpg-helper 2 ' && ok || bad "helper $h: $(tr '\0' ' ' < /proc/$h/cmdline)"
done
kill -9 $HELPERS 2>/dev/null
reply r8 not-affected-investigating
vctl deliver < "$T/r8.eml" && ok || bad "deliver r8"
wait_for 15 is_status not-affected-investigating && ok || bad "r8 without helpers: $(status)"
grep -q 'helper gone: gpg runs in the daemon until it is replaced' "$T/vultured.log" && ok || bad "helper loss not logged"
sleep 1.2
reply r9 not-affected
vctl deliver < "$T/r9.eml" && ok || bad "deliver r9"
wait_for 15 is_status not-affected && ok || bad "r9 after the helpers' loss: $(status)"
# (One message alone is the intake's: the decoder's helper is replaced
# when the decoder next needs it.)
NEW=$(sed -n 's/.*intake gpg helper restarted pid=\([0-9]*\).*/\1/p' "$T/vultured.log")
[ -n "$NEW" ] && grep -q '^State:.*[RS]' /proc/$NEW/status && ok || bad "intake helper not restarted: $(grep 'helper' "$T/vultured.log")"

# SIGTERM: clean exit 0, within 30 s (a stuck daemon fails the test
# instead of hanging it).
kill -TERM "$VULTURED_PID"
n=300
while [ $n -gt 0 ] && kill -0 "$VULTURED_PID" 2>/dev/null && ! grep -q '^vultured: stopped' "$T/vultured.log"; do
	sleep 0.1
	n=$((n - 1))
done
if kill -0 "$VULTURED_PID" 2>/dev/null && ! grep -q '^vultured: stopped' "$T/vultured.log"; then
	bad "vultured did not stop on SIGTERM"
	kill -9 "$VULTURED_PID"
fi
wait "$VULTURED_PID"
[ $? = 0 ] && ok || bad "exit status after SIGTERM"
VULTURED_PID=
grep -q 'stopped' "$T/vultured.log" && ok || bad "no stop logged"
# Before the kill, the helpers did the gpg work: no operation of theirs
# ran in the daemon.
grep -Eq 'gpg helper pid=[0-9]+: [1-9][0-9]* operations, 0 in the daemon' "$T/vultured.log" && ok || bad "helpers unused: $(grep 'gpg helper pid' "$T/vultured.log")"
# Queued with no daemon running: stored, exit 0, waiting.
reply r7 affected
vctl deliver < "$T/r7.eml" && ok || bad "queued deliver without daemon"
[ "$(sqlite3 "$T/vulture.db" "SELECT state FROM messages ORDER BY id DESC LIMIT 1")" = new ] && ok || bad "r7 not left new"
is_status not-affected && ok || bad "r7 applied without a daemon"
# --once with the server down: 75 for cron, and nothing lost; what deliver
# queued is applied.
stop_dovecot
${VULTURED_WRAPPER:-} "$VULTURED" --once > "$T/once.log" 2>&1
[ $? = 75 ] && ok || bad "--once without IMAP: $(cat "$T/once.log")"
is_status affected && ok || bad "queued r7 not applied by --once: $(status)"
# The daemon's sender checks the recipient key too (rule 10): a notice
# queued before acme's key was revoked is held, not sent.
rm -f "$MAIL"/new/*
vctl case date "$ID" 2099-05-01 >/dev/null
sed 's/^:-----BEGIN/-----BEGIN/' "$T/keys/acme/openpgp-revocs.d/$ACME.rev" |
    gpg --homedir "$T/gnupg" --batch --import 2>/dev/null
${VULTURED_WRAPPER:-} "$VULTURED" --once > "$T/once2.log" 2>&1
n=$(ls "$MAIL"/new | wc -l)
[ "$n" = 0 ] && ok || bad "$n messages sent after acme's key was revoked"
expect 0 "failed +date-change .*held: key $ACME of psirt@acme.example was revoked after the message was queued" -- vctl outbox list
"$VULTURED" -x > /dev/null 2>&1
[ $? = 64 ] && ok || bad "usage exit"
printf '[general]\naddress = broken\n' > "$CONF"
"$VULTURED" --once > /dev/null 2>&1
[ $? = 78 ] && ok || bad "bad configuration exit"
finish
