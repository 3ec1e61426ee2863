/* The outbox sender: takes queued rows that are due and hands each to the
 * SMTP server (or the local sendmail). A row is claimed ("sending") before
 * the attempt and marked "sent" after the server accepted it; a crash in
 * between leaves it "sending" until its lease runs out, when it is sent
 * again: at most one duplicate, never a loss. 4xx and connection failures
 * retry with exponential backoff up to OUTBOX_MAX_ATTEMPTS; 5xx fails the
 * row at once. A failed row alerts the coordinators.
 *
 * Right before each attempt the recipient's key (the row's fingerprint)
 * is looked up again in the desk's key ring: a key removed, revoked,
 * expired or disabled since the row was queued, or without a usable
 * encryption subkey (or the one the message was encrypted to), gets
 * nothing. The row ends "failed" with last_error "held: key FPR of
 * ADDRESS ... after the message was queued; nothing was sent", a
 * "delivery-held" event goes on the case, and the coordinators are
 * alerted. */
#ifndef VULTURE_OUTBOX_H
#define VULTURE_OUTBOX_H

#include <gpgme.h>
#include <stdint.h>

#include "vulture/config.h"
#include "vulture/store.h"

#define OUTBOX_MAX_ATTEMPTS 12
#define OUTBOX_BACKOFF_BASE 60		/* seconds after the first failure */
#define OUTBOX_BACKOFF_MAX (4 * 3600)	/* the longest wait */
#define OUTBOX_LEASE 600		/* seconds a "sending" claim lasts */
#define OUTBOX_BATCH 100		/* rows per run */

struct outbox_stats {
	unsigned sent, deferred, failed;
	unsigned held;			/* recipient key no longer usable */
};

/* How the sender tells the coordinators of a failed or held row, in its
 * transaction (outbound_alerter() in outbound.h makes one): the outbox
 * knows nothing of composing mail. */
struct outbox_alerter {
	int (*alert)(void *arg, const char *case_id, const char *title,
	    const char *text, int64_t now, char **error_r);
	void *arg;		/* foreign */
};

/* Sends due rows (every queued row when force). keys: the desk's context
 * (vkeys_ctx), foreign, for the recipient key check; NULL defers every
 * encrypted row. alerts (may be NULL) queues the coordinator alert for a
 * failed or held row. */
int outbox_run(const struct vconf *conf, struct store *st, gpgme_ctx_t keys,
    const struct outbox_alerter *alerts, int64_t now, int force,
    struct outbox_stats *stats, char **error_r);

/* Puts a failed (or queued) row back to be sent at once. Caller holds the
 * transaction. */
int outbox_retry(struct store *st, int64_t id, int64_t now, char **error_r);

/* The wait after attempts failures. */
int64_t outbox_backoff(int attempts);

/* ---- The outbox table: this module is its only reader and writer. */

/* One row as vulturectl outbox list shows it. */
struct outbox_entry {
	int64_t id;
	int64_t created;
	char *case_id;			/* owned, may be NULL */
	char *kind;			/* owned */
	char *recipient;		/* owned */
	char *fingerprint;		/* owned; NULL: sent in clear */
	char *message_id;		/* owned */
	char *state;			/* owned: queued, sending, sent, failed */
	int attempts;
	int64_t next_attempt;
	char *last_error;		/* owned, may be NULL */
	int64_t sent_at;		/* 0: not sent */
	int64_t size;			/* bytes of the body */
};

void outbox_entry_free(gpointer e);

/* Queues body (borrowed) to recipient, due at once. case_id, fpr (NULL:
 * sent in clear) may be NULL, vendor_id 0. Returns STORE_OK or a store
 * error with *error_r (a duplicate message_id is STORE_ERR). Writes in
 * the caller's transaction when there is one. */
int outbox_enqueue(struct store *st, const char *kind, const char *case_id,
    int64_t vendor_id, const char *recipient, const char *fpr,
    const char *message_id, GBytes *body, int64_t now, char **error_r);

/* Every row, oldest first, into *list_r (of struct outbox_entry *,
 * g_ptr_array_unref). */
int outbox_list(struct store *st, GPtrArray **list_r, char **error_r);

/* The stored message id as it goes on the wire, into *body_r
 * (g_bytes_unref); STORE_NOTFOUND when there is no such row. */
int outbox_body(struct store *st, int64_t id, GBytes **body_r,
    char **error_r);

/* When the next queued or sending row is due; 0 when none is (or the
 * database cannot say: the sender looks again soon anyway). */
int64_t outbox_next_due(struct store *st);

#endif
