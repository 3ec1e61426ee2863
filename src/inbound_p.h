/*
 * inbound_p.h: internals shared by the inbound path's files.
 *
 * inbound.c        prepare and commit: applies a decision in one transaction
 * inbound_decide.c decode, read the facts (route_facts.c), route (route.c)
 * inbound_keys.c   registration, invited organisations' keys, key changes
 * inbound_answer.c what the sender and the coordinators are told
 * inbound_raw.c    the messages store (vulture/inbound.h, vulture/msgstore.h)
 */
#ifndef VULTURE_INBOUND_P_H
#define VULTURE_INBOUND_P_H

#include <stdint.h>

#include "vulture/config.h"
#include "vulture/decode.h"
#include "vulture/form.h"
#include "vulture/inbound.h"
#include "vulture/keys.h"
#include "vulture/route.h"

/* A publication date requested without a time of day means this hour. */
#define INBOUND_DEFAULT_HOUR ROUTE_DEFAULT_HOUR

#define QUARANTINE(kind, ...) \
	inbound_decision_new(INBOUND_QUARANTINE, kind, \
	    g_strdup_printf(__VA_ARGS__))

/* The first case id in text in either id format, newly allocated, or
 * NULL (text may be NULL). */
static inline char *
inbound_find_id(const struct vconf *conf, const char *text)
{
	return route_find_id(conf, text);
}

/* inbound_keys.c */
/* route_key_attachment(). */
const struct vdec_attachment *inbound_key_attachment(
    const struct vdec_result *r);
/* Apply d (INBOUND_REGISTER) in the caller's transaction; may turn d into
 * a quarantine. */
int inbound_apply_registration(const struct inbound_env *env,
    struct inbound_decision *d, const struct vdec_result *r, int64_t now,
    char **error_r);
/* The attached key of d, as examined (outside the write transaction). */
struct inbound_key {
	struct vkey_examined ex;	/* ex.clean NULL when refused */
	char *why;			/* owned: why it was refused, or NULL */
};
void inbound_key_free(struct inbound_key **k);
/* The attached key a examined (gpg, a scratch keyring): a new struct
 * inbound_key, with the refusal in why. */
/* A decoded message (NULL: undecodable, for undecodable_why) decided: the
 * facts read, an attached key examined when it can matter, routed. */
int inbound_decide_result(const struct inbound_env *env,
    const struct vdec_result *r, const char *undecodable_why, int64_t now,
    struct inbound_decision **d_r, char **error_r);
struct inbound_key *inbound_examine_attached(const struct inbound_env *env,
    const struct vdec_attachment *a);
/* Imports the key of registration d into the desk's keyring, from its
 * examination in d->key (or examined now when there is none): 0, or -1
 * with *why_r. info as vkeys_import. */
int inbound_import_key(const struct inbound_env *env,
    const struct inbound_decision *d, const struct vdec_result *r,
    struct vkey_info *info, char **why_r);
/* Examines the key of a key change d (before the transaction): d->key
 * gets the examination or the refusal. */
void inbound_examine_key_change(const struct inbound_env *env,
    const struct vdec_result *r, struct inbound_decision *d);
/* Apply d (INBOUND_REGISTER, kind "key-change") likewise; d->key must
 * hold its examination (no gpg runs in the transaction). */
int inbound_apply_key_change(const struct inbound_env *env,
    struct inbound_decision *d, const struct vdec_result *r, int64_t now,
    char **error_r);

/* inbound_ack.c */
/* Adds to vars what the acknowledgement shows of f (foreign), in lang:
 * "published" and "kept" (aa{sv} of label, value) with "has_published"
 * and "has_kept", "overridden" (line, label, text) and "has_overridden",
 * and "notes" (as): what applying it added to changes (foreign, the
 * decision's). Dates are shown as read in tz. */
void inbound_ack_vars(GVariantDict *vars, const struct form *f,
    const GPtrArray *changes, const char *lang, GTimeZone *tz);
/* Adds "problems" (line, text, message, accepted) and "has_problems":
 * the lines of f (foreign, may be NULL) to correct. */
void inbound_ack_problems(GVariantDict *vars, const struct form *f,
    const char *lang);

/* inbound_answer.c */
/* Queues text (foreign) to the coordinator that signed r, encrypted to
 * its own key. */
int inbound_send_transcript(const struct inbound_env *env,
    const struct vdec_result *r, const char *text, unsigned errors,
    int64_t now, char **error_r);
/* Queues what the sender of message row and the coordinators are told
 * of d, in the caller's transaction. */
int inbound_answer(const struct inbound_env *env,
    const struct inbound_decision *d, const struct vdec_result *r,
    int64_t row, int64_t now, char **error_r);

#endif
