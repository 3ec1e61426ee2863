#!/bin/sh
# Publication: a case with vendors in every state is published; the site
# (JVN-style pages, vendor pages, index, RSS, CSAF) is written atomically
# under publish_dir; the CSAF document passes a real CSAF validator; every
# participant is told and the signed announcement goes out; a status change
# after publication re-renders the page. Then the page in headless Chromium.
. "$(dirname "$0")/lib.sh"
MK="/usr/bin/python3 $top_srcdir/tests/mkreply.py"
MAIL="$T/maildir"
start_smtp "$MAIL" || { bad smtp; finish; exit 1; }
write_conf "base_url = https://jvn.example/
[imap]
enabled = false
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = none"
vctl init --generate-key > "$T/init.out" || { bad init; finish; exit 1; }
DESK=$(awk '/desk key/ {print $3}' "$T/init.out")
gpg --homedir "$T/gnupg" --armor --export "$DESK" > "$T/desk.asc" 2>/dev/null

# The desk key is published from init on: vulturectl desk key, the key
# pages, and the Web Key Directory at the path gpg-wks-client computes.
vctl desk key > "$T/desk-ctl.asc" || bad "desk key"
mkdir -p "$T/imp" && chmod 700 "$T/imp"
gpg --homedir "$T/imp" --batch --import "$T/desk-ctl.asc" 2>/dev/null
gpg --homedir "$T/imp" --with-colons --list-keys 2>/dev/null | grep -q "^fpr:::::::::$DESK:" && ok || bad "desk key does not import as $DESK"
gpgconf --homedir "$T/imp" --kill all 2>/dev/null
vctl --json desk key | grep -q "\"fingerprint\": \"$DESK\"" && ok || bad "desk key --json"
expect 64 'desk: unknown argument' -- vctl desk keys
P="$T/publish/site"
sed "s/&#160;//g; s/ //g" "$P/key.en.html" 2>/dev/null | grep -q "$DESK" && ok || bad "no key page"
grep -q '調整窓口の OpenPGP 公開鍵' "$P/key.ja.html" 2>/dev/null && ok || bad "no Japanese key page"
grep -q 'href="key.en.html"' "$P/index.en.html" 2>/dev/null && ok || bad "index does not link the key page"
cmp -s "$T/desk.asc" "$P/desk.asc" && ok || bad "desk.asc differs from the desk key"
WKS=/usr/lib/gnupg/gpg-wks-client
if [ -x "$WKS" ]; then
	gpg --homedir "$T/gnupg" --export "$DESK" > "$T/desk.bin" 2>/dev/null
	url=$($WKS --print-wkd-url vultures@cert.example)
	# https://openpgpkey.DOMAIN/.well-known/... (advanced) and the direct
	# method's https://DOMAIN/.well-known/openpgpkey/hu/HASH
	adv=$(printf '%s\n' "$url" | sed 's|^https://[^/]*/||; s|?.*||')
	hash=${adv##*/}
	for f in "$adv" ".well-known/openpgpkey/hu/$hash"; do
		cmp -s "$T/desk.bin" "$P/$f" && ok || bad "WKD: $f is not the binary desk key"
		[ -f "$P/${f%/hu/*}/policy" ] && ok || bad "WKD: no policy beside $f"
	done
	mkdir -p "$T/imp2" && chmod 700 "$T/imp2"
	gpg --homedir "$T/imp2" --batch --import "$P/$adv" 2>/dev/null
	gpg --homedir "$T/imp2" --with-colons --list-keys vultures@cert.example 2>/dev/null | grep -q "^fpr:::::::::$DESK:" && ok || bad "WKD key does not import"
	gpgconf --homedir "$T/imp2" --kill all 2>/dev/null
else
	skip "gpg-wks-client not installed"
fi
for v in acme globex initech; do
	mkkey $v "$v <psirt@$v.example>" > "$T/$v.fpr"
	gpg --homedir "$T/keys/$v" --batch --import "$T/desk.asc" 2>/dev/null
done
vctl vendor add acme "ACME Corp" general psirt@acme.example keywords httpd >/dev/null
vctl vendor add globex "グローベックス株式会社" general psirt@globex.example keywords httpd --lang ja >/dev/null
vctl vendor add initech "Initech <script>alert(1)</script>" general psirt@initech.example keywords httpd >/dev/null
vctl vendor add hooli "Hooli" general info@hooli.example keywords httpd --unregistered >/dev/null
for v in acme globex initech; do
	vctl vendor key $v "$T/keys/$v.asc" >/dev/null
	vctl vendor approve $v >/dev/null
done
ID=$(vctl case open "Buffer overflow in FooHTTP" --summary /dev/null)
vctl case notify "$ID" keywords httpd >/dev/null || bad notify
reply() {
	$MK --home "$T/keys/$1" --signer "$(cat "$T/$1.fpr")" --recipient "$DESK" --shape combined \
	    --from "psirt@$1.example" --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --body "$2" |
	    "$VCTL_BIN" deliver || bad "deliver $1"
}
reply acme "Status: affected
Comment: Fixed in acme-httpd 2.4.1.
Advisory-URL: https://acme.example/sa/2027-001
Fix-Date: 2027-01-05"
reply globex "状況：該当製品なし
コメント：当社製品は影響を受けません。"
vctl case "$ID" unreachable initech > /dev/null || bad unreachable
SLUG=$(echo "$ID" | tr -d '#')

# Guards: not before the date without "now", not without an overview.
expect 1 'planned for .*publish now' -- vctl case publish "$ID"
expect 1 'no overview yet' -- vctl case publish "$ID" now
printf 'A buffer overflow in FooHTTP lets a remote attacker run code.\n' > "$T/overview.txt"
printf 'FooHTTP 2.0 to 2.4\n' > "$T/affected.txt"
printf 'Update to FooHTTP 2.4.1 or later.\n' > "$T/solution.txt"
expect 0 'advisory overview set' -- vctl case advisory "$ID" overview "$T/overview.txt"
expect 0 'advisory affected set' -- vctl case advisory "$ID" affected "$T/affected.txt"
expect 0 'advisory solution set' -- vctl case advisory "$ID" solution "$T/solution.txt"
expect 1 "no advisory field 'colour'" -- vctl case advisory "$ID" colour "$T/solution.txt"
[ -e "$T/publish/site/cases/$SLUG" ] && bad "case page before publication" || ok

expect 0 "$ID published \(3 participant messages, announcement to announce@cert.example" -- vctl case publish "$ID" now
vctl case show "$ID" | grep -q 'state: *published' && ok || bad "state"
expect 1 "case $ID is published" -- vctl case publish "$ID" now
P="$T/publish/site"
[ -f "$P/index.html" ] && ok || bad "no index.html"
[ -f "$P/index.rdf" ] && ok || bad "no RSS"
page="$P/cases/$SLUG/index.html"
[ -f "$page" ] && ok || bad "no case page: $(ls -R "$T/publish" | head -20)"
grep -q 'ACME Corp' "$page" && grep -q 'グローベックス株式会社' "$page" && ok || bad "vendor names"
grep -q '該当製品あり' "$page" && grep -q '該当製品なし' "$page" && ok || bad "status strings"
grep -q '連絡不能' "$page" && ok || bad "unreachable wording"
grep -q '<script>alert' "$page" && bad "unescaped vendor name" || ok
grep -q 'https://acme.example/sa/2027-001' "$page" && ok || bad "advisory link"
grep -q 'FooHTTP 2.0 to 2.4' "$page" && ok || bad "affected systems"
ls "$P/cases/$SLUG/vendors/" | grep -q 'acme' && ok || bad "vendor pages"
/usr/bin/python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$P/index.rdf" && ok || bad "RSS not well-formed"
grep -q "$ID" "$P/index.rdf" && ok || bad "RSS lacks the case"

# CSAF 2.0 VEX: field by field, then the validator.
vctl render "$ID" --format csaf > "$T/csaf.json" || bad "render csaf"
/usr/bin/python3 - "$T/csaf.json" "$ID" <<'PY' && ok || bad "csaf fields"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["document"]["category"] == "csaf_vex" and d["document"]["csaf_version"] == "2.0"
assert d["document"]["tracking"]["id"] == sys.argv[2]
v = d["vulnerabilities"][0]
names = {p["product_id"]: p["name"] for b in d["product_tree"]["branches"] for p in [x["product"] for x in b.get("branches", [b]) if "product" in x]} if False else None
ps = v["product_status"]
assert len(ps.get("known_affected", [])) == 1, ps
assert len(ps.get("known_not_affected", [])) == 1, ps
assert v.get("remediations"), v
inv = v.get("involvements", [])
assert any(i["status"] == "contact_attempted" for i in inv), inv
PY
if command -v node >/dev/null 2>&1; then
	sh "$top_srcdir/tests/csaf-validate.sh" "$T/csaf.json" > "$T/csaf.log" 2>&1 && ok || bad "CSAF validator: $(tail -20 "$T/csaf.log")"
else
	echo "publish.sh: node missing: CSAF validator not run" >&2
	bad "node missing"
fi
for f in text html rss; do
	vctl render "$ID" --format $f --lang en > "$T/out.$f" && [ -s "$T/out.$f" ] && ok || bad "render $f"
done
grep -q 'Not affected' "$T/out.text" && ok || bad "English text rendering"
expect 64 'format text, html, csaf or rss' -- vctl render "$ID" --format pdf
expect 64 'render: ID --format' -- vctl render "$ID"

# Participants were told; the announcement is signed and public.
vctl outbox flush > /dev/null || bad flush
f=$(grep -l '^To: .*announce@cert.example' "$MAIL"/new/* | head -1)
[ -n "$f" ] && ok || bad "no announcement"
/usr/bin/python3 - "$f" "$T/ann" <<'PY'
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
assert m.get_content_type() == "multipart/signed"
raw = open(sys.argv[1], "rb").read()
b = m.get_boundary().encode()
# The mailbox may store LF line ends: the signature is over CRLF.
raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
parts = raw.split(b"--" + b)
open(sys.argv[2] + ".txt", "wb").write(parts[1][2:-2])
open(sys.argv[2] + ".sig", "wb").write(m.get_payload(1).get_payload(decode=True))
PY
gpg --homedir "$T/keys/acme" --batch --import "$T/desk.asc" 2>/dev/null
gpg --homedir "$T/keys/acme" --batch --verify "$T/ann.sig" "$T/ann.txt" 2>/dev/null && ok || bad "announcement signature"
# Any of acme's messages: Maildir names do not sort by arrival within a
# second.
found=
for f in $(grep -l '^To: .*psirt@acme.example' "$MAIL"/new/*); do
	decrypt_mail "$f" "$T/keys/acme" "$T/st" | grep -q 'Published: Buffer overflow' && found=1
done
[ -n "$found" ] && ok || bad "publication notice"

# After publication a vendor's change appends to the history.
before=$(grep -c 'ベンダ情報を更新しました' "$page")
reply globex "状況：該当製品なし：調査中"
grep -q '該当製品なし：調査中' "$page" && ok || bad "page not re-rendered"
[ "$(grep -c 'ベンダ情報を更新しました' "$page")" -gt "$before" ] && ok || bad "history not appended"
# The site is written after the reply is recorded: a site that cannot be
# written (its directory under a plain file) does not lose the reply, and
# the next writer (here any vulturectl command) catches up.
: > "$T/blocker"
cp "$CONF" "$T/good.conf"
sed -i "s|^publish_dir = .*|publish_dir = $T/blocker/publish|" "$CONF"
before=$(grep -c 'ベンダ情報を更新しました' "$page")
reply globex "状況：該当製品あり"
cp "$T/good.conf" "$CONF"
[ "$(sqlite3 "$T/vulture.db" "SELECT kind FROM messages ORDER BY id DESC LIMIT 1")" = applied ] && ok || bad "the reply was lost with the site"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM site_dirty")" -ge 1 ] && ok || bad "no site mark left to retry"
[ "$(grep -c 'ベンダ情報を更新しました' "$page")" = "$before" ] && ok || bad "the old page changed"
# Any vulturectl command writes what is marked.
vctl --json case show "$ID" | grep -q '"status": "affected"' && ok || bad "status not recorded"
[ "$(grep -c 'ベンダ情報を更新しました' "$page")" -gt "$before" ] && ok || bad "the site did not catch up"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM site_dirty")" = 0 ] && ok || bad "site marks not cleared"

# The page in a real browser (tests/browser.sh keeps the screenshots).
if command -v chromium >/dev/null 2>&1; then
	sh "$top_srcdir/tests/browser.sh" "$top_builddir/tests/check_vulture" "$top_builddir/tests/screenshots" > "$T/browser.log" 2>&1 && ok || bad "browser: $(tail -5 "$T/browser.log")"
else
	echo "publish.sh: chromium missing: browser test not run" >&2
	bad "chromium missing"
fi
finish
