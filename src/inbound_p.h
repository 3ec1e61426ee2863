/*
 * inbound_p.h: internals shared by the inbound path's files.
 *
 * inbound.c        prepare and commit: applies a decision in one transaction
 * inbound_decide.c the routing decisions (reads the database, changes nothing)
 * inbound_keys.c   registration, invited organisations' keys, key changes
 * inbound_answer.c what the sender and the coordinators are told
 * inbound_raw.c    the raw store (its functions are in vulture/inbound.h)
 */
#ifndef VULTURE_INBOUND_P_H
#define VULTURE_INBOUND_P_H

#include <stdint.h>

#include "vulture/config.h"
#include "vulture/decode.h"
#include "vulture/inbound.h"
#include "vulture/keys.h"

/* A publication date requested without a time of day means this hour. */
#define INBOUND_DEFAULT_HOUR 11

/* inbound.c. A new decision: kind static, reason owned by it (taken);
 * free with inbound_decision_free(). */
struct inbound_decision *inbound_decision_new(enum inbound_action a,
    const char *kind, char *reason);
#define QUARANTINE(kind, ...) \
	inbound_decision_new(INBOUND_QUARANTINE, kind, \
	    g_strdup_printf(__VA_ARGS__))

/* inbound_decide.c */
/* The first case id in text in either id format, newly allocated, or
 * NULL (text may be NULL). */
char *inbound_find_id(const struct vconf *conf, const char *text);
/* 1 if fpr is one of the [coordinators] keys. */
int inbound_is_coordinator(const struct vconf *conf, const char *fpr);
/* 1 if r (may be NULL) has a good, dated signature by a coordinator. */
int inbound_coordinator_signed(const struct inbound_env *env,
    const struct vdec_result *r);
/* NULL when r may be applied to the participant (case_id, vendor_id),
 * else why not (newly allocated) with *kind_r (static) "stale" or
 * "duplicate"; *rc_r STORE_ERR when the database could not tell. */
char *inbound_reply_order(const struct inbound_env *env,
    const struct vdec_result *r, const char *case_id, int64_t vendor_id,
    const char **kind_r, int *rc_r);
/* 1 if r's signed block was seen before, 0 if not, -1 on a database
 * error. */
int inbound_command_seen(const struct inbound_env *env,
    const struct vdec_result *r);

/* inbound_keys.c */
/* The one application/pgp-keys attachment of r (foreign: r's), or NULL
 * when there is none or more than one. */
const struct vdec_attachment *inbound_key_attachment(
    const struct vdec_result *r);
/* A registration request: *d_r a new INBOUND_REGISTER decision or a
 * quarantine, or NULL when r is not one. */
int inbound_decide_registration(const struct inbound_env *env,
    const struct vdec_result *r, struct inbound_decision **d_r,
    char **error_r);
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
