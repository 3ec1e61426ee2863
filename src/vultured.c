/* vultured: the daemon. One libev loop in the main thread for signals and
 * the scheduler's timer; the IMAP intake and the outbox sender each run in
 * a worker thread with their own database connection and GPGME context,
 * because libetpan and GPGME block: a slow IMAP server or SMTP server never
 * stalls the timers, and neither stalls the other. Threads talk through
 * wake-up pipes; the database is the only shared state. */
#include "config.h"

#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "vulture/case.h"
#include "vulture/config.h"
#include "vulture/decode.h"
#include "vulture/gpgproc.h"
#include "vulture/imap_src.h"
#include "vulture/inbound.h"
#include "vulture/keys.h"
#include "vulture/log.h"
#include "vulture/notice.h"
#include "vulture/outbound.h"
#include "vulture/outbox.h"
#include "vulture/sched.h"
#include "vulture/site.h"
#include "vulture/smtp_out.h"
#include "vulture/store.h"
#include "vulture/vtime.h"
#include "vulture/wake.h"

static void flush_site(struct store *, const struct vconf *);

#define SCHED_INTERVAL 60.0		/* seconds between scheduler passes */
#define INTAKE_BATCH 50			/* messages fetched at once */
#define IDLE_RENEW (29 * 60 * 1000)	/* ms: RFC 2177 says before 30 min */
#define BACKOFF_MAX 300			/* seconds between reconnects */
#define SENDER_POLL 5			/* seconds between outbox looks */
#define RETRY_WAIT 5			/* seconds before stored mail that
					   waits for the database is tried
					   again */

/* Everything one thread needs; each thread has its own. */
struct wenv {
	const struct vconf *conf;	/* foreign: shared, read-only */
	struct store *st;		/* owned */
	struct vkeys *keys;		/* owned */
	struct notices *notices;	/* owned */
	struct outbound out;
};

struct worker {
	const char *name;
	pthread_t thread;
	int wake[2];			/* write a byte to wake it */
	int running;
};

static atomic_int stopping;
static struct vconf *conf;		/* owned by main; swapped on reload */
static struct worker intake = { "intake", 0, { -1, -1 }, 0 };
static struct worker sender = { "sender", 0, { -1, -1 }, 0 };
static struct wenv mainenv;
static const char *pidfile;

static void
wenv_close(struct wenv *w)
{
	notices_free(&w->notices);
	vkeys_close(&w->keys);
	store_close(&w->st);
	memset(&w->out, 0, sizeof(w->out));
}

/* Returns 0, -1, or WENV_TEMP when the database is busy or unwritable
 * for now (a lock held by another process): worth retrying. */
#define WENV_TEMP (-2)

static int
wenv_open(struct wenv *w, const struct vconf *c, char **error_r)
{
	GPtrArray *errs;
	int rc;

	memset(w, 0, sizeof(*w));
	w->conf = c;
	if ((rc = store_open(c->database, 0, &w->st, error_r)) != STORE_OK)
		return rc == STORE_TEMP ? WENV_TEMP : -1;
	if (vkeys_open(c->gnupghome, &w->keys, error_r) == -1)
		goto fail;
	errs = g_ptr_array_new_with_free_func(g_free);
	if (notices_load(c->templates_dir, &w->notices, errs) == -1) {
		*error_r = g_strdup_printf("templates: %s", (char *)
		    errs->pdata[0]);
		g_ptr_array_unref(errs);
		goto fail;
	}
	g_ptr_array_unref(errs);
	if (vkeys_find_desk(w->keys, c->address, c->desk_fingerprint,
	    w->out.desk_fpr, error_r) == -1)
		goto fail;
	w->out.conf = c;
	w->out.st = w->st;
	w->out.ctx = vkeys_ctx(w->keys);
	w->out.keys = vkeys_cache(w->keys);
	w->out.notices = w->notices;
	w->out.actor = "vultured";
	return 0;
fail:
	wenv_close(w);
	return -1;
}

/* The thread that owns w decrypts and signs in gp (foreign, may be NULL:
 * in the thread), through the interface its decode and compose are
 * given (gpgproc_crypto): w->out.crypto, and the inbound_env built from
 * w. gp must outlive w's use of it: helpers are replaced only while no
 * worker runs. */
static void
wenv_use_helper(struct wenv *w, struct gpgproc *gp)
{
	w->out.crypto = gp != NULL ? gpgproc_crypto(gp, vkeys_ctx(w->keys),
	    vkeys_cache(w->keys)) : NULL;
}

static void
wake(struct worker *wk)
{
	char c = 1;

	if (wk->wake[1] != -1)
		(void)!write(wk->wake[1], &c, 1);
}

/* Sleeps up to timeout_ms or until woken (or fd, if >= 0, is readable).
 * Returns 1 if fd became readable, else 0. */
static int
nap(struct worker *wk, int fd, int timeout_ms)
{
	struct pollfd p[2];
	char buf[64];
	int n = 1;

	p[0].fd = wk->wake[0];
	p[0].events = POLLIN;
	if (fd >= 0) {
		p[1].fd = fd;
		p[1].events = POLLIN;
		n = 2;
	}
	if (poll(p, (nfds_t)n, timeout_ms) <= 0)
		return 0;
	if (p[0].revents & POLLIN)
		while (read(wk->wake[0], buf, sizeof(buf)) == sizeof(buf))
			;
	return n == 2 && (p[1].revents & (POLLIN | POLLHUP | POLLERR));
}

/*
 * The decoder: a second thread that prepares the next stored message --
 * reads it, decrypts and verifies it (gpg), decides -- while the intake
 * thread commits the current one, whose answer is signed and encrypted
 * (gpg again) inside the transaction. So both cores work when messages
 * queue. It runs one message ahead at most, with its own database
 * connection and GPGME context, and writes nothing: commits stay in
 * arrival order on the intake thread, so a vendor's later reply wins.
 */
enum { DEC_EMPTY, DEC_PENDING, DEC_BUSY, DEC_DONE };

struct decoder {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running;
	int quit;
	int state;
	int64_t row;			/* DEC_PENDING: to prepare */
	struct inbound_prepared *p;	/* DEC_DONE: the result */
	int rc;
	char *err;
	struct wenv w;
};

static struct decoder decoder;		/* the intake thread's */
/* The gpg helpers of the intake and decoder threads (gpgproc.h): this
 * program (self_exe) run anew; NULL: gpg runs in the thread. */
static struct gpgproc *intake_gpg, *decoder_gpg;
static char *self_exe;
static int log_foreground;

static void *
decoder_main(void *arg)
{
	struct decoder *dc = arg;
	struct inbound_env env = { dc->w.conf, dc->w.st,
	    vkeys_ctx(dc->w.keys), &dc->w.out, NULL, NULL };

	wenv_use_helper(&dc->w, decoder_gpg);
	env.crypto = dc->w.out.crypto;
	pthread_mutex_lock(&dc->mu);
	for (;;) {
		struct inbound_prepared *p = NULL;
		char *err = NULL;
		int64_t row;
		int rc;

		while (!dc->quit && dc->state != DEC_PENDING)
			pthread_cond_wait(&dc->cv, &dc->mu);
		if (dc->quit)
			break;
		dc->state = DEC_BUSY;
		row = dc->row;
		pthread_mutex_unlock(&dc->mu);
		rc = inbound_prepare(&env, row, vtime_now(), &p, &err);
		pthread_mutex_lock(&dc->mu);
		dc->p = p;
		dc->rc = rc;
		dc->err = err;
		dc->state = DEC_DONE;
		pthread_cond_broadcast(&dc->cv);
	}
	pthread_mutex_unlock(&dc->mu);
	return NULL;
}

/* Without a decoder (it could not open the database or GPGME, or
 * vultured --once) messages are processed one after the other. */
static void
decoder_start(struct decoder *dc)
{
	char *err = NULL;
	int rc;

	memset(dc, 0, sizeof(*dc));
	if (wenv_open(&dc->w, conf, &err) != 0) {
		log_warnx("intake: decoder: %s: one message at a time", err);
		g_free(err);
		return;
	}
	pthread_mutex_init(&dc->mu, NULL);
	pthread_cond_init(&dc->cv, NULL);
	if ((rc = pthread_create(&dc->thread, NULL, decoder_main, dc)) == 0)
		(void)pthread_setname_np(dc->thread, "vultured-dec");
	if (rc != 0) {
		log_warnx("intake: decoder: %s: one message at a time",
		    strerror(rc));
		pthread_mutex_destroy(&dc->mu);
		pthread_cond_destroy(&dc->cv);
		wenv_close(&dc->w);
		return;
	}
	dc->running = 1;
}

static void
decoder_stop(struct decoder *dc)
{
	if (!dc->running)
		return;
	pthread_mutex_lock(&dc->mu);
	dc->quit = 1;
	pthread_cond_broadcast(&dc->cv);
	pthread_mutex_unlock(&dc->mu);
	pthread_join(dc->thread, NULL);
	inbound_prepared_free(&dc->p);
	g_free(dc->err);
	pthread_mutex_destroy(&dc->mu);
	pthread_cond_destroy(&dc->cv);
	wenv_close(&dc->w);
	dc->running = 0;
}

static void
decoder_post(struct decoder *dc, int64_t row)
{
	pthread_mutex_lock(&dc->mu);
	dc->row = row;
	dc->state = DEC_PENDING;
	pthread_cond_broadcast(&dc->cv);
	pthread_mutex_unlock(&dc->mu);
}

static int
decoder_take(struct decoder *dc, struct inbound_prepared **p_r,
    char **error_r)
{
	int rc;

	pthread_mutex_lock(&dc->mu);
	while (dc->state != DEC_DONE)
		pthread_cond_wait(&dc->cv, &dc->mu);
	*p_r = dc->p;
	*error_r = dc->err;
	rc = dc->rc;
	dc->p = NULL;
	dc->err = NULL;
	dc->state = DEC_EMPTY;
	pthread_mutex_unlock(&dc->mu);
	return rc;
}

/* Processes stored rows in order, preparing the next while committing
 * one. Sets *waits when one could not be processed now (it stays "new"
 * and is tried again). */
static void
process_rows(struct wenv *w, const int64_t *rows, guint n, int *waits)
{
	struct inbound_env env = { w->conf, w->st, vkeys_ctx(w->keys),
	    &w->out, w->out.crypto, NULL };
	struct decoder *dc = decoder.running && w->st != decoder.w.st ?
	    &decoder : NULL;
	struct inbound_prepared *p = NULL;
	char *err = NULL;
	guint i;
	int rc;

	if (n == 0)
		return;
	rc = inbound_prepare(&env, rows[0], vtime_now(), &p, &err);
	if (dc != NULL && n > 1)
		decoder_post(dc, rows[1]);
	for (i = 0; i < n; i++) {
		struct inbound_decision *d = NULL;

		if (rc == STORE_OK && !atomic_load(&stopping)) {
			rc = inbound_commit(&env, p, vtime_now(), &d, &err);
			if (d != NULL)
				wake(&sender);
			inbound_decision_free(&d);
		}
		if (rc != STORE_OK) {
			log_warnx("intake message %" G_GINT64_FORMAT " waits: "
			    "%s", (gint64)rows[i], err);
			*waits = 1;
		}
		g_free(err);
		err = NULL;
		inbound_prepared_free(&p);
		if (i + 1 == n)
			break;
		if (dc != NULL) {
			/* Taken even when stopping: the decoder is idle
			 * again. */
			rc = decoder_take(dc, &p, &err);
			if (i + 2 < n && !atomic_load(&stopping))
				decoder_post(dc, rows[i + 2]);
		} else if (!atomic_load(&stopping))
			rc = inbound_prepare(&env, rows[i + 1], vtime_now(), &p,
			    &err);
		if (atomic_load(&stopping)) {
			inbound_prepared_free(&p);
			g_free(err);
			break;
		}
	}
	flush_site(w->st, w->conf);
}

/* Every stored message not yet processed (left by deliver, or by a
 * crash). Returns 1 when some still wait (the database busy). */
static int
process_pending(struct wenv *w)
{
	sqlite3_stmt *s = store_stmt(w->st, "SELECT id FROM messages WHERE "
	    "state = 'new' ORDER BY id");
	GArray *rows = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int waits = 0, rc;

	if (s == NULL) {
		g_array_unref(rows);
		return 1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);

		g_array_append_val(rows, id);
	}
	if (rc != SQLITE_DONE) {
		char *err = NULL;

		(void)store_error(w->st, "pending", &err);
		log_warnx("intake: pending messages wait: %s", err);
		g_free(err);
		waits = 1;
	}
	sqlite3_reset(s);
	process_rows(w, (const int64_t *)(void *)rows->data, rows->len,
	    &waits);
	g_array_unref(rows);
	return waits;
}

static int
imap_state(struct store *st, const char *mailbox, uint32_t *uv_r,
    uint32_t *last_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT uidvalidity, last_uid FROM "
	    "imap_state WHERE mailbox = ?");
	int found;

	*uv_r = *last_r = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, mailbox, -1, SQLITE_TRANSIENT);
	found = sqlite3_step(s) == SQLITE_ROW;
	if (found) {
		*uv_r = (uint32_t)sqlite3_column_int64(s, 0);
		*last_r = (uint32_t)sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return found;
}

static int
set_imap_state(struct store *st, const char *mailbox, uint32_t uv,
    uint32_t last)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT INTO imap_state (mailbox, "
	    "uidvalidity, last_uid) VALUES (?1, ?2, ?3) ON CONFLICT(mailbox) "
	    "DO UPDATE SET uidvalidity = ?2, last_uid = ?3");

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, mailbox, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, uv);
	sqlite3_bind_int64(s, 3, last);
	return store_exec_stmt(st, s, "imap state", NULL) == STORE_OK ? 0 : -1;
}

/* Where a stored message goes on the server, from its state. */
static const char *
target_mailbox(struct wenv *w, int64_t row)
{
	sqlite3_stmt *s = store_stmt(w->st, "SELECT state FROM messages WHERE "
	    "id = ?");
	int quarantined = 0;

	if (s != NULL) {
		sqlite3_bind_int64(s, 1, row);
		if (sqlite3_step(s) == SQLITE_ROW)
			quarantined = strcmp((const char *)
			    sqlite3_column_text(s, 0), "quarantined") == 0;
		sqlite3_reset(s);
	}
	return quarantined ? w->conf->imap.quarantine_mailbox :
	    w->conf->imap.processed_mailbox;
}

/* Moves the first rows->len messages of msgs where their stored state
 * says: Quarantine or Processed. */
static int
move_batch(struct wenv *w, struct imap_src *s, GPtrArray *msgs,
    GArray *rows)
{
	GArray *q = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	GArray *p = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	char *err = NULL;
	guint i;
	int rc = 0;

	for (i = 0; i < rows->len; i++) {
		const struct imap_msg *m = msgs->pdata[i];
		const char *to = target_mailbox(w, g_array_index(rows, int64_t,
		    i));

		g_array_append_val(to == w->conf->imap.quarantine_mailbox ?
		    q : p, m->uid);
	}
	if (imap_src_move_uids(s, (const uint32_t *)(void *)p->data, p->len,
	    w->conf->imap.processed_mailbox, &err) != 0 ||
	    imap_src_move_uids(s, (const uint32_t *)(void *)q->data, q->len,
	    w->conf->imap.quarantine_mailbox, &err) != 0) {
		log_warnx("intake: move: %s", err);
		g_free(err);
		rc = -1;
	}
	g_array_unref(q);
	g_array_unref(p);
	return rc;
}

/* One pass over the mailbox: every new message stored, processed and
 * moved. Returns 0; 1 when a message could not be stored or processed
 * for now (the database busy or full): the caller tries again soon
 * rather than waiting in IDLE for the next message; -1 when the session
 * broke (reconnect). */
static int
intake_pass(struct wenv *w, struct imap_src *s)
{
	const struct vconf_imap *ic = &w->conf->imap;
	uint32_t uv = imap_src_uidvalidity(s), old_uv, last;
	char *err = NULL;
	int found = imap_state(w->st, ic->mailbox, &old_uv, &last);
	int waits = 0;

	if (found == 1 && old_uv != uv)
		log_info("intake mailbox=%s uidvalidity %u -> %u: rescanning "
		    "(stored messages are recognised by content)", ic->mailbox,
		    old_uv, uv);
	if (found != 1 || old_uv != uv) {
		last = 0;
		(void)set_imap_state(w->st, ic->mailbox, uv, 0);
	}
	while (!atomic_load(&stopping)) {
		GPtrArray *msgs = NULL;
		GArray *big = NULL, *rows, *dups;
		guint i;

		if (imap_src_fetch_new(s, last, w->conf->max_message_size,
		    INTAKE_BATCH, &msgs, &big, &err) != 0) {
			log_warnx("intake: fetch: %s", err);
			g_free(err);
			return -1;
		}
		if (msgs->len == 0 && big->len == 0) {
			g_ptr_array_unref(msgs);
			g_array_unref(big);
			return waits;
		}
		/* Store the batch, process it (two at a time), then move
		 * each message where its state says. A crash anywhere leaves
		 * stored messages "new" (processed at the next start) and
		 * the rest on the server (fetched again). */
		rows = g_array_new(FALSE, FALSE, sizeof(int64_t));
		dups = g_array_new(FALSE, FALSE, sizeof(int));
		/* The batch in one transaction: one fsync for all of it. */
		if (store_begin(w->st, &err) != STORE_OK) {
			log_warnx("intake: batch not stored: %s", err);
			g_free(err);
			err = NULL;
			waits = 1;
		}
		for (i = 0; store_in_transaction(w->st) && i < msgs->len &&
		    !atomic_load(&stopping); i++) {
			struct imap_msg *m = msgs->pdata[i];
			GMimeStream *spilled = NULL;
			gsize len = 0;
			const char *raw = NULL;
			int64_t row;
			int dup, rc;

			if (m->spill != NULL) {
				len = spill_len(m->spill);
				spilled = spill_stream(m->spill, &err);
				rc = spilled == NULL ? STORE_TEMP :
				    inbound_store_stream(w->st, spilled, "imap",
				    vtime_now(), &row, &dup, &err);
				if (spilled != NULL)
					g_object_unref(spilled);
			} else {
				raw = g_bytes_get_data(m->data, &len);
				rc = inbound_store(w->st, raw, len, "imap",
				    vtime_now(), &row, &dup, &err);
			}
			if (rc != STORE_OK) {
				/* Not stored: it stays on the server and is
				 * fetched again. */
				log_warnx("intake uid=%u not stored: %s", m->uid,
				    err);
				g_free(err);
				err = NULL;
				waits = 1;
				break;
			}
			g_array_append_val(rows, row);
			g_array_append_val(dups, dup);
		}
		if (store_in_transaction(w->st) &&
		    store_commit(w->st, &err) != STORE_OK) {
			/* Nothing of the batch is stored: it stays on the
			 * server and is fetched again. */
			log_warnx("intake: batch not stored: %s", err);
			g_free(err);
			err = NULL;
			waits = 1;
			g_array_set_size(rows, 0);
		}
		for (i = 0; i < rows->len; i++) {
			struct imap_msg *m = msgs->pdata[i];
			gsize len = m->spill != NULL ? spill_len(m->spill) :
			    m->data != NULL ? g_bytes_get_size(m->data) : 0;

			log_info("message %" G_GINT64_FORMAT " stored "
			    "source=imap uid=%u bytes=%zu%s",
			    g_array_index(rows, int64_t, i), m->uid,
			    (size_t)len, g_array_index(dups, int, i) ?
			    " duplicate" : "");
			/* Processing reads it back from the store. */
			if (m->data != NULL)
				g_bytes_unref(m->data);
			m->data = NULL;
			spill_free(&m->spill);
		}
		g_array_unref(dups);
		process_rows(w, (const int64_t *)(void *)rows->data, rows->len,
		    &waits);
		/* One MOVE per target mailbox, then the state once (a
		 * crash between them only means the moved messages are
		 * looked for again, and are gone). */
		if (move_batch(w, s, msgs, rows) != 0) {
			g_array_unref(rows);
			g_ptr_array_unref(msgs);
			g_array_unref(big);
			return -1;
		}
		for (i = 0; i < rows->len; i++) {
			const struct imap_msg *m = msgs->pdata[i];

			if (m->uid > last)
				last = m->uid;
		}
		if (rows->len > 0)
			(void)set_imap_state(w->st, ic->mailbox, uv, last);
		if (rows->len < msgs->len) {
			/* Not stored (or stopping): the rest waits on the
			 * server. */
			g_array_unref(rows);
			g_ptr_array_unref(msgs);
			g_array_unref(big);
			return waits;
		}
		g_array_unref(rows);
		for (i = 0; i < big->len; i++) {
			uint32_t uid = g_array_index(big, uint32_t, i);
			char *detail = g_strdup_printf("imap uid=%u over "
			    "max_message_size: left in %s, not stored", uid,
			    ic->quarantine_mailbox);

			log_warnx("intake uid=%u over max_message_size: moved to "
			    "%s", uid, ic->quarantine_mailbox);
			if (imap_src_move(s, uid, ic->quarantine_mailbox,
			    &err) != 0) {
				log_warnx("intake uid=%u: move: %s", uid, err);
				g_free(err);
				g_free(detail);
				g_ptr_array_unref(msgs);
				g_array_unref(big);
				return -1;
			}
			(void)event_add(w->st, NULL, vtime_now(), "intake",
			    "too-big", detail, NULL, NULL);
			g_free(detail);
			if (uid > last)
				last = uid;
			(void)set_imap_state(w->st, ic->mailbox, uv, last);
		}
		g_ptr_array_unref(msgs);
		g_array_unref(big);
	}
	return waits;
}

static int
imap_open(struct wenv *w, struct imap_src **s_r, char **error_r)
{
	const struct vconf_imap *ic = &w->conf->imap;
	struct imap_src_params p;
	char *password = NULL, *dir;
	int rc;

	if (ic->password_file != NULL &&
	    (password = vconf_read_secret(ic->password_file, error_r)) == NULL)
		return IMAP_SRC_CONFIG;
	memset(&p, 0, sizeof(p));
	p.host = ic->host;
	p.port = ic->port;
	p.tls = ic->tls;
	p.user = ic->user;
	p.password = password ? password : "";
	p.tlsp.host = ic->host;
	p.tlsp.ca_file = ic->ca_file;
	p.tlsp.pin = ic->tls_pin;
	p.mailbox = ic->mailbox;
	p.processed_mailbox = ic->processed_mailbox;
	p.quarantine_mailbox = ic->quarantine_mailbox;
	p.timeout_s = 60;
	dir = inbound_spill_dir(w->conf);
	p.spill_dir = dir;
	rc = imap_src_connect(&p, s_r, error_r);
	g_free(dir);
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		g_free(password);
	}
	return rc;
}

/* A worker's wenv_open: while the database is locked by another process
 * (longer than the busy timeout), try again with a growing pause instead
 * of leaving the daemon without intake or sender. -1 only for a
 * permanent failure or when stopping. */
static int
wenv_open_retry(struct worker *wk, struct wenv *w)
{
	char *err = NULL;
	int backoff = 1, rc;

	while ((rc = wenv_open(w, conf, &err)) == WENV_TEMP &&
	    !atomic_load(&stopping)) {
		log_warnx("%s: %s: retry in %d s", wk->name, err, backoff);
		g_free(err);
		err = NULL;
		nap(wk, -1, backoff * 1000);
		backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
		    backoff * 2;
	}
	if (rc != 0) {
		if (err != NULL)
			log_warnx("%s: %s: stopped", wk->name, err);
		g_free(err);
		return -1;
	}
	return 0;
}

static void *
intake_main(void *arg)
{
	struct wenv w;
	char *err = NULL;
	int backoff = 1;

	(void)arg;
	if (wenv_open_retry(&intake, &w) == -1)
		return NULL;
	wenv_use_helper(&w, intake_gpg);
	decoder_start(&decoder);
	process_pending(&w);
	while (!atomic_load(&stopping)) {
		struct imap_src *s = NULL;

		if (!conf->imap.enabled) {
			nap(&intake, -1, conf->imap.poll_interval * 1000);
			process_pending(&w);
			continue;
		}
		if (imap_open(&w, &s, &err) != 0) {
			log_warnx("intake: %s: retry in %d s", err, backoff);
			g_free(err);
			err = NULL;
			nap(&intake, -1, backoff * 1000);
			backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
			    backoff * 2;
			continue;
		}
		log_info("intake connected host=%s mailbox=%s idle=%d",
		    conf->imap.host, conf->imap.mailbox, imap_src_has_idle(s));
		backoff = 1;
		while (!atomic_load(&stopping)) {
			int fd = -1, changed = 0, r;

			if ((r = intake_pass(&w, s)) < 0)
				break;
			r |= process_pending(&w);
			if (atomic_load(&stopping))
				break;
			if (r > 0) {
				/* Something waits for the database: look
				 * again soon, not at the next new message. */
				nap(&intake, -1, RETRY_WAIT * 1000);
				continue;
			}
			if (!imap_src_has_idle(s)) {
				nap(&intake, -1, conf->imap.poll_interval *
				    1000);
				continue;
			}
			r = imap_src_idle_start(s, &fd, &err);
			if (r < 0) {
				log_warnx("intake: IDLE: %s", err);
				g_free(err);
				err = NULL;
				break;
			}
			if (r == 0)
				nap(&intake, fd, IDLE_RENEW);
			if (imap_src_idle_done(s, &changed, &err) != 0) {
				log_warnx("intake: IDLE: %s", err);
				g_free(err);
				err = NULL;
				break;
			}
		}
		imap_src_close(&s);
	}
	decoder_stop(&decoder);
	wenv_close(&w);
	return NULL;
}

static int64_t
next_due(struct store *st)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT min(next_attempt) FROM outbox "
	    "WHERE state IN ('queued', 'sending')");
	int64_t t = 0;

	if (s != NULL && sqlite3_step(s) == SQLITE_ROW)
		t = sqlite3_column_int64(s, 0);
	if (s != NULL)
		sqlite3_reset(s);
	return t;
}

static void *
sender_main(void *arg)
{
	struct wenv w;
	char *err = NULL;

	(void)arg;
	if (wenv_open_retry(&sender, &w) == -1)
		return NULL;
	while (!atomic_load(&stopping)) {
		struct outbox_stats stats;
		int64_t now = vtime_now(), due;
		/* vulturectl queues mail too, from another process: look
		 * again every few seconds (a cheap indexed query). */
		int wait = SENDER_POLL;

		if (outbox_run(conf, w.st, w.out.ctx, &w.out, now, 0, &stats,
		    &err) != STORE_OK) {
			log_warnx("sender: %s", err);
			g_free(err);
			err = NULL;
		}
		due = next_due(w.st);
		if (due > 0)
			wait = due <= now ? 1 : due - now < SENDER_POLL ?
			    (int)(due - now) : SENDER_POLL;
		nap(&sender, -1, wait * 1000);
	}
	wenv_close(&w);
	return NULL;
}

static int
start_worker(struct worker *wk, void *(*fn)(void *))
{
	sigset_t all, old;
	char tname[16];
	int rc;

	if (pipe2(wk->wake, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe");
	/* Signals belong to the main thread's loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&wk->thread, NULL, fn, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		fatalx("pthread_create: %s", strerror(rc));
	/* For top -H, ps -L and perf: which thread is which. */
	snprintf(tname, sizeof(tname), "vultured-%.6s", wk->name);
	(void)pthread_setname_np(wk->thread, tname);
	wk->running = 1;
	return 0;
}

static void
stop_worker(struct worker *wk)
{
	if (!wk->running)
		return;
	wake(wk);
	pthread_join(wk->thread, NULL);
	close(wk->wake[0]);
	close(wk->wake[1]);
	wk->wake[0] = wk->wake[1] = -1;
	wk->running = 0;
}

static void
start_workers(void)
{
	atomic_store(&stopping, 0);
	start_worker(&intake, intake_main);
	start_worker(&sender, sender_main);
}

static void
stop_workers(void)
{
	atomic_store(&stopping, 1);
	stop_worker(&intake);
	stop_worker(&sender);
}

/* (Re)starts the gpg helpers for conf's GNUPGHOME, while no worker uses
 * them. Without them gpg runs in the threads, as before. */
static void
gpg_helpers(int log_stderr)
{
	char *err = NULL;

	gpgproc_stop(&intake_gpg);
	gpgproc_stop(&decoder_gpg);
	if (self_exe == NULL)
		err = g_strdup("/proc/self/exe: cannot read");
	else if (gpgproc_start(self_exe, conf->gnupghome, "intake gpg helper",
	    log_stderr, &intake_gpg, &err) == 0)
		(void)gpgproc_start(self_exe, conf->gnupghome,
		    "decoder gpg helper", log_stderr, &decoder_gpg, &err);
	if (err != NULL) {
		log_warnx("%s: gpg runs in the threads", err);
		g_free(err);
	}
}

/* The site, after the commits that changed it (site.h); a failure waits
 * for the next pass. */
static void
flush_site(struct store *st, const struct vconf *c)
{
	char *err = NULL;
	int wrote = 0;

	if (site_flush(st, c, &wrote, &err) != STORE_OK) {
		log_warnx("site not written (retried at the next pass): %s",
		    err);
		g_free(err);
	} else if (wrote)
		log_info("site written dir=%s", c->publish_dir);
}

static void
run_scheduler(void)
{
	struct sched_stats stats;
	char *err = NULL;

	if (sched_run(&mainenv.out, vtime_now(), &stats, &err) != STORE_OK) {
		log_warnx("scheduler: %s", err);
		g_free(err);
	}
	flush_site(mainenv.out.st, mainenv.out.conf);
	if (stats.followups + stats.unreachable + stats.reminders + stats.due)
		wake(&sender);
}

static void
sched_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	run_scheduler();
}

/* Loads a configuration and checks everything the daemon needs of it;
 * prints every problem. */
static struct vconf *
load_checked(const char *path, int *temporary_r)
{
	GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
	struct vconf *c = NULL;
	struct wenv probe;
	char *err = NULL;
	guint i;
	int rc = -1;

	*temporary_r = 0;
	if (vconf_load(path, &c, errs, NULL) == 0 &&
	    (rc = wenv_open(&probe, c, &err)) == 0)
		wenv_close(&probe);
	else if (c != NULL) {
		if (rc == WENV_TEMP)
			*temporary_r = 1;
		g_ptr_array_add(errs, err);
		vconf_free(&c);
	}
	for (i = 0; i < errs->len; i++)
		log_warnx("%s", (char *)errs->pdata[i]);
	g_ptr_array_unref(errs);
	return c;
}

static const char *config_path;
static ev_io wakeio;			/* the FIFO deliver writes to */

static void
wake_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	wake_drain(w->fd);
	wake(&intake);
}

/* (Re)opens the wake-up FIFO beside the current database. Without it the
 * daemon still finds what deliver left, at its next look. */
static void
wake_open(struct ev_loop *loop)
{
	char *err = NULL;
	int fd;

	if (ev_is_active(&wakeio)) {
		ev_io_stop(loop, &wakeio);
		close(wakeio.fd);
	}
	if ((fd = wake_listen(conf, &err)) == -1) {
		log_warnx("wake-up FIFO: %s: messages left by deliver wait "
		    "for the next poll", err);
		g_free(err);
		return;
	}
	ev_io_init(&wakeio, wake_cb, fd, EV_READ);
	ev_io_start(loop, &wakeio);
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	if (w->signum == SIGHUP) {
		char *path = vconf_locate(config_path);
		int temp, rc;
		struct vconf *nc = load_checked(path, &temp);

		g_free(path);
		if (nc == NULL) {
			log_warnx("reload refused: the new configuration has "
			    "errors; keeping the old one");
			return;
		}
		/* Workers finish the message in hand, then start again with
		 * the new configuration and templates. */
		stop_workers();
		wenv_close(&mainenv);
		vconf_free(&conf);
		conf = nc;
		gpg_helpers(log_foreground);
		while ((rc = wenv_open(&mainenv, conf, &path)) == WENV_TEMP) {
			log_warnx("reload: %s: retrying", path);
			g_free(path);
			sleep(1);
		}
		if (rc != 0)
			fatalx("reload: %s", path);
		start_workers();
		wake_open(loop);
		log_info("reloaded configuration and templates");
		return;
	}
	log_info("signal %d: stopping", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

static int
run_once(void)
{
	struct outbox_stats ostats;
	char *err = NULL;
	int rc = 0;

	if (conf->imap.enabled) {
		struct imap_src *s = NULL;

		if (imap_open(&mainenv, &s, &err) != 0) {
			log_warnx("intake: %s", err);
			g_free(err);
			err = NULL;
			rc = EX_TEMPFAIL;
		} else {
			if (intake_pass(&mainenv, s) != 0)
				rc = EX_TEMPFAIL;
			imap_src_close(&s);
		}
	}
	process_pending(&mainenv);
	run_scheduler();
	if (outbox_run(conf, mainenv.st, mainenv.out.ctx, &mainenv.out,
	    vtime_now(), 0, &ostats, &err) != STORE_OK) {
		log_warnx("sender: %s", err);
		g_free(err);
		rc = EX_TEMPFAIL;
	}
	if (ostats.deferred > 0)
		rc = EX_TEMPFAIL;
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: vultured [-c FILE] [-f] [-v] [--once] "
	    "[-p PIDFILE]\n");
	exit(EX_USAGE);
}

int
main(int argc, char **argv)
{
	struct ev_loop *loop;
	ev_signal sterm, sint, shup;
	ev_timer sched;
	int foreground = 0, once = 0, verbose = 0, i, rc, temp;
	char *path, *err = NULL;

	if (argc > 1 && strcmp(argv[1], GPGPROC_HELPER_FLAG) == 0)
		return gpgproc_helper_main(argc, argv);
	/* The helpers are this program: found again through the kernel
	 * (the path it was started by may be relative, or replaced). */
	self_exe = g_file_read_link("/proc/self/exe", NULL);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			config_path = argv[++i];
		else if (strcmp(argv[i], "-f") == 0)
			foreground = 1;
		else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "--once") == 0)
			once = 1;
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			pidfile = argv[++i];
		else
			usage();
	}
	log_init("vultured", LOG_TO_STDERR, verbose);
	vdec_init();
	smtp_init();
	imap_src_init();
	path = vconf_locate(config_path);
	conf = load_checked(path, &temp);
	if (conf == NULL) {
		/* A database locked by another process: 75, as for
		 * deliver (cron and systemd try again); a wrong
		 * configuration: 78. */
		log_warnx("%s: not started%s", path, temp ? " (temporary "
		    "failure)" : "");
		g_free(path);
		return temp ? EX_TEMPFAIL : EX_CONFIG;
	}
	g_free(path);
	if ((rc = wenv_open(&mainenv, conf, &err)) != 0) {
		log_warnx("%s", err);
		return rc == WENV_TEMP ? EX_TEMPFAIL : EX_CONFIG;
	}
	if (once) {
		rc = run_once();
		wenv_close(&mainenv);
		vconf_free(&conf);
		return rc;
	}
	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("vultured", LOG_TO_SYSLOG, verbose);
	}
	if (pidfile != NULL) {
		FILE *f = fopen(pidfile, "w");

		if (f == NULL)
			fatal("%s", pidfile);
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	signal(SIGPIPE, SIG_IGN);
	log_foreground = foreground;
	gpg_helpers(foreground);
	/* Not the default loop: it would reap every child on SIGCHLD, and the
	 * sendmail transport waits for its own. */
	loop = ev_loop_new(EVFLAG_AUTO);
	if (loop == NULL)
		fatalx("ev_loop_new");
	ev_signal_init(&sterm, signal_cb, SIGTERM);
	ev_signal_init(&sint, signal_cb, SIGINT);
	ev_signal_init(&shup, signal_cb, SIGHUP);
	ev_signal_start(loop, &sterm);
	ev_signal_start(loop, &sint);
	ev_signal_start(loop, &shup);
	ev_timer_init(&sched, sched_cb, 0.0, SCHED_INTERVAL);
	ev_timer_start(loop, &sched);
	start_workers();
	wake_open(loop);
	log_info("started pid=%ld imap=%s deliver=%s", (long)getpid(),
	    conf->imap.enabled ? conf->imap.host : "off",
	    conf->deliver_mode == VCONF_DELIVER_QUEUE ? "queue" : "process");
	ev_run(loop, 0);
	if (ev_is_active(&wakeio)) {
		ev_io_stop(loop, &wakeio);
		close(wakeio.fd);
	}
	/* SIGTERM: the workers finish the message in hand. */
	stop_workers();
	gpgproc_stop(&intake_gpg);
	gpgproc_stop(&decoder_gpg);
	wenv_close(&mainenv);
	vconf_free(&conf);
	g_free(self_exe);
	if (pidfile != NULL)
		unlink(pidfile);
	log_info("stopped");
	return 0;
}
