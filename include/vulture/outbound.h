/* Outbound notices: rendered, signed by the desk key, encrypted to the
 * recipient's pinned key and the desk key, and stored in the outbox (as
 * ciphertext only) in the caller's transaction, so the change that caused a
 * message and the message commit together. A recipient without a usable
 * key gets nothing: the event is recorded and the coordinators alerted.
 * The only clear-text mail is the registration request to a vendor with no
 * key, which names the case id and nothing else (signed, not encrypted). */
#ifndef VULTURE_OUTBOUND_H
#define VULTURE_OUTBOUND_H

#include <glib.h>
#include <gpgme.h>
#include <stdint.h>

#include "vulture/config.h"
#include "vulture/notice.h"
#include "vulture/outbox.h"
#include "vulture/store.h"
#include "vulture/vendor.h"

struct vcrypto;
struct vkeys_cache;

struct outbound {
	const struct vconf *conf;	/* foreign */
	struct store *st;		/* foreign */
	gpgme_ctx_t ctx;		/* foreign: desk GNUPGHOME */
	struct vkeys_cache *keys;	/* foreign, may be NULL: ctx's key
					 * cache (vkeys_cache) */
	/* foreign, may be NULL: where messages are signed and encrypted
	 * (compose_msg.crypto: the thread's gpg helper); NULL: on ctx. */
	const struct vcrypto *crypto;
	const struct notices *notices;	/* foreign */
	char desk_fpr[41];
	const char *actor;		/* foreign: for event entries */
	const char *cause;		/* foreign: Message-ID causing, or NULL */
};

struct outbound_attachment {
	char *filename;			/* owned */
	char *content_type;		/* owned */
	GBytes *data;			/* owned (ref) */
};

void outbound_attachment_free(gpointer a);

/* Queues notice kind about case_id (may be NULL) to every contact of v
 * with a pinned key; vars (a{sv}, borrowed) gives the template's
 * variables, "vendor" and "recipient" are added. attachments (of struct
 * outbound_attachment *, borrowed) may be NULL. *queued_r counts the
 * messages queued (0 when no contact had a usable key: then the event and
 * the alert are queued instead). Caller holds the transaction. */
int outbound_to_vendor(const struct outbound *o, const char *kind,
    const char *case_id, const struct vendor *v, GVariant *vars,
    GPtrArray *attachments, const char *in_reply_to, int auto_replied,
    int64_t now, int *queued_r, char **error_r);

/* Queues kind to one address, encrypted to fpr (NULL: no key, refused). */
int outbound_to_address(const struct outbound *o, const char *kind,
    const char *case_id, int64_t vendor_id, const char *address,
    const char *name, const char *fpr, const char *lang, GVariant *vars,
    GPtrArray *attachments, const char *in_reply_to, int auto_replied,
    int64_t now, int *queued_r, char **error_r);

/* The registration request: signed, not encrypted, case id only. */
int outbound_registration_request(const struct outbound *o,
    const char *case_id, const struct vendor *v, int64_t now,
    char **error_r);

/* A notice in clear, signed: for those with no key yet, so it must carry
 * nothing but the case id (registration request, share invitation). */
int outbound_clear(const struct outbound *o, const char *kind,
    const char *case_id, int64_t vendor_id, const char *address,
    const char *lang, GVariant *vars, int64_t now, char **error_r);

/* The publication announcement to announce_address: signed, not
 * encrypted (the case is public by then). */
int outbound_announce(const struct outbound *o, const char *case_id,
    const char *subject, const char *body, int64_t now, char **error_r);

/* A coordinator alert to every configured coordinator (address from the
 * key's user id). Never fails for a coordinator without a usable key: a
 * "no-usable-key" event (on case_id) records the alert that could not be
 * queued. Queued alerts are checked again when sent (outbox.h). */
int outbound_alert(const struct outbound *o, const char *case_id,
    const char *title, const char *text, int64_t now, char **error_r);
/* outbound_alert() on o (foreign, outliving the result) for the outbox
 * sender. */
struct outbox_alerter outbound_alerter(const struct outbound *o);

/* The first user id address of the key fpr (a coordinator's), newly
 * allocated, or NULL. */
char *outbound_key_address(gpgme_ctx_t ctx, const char *fpr);

/* Builds the common template variables of a case ("case": id, title,
 * summary, detail, publication...). Returns a floating a{sv}-building dict
 * as a new GVariantDict (g_variant_dict_unref), or NULL if no case. */
GVariantDict *outbound_case_vars(const struct outbound *o,
    const char *case_id, char **error_r);

/* Loads the case's attachments for a detail disclosure. */
int outbound_case_attachments(const struct outbound *o, const char *case_id,
    GPtrArray **list_r, char **error_r);

#endif
