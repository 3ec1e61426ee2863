#!/bin/sh
# The scheduler on a controlled clock (VULTURE_NOW), through `vultured
# --once` as cron would run it: follow-ups every followup_days to vendors
# that have not answered, reminders 7 and 1 days before publication,
# publication due, unreachable after 90 days; nothing twice.
. "$(dirname "$0")/lib.sh"
MK="/usr/bin/python3 $top_srcdir/tests/mkreply.py"
VULTURED="$top_builddir/vultured"
MAIL="$T/maildir"
start_smtp "$MAIL" || { bad smtp; finish; exit 1; }
COORD=$(mkkey coord "Carol <carol@cert.example>")
write_conf "[coordinators]
fingerprints = $COORD
[imap]
enabled = false
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = none"
DAY=86400
T0=$(( $(date +%s) / DAY * DAY + 3600 ))
at() { VULTURE_NOW=$((T0 + $1)); export VULTURE_NOW; }
at 0
vctl init --generate-key > "$T/init.out" || { bad init; finish; exit 1; }
DESK=$(awk '/desk key/ {print $3}' "$T/init.out")
gpg --homedir "$T/gnupg" --armor --export "$DESK" > "$T/desk.asc" 2>/dev/null
gpg --homedir "$T/gnupg" --batch --import "$T/keys/coord.asc" 2>/dev/null
for v in acme globex; do
	mkkey $v "$v PSIRT <psirt@$v.example>" > "$T/$v.fpr"
	gpg --homedir "$T/keys/$v" --batch --import "$T/desk.asc" 2>/dev/null
	vctl vendor add $v "$v Corp" general psirt@$v.example >/dev/null
	vctl vendor key $v "$T/keys/$v.asc" >/dev/null
	vctl vendor approve $v >/dev/null
done
ID=$(vctl case open "Overflow in FooHTTP" --summary /dev/null)
vctl case notify "$ID" vendors acme,globex >/dev/null || bad notify
once() { ${VULTURED_WRAPPER:-} "$VULTURED" --once > "$T/once.log" 2>&1 || bad "vultured --once at +$(( (VULTURE_NOW - T0) / 3600 ))h: $(cat "$T/once.log")"; }
events() { sqlite3 "$T/vulture.db" "SELECT count(*) FROM events WHERE kind = '$1'"; }
sent() { sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE kind = '$1' AND state = 'sent'"; }
check() {	# what want got
	[ "$2" = "$3" ] && ok || bad "$1: want $2, got $3"
}

# Day 1: acme answers; globex stays silent.
at $((1 * DAY))
printf 'Status: affected\n' > "$T/form.txt"
$MK --home "$T/keys/acme" --signer "$(cat "$T/acme.fpr")" --recipient "$DESK" \
    --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --body-file "$T/form.txt" |
    "$VCTL_BIN" deliver || bad deliver
once
check "notices sent" 2 "$(sent summary)"
check "ack sent" 1 "$(sent ack)"

at $((10 * DAY))
once
check "no follow-up before 14 days" 0 "$(events followup)"
at $((14 * DAY + 3600))
once
check "follow-up to globex" 1 "$(events followup)"
check "follow-up sent" 1 "$(sent followup)"
sqlite3 "$T/vulture.db" "SELECT recipient FROM outbox WHERE kind='followup'" | grep -q globex && ok || bad "follow-up went to the wrong vendor"
at $((14 * DAY + 7200))
once
check "no second follow-up the same day" 1 "$(events followup)"

# 7 days before publication (day 45): reminders to both, an alert.
at $((38 * DAY + 3600))
once
check "reminder days=7" 1 "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM events WHERE kind='reminder' AND detail='days=7'")"
check "reminders sent" 2 "$(sent reminder)"
at $((38 * DAY + 7200))
once
check "no reminder twice" 2 "$(sent reminder)"
at $((44 * DAY + 3600))
once
check "reminder days=1" 1 "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM events WHERE kind='reminder' AND detail='days=1'")"
check "all reminders" 4 "$(sent reminder)"

# Publication time: due event and an alert (auto_publish is off).
at $((45 * DAY + 3600))
once
check "publication due" 1 "$(events publication-due)"
at $((45 * DAY + 7200))
once
check "publication due once" 1 "$(events publication-due)"
grep -l 'carol@cert.example' "$MAIL"/new/* > /dev/null && ok || bad "no coordinator alert"

# The date moves; at day 90 globex (silent since day 0) is unreachable,
# acme (answered) is not.
vctl case date "$ID" "$(date -u -d @$((T0 + 200 * DAY)) +%Y-%m-%d)" >/dev/null || bad "case date"
at $((89 * DAY))
once
check "not unreachable at 89 days" 0 "$(events unreachable)"
at $((90 * DAY + 3600))
once
check "unreachable" 1 "$(events unreachable)"
vctl --json case show "$ID" | /usr/bin/python3 -c "
import json, sys
p = {x['vendor']: x for x in json.load(sys.stdin)['participants']}
assert p['globex']['unreachable'] and not p['acme']['unreachable'], p
assert p['globex']['attempts'] >= 3, p['globex']['attempts']" && ok || bad "unreachable flags"
at $((91 * DAY + 3600))
once
check "unreachable once" 1 "$(events unreachable)"
check "nothing failed" 0 "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE state != 'sent'")"
finish
