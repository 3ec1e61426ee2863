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
skips=0

# The gpg-agents started for homes below $T (the desk's, the vendors', the
# attack keys'...): found by their --homedir, wherever the test put them.
t_agents() {
	ps -eo pid=,args= 2>/dev/null | awk -v t="$T" '
	    $2 ~ /(^|\/)gpg-agent$/ {
		for (i = 3; i < NF; i++)
			if ($i == "--homedir" && (($(i + 1)) == t || index($(i + 1), t "/") == 1))
				print $1, $(i + 1)
	    }'
}
# Runs on every exit, also after a failure or a signal (INT, TERM, HUP
# exit through it): stops the servers, vultured and the gpg-agents this
# test started and removes $T (KEEP_T=1 keeps it).
cleanup() {
	stop_smtp 2>/dev/null || true
	stop_dovecot 2>/dev/null || true
	if [ -n "${VULTURED_PID:-}" ]; then
		kill -9 "$VULTURED_PID" 2>/dev/null
		wait "$VULTURED_PID" 2>/dev/null
	fi
	[ -n "${LOCK_PID:-}" ] && kill "$LOCK_PID" 2>/dev/null
	t_agents | while read -r pid home; do
		gpgconf --homedir "$home" --kill gpg-agent >/dev/null 2>&1 ||
		    kill "$pid" 2>/dev/null
	done
	# gpgconf --kill asks; an agent still there a moment later is ended.
	if [ -n "$(t_agents)" ]; then
		sleep 0.2
		t_agents | while read -r pid home; do kill "$pid" 2>/dev/null; done
	fi
	if [ -n "${KEEP_T:-}" ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
# A signal ends the test through exit, so that the EXIT trap runs (dash
# does not run it when a signal kills the shell).
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

write_conf() {
	cat > "$CONF" <<EOC
[general]
address = vultures@cert.example
database = $T/vulture.db
gnupghome = $T/gnupg
templates_dir = ${TEMPLATES:-$top_srcdir/conf/templates}
publish_dir = $T/publish
timezone = Asia/Tokyo
$*
EOC
}

# VCTL_WRAPPER runs vulturectl under valgrind in CI.
vctl() { ${VCTL_WRAPPER:-} "$VCTL_BIN" "$@"; }

ok() { passes=$((passes + 1)); }
bad() { fails=$((fails + 1)); echo "FAIL: $*" >&2; }
# A check that could not run here: counted and shown, never a pass.
skip() { skips=$((skips + 1)); echo "SKIP: $*" >&2; }

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
mkkey() {	# name uid [full|signonly] [extra gpg options]
	name=$1 uid=$2 kind=${3:-full} extra=${4:-}
	h="$T/keys/$name"
	mkdir -p "$h" && chmod 700 "$h"
	gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' $extra \
	    --quick-gen-key "$uid" ed25519 sign,cert never >/dev/null 2>&1
	fpr=$(gpg --homedir "$h" --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
	if [ "$kind" = full ]; then
		gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' $extra \
		    --quick-add-key "$fpr" cv25519 encr never >/dev/null 2>&1
	fi
	gpg --homedir "$h" --armor --export "$fpr" > "$T/keys/$name.asc" 2>/dev/null
	echo "$fpr"
}

# lacks PATTERN WHAT -- COMMAND...: the command succeeds and its output
# (stdout+stderr) does not match the extended regex PATTERN. A command
# that fails or crashes is a failure, not a pass by absence.
lacks() {
	pat=$1 what=$2
	shift 3
	out=$("$@" 2>&1)
	got=$?
	if [ "$got" != 0 ]; then
		bad "$what: $* exited $got: $out"
	elif printf '%s\n' "$out" | grep -Eq -- "$pat"; then
		bad "$what: $out"
	else
		ok
	fi
}

finish() {
	if [ "$skips" != 0 ]; then
		echo "$passes passed, $fails failed, $skips skipped"
	else
		echo "$passes passed, $fails failed"
	fi
	[ "$fails" = 0 ]
}

# A free TCP port on 127.0.0.1.
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts aiosmtpd on a free port delivering into the Maildir $1; sets
# SMTP_PORT and SMTP_PID. Waits until it answers.
start_smtp() {
	SMTP_PORT=$(free_port)
	mkdir -p "$1/tmp" "$1/new" "$1/cur"
	/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" \
	    -c aiosmtpd.handlers.Mailbox "$1" >"$T/smtp.log" 2>&1 &
	SMTP_PID=$!
	for i in $(seq 50); do
		/usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 1).close()" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "aiosmtpd did not start" >&2
	return 1
}
stop_smtp() {
	[ -n "${SMTP_PID:-}" ] && kill "$SMTP_PID" 2>/dev/null && wait "$SMTP_PID" 2>/dev/null
	SMTP_PID=
}

# Decrypts a received message (file) with the key ring $2; prints the
# plaintext to stdout and the gpg status lines to $3.
decrypt_mail() {
	/usr/bin/python3 - "$1" <<'PY' | gpg --homedir "$2" --batch --status-fd 3 --decrypt 3>"$3" 2>/dev/null
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for p in m.walk():
    if p.get_content_type() == "application/octet-stream":
        sys.stdout.buffer.write(p.get_payload(decode=True))
        break
PY
}

# Starts a private Dovecot on free loopback ports (plain and implicit TLS,
# with a test CA in $T/dovecot); user t01, password "secret". Sets
# IMAP_PORT, IMAPS_PORT, DOVECOT_PID.
start_dovecot() {
	D="$T/dovecot"
	# The mail user (nobody) must reach its home below $T.
	chmod 711 "$T"
	mkdir -p "$D"
	sh "$top_srcdir/tests/servers.sh" certs "$D" >/dev/null 2>&1
	IMAP_PORT=${IMAP_PORT:-$(free_port)}
	IMAPS_PORT=${IMAPS_PORT:-$(free_port)}
	sh "$top_srcdir/tests/servers.sh" dovecot-conf "$D" "$IMAP_PORT" "$IMAPS_PORT"
	dovecot -c "$D/dovecot.conf" -F >"$D/stdout.log" 2>&1 &
	DOVECOT_PID=$!
	for i in $(seq 100); do
		/usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $IMAP_PORT), 1).close()" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "dovecot did not start: $(cat "$D/dovecot.log" "$D/stdout.log" 2>/dev/null)" >&2
	return 1
}
stop_dovecot() {
	# Its imap processes outlive the master: end them too, as a server
	# restart or crash does to the clients' connections.
	[ -n "${DOVECOT_PID:-}" ] && pkill -TERM -P "$DOVECOT_PID" 2>/dev/null
	[ -n "${DOVECOT_PID:-}" ] && kill "$DOVECOT_PID" 2>/dev/null && wait "$DOVECOT_PID" 2>/dev/null
	DOVECOT_PID=
}
imap() { /usr/bin/python3 "$top_srcdir/tests/imaptool.py" "$IMAP_PORT" t01 secret "$@"; }
