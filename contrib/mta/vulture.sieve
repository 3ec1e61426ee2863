# Dovecot Pigeonhole sieve: pipe desk mail to vulture and keep a copy only
# when that fails. Needs sieve_extensions = +vnd.dovecot.pipe and
# sieve_pipe_bin_dir containing the vulture-deliver wrapper (below).
# A failing pipe (exit 75): with ":try" the script goes on and the
# implicit keep stands, so the message stays in INBOX where vultured's
# IMAP intake (if enabled) or an operator picks it up: nothing is lost.
require ["vnd.dovecot.pipe"];
if address :is "to" "vultures@cert.example" {
	pipe :try "vulture-deliver";
	stop;
}
