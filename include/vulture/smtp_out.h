/* Sending one message: SMTP through libetpan, or a sendmail pipe.
 *
 * Call smtp_init() once from main() before starting threads: libetpan
 * writes with send() without MSG_NOSIGNAL, so SIGPIPE must be ignored or a
 * server hanging up mid-DATA kills the process. The sendmail pipe needs the
 * same. smtp_send() blocks (up to timeout_s per network step): run it in a
 * worker thread. Nothing here logs message bodies or passwords. */
#ifndef VULTURE_SMTP_OUT_H
#define VULTURE_SMTP_OUT_H

#include <stddef.h>

#include "vulture/config.h"
#include "vulture/tlscheck.h"

struct smtp_target {
	const char *host;		/* foreign */
	int port;
	enum vconf_tls tls;		/* STARTTLS/TLS: verified, never
					 * falls back to cleartext */
	const char *user, *password;	/* foreign, may be NULL: no AUTH */
	struct tlscheck_policy tlsp;	/* tlsp.host NULL: host */
	const char *helo_name;		/* foreign; NULL: gethostname() */
	int timeout_s;			/* per step; <= 0: 60 */
};

enum smtp_result {
	SMTP_SENT = 0,
	SMTP_TEMPFAIL = 1,	/* 4xx, no connection, timeout: retry */
	SMTP_PERMFAIL = 2	/* 5xx to MAIL, RCPT or DATA: do not retry */
};

/* Ignores SIGPIPE for the process (idempotent). */
void
smtp_init(void);

/* "SENT", "TEMPFAIL", "PERMFAIL" for logs. */
const char *
smtp_result_name(enum smtp_result r);

/* Sends data (len bytes, a CRLF message; a final CRLF is kept as is, bare
 * LF and CR become CRLF, dots are stuffed) from mail_from (may be "" for
 * the null sender) to rcpts (NULL-terminated, at least one).
 *
 * Returns SMTP_SENT only if every recipient got the message. Otherwise the
 * message went to none or some of them: *rcpt_codes_r (if not NULL; newly
 * allocated g_new array, one per recipient) says which. Each code is the
 * server's reply to that RCPT, replaced for accepted recipients by the
 * final reply to DATA (or the reply to MAIL FROM, for everyone, if that
 * failed), 0 where the connection broke before a reply: the recipient got
 * the message if and only if its code is 2xx. The overall class is
 * SMTP_TEMPFAIL if any failure was 4xx or a broken connection, else
 * SMTP_PERMFAIL; retry only the recipients without 2xx.
 *
 * Failures before MAIL FROM (no connection, greeting or EHLO refused, TLS
 * certificate refused, STARTTLS not offered, AUTH refused) are about the
 * setup, not the message: they are SMTP_TEMPFAIL whatever the code, so the
 * message stays queued while the operator fixes things; the text says
 * what. Invalid addresses (CR, LF, <, >, too long) are SMTP_PERMFAIL.
 * AUTH is only sent over TLS, or with tls = VCONF_TLS_NONE (the operator's
 * explicit choice).
 *
 * *error_r (if not NULL) is set on failure to a newly allocated (g_free)
 * line with the step and the server's reply text, and left NULL on
 * SMTP_SENT. */
enum smtp_result
smtp_send(const struct smtp_target *t, const char *mail_from,
    const char *const *rcpts, const void *data, size_t len,
    int **rcpt_codes_r, char **error_r);

/* transport = sendmail: runs sendmail_path -i -f FROM -- RCPT... with the
 * message on standard input, CRLF line ends turned into LF (the local
 * convention). Exit 0: SMTP_SENT; EX_TEMPFAIL (75), death by a signal or
 * failure to run it: SMTP_TEMPFAIL; any other exit: SMTP_PERMFAIL.
 * *error_r as for smtp_send(), with the first line sendmail wrote to
 * standard error. */
enum smtp_result
smtp_sendmail(const char *sendmail_path, const char *mail_from,
    const char *const *rcpts, const void *data, size_t len,
    char **error_r);

#endif
