#include "config.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vulture/imap_src.h"
#include "vulture/log.h"
#include "imap_src_p.h"
#include "net_p.h"

#define IMAP_TEXT_MAX 300	/* server text quoted in errors */

struct imap_src {
	mailimap *imap;		/* owned */
	char *host;		/* owned */
	char *mailbox;		/* owned */
	char *spill_dir;	/* owned, may be NULL */
	uint32_t uidvalidity;
	int has_idle, has_move, has_uidplus;
	int idling;
	int broken;		/* the stream failed: no LOGOUT */
	size_t body_bytes;
};

/* fetch_pieces(): the message grew past max_size on the way. */
#define IMAP_SRC_TOO_BIG (-3)

struct uid_size {
	uint32_t uid;
	uint32_t size;
};

void
imap_src_init(void)
{
	net_init();
}

/* Broken connections (and BYE) mean reconnect; anything else is the server
 * refusing a command on a working connection. */
static int
is_retryable(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_MEMORY:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_PROTOCOL:
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
	case MAILIMAP_ERROR_SSL:
	case MAILIMAP_ERROR_BAD_STATE:
		return 1;
	}
	return 0;
}

/* The response code of the last tagged reply (RFC 5530), or NULL:
 * libetpan keeps codes it has no field for in rsp_atom. */
static const char *
resp_code(struct imap_src *s)
{
	struct mailimap_response_info *ri = s->imap->imap_response_info;

	if (ri == NULL)
		return NULL;
	if (ri->rsp_trycreate)
		return "TRYCREATE";
	return ri->rsp_atom;
}

/* Sets *error_r from libetpan's result r of step and classifies it. */
static int
fail(struct imap_src *s, int r, const char *step, char **error_r)
{
	char *text, *code;

	if (is_retryable(r)) {
		s->broken = 1;
		*error_r = g_strdup_printf("IMAP %s on %s: connection lost "
		    "(libetpan error %d)", step, s->host, r);
		return IMAP_SRC_RETRY;
	}
	text = net_clean_text(s->imap->imap_response, IMAP_TEXT_MAX);
	code = net_clean_text(resp_code(s), IMAP_TEXT_MAX);
	*error_r = g_strdup_printf("IMAP %s on %s refused: %s%s%s%s", step,
	    s->host, *code != '\0' ? "[" : "", code, *code != '\0' ? "] " :
	    "", *text != '\0' ? text : "(no text)");
	g_free(code);
	g_free(text);
	return IMAP_SRC_CONFIG;
}

static void
session_free(struct imap_src *s)
{
	if (s == NULL)
		return;
	if (s->imap != NULL) {
		/* mailimap_free() sends LOGOUT and waits for the reply when
		 * it still has a stream: not on a dead or stuck one. */
		if ((s->broken || s->idling) && s->imap->imap_stream != NULL) {
			mailstream_close(s->imap->imap_stream);
			s->imap->imap_stream = NULL;
		}
		mailimap_free(s->imap);
	}
	g_free(s->host);
	g_free(s->mailbox);
	g_free(s->spill_dir);
	g_free(s);
}

static void
read_caps(struct imap_src *s)
{
	s->has_idle = mailimap_has_idle(s->imap);
	s->has_move = mailimap_has_extension(s->imap, "MOVE");
	s->has_uidplus = mailimap_has_uidplus(s->imap);
}

static int
refresh_caps(struct imap_src *s, char **error_r)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	r = mailimap_capability(s->imap, &cap);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, "CAPABILITY", error_r);
	mailimap_capability_data_free(cap);
	read_caps(s);
	return 0;
}

/* Creates mailbox unless LIST shows it. */
static int
ensure_mailbox(struct imap_src *s, const char *mb, char **error_r)
{
	clist *list = NULL;
	int r, n;

	if (mb == NULL || *mb == '\0')
		return 0;
	r = mailimap_list(s->imap, "", mb, &list);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, "LIST", error_r);
	n = clist_count(list);
	mailimap_list_result_free(list);
	if (n > 0)
		return 0;
	r = mailimap_create(s->imap, mb);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, "CREATE", error_r);
	log_info("imap host=%s created mailbox=%s", s->host, mb);
	return 0;
}

static int
stream_fail(struct imap_src *s, char *msg, char **error_r)
{
	s->broken = 1;
	*error_r = msg;
	return IMAP_SRC_RETRY;
}

int
imap_src_connect(const struct imap_src_params *p, struct imap_src **s_r,
    char **error_r)
{
	struct tlscheck_policy pol = p->tlsp;
	struct imap_src *s;
	mailstream *stream;
	int timeout = p->timeout_s > 0 ? p->timeout_s : 60;
	int fd, r, ret;
	char *msg, *text;

	*s_r = NULL;
	if (p->host == NULL || p->user == NULL || p->mailbox == NULL) {
		*error_r = g_strdup("IMAP host, user and mailbox are needed");
		return IMAP_SRC_CONFIG;
	}
	if (pol.host == NULL)
		pol.host = p->host;
	s = g_new0(struct imap_src, 1);
	s->host = g_strdup(p->host);
	s->mailbox = g_strdup(p->mailbox);
	s->spill_dir = g_strdup(p->spill_dir);

	if ((fd = net_connect(p->host, p->port, timeout, &msg)) < 0) {
		ret = stream_fail(s, msg, error_r);
		goto err;
	}
	if (p->tls == VCONF_TLS_TLS)
		stream = mailstream_ssl_open_with_callback_timeout(fd, timeout,
		    tlscheck_sni_callback, (void *)pol.host);
	else
		stream = mailstream_socket_open_timeout(fd, timeout);
	if (stream == NULL) {
		close(fd);
		ret = stream_fail(s, g_strdup_printf("%s with %s port %d "
		    "failed", p->tls == VCONF_TLS_TLS ? "TLS handshake" :
		    "connection", p->host, p->port), error_r);
		goto err;
	}
	/* Verify before reading anything: nothing is trusted until then. */
	if (p->tls == VCONF_TLS_TLS && tlscheck_stream(stream, &pol,
	    error_r) < 0) {
		mailstream_close(stream);
		ret = IMAP_SRC_CONFIG;
		goto err;
	}
	if ((s->imap = mailimap_new(0, NULL)) == NULL) {
		mailstream_close(stream);
		*error_r = g_strdup("out of memory");
		ret = IMAP_SRC_RETRY;
		goto err;
	}
	mailimap_set_timeout(s->imap, timeout);
	/* The session owns the stream from here, even on failure. */
	r = mailimap_connect(s->imap, stream);
	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		s->broken = 1;
		*error_r = g_strdup_printf("IMAP greeting from %s port %d: "
		    "failed (libetpan error %d)", p->host, p->port, r);
		ret = IMAP_SRC_RETRY;
		goto err;
	}

	if (p->tls == VCONF_TLS_STARTTLS) {
		if ((ret = refresh_caps(s, error_r)) < 0)
			goto err;
		if (!mailimap_has_extension(s->imap, "STARTTLS")) {
			*error_r = g_strdup_printf("%s does not offer STARTTLS",
			    p->host);
			ret = IMAP_SRC_CONFIG;
			goto err;
		}
		r = mailimap_socket_starttls_with_callback(s->imap,
		    tlscheck_sni_callback, (void *)pol.host);
		if (r != MAILIMAP_NO_ERROR) {
			ret = fail(s, r, "STARTTLS", error_r);
			goto err;
		}
		if (tlscheck_stream(s->imap->imap_stream, &pol, error_r) < 0) {
			s->broken = 1;	/* no LOGOUT to an untrusted peer */
			ret = IMAP_SRC_CONFIG;
			goto err;
		}
	}
	/* RFC 3501 6.2.1: capabilities from before TLS do not count. */
	if ((ret = refresh_caps(s, error_r)) < 0)
		goto err;

	if (s->imap->imap_state == MAILIMAP_STATE_NON_AUTHENTICATED) {
		if (mailimap_has_extension(s->imap, "LOGINDISABLED")) {
			*error_r = g_strdup_printf("%s refuses LOGIN%s",
			    p->host, p->tls == VCONF_TLS_NONE ?
			    " without TLS" : "");
			ret = IMAP_SRC_CONFIG;
			goto err;
		}
		r = mailimap_login(s->imap, p->user,
		    p->password != NULL ? p->password : "");
		if (r != MAILIMAP_NO_ERROR) {
			ret = fail(s, r, "LOGIN", error_r);
			/* RFC 5530: UNAVAILABLE is the server's trouble. */
			if (ret == IMAP_SRC_CONFIG && resp_code(s) != NULL &&
			    g_ascii_strcasecmp(resp_code(s),
			    "UNAVAILABLE") == 0)
				ret = IMAP_SRC_RETRY;
			if (ret == IMAP_SRC_CONFIG) {
				text = *error_r;
				*error_r = g_strdup_printf("%s (user %s)", text,
				    p->user);
				g_free(text);
			}
			goto err;
		}
		/* Servers may announce more once logged in. */
		if ((ret = refresh_caps(s, error_r)) < 0)
			goto err;
	}

	if ((ret = ensure_mailbox(s, p->processed_mailbox, error_r)) < 0 ||
	    (ret = ensure_mailbox(s, p->quarantine_mailbox, error_r)) < 0)
		goto err;
	r = mailimap_select(s->imap, p->mailbox);
	if (r != MAILIMAP_NO_ERROR) {
		ret = fail(s, r, "SELECT", error_r);
		goto err;
	}
	s->uidvalidity = s->imap->imap_selection_info != NULL ?
	    s->imap->imap_selection_info->sel_uidvalidity : 0;
	if (s->uidvalidity == 0) {
		*error_r = g_strdup_printf("%s sent no UIDVALIDITY for %s",
		    p->host, p->mailbox);
		ret = IMAP_SRC_CONFIG;
		goto err;
	}
	log_debug("imap host=%s port=%d tls=%d mailbox=%s uidvalidity=%u "
	    "idle=%d move=%d uidplus=%d", p->host, p->port, (int)p->tls,
	    p->mailbox, (unsigned)s->uidvalidity, s->has_idle, s->has_move,
	    s->has_uidplus);
	*s_r = s;
	return 0;
err:
	session_free(s);
	return ret;
}

uint32_t
imap_src_uidvalidity(struct imap_src *s)
{
	return s->uidvalidity;
}

int
imap_src_has_idle(struct imap_src *s)
{
	return s->has_idle;
}

int
imap_src_has_move(struct imap_src *s)
{
	return s->has_move;
}

void
imap_msg_free(gpointer p)
{
	struct imap_msg *m = p;

	if (m == NULL)
		return;
	if (m->data != NULL)
		g_bytes_unref(m->data);
	spill_free(&m->spill);
	g_free(m);
}

static int
cmp_uid(const void *a, const void *b)
{
	const struct uid_size *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static gint
cmp_msg(gconstpointer a, gconstpointer b)
{
	const struct imap_msg *x = *(struct imap_msg *const *)a;
	const struct imap_msg *y = *(struct imap_msg *const *)b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* The static attributes of one FETCH response. */
static void
msg_atts(struct mailimap_msg_att *att, uint32_t *uid_r, uint32_t *size_r,
    int *has_size_r, struct mailimap_msg_att_body_section **body_r)
{
	clistiter *c;

	*uid_r = 0;
	*has_size_r = 0;
	if (body_r != NULL)
		*body_r = NULL;
	for (c = clist_begin(att->att_list); c != NULL; c = clist_next(c)) {
		struct mailimap_msg_att_item *it = clist_content(c);
		struct mailimap_msg_att_static *st;

		if (it->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC ||
		    (st = it->att_data.att_static) == NULL)
			continue;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			*uid_r = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			*size_r = st->att_data.att_rfc822_size;
			*has_size_r = 1;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (body_r != NULL)
				*body_r = st->att_data.att_body_section;
			break;
		}
	}
}

/* One message fetched alone in pieces of IMAP_SRC_PIECE bytes
 * (BODY.PEEK[]<offset.length>) into a spill: neither libetpan's buffer
 * nor ours ever holds it whole. */
static int
fetch_pieces(struct imap_src *s, uint32_t uid, size_t max_size,
    struct imap_msg **m_r, char **error_r)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	struct mailimap_msg_att_body_section *body;
	struct spill *sp = spill_new(s->spill_dir, max_size, 0);
	clist *result = NULL;
	clistiter *c;
	uint32_t got_uid, size, off = 0;
	unsigned pieces = 0;
	size_t n;
	int r, has_size, rc;

	*m_r = NULL;
	for (;;) {
		set = mailimap_set_new_single(uid);
		ft = mailimap_fetch_type_new_fetch_att_list_empty();
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_uid());
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_body_peek_section_partial(
		    mailimap_section_new(NULL), off, IMAP_SRC_PIECE));
		r = mailimap_uid_fetch(s->imap, set, ft, &result);
		mailimap_fetch_type_free(ft);
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR) {
			spill_free(&sp);
			return fail(s, r, "UID FETCH (piece)", error_r);
		}
		n = 0;
		body = NULL;
		for (c = clist_begin(result); c != NULL; c = clist_next(c)) {
			msg_atts(clist_content(c), &got_uid, &size, &has_size,
			    &body);
			if (got_uid == uid && body != NULL)
				break;
			body = NULL;
		}
		if (body == NULL) {
			/* Expunged meanwhile: nothing to take. */
			mailimap_fetch_list_free(result);
			spill_free(&sp);
			return 0;
		}
		n = body->sec_length;
		rc = n > 0 ? spill_write(sp, body->sec_body_part, n, error_r) :
		    SPILL_OK;
		mailimap_fetch_list_free(result);
		result = NULL;
		if (rc == SPILL_OVER) {
			/* Grew past RFC822.SIZE's promise: quarantined as
			 * too big by the caller. */
			spill_free(&sp);
			*error_r = g_strdup("larger than max_message_size");
			return IMAP_SRC_TOO_BIG;
		}
		if (rc != SPILL_OK) {
			/* Disk full: the message stays on the server. The
			 * session is fine, but retrying at once is not. */
			spill_free(&sp);
			return IMAP_SRC_RETRY;
		}
		s->body_bytes += n;
		pieces++;
		if (n < IMAP_SRC_PIECE)
			break;
		off += (uint32_t)n;
	}
	log_debug("imap uid=%u fetched in %u pieces bytes=%zu", uid, pieces,
	    spill_len(sp));
	*m_r = g_new0(struct imap_msg, 1);
	(*m_r)->uid = uid;
	(*m_r)->spill = sp;
	return 0;
}

int
imap_src_fetch_new(struct imap_src *s, uint32_t after_uid, size_t max_size,
    unsigned max, GPtrArray **msgs_r, GArray **too_big_uids_r,
    char **error_r)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	struct mailimap_msg_att_body_section *body;
	GArray *found = g_array_new(FALSE, FALSE, sizeof(struct uid_size));
	GPtrArray *msgs = g_ptr_array_new_with_free_func(imap_msg_free);
	GArray *too_big = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	GHashTable *want = g_hash_table_new(NULL, NULL);
	clist *result = NULL;
	clistiter *c;
	struct uid_size us;
	struct imap_msg *m;
	unsigned taken = 0;
	size_t bytes = 0;
	uint32_t uid, size;
	guint i;
	int r, has_size, ret = 0;

	*msgs_r = NULL;
	*too_big_uids_r = NULL;
	if (after_uid == UINT32_MAX || max == 0)
		goto done;

	/* Sizes first, so that big ones are never downloaded. */
	set = mailimap_set_new_interval(after_uid + 1, 0);	/* n:* */
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	r = mailimap_uid_fetch(s->imap, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR) {
		ret = fail(s, r, "UID FETCH (sizes)", error_r);
		goto done;
	}
	for (c = clist_begin(result); c != NULL; c = clist_next(c)) {
		msg_atts(clist_content(c), &uid, &size, &has_size, NULL);
		/* "n:*" also matches the last message when n is past it;
		 * unsolicited FETCH responses carry no size. */
		if (uid > after_uid && has_size) {
			us.uid = uid;
			us.size = size;
			g_array_append_val(found, us);
		}
	}
	mailimap_fetch_list_free(result);
	result = NULL;
	g_array_sort(found, cmp_uid);

	set = mailimap_set_new_empty();
	for (i = 0; i < found->len && taken < max; i++) {
		us = g_array_index(found, struct uid_size, i);
		if (i > 0 && us.uid == g_array_index(found, struct uid_size,
		    i - 1).uid)
			continue;
		if ((size_t)us.size > max_size) {
			g_array_append_val(too_big, us.uid);
			continue;
		}
		if (us.size > IMAP_SRC_PIECE) {
			/* Alone, in pieces; after what is before it. */
			if (taken == 0) {
				ret = fetch_pieces(s, us.uid, max_size, &m,
				    error_r);
				if (ret == IMAP_SRC_TOO_BIG) {
					g_free(*error_r);
					*error_r = NULL;
					g_array_append_val(too_big, us.uid);
					ret = 0;
				} else if (ret < 0) {
					mailimap_set_free(set);
					goto done;
				} else if (m != NULL)
					g_ptr_array_add(msgs, m);
			}
			break;
		}
		/* Bounded in bytes too: fifty 50 MB messages are not fetched
		 * into memory at once. The rest comes with the next call. */
		if (taken > 0 && bytes + us.size > IMAP_SRC_BATCH_BYTES)
			break;
		mailimap_set_add_single(set, us.uid);
		g_hash_table_add(want, GUINT_TO_POINTER(us.uid));
		bytes += us.size;
		taken++;
	}
	if (taken == 0) {
		mailimap_set_free(set);
		goto done;
	}
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(
	    mailimap_section_new(NULL)));
	r = mailimap_uid_fetch(s->imap, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR) {
		ret = fail(s, r, "UID FETCH (bodies)", error_r);
		goto done;
	}
	for (c = clist_begin(result); c != NULL; c = clist_next(c)) {
		msg_atts(clist_content(c), &uid, &size, &has_size, &body);
		if (body == NULL || !g_hash_table_remove(want,
		    GUINT_TO_POINTER(uid)))
			continue;
		m = g_new0(struct imap_msg, 1);
		m->uid = uid;
		m->data = g_bytes_new(body->sec_body_part != NULL ?
		    body->sec_body_part : "", body->sec_length);
		s->body_bytes += body->sec_length;
		g_ptr_array_add(msgs, m);
	}
	mailimap_fetch_list_free(result);
	/* Servers answer in sequence order, which is UID order; make sure. */
	g_ptr_array_sort(msgs, cmp_msg);
done:
	g_array_free(found, TRUE);
	g_hash_table_destroy(want);
	if (ret < 0) {
		g_ptr_array_free(msgs, TRUE);
		g_array_free(too_big, TRUE);
		return ret;
	}
	*msgs_r = msgs;
	*too_big_uids_r = too_big;
	return 0;
}

int
imap_src_move(struct imap_src *s, uint32_t uid, const char *mailbox,
    char **error_r)
{
	return imap_src_move_uids(s, &uid, 1, mailbox, error_r);
}

int
imap_src_move_uids(struct imap_src *s, const uint32_t *uids, unsigned n,
    const char *mailbox, char **error_r)
{
	struct mailimap_set *set;
	struct mailimap_flag_list *flags;
	struct mailimap_store_att_flags *sa;
	unsigned i;
	int r, ret = 0;

	if (mailbox == NULL || *mailbox == '\0') {
		*error_r = g_strdup("no mailbox to move to");
		return IMAP_SRC_CONFIG;
	}
	if (n == 0)
		return 0;
	set = mailimap_set_new_empty();
	for (i = 0; i < n; i++)
		mailimap_set_add_single(set, uids[i]);
	if (s->has_move) {
		r = mailimap_uid_move(s->imap, set, mailbox);
		if (r != MAILIMAP_NO_ERROR)
			ret = fail(s, r, "UID MOVE", error_r);
		goto out;
	}
	r = mailimap_uid_copy(s->imap, set, mailbox);
	if (r != MAILIMAP_NO_ERROR) {
		ret = fail(s, r, "UID COPY", error_r);
		goto out;
	}
	flags = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(flags, mailimap_flag_new_deleted());
	sa = mailimap_store_att_flags_new_add_flags_silent(flags);
	r = mailimap_uid_store(s->imap, set, sa);
	mailimap_store_att_flags_free(sa);
	if (r != MAILIMAP_NO_ERROR) {
		ret = fail(s, r, "UID STORE", error_r);
		goto out;
	}
	r = s->has_uidplus ? mailimap_uid_expunge(s->imap, set) :
	    mailimap_expunge(s->imap);
	if (r != MAILIMAP_NO_ERROR)
		ret = fail(s, r, s->has_uidplus ? "UID EXPUNGE" : "EXPUNGE",
		    error_r);
out:
	mailimap_set_free(set);
	if (ret == 0)
		log_debug("imap host=%s moved uids=%u (first %u) to=%s",
		    s->host, n, (unsigned)uids[0], mailbox);
	return ret;
}

int
imap_src_idle_start(struct imap_src *s, int *fd_r, char **error_r)
{
	int r;

	*fd_r = -1;
	if (!s->has_idle) {
		*error_r = g_strdup_printf("%s does not offer IDLE", s->host);
		return IMAP_SRC_CONFIG;
	}
	if (s->idling) {
		*error_r = g_strdup("already idling");
		return IMAP_SRC_CONFIG;
	}
	r = mailimap_idle(s->imap);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, "IDLE", error_r);
	s->idling = 1;
	*fd_r = mailimap_idle_get_fd(s->imap);
	/* What came with the continuation is in libetpan's buffer already:
	 * the socket may never signal it. */
	return s->imap->imap_stream->read_buffer_len > 0 ? 1 : 0;
}

int
imap_src_idle_done(struct imap_src *s, int *changed_r, char **error_r)
{
	struct mailimap_selection_info *sel = s->imap->imap_selection_info;
	int r;

	*changed_r = 0;
	if (!s->idling) {
		*error_r = g_strdup("not idling");
		return IMAP_SRC_CONFIG;
	}
	/* mailimap_idle() cleared sel_has_exists/sel_has_recent; the
	 * untagged responses read now set them. */
	r = mailimap_idle_done(s->imap);
	s->idling = 0;
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, "IDLE DONE", error_r);
	*changed_r = sel != NULL && (sel->sel_has_exists ||
	    sel->sel_has_recent);
	return 0;
}

void
imap_src_close(struct imap_src **sp)
{
	struct imap_src *s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	*sp = NULL;
	if (s->idling && !s->broken && mailimap_idle_done(s->imap) ==
	    MAILIMAP_NO_ERROR)
		s->idling = 0;
	session_free(s);
}

void
imap_src_test_drop_caps(struct imap_src *s, int no_move, int no_uidplus)
{
	if (no_move)
		s->has_move = 0;
	if (no_uidplus)
		s->has_uidplus = 0;
}

size_t
imap_src_test_body_bytes(struct imap_src *s)
{
	return s->body_bytes;
}
