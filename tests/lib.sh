# Shared helpers for the shell tests. Sourced; sets up a throwaway world:
# $T (directory, short path for gpg-agent), $CONF, $VCTL.
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
VCTL_BIN="$top_builddir/vulturectl"
T=$(mktemp -d /tmp/vt.XXXXXX)
chmod 700 "$T"
CONF="$T/vultured.conf"
export VULTURE_CONFIG="$CONF"
fails=0
passes=0

cleanup() {
	for h in "$T"/gnupg "$T"/keys/*; do
		[ -d "$h" ] && gpgconf --homedir "$h" --kill gpg-agent >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT

write_conf() {
	cat > "$CONF" <<EOC
[general]
address = vultures@cert.example
database = $T/vulture.db
gnupghome = $T/gnupg
templates_dir = $top_srcdir/conf/templates
publish_dir = $T/publish
timezone = Asia/Tokyo
$*
EOC
}

# VCTL_WRAPPER runs vulturectl under valgrind in CI.
vctl() { ${VCTL_WRAPPER:-} "$VCTL_BIN" "$@"; }

ok() { passes=$((passes + 1)); }
bad() { fails=$((fails + 1)); echo "FAIL: $*" >&2; }

# expect STATUS PATTERN -- COMMAND...: runs the command, checks its exit
# status and that stdout+stderr match the extended regex PATTERN.
expect() {
	want=$1 pat=$2
	shift 3
	out=$("$@" 2>&1)
	got=$?
	if [ "$got" != "$want" ]; then
		bad "$*: exit $got, want $want; output: $out"
	elif [ -n "$pat" ] && ! printf '%s\n' "$out" | grep -Eq -- "$pat"; then
		bad "$*: output does not match /$pat/: $out"
	elif printf '%s\n' "$out" | grep -Eq 'AddressSanitizer|runtime error|Segmentation'; then
		bad "$*: sanitizer report: $out"
	else
		ok
	fi
}

# Makes a vendor key (ed25519 + cv25519 unless "signonly") in its own home
# and exports it armored to $T/keys/NAME.asc; prints the fingerprint.
mkkey() {
	name=$1 uid=$2 kind=${3:-full}
	h="$T/keys/$name"
	mkdir -p "$h" && chmod 700 "$h"
	gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' \
	    --quick-gen-key "$uid" ed25519 sign,cert never >/dev/null 2>&1
	fpr=$(gpg --homedir "$h" --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
	if [ "$kind" = full ]; then
		gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' \
		    --quick-add-key "$fpr" cv25519 encr never >/dev/null 2>&1
	fi
	gpg --homedir "$h" --armor --export "$fpr" > "$T/keys/$name.asc" 2>/dev/null
	echo "$fpr"
}

finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" = 0 ]
}
