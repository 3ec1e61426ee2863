/*
 * route_facts: reads from the store what route() (route.h) may look at for
 * one decoded message, before it is routed: the signer's vendor and
 * contact as pinned, the cases the message names and the signer's part in
 * them, the open cases (leak checks), the message of ours it answers, the
 * signatures seen. Reads only; the attached key of a registration request
 * is examined by the caller (gpg), not here.
 */
#ifndef VULTURE_ROUTE_FACTS_H
#define VULTURE_ROUTE_FACTS_H

#include "vulture/config.h"
#include "vulture/decode.h"
#include "vulture/route.h"
#include "vulture/store.h"

/* Fills f (route_facts_init()ed by the caller with conf and the time) for
 * r. Returns STORE_OK, or a store error with *error_r: then route() must
 * not run (what the store could not tell is not "no"). */
int route_facts_read(struct store *st, const struct vdec_result *r,
    struct route_facts *f, char **error_r);

#endif
