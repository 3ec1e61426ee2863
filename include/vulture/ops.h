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

#endif
