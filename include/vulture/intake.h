/* Intake: the messages in the store processed in arrival order, and the
 * IMAP mailbox brought into the store. One pass over the mailbox fetches
 * the new messages in batches, stores each batch in one transaction,
 * processes it (inbound.h) and moves every message to the Processed or
 * Quarantine mailbox as its stored state says; the last UID seen is kept
 * per mailbox (inbound.h, inbound_imap_state), so a restart fetches only
 * what is new. A crash anywhere leaves stored messages "new" (processed
 * at the next pass) and the rest on the server (fetched again).
 *
 * The threads, the event loop and the wake-ups are vultured's: this
 * module blocks (IMAP, gpg) and is run by the intake thread, or by
 * vultured --once. While one message commits, a decoder (a thread of
 * its own, with its own connection) may prepare the next one. */
#ifndef VULTURE_INTAKE_H
#define VULTURE_INTAKE_H

#include <stdatomic.h>
#include <stdint.h>

#include "vulture/config.h"
#include "vulture/imap_src.h"
#include "vulture/inbound.h"
#include "vulture/store.h"

#define INTAKE_BATCH 50			/* messages fetched at once */

struct intake_decoder;

/* What one intake run works with; every pointer is foreign. */
struct intake {
	struct inbound_env in;		/* the calling thread's: conf, store,
					 * GPGME context, outbound, crypto */
	atomic_int *stopping;		/* may be NULL: when set, the run ends
					 * after the message in hand */
	/* May be NULL: called after a message was committed (it may
	 * have queued mail: vultured wakes the sender). */
	void (*committed)(void *arg);
	void *arg;
	struct intake_decoder *decoder;	/* may be NULL: one at a time */
};

/* Processes the stored rows (of n) in order, preparing the next on the
 * decoder while committing one, then writes the site if a commit marked
 * it (intake_flush_site). Returns 1 when a row could not be processed for
 * now (it stays "new" and is tried again), else 0. */
int intake_process_rows(const struct intake *ik, const int64_t *rows,
    unsigned n);

/* Every stored message not yet processed (left by deliver, or by a
 * crash), oldest first. Returns 1 when some still wait (the database
 * busy), else 0. */
int intake_process_pending(const struct intake *ik);

/* One pass over the mailbox of s: every new message stored, processed
 * and moved. Returns 0; 1 when a message could not be stored or
 * processed for now (the database busy or full): the caller tries again
 * soon rather than waiting in IDLE; -1 when the session broke
 * (reconnect). */
int intake_pass(const struct intake *ik, struct imap_src *s);

/* Connects to the configured IMAP server and selects the mailbox (the
 * password read from its file and wiped after). Returns imap_src_connect's
 * codes, IMAP_SRC_CONFIG when the password file cannot be read. */
int intake_imap_open(const struct vconf *conf, struct imap_src **s_r,
    char **error_r);

/* Writes the site when commits marked it (site.h); a failure is logged
 * and waits for the next pass. Also run after the scheduler's pass. */
void intake_flush_site(struct store *st, const struct vconf *conf);

/* Starts a decoder thread that prepares rows on env (copied; what it
 * points to is foreign and must outlive the decoder: its own store
 * connection and GPGME context, never the intake thread's). Returns 0,
 * or -1 with *error_r (g_free): then rows go one at a time. */
int intake_decoder_start(const struct inbound_env *env,
    struct intake_decoder **dc_r, char **error_r);
/* Stops and joins the decoder; NULL is fine. Sets *dc to NULL. */
void intake_decoder_stop(struct intake_decoder **dc);

#endif
