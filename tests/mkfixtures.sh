#!/bin/sh
# mkfixtures.sh DIR: build the decode test corpus with real tools.
#
# Makes two throwaway GnuPG homes (short paths under /tmp, mode 700): the
# desk's (desk secret key; vendor, expired and revoked public keys, imported
# without certification, as vulture does) and the senders' (every other
# secret key).  Writes DIR/*.eml, DIR/env (homes and fingerprints, shell
# syntax) and, when neomutt and tmux work, DIR/neomutt.eml.
#
# The caller ends the agents: gpgconf --homedir H --kill gpg-agent.
set -eu

DIR=${1:?usage: mkfixtures.sh DIR}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
T=$DIR/tmp
mkdir -p "$T"

DESK=$(mktemp -d /tmp/vt.XXXXXX)
SND=$(mktemp -d /tmp/vs.XXXXXX)
chmod 700 "$DESK" "$SND"
# The Check runner removes them if the suite's teardown does not run.
[ -n "${VULTURE_TEST_TRACK:-}" ] && printf '%s\n%s\n' "$DESK" "$SND" >> "$VULTURE_TEST_TRACK"
# On failure nobody else knows these homes: end their agents here.
trap 'rc=$?; if [ $rc -ne 0 ]; then
	gpgconf --homedir "$DESK" --kill gpg-agent 2>/dev/null
	gpgconf --homedir "$SND" --kill gpg-agent 2>/dev/null
	rm -rf "$DESK" "$SND" "$T"; fi' EXIT

# Keys without passphrase; every output file may be overwritten.
G() { gpg --batch --quiet --no-tty --yes --pinentry-mode loopback \
    --passphrase '' "$@"; }
gd() { G --homedir "$DESK" "$@"; }
# Senders encrypt to keys they never certified.
gs() { G --homedir "$SND" --trust-model always "$@"; }

fpr_of() {	# home uid
	gpg --homedir "$1" --batch --with-colons --list-keys "$2" |
	    awk -F: '/^fpr/ { print $10; exit }'
}

enc_keyid_of() {	# home fpr
	gpg --homedir "$1" --batch --with-colons --list-keys "$2" |
	    awk -F: '/^sub/ && $12 ~ /e/ { print $5; exit }'
}

newkey() {	# home uid [faked-time expiry]
	h=$1; uid=$2
	if [ $# -ge 4 ]; then
		G --homedir "$h" --faked-system-time "$3" \
		    --quick-gen-key "$uid" ed25519 sign,cert "$4"
		f=$(fpr_of "$h" "$uid")
		G --homedir "$h" --faked-system-time "$3" \
		    --quick-add-key "$f" cv25519 encr "$4"
	else
		G --homedir "$h" --quick-gen-key "$uid" ed25519 sign,cert never
		f=$(fpr_of "$h" "$uid")
		G --homedir "$h" --quick-add-key "$f" cv25519 encr never
	fi
	echo "$f"
}

DESK_FPR=$(newkey "$DESK" "Vulture Desk <vultures@cert.example>")
VENDOR_FPR=$(newkey "$SND" "ACME PSIRT <psirt@acme.example>")
# A separate signing subkey: gpg signs with it, so sig->fpr is not the
# primary fingerprint and the decoder must resolve it.
G --homedir "$SND" --quick-add-key "$VENDOR_FPR" ed25519 sign never
UNKNOWN_FPR=$(newkey "$SND" "Stranger <x@unknown.example>")
OTHER_FPR=$(newkey "$SND" "Other Desk <desk@other.example>")
EXPIRED_FPR=$(newkey "$SND" "Old Vendor <old@expired.example>" \
    20200101T000000 1y)
REVOKED_FPR=$(newkey "$SND" "Gone Vendor <gone@revoked.example>")

gd --export "$DESK_FPR" | gs --import
for f in "$VENDOR_FPR" "$EXPIRED_FPR" "$REVOKED_FPR"; do
	gs --export "$f" | gd --import
done

cat >"$DIR/env" <<EOF
GNUPGHOME_DESK=$DESK
GNUPGHOME_SND=$SND
DESK_FPR=$DESK_FPR
VENDOR_FPR=$VENDOR_FPR
UNKNOWN_FPR=$UNKNOWN_FPR
OTHER_FPR=$OTHER_FPR
OTHER_ENC_KEYID=$(enc_keyid_of "$SND" "$OTHER_FPR")
EXPIRED_FPR=$EXPIRED_FPR
REVOKED_FPR=$REVOKED_FPR
EOF

# Mail pieces.  Files are written with LF line ends, as an MTA delivers.

headers() {	# subject message-id [extra header lines]
	printf 'Return-Path: <psirt@acme.example>\n'
	printf 'From: ACME PSIRT <psirt@acme.example>\n'
	printf 'To: Vulture Desk <vultures@cert.example>\n'
	printf 'Subject: %s\n' "$1"
	printf 'Date: Tue, 01 Dec 2026 10:00:00 +0900\n'
	printf 'Message-ID: <%s>\n' "$2"
	printf 'MIME-Version: 1.0\n'
	if [ $# -ge 3 ]; then printf '%s\n' "$3"; fi
}

# wrap_encrypted ARMORFILE: multipart/encrypted body (after headers).
wrap_encrypted() {
	printf 'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="=-enc-1"\n\n'
	printf 'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\n'
	printf -- '--=-enc-1\nContent-Type: application/pgp-encrypted\n'
	printf 'Content-Description: PGP/MIME version identification\n\nVersion: 1\n\n'
	printf -- '--=-enc-1\nContent-Type: application/octet-stream; name="encrypted.asc"\n'
	printf 'Content-Description: OpenPGP encrypted message\n'
	printf 'Content-Disposition: inline; filename="encrypted.asc"\n\n'
	cat "$1"
	printf '\n--=-enc-1--\n'
}

# signed_entity INNERFILE SIGNER OUT [DIGEST]: multipart/signed entity
# (with its Content-Type header), detached signature over the CRLF form,
# made with gpg's choice of hash or DIGEST.
signed_entity() {
	perl -0777 -pe 's/\r?\n/\r\n/g' "$1" >"$T/crlf"
	micalg=$(printf '%s' "${4:-SHA256}" | tr 'A-Z' 'a-z')
	gs -u "$2" ${4:+--digest-algo "$4"} --armor --detach-sign \
	    -o "$T/sig.asc" "$T/crlf"
	{
		printf 'Content-Type: multipart/signed; micalg=pgp-%s; protocol="application/pgp-signature"; boundary="=-sig-1"\n\n' "$micalg"
		printf 'This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\n'
		printf -- '--=-sig-1\n'
		cat "$1"
		printf '\n--=-sig-1\nContent-Type: application/pgp-signature; name="signature.asc"\n'
		printf 'Content-Description: OpenPGP digital signature\n\n'
		cat "$T/sig.asc"
		printf '\n--=-sig-1--\n'
	} >"$3"
}

# Inner entities.  Bodies end without a line break: the break before a
# boundary belongs to the boundary.

JA='修正版を準備中です。'
BIN=$T/poc.bin
printf '%%PDF-1.4\n\000\001\002\377 proof of concept\n' >"$BIN"

{
	printf 'Content-Type: multipart/mixed; boundary="=-in-1"\n\n'
	printf -- '--=-in-1\nContent-Type: text/plain; charset=utf-8\n'
	printf 'Content-Transfer-Encoding: 8bit\n\n'
	printf 'Case: JVNVU#12345678\nStatus: affected\nComment: %s\n' "$JA"
	printf -- '--=-in-1\nContent-Type: application/pdf; name="poc.pdf"\n'
	printf 'Content-Disposition: attachment; filename="poc.pdf"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 "$BIN"
	printf -- '--=-in-1\nContent-Type: text/plain; charset=utf-8; name="detail"\n'
	printf 'Content-Disposition: attachment; filename="detail"\n\n'
	printf 'Technical detail.\n'
	printf -- '--=-in-1--'
} >"$T/inner_mixed"

{
	printf 'Content-Type: text/plain; charset=utf-8\n'
	printf 'Content-Transfer-Encoding: quoted-printable\n\n'
	printf 'Case: JVNVU#12345678\nStatus: not-affected\nComment: nested=20ok'
} >"$T/inner_text"

# 1. Combined sign+encrypt, attachments inside.
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --armor --sign --encrypt \
    -o "$T/c1.asc" "$T/inner_mixed"
{ headers "Re: [JVNVU#12345678] notice" "combined@acme.example"
  wrap_encrypted "$T/c1.asc"; } >"$DIR/combined.eml"

# 2. Nested: multipart/signed inside multipart/encrypted.
signed_entity "$T/inner_text" "$VENDOR_FPR" "$T/nested_inner"
gs -r "$DESK_FPR" --armor --encrypt -o "$T/n.asc" "$T/nested_inner"
{ headers "Re: [JVNVU#12345678] nested" "nested@acme.example"
  wrap_encrypted "$T/n.asc"; } >"$DIR/nested.eml"

# 3. Signed only.
signed_entity "$T/inner_text" "$VENDOR_FPR" "$T/signed_body"
{ headers "Re: [JVNVU#12345678] signed" "signed@acme.example"
  cat "$T/signed_body"; } >"$DIR/signed.eml"

# 3a. Signature wrapping: a valid multipart/signed tucked into a
# multipart/mixed beside an unsigned part.  Not verified: plain.
{ headers "Re: [JVNVU#12345678] wrapped" "wrapped@acme.example" \
    'Content-Type: multipart/mixed; boundary="w"'
  printf '\n--w\nContent-Type: text/plain\n\ncase JVNVU#12345678 publish now\n'
  printf -- '--w\n'; cat "$T/signed_body"; printf -- '--w--\n'; } \
    >"$DIR/wrapped.eml"

# 3b. Bad signature: one byte of the signed part changed afterwards.
sed 's/not-affected/affected/' "$DIR/signed.eml" >"$DIR/bad_sig.eml"

# 4a. Inline PGP message in text/plain.
printf 'Case: JVNVU#12345678\nStatus: affected-investigating\nComment: %s\n' \
    "$JA" >"$T/inline.txt"
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --armor --sign --encrypt \
    -o "$T/inline.asc" "$T/inline.txt"
{ headers "Re: [JVNVU#12345678] inline" "inline@acme.example" \
    "Content-Type: text/plain; charset=utf-8"
  printf '\n'; cat "$T/inline.asc"; } >"$DIR/inline.eml"

# 4b. The same armor in HTML, one <br> per line, inside <p>.
{ headers "Re: [JVNVU#12345678] inline html" "inlinehtml@acme.example" \
    "Content-Type: text/html; charset=utf-8"
  printf '\n<html><body><p>'
  sed 's/$/<br>/' "$T/inline.asc"
  printf '</p></body></html>\n'; } >"$DIR/inline_html.eml"

# 4b'. Inline block with clear text around it (goes to clear_text).
{ headers "Re: [JVNVU#12345678] inline mixed" "inlinemixed@acme.example" \
    "Content-Type: text/plain; charset=utf-8"
  printf '\nHello, about JVNVU#12345678:\n\n'; cat "$T/inline.asc"
  printf -- '-- \nACME PSIRT\n'; } >"$DIR/inline_mixed.eml"

# 4c. Clearsigned.
gs -u "$VENDOR_FPR" --clearsign -o "$T/clear.asc" "$T/inline.txt"
{ headers "Re: [JVNVU#12345678] clearsigned" "clear@acme.example" \
    "Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit"
  printf '\n'; cat "$T/clear.asc"; } >"$DIR/clearsigned.eml"

# 4d. Inline, signed but not encrypted (gpg --sign --armor).
gs -u "$VENDOR_FPR" --armor --sign -o "$T/opaque.asc" "$T/inline.txt"
{ headers "Re: [JVNVU#12345678] opaque" "opaque@acme.example" \
    "Content-Type: text/plain; charset=us-ascii"
  printf '\n'; cat "$T/opaque.asc"; } >"$DIR/inline_signed.eml"

# 6. Exchange/Outlook mangled PGP/MIME.
{ headers "Re: [JVNVU#12345678] exchange" "exchange@acme.example" \
    'Content-Type: multipart/mixed; boundary="_000_exch_"'
  printf '\n--_000_exch_\nContent-Type: text/plain; charset="us-ascii"\n\n\n'
  printf -- '--_000_exch_\nContent-Type: application/pgp-encrypted\n'
  printf 'Content-Disposition: attachment\n\nVersion: 1\n\n'
  printf -- '--_000_exch_\nContent-Type: application/octet-stream; name="encrypted.asc"\n'
  printf 'Content-Disposition: attachment; filename="encrypted.asc"\n'
  printf 'Content-Transfer-Encoding: base64\n\n'
  base64 "$T/c1.asc"
  printf -- '--_000_exch_--\n'; } >"$DIR/exchange.eml"

# 7a. RFC 9788: hp="cipher" and a legacy display element.
{
	printf 'Content-Type: text/plain; charset=utf-8; hp="cipher"; hp-legacy-display="1"\n'
	printf 'Subject: [JVNVU#12345678] secret title\n'
	printf 'From: ACME PSIRT <psirt@acme.example>\n'
	printf 'To: Vulture Desk <vultures@cert.example>\n'
	printf 'HP-Outer: Subject: [...]\n\n'
	printf 'Subject: [JVNVU#12345678] secret title\n\n'
	printf 'Case: JVNVU#12345678\nStatus: affected'
} >"$T/hp9788"
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --armor --sign --encrypt \
    -o "$T/hp9788.asc" "$T/hp9788"
{ headers "[...]" "hp9788@acme.example"; wrap_encrypted "$T/hp9788.asc"; } \
    >"$DIR/prot_9788.eml"

# 7b. protected-headers="v1" with a text/rfc822-headers legacy part.
{
	printf 'Content-Type: multipart/mixed; boundary="=-ph-1"; protected-headers="v1"\n'
	printf 'Subject: =?UTF-8?B?44CQ6KaB5a++5b+c44CR?= [JVNVU#12345678]\n'
	printf 'From: ACME PSIRT <psirt@acme.example>\n\n'
	printf -- '--=-ph-1\nContent-Type: text/rfc822-headers; protected-headers="v1"\n'
	printf 'Content-Disposition: inline\n\n'
	printf 'Subject: =?UTF-8?B?44CQ6KaB5a++5b+c44CR?= [JVNVU#12345678]\n'
	printf -- '--=-ph-1\nContent-Type: text/plain; charset=utf-8\n\n'
	printf 'Case: JVNVU#12345678\nStatus: unknown'
	printf '\n--=-ph-1--'
} >"$T/phv1"
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --armor --sign --encrypt \
    -o "$T/phv1.asc" "$T/phv1"
{ headers "..." "phv1@acme.example"; wrap_encrypted "$T/phv1.asc"; } \
    >"$DIR/prot_v1.eml"

# 7c. protected-headers="v1" with the "Subject:" legacy display line.
{
	printf 'Content-Type: text/plain; charset=utf-8; protected-headers="v1"\n'
	printf 'Subject: Re: [JVNVU#12345678] line style\n\n'
	printf 'Subject: Re: [JVNVU#12345678] line style\n\n'
	printf 'Case: JVNVU#12345678\nStatus: not-affected-investigating'
} >"$T/phline"
signed_entity "$T/phline" "$VENDOR_FPR" "$T/phline_signed"
gs -r "$DESK_FPR" --armor --encrypt -o "$T/phline.asc" "$T/phline_signed"
{ headers "Encrypted Message" "phline@acme.example"
  wrap_encrypted "$T/phline.asc"; } >"$DIR/prot_v1_line.eml"

# 8. Charsets, HTML, alternative.
JAB='脆弱性の調査結果をお知らせします。'
SUBJ_JA="=?ISO-2022-JP?B?$(printf 'お知らせ' | iconv -f UTF-8 -t ISO-2022-JP | base64 -w0)?="
printf 'Status: affected\nComment: %s\n' "$JAB" >"$T/ja.txt"
for cs in SHIFT_JIS ISO-2022-JP EUC-JP; do
	lc=$(echo "$cs" | tr 'A-Z_' 'a-z-')
	[ "$cs" = SHIFT_JIS ] && lc=shift_jis
	te=8bit
	[ "$cs" = ISO-2022-JP ] && te=7bit
	{ headers "$SUBJ_JA $lc" "$lc@acme.example" \
	    "Content-Type: text/plain; charset=$lc
Content-Transfer-Encoding: $te"
	  printf '\n'; iconv -f UTF-8 -t "$cs" "$T/ja.txt"; } >"$DIR/charset_$lc.eml"
done
{ headers "latin1" "latin1@acme.example" \
    "Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable"
  printf '\nComment: caf=E9 na=EFve\n'; } >"$DIR/charset_latin1.eml"
{ headers "undeclared" "undeclared@acme.example"
  printf '\n'; iconv -f UTF-8 -t SHIFT_JIS "$T/ja.txt"; } \
    >"$DIR/charset_undeclared.eml"

{ headers "html only" "html@acme.example" \
    "Content-Type: text/html; charset=utf-8"
  printf '\n<html><head><title>t</title><style>p { color: red }</style>'
  printf '<script>var leak = "SCRIPT";</script></head><body>'
  printf '<div>Status:&nbsp;affected</div><p>Comment: a &lt;b&gt; &amp; '
  printf '&#x3042;&#12354; &quot;q&quot;<br>line two</p>'
  printf '<!-- hidden comment --></body></html>\n'; } >"$DIR/html.eml"

{ headers "alternative" "alt@acme.example" \
    'Content-Type: multipart/alternative; boundary="alt"'
  printf '\n--alt\nContent-Type: text/plain; charset=utf-8\n\nPLAIN VERSION\n'
  printf -- '--alt\nContent-Type: text/html; charset=utf-8\n\n<p>HTML VERSION</p>\n'
  printf -- '--alt--\n'; } >"$DIR/alternative.eml"

# 9. Plain mail with every routing header.
{ printf 'From MAILER-DAEMON Tue Dec  1 10:00:00 2026\n'
  headers "Re: [JVNVU#12345678] plain" "plain@acme.example" \
    "In-Reply-To: <notice-1@cert.example>
References: <a@cert.example> <notice-1@cert.example>
Auto-Submitted: auto-replied
Precedence: bulk
List-Id: ACME PSIRT <psirt.acme.example>
X-Vulture-Loop: vultures@cert.example
Content-Type: text/plain; charset=us-ascii"
  printf '\nCase: JVNVU#12345678\nThe details are public now.\n'; } \
    >"$DIR/plain.eml"

# 10. Old algorithms, forced the way a vendor's gpg.conf would (gpg 2.2
# warns that the recipient's preferences are overridden, and does it).
# CAST5 and SHA1, to the desk and another key.
gs -u "$VENDOR_FPR" -r "$DESK_FPR" -r "$OTHER_FPR" --cipher-algo CAST5 \
    --digest-algo SHA1 --armor --sign --encrypt -o "$T/a1.asc" \
    "$T/inner_text"
{ headers "cast5" "algo-cast5@acme.example"; wrap_encrypted "$T/a1.asc"; } \
    >"$DIR/algo_cast5.eml"
# Nested: BLOWFISH outside, a RIPEMD160 signature inside.
signed_entity "$T/inner_text" "$VENDOR_FPR" "$T/a2_inner" RIPEMD160
gs -r "$DESK_FPR" --cipher-algo BLOWFISH --armor --encrypt -o "$T/a2.asc" \
    "$T/a2_inner"
{ headers "blowfish" "algo-blowfish@acme.example"
  wrap_encrypted "$T/a2.asc"; } >"$DIR/algo_nested.eml"
# Inline: 3DES with a SHA512 signature.
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --cipher-algo 3DES --digest-algo SHA512 \
    --armor --sign --encrypt -o "$T/a3.asc" "$T/inline.txt"
{ headers "3des" "algo-3des@acme.example" \
    "Content-Type: text/plain; charset=utf-8"
  printf '\n'; cat "$T/a3.asc"; } >"$DIR/algo_inline.eml"
# Signed only, SHA1.
signed_entity "$T/inner_text" "$VENDOR_FPR" "$T/a4_body" SHA1
{ headers "sha1" "algo-sha1@acme.example"; cat "$T/a4_body"; } \
    >"$DIR/algo_signed_sha1.eml"

# Negatives.
gs -r "$DESK_FPR" --armor --encrypt -o "$T/u.asc" "$T/inner_text"
{ headers "unsigned" "unsigned@acme.example"; wrap_encrypted "$T/u.asc"; } \
    >"$DIR/enc_unsigned.eml"

# Decrypts to a lone line break: no header, no text.
printf '\n' >"$T/empty"
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --armor --sign --encrypt \
    -o "$T/empty.asc" "$T/empty"
{ headers "empty" "empty@acme.example"; wrap_encrypted "$T/empty.asc"; } \
    >"$DIR/enc_empty.eml"

gs -u "$UNKNOWN_FPR" -r "$DESK_FPR" --armor --sign --encrypt \
    -o "$T/unk.asc" "$T/inner_text"
{ headers "unknown signer" "unknown@acme.example"
  wrap_encrypted "$T/unk.asc"; } >"$DIR/unknown_signer.eml"

perl -0777 -pe 's/\r?\n/\r\n/g' "$T/inner_text" >"$T/crlf"
G --homedir "$SND" --faked-system-time 20200201T000000 \
    -u "$EXPIRED_FPR" --armor --detach-sign -o "$T/exp.asc" "$T/crlf"
{ headers "expired" "expired@acme.example"
  printf 'Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="s"\n\n'
  printf -- '--s\n'; cat "$T/inner_text"
  printf '\n--s\nContent-Type: application/pgp-signature\n\n'
  cat "$T/exp.asc"; printf '\n--s--\n'; } >"$DIR/expired.eml"

gs -u "$REVOKED_FPR" -r "$DESK_FPR" --armor --sign --encrypt \
    -o "$T/rev.asc" "$T/inner_text"
{ headers "revoked" "revoked@acme.example"; wrap_encrypted "$T/rev.asc"; } \
    >"$DIR/revoked.eml"
sed 's/^:-----/-----/' "$SND/openpgp-revocs.d/$REVOKED_FPR.rev" | gd --import

gs -u "$VENDOR_FPR" -r "$OTHER_FPR" --armor --sign --encrypt \
    -o "$T/oth.asc" "$T/inner_text"
{ headers "other key" "other@acme.example"; wrap_encrypted "$T/oth.asc"; } \
    >"$DIR/other_key.eml"

n=$(wc -l <"$T/c1.asc")
head -n $((n / 2)) "$T/c1.asc" >"$T/trunc.asc"
echo '-----END PGP MESSAGE-----' >>"$T/trunc.asc"
{ headers "truncated" "truncated@acme.example"
  wrap_encrypted "$T/trunc.asc"; } >"$DIR/truncated.eml"

# Compression bomb: 100 MB of zeros in about 100 KB, signed+encrypted.
head -c 100000000 /dev/zero >"$T/zeros"
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --compress-algo zlib -z 9 --armor \
    --sign --encrypt -o "$T/bomb.asc" "$T/zeros"
rm -f "$T/zeros"
{ headers "bomb" "bomb@acme.example"; wrap_encrypted "$T/bomb.asc"; } \
    >"$DIR/bomb.eml"

{ headers "deep" "deep@acme.example" \
    'Content-Type: multipart/mixed; boundary="d0"'
  printf '\n'
  i=1
  while [ $i -lt 20 ]; do
	printf -- '--d%d\nContent-Type: multipart/mixed; boundary="d%d"\n\n' \
	    $((i - 1)) $i
	i=$((i + 1))
  done
  printf -- '--d19\nContent-Type: text/plain\n\ndeep\n'; } >"$DIR/deep.eml"

{ headers "many" "many@acme.example" \
    'Content-Type: multipart/mixed; boundary="m"'
  printf '\n'
  i=0
  while [ $i -lt 300 ]; do
	printf -- '--m\nContent-Type: text/plain\n\npart %d\n' $i
	i=$((i + 1))
  done
  printf -- '--m--\n'; } >"$DIR/many_parts.eml"

{ headers "big header" "bighdr@acme.example"
  i=0
  while [ $i -lt 3000 ]; do
	printf 'X-Filler-%d: %0100d\n' $i 0
	i=$((i + 1))
  done
  printf '\nbody\n'; } >"$DIR/big_header.eml"

head -c 2000 /dev/urandom | base64 -w0 | tr -d '+/=' | head -c 1500 \
    >"$DIR/not_mail.eml"

# 11. Where real clients put the ciphertext (issue 15).  The reply form
# as a file: no MIME header inside, as Outlook users attach it.
printf 'Case: JVNVU#12345678\nStatus: affected\nComment: %s\n' "$JA" \
    >"$T/reply.txt"
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --sign --encrypt -o "$T/reply.gpg" \
    "$T/reply.txt"
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --armor --sign --encrypt \
    -o "$T/reply.asc" "$T/reply.txt"
gs -u "$VENDOR_FPR" -r "$OTHER_FPR" --sign --encrypt -o "$T/reply_oth.gpg" \
    "$T/reply.txt"
gs -r "$DESK_FPR" --sign --encrypt -u "$UNKNOWN_FPR" \
    -o "$T/reply_unk.gpg" "$T/reply.txt"
gs -r "$DESK_FPR" --encrypt -o "$T/reply_nosig.gpg" "$T/reply.txt"
G --homedir "$SND" --passphrase 'pass phrase' --symmetric \
    -o "$T/sym.gpg" "$T/reply.txt"
G --homedir "$SND" --passphrase 'pass phrase' --symmetric --armor \
    -o "$T/sym.asc" "$T/reply.txt"

COVER='Please find our encrypted reply attached.'
# attached MAILFILE TYPE NAME FILE [base64]: a cover note and the file.
attached() {
	{ headers "Re: [JVNVU#12345678] attached" "$1@acme.example" \
	    'Content-Type: multipart/mixed; boundary="=_att"'
	  printf '\n--=_att\nContent-Type: text/plain; charset="us-ascii"\n\n'
	  printf '%s\n\n' "$COVER"
	  printf -- '--=_att\nContent-Type: %s; name="%s"\n' "$2" "$3"
	  printf 'Content-Disposition: attachment; filename="%s"\n' "$3"
	  if [ $# -ge 5 ]; then
		printf 'Content-Transfer-Encoding: base64\n\n'; base64 "$4"
	  else
		printf '\n'; cat "$4"
	  fi
	  printf -- '--=_att--\n'; } >"$DIR/$1.eml"
}
attached att_gpg application/octet-stream reply.txt.gpg "$T/reply.gpg" b64
attached att_asc application/pgp-encrypted reply.txt.asc "$T/reply.asc"
attached att_other application/octet-stream reply.txt.gpg \
    "$T/reply_oth.gpg" b64
attached att_unknown application/octet-stream reply.txt.gpg \
    "$T/reply_unk.gpg" b64
attached att_unsigned application/octet-stream reply.txt.gpg \
    "$T/reply_nosig.gpg" b64
attached att_sym application/octet-stream reply.txt.gpg "$T/sym.gpg" b64
# A binary file, encrypted alone: a protected attachment, not text.
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --sign --encrypt -o "$T/poc.gpg" "$BIN"
attached att_bin application/octet-stream poc.pdf.gpg "$T/poc.gpg" b64
# A public key named .asc is not a reply.
gs --armor --export "$VENDOR_FPR" >"$T/vendor_pub.asc"
attached att_key application/pgp-keys acme.asc "$T/vendor_pub.asc"
# The file alone, no cover note.
{ headers "Re: [JVNVU#12345678] file only" "att_only@acme.example" \
    'Content-Type: application/octet-stream; name="reply.txt.gpg"
Content-Disposition: attachment; filename="reply.txt.gpg"
Content-Transfer-Encoding: base64'
  printf '\n'; base64 "$T/reply.gpg"; } >"$DIR/att_only.eml"
# Two encrypted files: which one is the reply?  Neither.
{ headers "Re: [JVNVU#12345678] two files" "att_two@acme.example" \
    'Content-Type: multipart/mixed; boundary="=_two"'
  for f in a b; do
	printf '\n--=_two\nContent-Type: application/octet-stream; name="%s.gpg"\n' $f
	printf 'Content-Transfer-Encoding: base64\n\n'; base64 "$T/reply.gpg"
  done
  printf -- '--=_two--\n'; } >"$DIR/att_two.eml"

# Exchange mangling with the payload as binary OpenPGP (no armor).
gs -u "$VENDOR_FPR" -r "$DESK_FPR" --sign --encrypt -o "$T/c1.gpg" \
    "$T/inner_mixed"
# exchange_bin MAILFILE FILE
exchange_bin() {
	{ headers "Re: [JVNVU#12345678] exchange binary" "$1@acme.example" \
	    'Content-Type: multipart/mixed; boundary="_000_bin_"'
	  printf '\n--_000_bin_\nContent-Type: text/plain; charset="us-ascii"\n\n\n'
	  printf -- '--_000_bin_\nContent-Type: application/pgp-encrypted\n'
	  printf 'Content-Disposition: attachment\n\nVersion: 1\n\n'
	  printf -- '--_000_bin_\nContent-Type: application/octet-stream; name="encrypted.asc"\n'
	  printf 'Content-Disposition: attachment; filename="encrypted.asc"\n'
	  printf 'Content-Transfer-Encoding: base64\n\n'
	  base64 "$2"
	  printf -- '--_000_bin_--\n'; } >"$DIR/$1.eml"
}
exchange_bin exch_bin "$T/c1.gpg"
gs -u "$VENDOR_FPR" -r "$OTHER_FPR" --sign --encrypt -o "$T/c1_oth.gpg" \
    "$T/inner_mixed"
exchange_bin exch_bin_other "$T/c1_oth.gpg"
# Not OpenPGP at all in the octet-stream: not Exchange, plain.
exchange_bin exch_bin_junk "$BIN"

# PGP/MIME wrapped by a mailing list: the list adds a clear footer.
FOOTER='_______________________________________________
psirt mailing list -- https://lists.acme.example/psirt'
# listwrap MAILFILE ARMOR
listwrap() {
	{ headers "Re: [JVNVU#12345678] via the list" "$1@acme.example" \
	    'List-Id: ACME PSIRT <psirt.lists.acme.example>
Precedence: list
Content-Type: multipart/mixed; boundary="===============list=="'
	  printf '\n--===============list==\n'
	  wrap_encrypted "$2"
	  printf '\n--===============list==\nContent-Type: text/plain; charset="us-ascii"\n'
	  printf 'Content-Disposition: inline\n\n%s\n' "$FOOTER"
	  printf -- '--===============list==--\n'; } >"$DIR/$1.eml"
}
listwrap list_wrapped "$T/c1.asc"
listwrap list_other "$T/oth.asc"

# A single HTML part with a name, as some clients send their body.
{ headers "html named" "htmlname@acme.example" \
    'Content-Type: text/html; charset=utf-8; name="message.html"
Content-Disposition: inline; filename="message.html"'
  printf '\n<html><body><p>Status: affected</p></body></html>\n'; } \
    >"$DIR/html_named.eml"

# Passphrase-encrypted (gpg --symmetric): PGP/MIME and inline.
{ headers "symmetric" "sym@acme.example"; wrap_encrypted "$T/sym.asc"; } \
    >"$DIR/sym_pgpmime.eml"
{ headers "symmetric inline" "syminline@acme.example" \
    "Content-Type: text/plain; charset=us-ascii"
  printf '\n'; cat "$T/sym.asc"; } >"$DIR/sym_inline.eml"

# S/MIME, made by openssl when it is here, else shaped by hand.
smime_fixtures() {
	command -v openssl >/dev/null || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	    -subj '/CN=psirt@acme.example' -keyout "$T/sm.key" \
	    -out "$T/sm.crt" >/dev/null 2>&1 || return 1
	printf 'Content-Type: text/plain\n\n' >"$T/sm.txt"
	cat "$T/reply.txt" >>"$T/sm.txt"
	openssl smime -encrypt -aes256 -in "$T/sm.txt" \
	    -from psirt@acme.example -to vultures@cert.example \
	    -subject "Re: [JVNVU#12345678] smime" "$T/sm.crt" \
	    >"$T/sm_enc" 2>/dev/null || return 1
	openssl smime -sign -signer "$T/sm.crt" -inkey "$T/sm.key" \
	    -in "$T/sm.txt" -from psirt@acme.example \
	    -to vultures@cert.example -subject "Re: [JVNVU#12345678] smime signed" \
	    >"$T/sm_sig" 2>/dev/null || return 1
	{ printf 'Message-ID: <smime@acme.example>\n'; cat "$T/sm_enc"; } \
	    >"$DIR/smime_enc.eml"
	{ printf 'Message-ID: <smimesig@acme.example>\n'; cat "$T/sm_sig"; } \
	    >"$DIR/smime_signed.eml"
}
if ! smime_fixtures; then
	{ headers "Re: [JVNVU#12345678] smime" "smime@acme.example" \
	    'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"
Content-Disposition: attachment; filename="smime.p7m"
Content-Transfer-Encoding: base64'
	  printf '\n'; head -c 600 /dev/urandom | base64; } >"$DIR/smime_enc.eml"
	{ headers "Re: [JVNVU#12345678] smime signed" "smimesig@acme.example" \
	    'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="sm"'
	  printf '\n--sm\nContent-Type: text/plain\n\n'; cat "$T/reply.txt"
	  printf '\n--sm\nContent-Type: application/pkcs7-signature; name="smime.p7s"\n'
	  printf 'Content-Transfer-Encoding: base64\n\n'
	  head -c 600 /dev/urandom | base64; printf -- '--sm--\n'; } \
	    >"$DIR/smime_signed.eml"
fi

# A clear mail that quotes an encrypted one (our notice, as the vendor's
# client showed it): Outlook's header block, and "On ... wrote:".
{ headers "RE: [JVNVU#12345678] notice" "quoted@acme.example" \
    "Content-Type: text/plain; charset=us-ascii"
  printf '\nWe cannot read this, please send it again.\n\n'
  printf -- '-----Original Message-----\nFrom: Vulture Desk <vultures@cert.example>\n'
  printf 'Sent: Tuesday, December 1, 2026 9:00 AM\nTo: ACME PSIRT\n'
  printf 'Subject: [JVNVU#12345678] notice\n\n'
  cat "$T/oth.asc"; } >"$DIR/quoted_outlook.eml"
{ headers "Re: [JVNVU#12345678] notice" "quotedgm@acme.example" \
    "Content-Type: text/html; charset=utf-8"
  printf '\n<div>What is this?</div><div class="gmail_quote">'
  printf '<div>On Tue, Dec 1, 2026 at 9:00 AM Vulture Desk &lt;vultures@cert.example&gt; wrote:<br></div>'
  printf '<blockquote>'; sed 's/$/<br>/' "$T/oth.asc"
  printf '</blockquote></div>\n'; } >"$DIR/quoted_gmail.eml"
# Not a quote: the reply itself below a '>'-marked quote (bottom-posting).
{ headers "Re: [JVNVU#12345678] bottom" "bottom@acme.example" \
    "Content-Type: text/plain; charset=us-ascii"
  printf '\nOn Tue, Dec 1, 2026 Vulture Desk wrote:\n> Please answer.\n\n'
  cat "$T/inline.asc"; } >"$DIR/bottom_posted.eml"

# A real client: NeoMutt cannot sign or encrypt in batch mode, so it is
# driven through tmux on a private socket.  Combined sign+encrypt with a
# protected Subject.  Optional: the test skips it when this fails.
neomutt_fixture() {
	command -v neomutt >/dev/null && command -v tmux >/dev/null ||
	    return 1
	NM=$T/nm
	mkdir -p "$NM"
	# NeoMutt wants valid recipient keys: certify the desk key.
	gs -u "$VENDOR_FPR" --quick-lsign-key "$DESK_FPR" >/dev/null
	printf '#!/bin/sh\ncat >"%s/out.tmp" && mv "%s/out.tmp" "%s/out.eml"\n' \
	    "$NM" "$NM" "$NM" >"$NM/sendmail"
	chmod +x "$NM/sendmail"
	cat >"$NM/rc" <<RC
set crypt_use_gpgme=yes
set crypt_autosign=yes
set crypt_autoencrypt=yes
set crypt_protected_headers_write=yes
set pgp_sign_as=$VENDOR_FPR
set pgp_self_encrypt=no
set sendmail="$NM/sendmail"
set editor=true
set record=""
set postpone=no
set charset=utf-8
set send_charset=utf-8
set use_from=yes
set folder=$NM
set spoolfile=$NM/none
set abort_unmodified=no
set text_flowed=yes
RC
	{ printf 'From: ACME PSIRT <psirt@acme.example>\n'
	  printf 'To: vultures@cert.example\n'
	  printf 'Subject: Re: [JVNVU#12345678] from neomutt\n'
	  printf 'Content-Type: text/plain; charset=utf-8; format=flowed\n\n'
	  # format=flowed, as Thunderbird sends by default: the Comment is
	  # one long line broken after a space (a soft break).
	  printf 'Case: JVNVU#12345678\nStatus: affected\nComment: %s \nsee our advisory.\n' "$JA"
	} >"$NM/draft"
	sock=vdec$$
	tmux -L "$sock" new-session -d -s nm -x 160 -y 40 \
	    "env HOME=$NM LANG=C.UTF-8 GNUPGHOME=$SND neomutt -n -F $NM/rc -H $NM/draft"
	# Answer the To and Subject prompts, then send from the compose
	# menu; 15 s at most.
	i=0; step=0
	while [ $i -lt 150 ] && [ ! -s "$NM/out.eml" ]; do
		scr=$(tmux -L "$sock" capture-pane -p -t nm 2>/dev/null) || break
		case $step:$scr in
		0:*"To: "*) tmux -L "$sock" send-keys -t nm Enter; step=1 ;;
		1:*"Subject: "*) tmux -L "$sock" send-keys -t nm Enter; step=2 ;;
		2:*":Send"*) tmux -L "$sock" send-keys -t nm y; step=3 ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	tmux -L "$sock" kill-server 2>/dev/null || :
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
	[ -s "$NM/out.eml" ] || return 1
	cp "$NM/out.eml" "$DIR/neomutt.eml"
}
if [ "${VDEC_NO_NEOMUTT:-}" = "" ]; then
	neomutt_fixture || echo "mkfixtures: neomutt fixture not made" >&2
fi

rm -rf "$T"
