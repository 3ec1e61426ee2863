/* imap_src internals the tests reach. */
#ifndef VULTURE_IMAP_SRC_P_H
#define VULTURE_IMAP_SRC_P_H

#include "vulture/imap_src.h"

/* Pretends the server lacks MOVE and/or UIDPLUS, to exercise the
 * COPY + STORE + EXPUNGE fallbacks against a server that has both. */
void
imap_src_test_drop_caps(struct imap_src *s, int no_move, int no_uidplus);

/* Bytes of message bodies downloaded by this session so far. */
size_t
imap_src_test_body_bytes(struct imap_src *s);

#endif
