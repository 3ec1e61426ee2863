/* Inbound mail: store as received, then decide and apply exactly once.
 *
 * inbound_store() writes the raw bytes durably (deduplicated by SHA-256);
 * inbound_process() takes a stored row in state "new", decodes it, decides
 * what it is (a vendor reply to apply, something to quarantine with a
 * reason, an auto-reply to ignore) and applies the decision, the message's
 * new state and the event-log entries in one transaction. A crash before
 * that commit leaves the row "new": it is processed again, never twice.
 * inbound_decide() is the same decision without any change, for
 * `vulturectl inspect`. */
#ifndef VULTURE_INBOUND_H
#define VULTURE_INBOUND_H

#include <glib.h>
#include <gpgme.h>
#include <stdint.h>

#include "vulture/config.h"
#include "vulture/decode.h"
#include "vulture/cmd.h"
#include "vulture/form.h"
#include "vulture/outbound.h"
#include "vulture/route.h"
#include "vulture/spill.h"
#include "vulture/store.h"

struct inbound_key;	/* an attached key as examined (inbound_keys.c) */

struct inbound_env {
	const struct vconf *conf;	/* foreign */
	struct store *st;		/* foreign */
	gpgme_ctx_t ctx;		/* foreign: desk GNUPGHOME */
	/* foreign, may be NULL: answers (acknowledgements, detail on
	 * request, requests to sign, alerts) are queued through it in the
	 * transaction that applies the message. */
	const struct outbound *out;
	/* foreign, may be NULL: how messages are decrypted and verified
	 * (vcrypto.h: the thread's gpg helper); NULL: in-process on ctx
	 * (vdec_gpgme_ops). */
	const struct vcrypto *crypto;
	/* foreign, may be NULL: set by inbound_prepare only to decide a
	 * registration again once its key is imported, which reuses this
	 * examination instead of examining the key once more. */
	const struct inbound_key *key;
};

/* The decision (struct inbound_decision, inbound_action_name(),
 * inbound_decision_free()): route.h. */

/* Cheap test before storing: 1 if raw starts like an RFC 5322 message (a
 * header field or an mbox From_ line), else 0. deliver answers 65 for 0. */
int inbound_looks_like_mail(const char *raw, size_t len);

/* Stores raw as received. Returns STORE_OK with the row id in *row_r and
 * *dup_r = 1 when the same message was stored before (nothing written):
 * the same bytes, reading CRLF as LF and ignoring trailing line ends. */
int inbound_store(struct store *st, const char *raw, size_t len,
    const char *source, int64_t now, int64_t *row_r, int *dup_r,
    char **error_r);
/* The same from raw (foreign, seekable: a spill's stream), read in pieces
 * and written to the store in pieces: never held whole in memory. Both
 * commit, or, inside the caller's transaction, write in a savepoint of
 * their own (undone on failure; the caller's commit makes it durable). */
int inbound_store_stream(struct store *st, GMimeStream *raw,
    const char *source, int64_t now, int64_t *row_r, int *dup_r,
    char **error_r);
/* The stored bytes of row, read in pieces into a new spill in spill_dir
 * (*sp_r, spill_free). STORE_NOTFOUND when there is no such row. */
int inbound_load(struct store *st, int64_t row, const char *spill_dir,
    struct spill **sp_r, char **error_r);
/* Where large plaintext and messages are spilled: the database's
 * directory (newly allocated). */
char *inbound_spill_dir(const struct vconf *conf);

/* Decides about raw without changing anything. *dec_r (may be NULL) gets
 * the decode result, or NULL when the bytes could not be decoded.
 * Returns STORE_OK or a store error. */
int inbound_decide(const struct inbound_env *env, const char *raw,
    size_t len, int64_t now, struct vdec_result **dec_r,
    struct inbound_decision **d_r, char **error_r);
/* The same reading raw (foreign, seekable) in place. STORE_TEMP when
 * decoding could not write its temporary data. */
int inbound_decide_stream(const struct inbound_env *env, GMimeStream *raw,
    int64_t now, struct vdec_result **dec_r, struct inbound_decision **d_r,
    char **error_r);

/* Processes stored row (state "new"; other states are left alone and give
 * STORE_OK with *d_r NULL). */
int inbound_process(const struct inbound_env *env, int64_t row, int64_t now,
    struct inbound_decision **d_r, char **error_r);

/* inbound_process() in two steps, for a pipeline: inbound_prepare() reads
 * and decodes the row and decides (gpg runs; nothing is written), on one
 * thread's env; inbound_commit() applies the decision in one transaction,
 * on another's, and takes the decision into *d_r (NULL when the row was
 * not "new"). Commit in arrival order: a vendor's later reply wins. */
struct inbound_prepared;
int inbound_prepare(const struct inbound_env *env, int64_t row, int64_t now,
    struct inbound_prepared **p_r, char **error_r);
int inbound_commit(const struct inbound_env *env, struct inbound_prepared *p,
    int64_t now, struct inbound_decision **d_r, char **error_r);
void inbound_prepared_free(struct inbound_prepared **p);

/* Processes every "new" row, oldest first; *n_r counts them. Stops at the
 * first store error (the rest stay "new"). */
int inbound_process_pending(const struct inbound_env *env, int64_t now,
    unsigned *n_r, char **error_r);

#endif
