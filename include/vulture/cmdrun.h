/* Runs a coordinator's command block, all or nothing: the parse errors, or
 * the first failed guard, mean nothing runs (the transaction is rolled
 * back); otherwise every command runs in one transaction, with one event
 * per command. The transcript echoes each command and says OK or ERROR. */
#ifndef VULTURE_CMDRUN_H
#define VULTURE_CMDRUN_H

#include <glib.h>
#include <stdint.h>

#include "vulture/cmd.h"
#include "vulture/outbound.h"

/* 1 if s is a case id of either configured format. */
int cmdrun_is_case_id(const char *s, void *conf);

/* Runs block b. attachments (of struct vdec_attachment *, foreign, may be
 * NULL) are the mail's: the key of "vendor key", the parts named summary
 * and detail of "case open", and the rest joining the detail. Appends the
 * transcript to out and sets *errors_r. The caller holds the transaction;
 * the block runs in a savepoint inside it, undone when a command fails
 * (the caller may still record the attempt and answer). Returns STORE_OK
 * when the block was dealt with (even refused: then *errors_r > 0), or a
 * store error when nothing could be decided (retry later). */
int cmdrun_block(const struct outbound *o, const struct cmd_block *b,
    GPtrArray *attachments, int64_t now, GString *out, unsigned *errors_r,
    char **error_r);

#endif
