/*
 * msgstore: the messages store (src/inbound_raw.c), the one module with
 * SQL on inbound messages, their quarantine, the signatures seen
 * (seen_replies, seen_commands) and what an address was answered lately.
 * The raw bytes' functions (inbound_store, inbound_load...) are in
 * inbound.h. Functions return STORE_* codes with a reason in *error_r
 * (newly allocated); callers hold the transaction where one is needed.
 */
#ifndef VULTURE_MSGSTORE_H
#define VULTURE_MSGSTORE_H

#include <glib.h>
#include <stdint.h>

#include "vulture/store.h"

/* The state of message row ("new", "processed", "quarantined",
 * "ignored"): newly allocated in *state_r; STORE_NOTFOUND with no row. */
int msgstore_state(struct store *st, int64_t row, char **state_r,
    char **error_r);

/* What became of a message. */
struct msgstore_outcome {
	const char *state;	/* processed | quarantined | ignored */
	const char *kind, *reason, *case_id, *vendor;	/* may be NULL */
	const char *signer;	/* a verified signer only, or NULL */
	const char *message_id;	/* may be NULL */
};
/* Records o on row if it is still "new"; STORE_TEMP when another process
 * took it first (its commit wins). */
int msgstore_finish(struct store *st, int64_t row,
    const struct msgstore_outcome *o, int64_t now, char **error_r);

/* The rows in state "new", oldest first (a new array of gint64). */
int msgstore_pending(struct store *st, GArray **rows_r, char **error_r);

/* Puts a quarantined row back to "new"; STORE_NOTFOUND when it is not in
 * quarantine. */
int msgstore_requeue(struct store *st, int64_t row, char **error_r);
/* The statements held for pending vendor handle go back to "new" (its
 * approval); *n_r counts them. */
int msgstore_release_held(struct store *st, const char *handle, int *n_r,
    char **error_r);

/* One quarantined message as `quarantine list` shows it; strings owned. */
struct msgstore_quarantined {
	int64_t id, received, size;
	char *kind, *reason, *case_id, *vendor, *signer, *message_id;
};
/* Every quarantined message, oldest first (of struct
 * msgstore_quarantined *, freed with the array). */
int msgstore_quarantine_list(struct store *st, GPtrArray **list_r,
    char **error_r);

/* Signatures seen: (signer, signature time, SHA-256 of the signed data).
 * *seen_r 1 if recorded before. Not known is not "not seen": an error
 * makes the message wait. */
int msgstore_reply_seen(struct store *st, const char *signer,
    int64_t sig_time, const char *hash, int *seen_r, char **error_r);
int msgstore_reply_record(struct store *st, const char *signer,
    int64_t sig_time, const char *hash, int64_t now, char **error_r);
int msgstore_command_seen(struct store *st, const char *signer,
    int64_t sig_time, const char *hash, int *seen_r, char **error_r);
/* outcome: the decision's kind (static or foreign). */
int msgstore_command_record(struct store *st, const char *signer,
    int64_t sig_time, const char *hash, const char *outcome, int64_t now,
    char **error_r);

/* Answers in clear are limited per address: 1 in *yes_r if a generic
 * answer went to address after since (the event log), resp. a request to
 * sign (the outbox). */
int msgstore_generic_answered(struct store *st, const char *address,
    int64_t since, int *yes_r, char **error_r);
int msgstore_sign_requested(struct store *st, const char *address,
    int64_t since, int *yes_r, char **error_r);
/* The vendor handle and pinned key of the contact at address (newly
 * allocated), or STORE_NOTFOUND when no contact there has a pinned key. */
int msgstore_pinned_contact(struct store *st, const char *address,
    char **handle_r, char **fpr_r, char **error_r);

/* ---- For the intake (intake.h): where each row goes on the server, and
 * how far the mailbox was read. */

/* 1 when row is quarantined, else 0 (also when it cannot be read: it
 * then goes to the Processed mailbox, as a processed one). */
int inbound_quarantined(struct store *st, int64_t row);
/* The UIDVALIDITY and the last UID stored of mailbox: 1 found, 0 never
 * read (both 0), -1 on a store error. */
int inbound_imap_state(struct store *st, const char *mailbox,
    uint32_t *uv_r, uint32_t *last_r);
/* Records them. STORE_OK or a store error (*error_r; error_r may be
 * NULL). */
int inbound_set_imap_state(struct store *st, const char *mailbox,
    uint32_t uv, uint32_t last, char **error_r);

#endif
