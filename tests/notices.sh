#!/bin/sh
# Every notice kind, in English and in Japanese, goes through a real SMTP
# server (aiosmtpd), verifies against the desk key and decrypts with the
# recipient's key to text in the recipient's language; the registration
# request is the one clear-text kind and carries only the case id.
. "$(dirname "$0")/lib.sh"
MK="/usr/bin/python3 $top_srcdir/tests/mkreply.py"
VULTURED="$top_builddir/vultured"
MAIL="$T/maildir"
start_smtp "$MAIL" || { bad smtp; finish; exit 1; }
COORD=$(mkkey carol "Carol <carol@cert.example>")
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
gpg --homedir "$T/gnupg" --batch --import "$T/keys/carol.asc" 2>/dev/null
gpg --homedir "$T/keys/carol" --batch --import "$T/desk.asc" 2>/dev/null
vendor() {	# handle lang
	mkkey $1 "$1 <psirt@$1.example>" > "$T/$1.fpr"
	gpg --homedir "$T/keys/$1" --batch --import "$T/desk.asc" 2>/dev/null
	vctl vendor add $1 "$1 Corp" general psirt@$1.example keywords httpd --lang $2 >/dev/null
	vctl vendor key $1 "$T/keys/$1.asc" >/dev/null
	vctl vendor approve $1 >/dev/null
}
vendor eacme en
vendor jacme ja
vendor equiet en
vendor jquiet ja
vctl vendor add eunreg "Unreg EN" general info@eunreg.example keywords httpd --unregistered >/dev/null
vctl vendor add junreg "Unreg JA" general info@junreg.example keywords httpd --unregistered --lang ja >/dev/null
printf 'Do you ship FooHTTP?\n' > "$T/s.txt"
printf 'Overflow DETAILMARK\n' > "$T/d.txt"
ID=$(vctl case open "Overflow in FooHTTP" --summary "$T/s.txt" --detail "$T/d.txt")
vctl case notify "$ID" keywords httpd >/dev/null || bad notify
reply() {	# vendor shape body
	$MK --home "$T/keys/$1" --signer "$(cat "$T/$1.fpr")" --recipient "$DESK" --shape "$2" \
	    --from "psirt@$1.example" --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --body "$3" |
	    "$VCTL_BIN" deliver || bad "deliver $1"
}
at $DAY
# ack + detail (request), rejected (bad form), sign-request (unsigned).
for v in eacme jacme; do
	reply $v combined "Request-Detail: yes
Status: affected"
	reply $v combined "Status: sideways"
	$MK --home "$T/keys/$v" --recipient "$DESK" --shape encrypted --from "psirt@$v.example" \
	    --subject "Re: [$ID]" --body "Status: affected" | "$VCTL_BIN" deliver
done
# followup (day 15, to the quiet ones), reminders (day 38), leak, date.
at $((15 * DAY))
${VULTURED_WRAPPER:-} "$VULTURED" --once > "$T/once.log" 2>&1 || bad "once: $(cat "$T/once.log")"
at $((38 * DAY + 3600))
${VULTURED_WRAPPER:-} "$VULTURED" --once > "$T/once.log" 2>&1 || bad "once: $(cat "$T/once.log")"
vctl case leak "$ID" "posted on a forum" >/dev/null || bad leak
vctl case date "$ID" "$(date -u -d @$((T0 + 60 * DAY)) +%Y-%m-%d)" >/dev/null || bad date
vctl outbox flush > /dev/null

# What arrived: every kind for both languages.
# Marks per kind: English / Japanese, taken from the templates.
marks="summary:Vulnerability notice:脆弱性情報のお知らせ
detail:Vulnerability detail:脆弱性の詳細情報
ack:Recorded:受領しました
rejected:Not recorded:受け付けられませんでした
sign-request:Please sign:署名付きでの再送のお願い
followup:Follow-up:ご回答のお願い
reminder:Reminder:公表
leak:Information may have leaked:情報漏えいの可能性
date-change:Publication date changed:公表日の変更"
/usr/bin/python3 - "$MAIL" "$T" "$marks" <<'PY' && ok || bad "notices"
import email, email.header, glob, subprocess, sys
maildir, T, marks = sys.argv[1], sys.argv[2], sys.argv[3]
want = {}
for line in marks.splitlines():
    kind, en, ja = line.split(":")
    want[kind] = {"en": en, "ja": ja}
seen = {}
for f in glob.glob(maildir + "/new/*"):
    m = email.message_from_binary_file(open(f, "rb"))
    to = m["To"]
    if "unreg" in to:
        body = m.get_payload(0).get_payload(decode=True).decode()
        assert m.get_content_type() == "multipart/signed", m.get_content_type()
        assert "DETAILMARK" not in body and "FooHTTP" not in body, body
        lang = "ja" if "junreg" in to else "en"
        assert ("製品開発者登録" if lang == "ja" else "Request to register") in str(email.header.make_header(email.header.decode_header(m["Subject"]))), m["Subject"]
        seen[("registration-request", lang)] = True
        continue
    who = to.split("@")[0].split("<")[-1] if "carol" in to else to.split("@")[1].split(".")[0]
    home = T + "/keys/" + ("carol" if "carol" in to else who)
    enc = [p for p in m.walk() if p.get_content_type() == "application/octet-stream"][0]
    r = subprocess.run(["gpg", "--homedir", home, "--batch", "--status-fd", "2", "--decrypt"],
                       input=enc.get_payload(decode=True), capture_output=True)
    assert r.returncode == 0, (f, r.stderr)
    assert b"GOODSIG" in r.stderr, r.stderr
    inner = email.message_from_bytes(r.stdout)
    subj = str(email.header.make_header(email.header.decode_header(inner["Subject"])))
    if "carol" in to:
        seen[("alert", "en")] = True
        continue
    lang = "ja" if who.startswith("j") else "en"
    for kind, w in want.items():
        if w[lang] in subj:
            seen[(kind, lang)] = True
missing = [(k, l) for k in list(want) + ["registration-request"] for l in ("en", "ja") if (k, l) not in seen]
assert not missing, ("missing", missing, sorted(seen))
assert ("alert", "en") in seen
PY
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE state != 'sent'")" = 0 ] && ok || bad "unsent mail"
finish
