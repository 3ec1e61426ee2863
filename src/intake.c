/* Intake: stored messages processed in arrival order, and the IMAP
 * mailbox brought into the store (intake.h). */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "vulture/case.h"
#include "vulture/intake.h"
#include "vulture/msgstore.h"
#include "vulture/log.h"
#include "vulture/site.h"
#include "vulture/spill.h"
#include "vulture/vtime.h"

static int
stopping(const struct intake *ik)
{
	return ik->stopping != NULL && atomic_load(ik->stopping);
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

struct intake_decoder {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int quit;
	int state;
	int64_t row;			/* DEC_PENDING: to prepare */
	struct inbound_prepared *p;	/* DEC_DONE: the result */
	int rc;
	char *err;
	struct inbound_env env;		/* its pointers foreign */
};

static void *
decoder_main(void *arg)
{
	struct intake_decoder *dc = arg;

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
		rc = inbound_prepare(&dc->env, row, vtime_now(), &p, &err);
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

int
intake_decoder_start(const struct inbound_env *env,
    struct intake_decoder **dc_r, char **error_r)
{
	struct intake_decoder *dc = g_new0(struct intake_decoder, 1);
	int rc;

	*dc_r = NULL;
	dc->env = *env;
	pthread_mutex_init(&dc->mu, NULL);
	pthread_cond_init(&dc->cv, NULL);
	if ((rc = pthread_create(&dc->thread, NULL, decoder_main, dc)) != 0) {
		*error_r = g_strdup(strerror(rc));
		pthread_mutex_destroy(&dc->mu);
		pthread_cond_destroy(&dc->cv);
		g_free(dc);
		return -1;
	}
	/* For top -H, ps -L and perf. */
	(void)pthread_setname_np(dc->thread, "vultured-dec");
	*dc_r = dc;
	return 0;
}

void
intake_decoder_stop(struct intake_decoder **dcp)
{
	struct intake_decoder *dc = *dcp;

	if (dc == NULL)
		return;
	*dcp = NULL;
	pthread_mutex_lock(&dc->mu);
	dc->quit = 1;
	pthread_cond_broadcast(&dc->cv);
	pthread_mutex_unlock(&dc->mu);
	pthread_join(dc->thread, NULL);
	inbound_prepared_free(&dc->p);
	g_free(dc->err);
	pthread_mutex_destroy(&dc->mu);
	pthread_cond_destroy(&dc->cv);
	g_free(dc);
}

static void
decoder_post(struct intake_decoder *dc, int64_t row)
{
	pthread_mutex_lock(&dc->mu);
	dc->row = row;
	dc->state = DEC_PENDING;
	pthread_cond_broadcast(&dc->cv);
	pthread_mutex_unlock(&dc->mu);
}

static int
decoder_take(struct intake_decoder *dc, struct inbound_prepared **p_r,
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

void
intake_flush_site(struct store *st, const struct vconf *c)
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

int
intake_process_rows(const struct intake *ik, const int64_t *rows,
    unsigned n)
{
	const struct inbound_env *env = &ik->in;
	/* Never on the connection the decoder itself uses. */
	struct intake_decoder *dc = ik->decoder != NULL &&
	    ik->in.st != ik->decoder->env.st ? ik->decoder : NULL;
	struct inbound_prepared *p = NULL;
	char *err = NULL;
	unsigned i;
	int rc, waits = 0;

	if (n == 0)
		return 0;
	rc = inbound_prepare(env, rows[0], vtime_now(), &p, &err);
	if (dc != NULL && n > 1)
		decoder_post(dc, rows[1]);
	for (i = 0; i < n; i++) {
		struct inbound_decision *d = NULL;

		if (rc == STORE_OK && !stopping(ik)) {
			rc = inbound_commit(env, p, vtime_now(), &d, &err);
			if (d != NULL && ik->committed != NULL)
				ik->committed(ik->arg);
			inbound_decision_free(&d);
		}
		if (rc != STORE_OK) {
			log_warnx("intake message %" G_GINT64_FORMAT " waits: "
			    "%s", (gint64)rows[i], err);
			waits = 1;
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
			if (i + 2 < n && !stopping(ik))
				decoder_post(dc, rows[i + 2]);
		} else if (!stopping(ik))
			rc = inbound_prepare(env, rows[i + 1], vtime_now(), &p,
			    &err);
		if (stopping(ik)) {
			inbound_prepared_free(&p);
			g_free(err);
			break;
		}
	}
	intake_flush_site(env->st, env->conf);
	return waits;
}

int
intake_process_pending(const struct intake *ik)
{
	GArray *rows = NULL;
	char *err = NULL;
	int waits = 0;

	if (msgstore_pending(ik->in.st, &rows, &err) != STORE_OK) {
		log_warnx("intake: pending messages wait: %s", err);
		g_free(err);
		return 1;
	}
	waits = intake_process_rows(ik, (const int64_t *)(void *)rows->data,
	    rows->len);
	g_array_unref(rows);
	return waits;
}

/* Moves the first rows->len messages of msgs where their stored state
 * says: Quarantine or Processed. */
static int
move_batch(const struct intake *ik, struct imap_src *s, GPtrArray *msgs,
    GArray *rows)
{
	const struct vconf_imap *ic = &ik->in.conf->imap;
	GArray *q = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	GArray *p = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	char *err = NULL;
	guint i;
	int rc = 0;

	for (i = 0; i < rows->len; i++) {
		const struct imap_msg *m = msgs->pdata[i];

		g_array_append_val(inbound_quarantined(ik->in.st,
		    g_array_index(rows, int64_t, i)) ? q : p, m->uid);
	}
	if (imap_src_move_uids(s, (const uint32_t *)(void *)p->data, p->len,
	    ic->processed_mailbox, &err) != 0 ||
	    imap_src_move_uids(s, (const uint32_t *)(void *)q->data, q->len,
	    ic->quarantine_mailbox, &err) != 0) {
		log_warnx("intake: move: %s", err);
		g_free(err);
		rc = -1;
	}
	g_array_unref(q);
	g_array_unref(p);
	return rc;
}

/* Stores the batch msgs in one transaction (one fsync for all of it):
 * the rows stored go to rows, in order, their bytes are dropped from
 * msgs (processing reads them back from the store). Sets *waits when a
 * message, or the batch, could not be stored: it stays on the server and
 * is fetched again. */
static void
store_batch(const struct intake *ik, GPtrArray *msgs, GArray *rows,
    int *waits)
{
	struct store *st = ik->in.st;
	GArray *dups = g_array_new(FALSE, FALSE, sizeof(int));
	char *err = NULL;
	guint i;

	if (store_begin(st, &err) != STORE_OK) {
		log_warnx("intake: batch not stored: %s", err);
		g_free(err);
		err = NULL;
		*waits = 1;
	}
	for (i = 0; store_in_transaction(st) && i < msgs->len &&
	    !stopping(ik); i++) {
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
			    inbound_store_stream(st, spilled, "imap",
			    vtime_now(), &row, &dup, &err);
			if (spilled != NULL)
				g_object_unref(spilled);
		} else {
			raw = g_bytes_get_data(m->data, &len);
			rc = inbound_store(st, raw, len, "imap", vtime_now(),
			    &row, &dup, &err);
		}
		if (rc != STORE_OK) {
			/* Not stored: it stays on the server and is fetched
			 * again. */
			log_warnx("intake uid=%u not stored: %s", m->uid, err);
			g_free(err);
			err = NULL;
			*waits = 1;
			break;
		}
		g_array_append_val(rows, row);
		g_array_append_val(dups, dup);
	}
	if (store_in_transaction(st) && store_commit(st, &err) != STORE_OK) {
		/* Nothing of the batch is stored: it stays on the server and
		 * is fetched again. */
		log_warnx("intake: batch not stored: %s", err);
		g_free(err);
		err = NULL;
		*waits = 1;
		g_array_set_size(rows, 0);
	}
	for (i = 0; i < rows->len; i++) {
		struct imap_msg *m = msgs->pdata[i];
		gsize len = m->spill != NULL ? spill_len(m->spill) :
		    m->data != NULL ? g_bytes_get_size(m->data) : 0;

		log_info("message %" G_GINT64_FORMAT " stored source=imap "
		    "uid=%u bytes=%zu%s", g_array_index(rows, int64_t, i),
		    m->uid, (size_t)len, g_array_index(dups, int, i) ?
		    " duplicate" : "");
		/* Processing reads it back from the store. */
		if (m->data != NULL)
			g_bytes_unref(m->data);
		m->data = NULL;
		spill_free(&m->spill);
	}
	g_array_unref(dups);
}

/* Messages over max_message_size were left on the server (big, of UIDs):
 * each is moved to Quarantine with an event, and counted as read. 0, or
 * -1 when the session broke. */
static int
move_big(const struct intake *ik, struct imap_src *s, GArray *big,
    uint32_t uv, uint32_t *last)
{
	const struct vconf_imap *ic = &ik->in.conf->imap;
	char *err = NULL;
	guint i;

	for (i = 0; i < big->len; i++) {
		uint32_t uid = g_array_index(big, uint32_t, i);
		char *detail = g_strdup_printf("imap uid=%u over "
		    "max_message_size: left in %s, not stored", uid,
		    ic->quarantine_mailbox);

		log_warnx("intake uid=%u over max_message_size: moved to %s",
		    uid, ic->quarantine_mailbox);
		if (imap_src_move(s, uid, ic->quarantine_mailbox, &err) != 0) {
			log_warnx("intake uid=%u: move: %s", uid, err);
			g_free(err);
			g_free(detail);
			return -1;
		}
		(void)event_add(ik->in.st, NULL, vtime_now(), "intake",
		    "too-big", detail, NULL, NULL);
		g_free(detail);
		if (uid > *last)
			*last = uid;
		(void)inbound_set_imap_state(ik->in.st, ic->mailbox, uv, *last,
		    NULL);
	}
	return 0;
}

int
intake_pass(const struct intake *ik, struct imap_src *s)
{
	const struct vconf *conf = ik->in.conf;
	const struct vconf_imap *ic = &conf->imap;
	struct store *st = ik->in.st;
	uint32_t uv = imap_src_uidvalidity(s), old_uv, last;
	char *err = NULL;
	int found = inbound_imap_state(st, ic->mailbox, &old_uv, &last);
	int waits = 0;

	if (found == 1 && old_uv != uv)
		log_info("intake mailbox=%s uidvalidity %u -> %u: rescanning "
		    "(stored messages are recognised by content)", ic->mailbox,
		    old_uv, uv);
	if (found != 1 || old_uv != uv) {
		last = 0;
		(void)inbound_set_imap_state(st, ic->mailbox, uv, 0, NULL);
	}
	while (!stopping(ik)) {
		GPtrArray *msgs = NULL;
		GArray *big = NULL, *rows;
		guint i;
		int rc;

		if (imap_src_fetch_new(s, last, conf->max_message_size,
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
		 * each message where its state says. */
		rows = g_array_new(FALSE, FALSE, sizeof(int64_t));
		store_batch(ik, msgs, rows, &waits);
		waits |= intake_process_rows(ik,
		    (const int64_t *)(void *)rows->data, rows->len);
		/* One MOVE per target mailbox, then the state once (a
		 * crash between them only means the moved messages are
		 * looked for again, and are gone). */
		if (move_batch(ik, s, msgs, rows) != 0) {
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
			(void)inbound_set_imap_state(st, ic->mailbox, uv, last,
			    NULL);
		/* Not all stored (or stopping): the rest waits on the
		 * server. */
		rc = rows->len < msgs->len ? 1 : move_big(ik, s, big, uv,
		    &last);
		g_array_unref(rows);
		g_ptr_array_unref(msgs);
		g_array_unref(big);
		if (rc != 0)
			return rc < 0 ? -1 : waits;
	}
	return waits;
}

int
intake_imap_open(const struct vconf *conf, struct imap_src **s_r,
    char **error_r)
{
	const struct vconf_imap *ic = &conf->imap;
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
	dir = inbound_spill_dir(conf);
	p.spill_dir = dir;
	rc = imap_src_connect(&p, s_r, error_r);
	g_free(dir);
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		g_free(password);
	}
	return rc;
}
