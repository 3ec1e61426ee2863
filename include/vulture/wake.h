/* The wake-up FIFO beside the database: vulturectl deliver (and quarantine
 * retry) write a byte to it after committing a "new" message, and vultured,
 * which keeps it open, processes what waits at once instead of at its next
 * poll. Carrying no data, it needs no trust: whoever may write it can only
 * make the daemon look at the database sooner. */
#ifndef VULTURE_WAKE_H
#define VULTURE_WAKE_H

#include "vulture/config.h"

/* "<database>-wake", newly allocated. */
char *wake_path(const struct vconf *conf);

/* For the daemon: creates the FIFO when it is absent (mode 0660 less the
 * umask, like the database beside it) and opens it for reading, non-blocking
 * and close-on-exec; opened read-write so that it never reports end of
 * file when the last writer goes. Returns the descriptor (owned by the
 * caller), or -1 with *error_r set (newly allocated): a path that exists
 * and is not a FIFO is refused, never replaced. */
int wake_listen(const struct vconf *conf, char **error_r);

/* For the daemon: empties the FIFO (the wake-ups are not counted). */
void wake_drain(int fd);

/* For writers: wakes the daemon. Returns 1 when one was listening, 0 when
 * none is (the FIFO absent or without a reader: the message waits for the
 * daemon's start) or it could not be written (permissions), with *why_r
 * (g_free; NULL: not wanted) saying which. Never blocks. */
int wake_daemon(const struct vconf *conf, char **why_r);

#endif
