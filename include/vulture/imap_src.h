/* IMAP intake: one blocking session through libetpan, for a worker thread
 * (no event loop here). Every call may block up to timeout_s per network
 * step, except the wait for IDLE news, which is the caller's.
 *
 * Call imap_src_init() once from main() before starting threads: libetpan
 * writes with send() without MSG_NOSIGNAL, so SIGPIPE must be ignored.
 *
 * Errors: every int function returns 0 on success and
 *   IMAP_SRC_RETRY (-1): the connection failed, broke or timed out, or the
 *     server is temporarily unavailable. The session is unusable: close it
 *     and connect again later.
 *   IMAP_SRC_CONFIG (-2): retrying as is cannot help: login refused,
 *     certificate refused, STARTTLS not offered, mailbox missing, or the
 *     server said NO to a command. From imap_src_connect() there is no
 *     session; from the others the session is still usable.
 * with *error_r newly allocated (g_free): one line, never a password or a
 * message body. */
#ifndef VULTURE_IMAP_SRC_H
#define VULTURE_IMAP_SRC_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "vulture/config.h"
#include "vulture/spill.h"
#include "vulture/tlscheck.h"

#define IMAP_SRC_RETRY (-1)
#define IMAP_SRC_CONFIG (-2)

struct imap_src;	/* one session */

struct imap_src_params {
	const char *host;		/* foreign */
	int port;
	enum vconf_tls tls;		/* STARTTLS/TLS: verified, never
					 * falls back to cleartext */
	const char *user;		/* foreign */
	const char *password;		/* foreign */
	struct tlscheck_policy tlsp;	/* tlsp.host NULL: host */
	const char *mailbox;		/* foreign: selected, e.g. "INBOX" */
	const char *processed_mailbox;	/* foreign, may be NULL */
	const char *quarantine_mailbox;	/* foreign, may be NULL */
	int timeout_s;			/* per step; <= 0: 60 */
	const char *spill_dir;		/* foreign, may be NULL: where a
					 * message past IMAP_SRC_PIECE goes
					 * while it is fetched */
};

struct imap_msg {
	uint32_t uid;
	GBytes *data;		/* owned: the raw message, CRLF; NULL when
				   spill holds it */
	struct spill *spill;	/* owned: a message past IMAP_SRC_PIECE */
};

/* Ignores SIGPIPE for the process (idempotent). */
void
imap_src_init(void);

/* Connects, TLS (then tlscheck), LOGIN, CAPABILITY, creates the processed
 * and quarantine mailboxes if missing, SELECTs mailbox. The params strings
 * are copied. On success *s_r is a new session (imap_src_close()). */
int
imap_src_connect(const struct imap_src_params *p, struct imap_src **s_r,
    char **error_r);

/* UIDVALIDITY of the selected mailbox, as SELECT reported it. If it
 * differs from the one stored, forget every stored UID. */
uint32_t
imap_src_uidvalidity(struct imap_src *s);

/* 1 if the server offers IDLE / MOVE (after login), else 0. */
int
imap_src_has_idle(struct imap_src *s);
int
imap_src_has_move(struct imap_src *s);

/* Frees a struct imap_msg (for g_ptr_array_new_with_free_func). */
void
imap_msg_free(gpointer m);

/* Bytes of message bodies fetched at once (at least one message). */
#define IMAP_SRC_BATCH_BYTES (16u * 1024 * 1024)
/* A message larger than this is fetched alone, in pieces of this size,
 * into a spill: memory stays bounded whatever the message size. */
#define IMAP_SRC_PIECE (1024u * 1024)

/* Fetches, in UID order, up to max messages with UID > after_uid (not
 * marking them \Seen), and no more than IMAP_SRC_BATCH_BYTES unless the
 * first alone is larger. Messages whose RFC822.SIZE exceeds max_size are not
 * downloaded: their UIDs go to *too_big_uids_r instead, so that the caller
 * can quarantine them. Every UID in (after_uid, largest UID returned] is in
 * exactly one of the two lists (unless it was expunged meanwhile), so the
 * largest returned UID is where the next call starts.
 * *msgs_r: new GPtrArray of struct imap_msg * (frees them);
 * *too_big_uids_r: new GArray of uint32_t. Both empty when nothing is new. */
int
imap_src_fetch_new(struct imap_src *s, uint32_t after_uid, size_t max_size,
    unsigned max, GPtrArray **msgs_r, GArray **too_big_uids_r,
    char **error_r);

/* Moves message uid to mailbox: UID MOVE where offered, else UID COPY,
 * UID STORE +FLAGS.SILENT (\Deleted) and UID EXPUNGE (UIDPLUS) or, without
 * UIDPLUS, EXPUNGE (which also expunges anything else marked \Deleted in
 * the mailbox). Moving a UID that no longer exists succeeds. */
int
imap_src_move(struct imap_src *s, uint32_t uid, const char *mailbox,
    char **error_r);
/* The same for n UIDs in one command (UIDs that no longer exist are
 * skipped by the server). */
int
imap_src_move_uids(struct imap_src *s, const uint32_t *uids, unsigned n,
    const char *mailbox, char **error_r);

/* IDLE. imap_src_idle_start() enters IDLE and gives the socket to wait on
 * for readability; it returns 1 instead of 0 when the server's news is
 * already buffered (the socket may never become readable for it): then
 * call imap_src_idle_done() at once. imap_src_idle_done() leaves IDLE and
 * reads what came; *changed_r is 1 if new messages were announced
 * (EXISTS/RECENT), so that imap_src_fetch_new() has work. It is a hint:
 * libetpan drops untagged responses a server sends before its "+"
 * continuation (Dovecot sends its news after it), so fetch anyway now and
 * then. Leave IDLE and
 * start again before 29 minutes (RFC 2177). No other call is allowed
 * between the two. */
int
imap_src_idle_start(struct imap_src *s, int *fd_r, char **error_r);
int
imap_src_idle_done(struct imap_src *s, int *changed_r, char **error_r);

/* LOGOUT (best effort), frees, sets *s to NULL. Accepts NULL. */
void
imap_src_close(struct imap_src **s);

#endif
