#!/bin/sh
# mkattack.sh DIR: keys that attack a desk's key ring, made with real gpg
# (2.2.40) in a throwaway home DIR/g (DIR: a short path, mode 700), for
# tests/check_keys.c. Writes binary key blocks and DIR/env (fingerprints,
# shell syntax):
#
#   victim.gpg    ed25519 + cv25519 (a coordinator's or a vendor's key)
#   rvictim.gpg   RSA-2048 + cv25519
#   auth.gpg      another key carrying victim's primary as an auth subkey
#   encr.gpg      another key carrying rvictim's primary as an encryption
#                 subkey (RSA can encrypt; no back-signature is needed)
#   sign.gpg      another key carrying victim's primary as a signing subkey,
#                 its back-signature stripped (tests/strip-backsig.py)
#   nobacksig.gpg a key whose own signing subkey lost its back-signature
#   backsig.gpg   the same key intact
#   weak.gpg      RSA-1024 primary; weaksub.gpg: an RSA-1024 encryption subkey
#
# gpg adds an existing key as a subkey only by keygrip in --expert
# --edit-key addkey, with the victim's secret key in the same home (the
# attacker, who has only the public key, writes the packets himself); the
# subkey's creation time, part of the fingerprint, is the time gpg runs:
# --faked-system-time 'T!' sets it to the victim's. The attacking keys are
# made earlier (2024) so that the binding signature is younger than them.
# With an empty passphrase gpg refuses addkey of an existing key ("No
# passphrase given"): these keys use the passphrase x.
#
# The caller ends the agent: gpgconf --homedir DIR/g --kill gpg-agent.
set -eu

DIR=${1:?usage: mkattack.sh DIR}
H=$DIR/g
mkdir -p "$H"
chmod 700 "$H"
# The agent calibrates the passphrase hashing to the load: 5 s per key on a
# busy test machine. These keys guard nothing.
echo 's2k-count 65536' >"$H/gpg-agent.conf"
STRIP="${top_srcdir:-$(dirname "$0")/..}/tests/strip-backsig.py"

G() { gpg --homedir "$H" --batch --quiet --no-tty --yes \
    --trust-model always --pinentry-mode loopback --passphrase x "$@"; }
fpr_of() { gpg --homedir "$H" --batch --with-colons --list-keys "=$1" |
    awk -F: '/^fpr/ { print $10; exit }'; }
field_of() {	# uid colons-field (of the primary)
	gpg --homedir "$H" --batch --with-colons --with-keygrip \
	    --list-keys "=$1" | awk -F: -v f="$2" '
	    f == "grp" && /^grp/ { print $10; exit }
	    f == "created" && /^pub/ { print $6; exit }'
}
newkey() {	# uid algo [faked time]
	if [ $# -ge 3 ]; then
		G --faked-system-time "$3" --quick-gen-key "$1" "$2" \
		    sign,cert never
	else
		G --quick-gen-key "$1" "$2" sign,cert never
	fi
	f=$(fpr_of "$1")
	G --quick-add-key "$f" cv25519 encr never
	echo "$f"
}
# plant EVIL_FPR VICTIM_UID TOGGLES: adds the victim's primary key to EVIL
# as a subkey; TOGGLES flips capabilities from gpg's default for the
# algorithm (ed25519: sign; RSA: sign+encrypt).
plant() {
	grip=$(field_of "$2" grp)
	t=$(field_of "$2" created)
	printf 'addkey\n13\n%s\n%bQ\n0\nsave\n' "$grip" "$3" |
	    gpg --homedir "$H" --batch --no-tty --expert --pinentry-mode \
	    loopback --passphrase x --faked-system-time "$t!" \
	    --command-fd 0 --edit-key "$1" >/dev/null 2>&1
}
export_key() { gpg --homedir "$H" --batch --export "=$1" >"$DIR/$2"; }

V=$(newkey 'Victim <victim@cert.example>' ed25519)
RV=$(newkey 'Rsa Victim <rvictim@cert.example>' rsa2048)
AUTH=$(newkey 'Auth Plant <auth@evil.example>' ed25519 20240101T000000)
ENCR=$(newkey 'Encr Plant <encr@evil.example>' ed25519 20240101T000000)
SIGN=$(newkey 'Sign Plant <sign@evil.example>' ed25519 20240101T000000)
NOBS=$(newkey 'No Backsig <nobs@evil.example>' ed25519)
WEAK=$(newkey 'Weak <weak@evil.example>' rsa1024)
WSUB=$(newkey 'Weak Sub <wsub@evil.example>' ed25519)
G --quick-add-key "$NOBS" ed25519 sign never
G --quick-add-key "$WSUB" rsa1024 encr never
plant "$AUTH" 'Victim <victim@cert.example>' 'S\nA\n'
plant "$ENCR" 'Rsa Victim <rvictim@cert.example>' 'S\n'
plant "$SIGN" 'Victim <victim@cert.example>' ''

export_key 'Victim <victim@cert.example>' victim.gpg
export_key 'Rsa Victim <rvictim@cert.example>' rvictim.gpg
export_key 'Auth Plant <auth@evil.example>' auth.gpg
export_key 'Encr Plant <encr@evil.example>' encr.gpg
export_key 'Sign Plant <sign@evil.example>' sign.tmp
python3 "$STRIP" <"$DIR/sign.tmp" >"$DIR/sign.gpg"
export_key 'No Backsig <nobs@evil.example>' backsig.gpg
python3 "$STRIP" <"$DIR/backsig.gpg" >"$DIR/nobacksig.gpg"
export_key 'Weak <weak@evil.example>' weak.gpg
export_key 'Weak Sub <wsub@evil.example>' weaksub.gpg
rm -f "$DIR/sign.tmp"

# Each plant must hold the victim's fingerprint as a subkey, else the test
# would prove nothing.
for p in "auth $V" "encr $RV" "sign $V"; do
	set -- $p
	gpg --homedir "$H" --batch --with-colons --show-keys "$DIR/$1.gpg" |
	    awk -F: -v v="$2" '/^sub/ { s = 1 } /^fpr/ && s && $10 == v { n++ }
	    END { exit n == 1 ? 0 : 1 }' ||
	    { echo "mkattack: $1.gpg lacks subkey $2" >&2; exit 1; }
done

cat >"$DIR/env" <<EOF
VICTIM=$V
RVICTIM=$RV
AUTH=$AUTH
ENCR=$ENCR
SIGN=$SIGN
NOBS=$NOBS
WEAK=$WEAK
WSUB=$WSUB
EOF
