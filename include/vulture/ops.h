/* Case operations with the process rules enforced, shared by vulturectl
 * and coordinator mail. Each runs inside the caller's transaction, writes
 * its events, queues its mail through the outbound module, appends one
 * line of result to out, and returns STORE_OK, or an error with *error_r:
 * a failed guard is STORE_ERR, and the caller then rolls back everything,
 * so nothing of a refused command happens. */
#ifndef VULTURE_OPS_H
#define VULTURE_OPS_H

#include <glib.h>
#include <stdint.h>

#include "vulture/outbound.h"

/* Summary notice to the named vendors (registration request to those not
 * registered). An individual-registered vendor gets no pre-publication
 * information of a multi-vendor case unless force. */
int ops_notify_vendors(const struct outbound *o, const char *case_id,
    GPtrArray *handles, int force, int64_t now, GString *out,
    char **error_r);
/* The same for every vendor with one of keywords; individual-registered
 * vendors are skipped (and listed) unless force. */
int ops_notify_keywords(const struct outbound *o, const char *case_id,
    GPtrArray *keywords, int force, int64_t now, GString *out,
    char **error_r);
/* The detail (text and attachments) to a vendor that asked for it. */
int ops_disclose(const struct outbound *o, const char *case_id,
    const char *handle, int64_t now, GString *out, char **error_r);
/* Moves the publication date and tells every participant. */
int ops_date(const struct outbound *o, const char *case_id, int64_t when,
    const char *reason, int64_t now, GString *out, char **error_r);

/* Opens a case (publication 0: the default embargo) with attachments
 * (of struct outbound_attachment *, may be NULL); *id_r newly allocated. */
int ops_case_open(const struct outbound *o, const char *title,
    const char *summary, const char *detail, const char *reporter,
    int single_vendor, int64_t publication, GPtrArray *attachments,
    int64_t now, GString *out, char **id_r, char **error_r);
/* field: "summary" or "detail"; attachments join the case. */
int ops_case_text(const struct outbound *o, const char *case_id,
    const char *field, const char *text, GPtrArray *attachments,
    int64_t now, GString *out, char **error_r);
/* A coordinator's override of a participant's status (and comment). */
int ops_case_status(const struct outbound *o, const char *case_id,
    const char *handle, const char *status, const char *comment,
    int64_t now, GString *out, char **error_r);
int ops_case_unreachable(const struct outbound *o, const char *case_id,
    const char *handle, int64_t now, GString *out, char **error_r);
/* Records a leak and tells every participant at once, proposing the
 * earlier date (0: none). */
int ops_case_leak(const struct outbound *o, const char *case_id,
    const char *reason, int64_t proposed, int64_t now, GString *out,
    char **error_r);

/* A text of the public advisory: overview, affected, description,
 * impact, solution, addendum, credits or references. */
int ops_case_advisory(const struct outbound *o, const char *case_id,
    const char *field, const char *text, int64_t now, GString *out,
    char **error_r);

/* Publishes: the case becomes public, every participant is told, the
 * signed announcement is queued and the site written. Without
 * publish_now, only once the publication time has come. */
int ops_case_publish(const struct outbound *o, const char *case_id,
    int publish_now, int64_t now, GString *out, char **error_r);
/* After publication a change re-renders the site (a no-op before). */
int ops_site_refresh(const struct outbound *o, const char *case_id,
    char **error_r);

/* The early notice (summary and countermeasures) to the registered early
 * recipients (registration "early") of the given sectors. */
int ops_case_early(const struct outbound *o, const char *case_id,
    GPtrArray *sectors, int64_t now, GString *out, char **error_r);

/* Approves a vendor's Share-With request N: the organisation is invited
 * (in clear, case id only) to write in with its key; when it does, it is
 * registered for the case and receives the detail (inbound). */
int ops_share_approve(const struct outbound *o, const char *case_id,
    unsigned number, int64_t now, GString *out, char **error_r);

/* The vendor registry (o->st, o->ctx, o->actor, o->cause are used). */
int ops_vendor_add(const struct outbound *o, const char *handle,
    const char *name, const char *registration, int unregistered,
    const char *lang, const char *address, const char *contact_name,
    const char *phone, const char *keywords, int64_t now, GString *out,
    char **error_r);
int ops_vendor_contact(const struct outbound *o, const char *handle,
    const char *address, const char *name, const char *phone, int64_t now,
    GString *out, char **error_r);
/* Checks (one usable key, not expired or revoked...), imports and pins. */
int ops_vendor_key(const struct outbound *o, const char *handle,
    const void *data, size_t len, const char *contact, int64_t now,
    GString *out, char **error_r);
int ops_vendor_keywords(const struct outbound *o, const char *handle,
    const char *list, int64_t now, GString *out, char **error_r);
int ops_vendor_lang(const struct outbound *o, const char *handle,
    const char *lang, int64_t now, GString *out, char **error_r);
/* approve: to registered (needs a pinned key); else suspend. */
int ops_vendor_state(const struct outbound *o, const char *handle,
    int approve, int64_t now, GString *out, char **error_r);

/* Keys by mail (ops_keys.c; vulture(7)): a key that arrives by mail is a
 * proposal, pinned only by a person. */
/* vendor key HANDLE confirm FPR: pins a proposed key to the contact at the
 * address it came from (added if new). The vendor's state is unchanged. */
int ops_vendor_key_confirm(const struct outbound *o, const char *handle,
    const char *fpr, int64_t now, GString *out, char **error_r);
/* case ID share confirm N FPR: the coordinator confirms the invited
 * organisation's key (before it arrives, too); registers it and sends
 * the detail. */
int ops_share_confirm(const struct outbound *o, const char *case_id,
    unsigned number, const char *fpr, int64_t now, GString *out,
    char **error_r);
/* Registers invited organisation rel with its proposed key. */
int ops_share_register(const struct outbound *o, int64_t rel, int64_t now,
    GString *out, char **error_r);
/* Share-Key: FPR in a signed reply of the inviting vendor. */
int ops_share_vouch(const struct outbound *o, const char *case_id,
    int64_t vendor_id, const char *fpr, int64_t now, GString *out,
    char **error_r);

#endif
