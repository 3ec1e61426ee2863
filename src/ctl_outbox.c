/* vulturectl outbox list | show ID | retry ID | flush */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_p.h"
#include "vulture/json.h"
#include "vulture/keys.h"
#include "vulture/outbox.h"
#include "vulture/textin.h"
#include "vulture/vtime.h"

static int
outbox_list_cmd(struct ctl *c)
{
	GPtrArray *l = NULL;
	GString *o;
	struct jw w;
	char *err = NULL;
	guint i;
	int rc;

	if ((rc = outbox_list(c->st, &l, &err)) != STORE_OK)
		return ctl_store_fail(rc, err);
	o = g_string_new(NULL);
	jw_init(&w, o, 1);
	if (c->json)
		jw_arr_begin(&w);
	for (i = 0; i < l->len; i++) {
		const struct outbox_entry *e = l->pdata[i];
		char *created = vtime_format(e->created, c->conf->tz);
		char *next = vtime_format(e->next_attempt, c->conf->tz);
		char *sent = vtime_format(e->sent_at, c->conf->tz);

		if (c->json) {
			jw_obj_begin(&w);
			jw_kint(&w, "id", e->id);
			jw_kstr(&w, "created", created);
			jw_kstr(&w, "case", e->case_id);
			jw_kstr(&w, "kind", e->kind);
			jw_kstr(&w, "recipient", e->recipient);
			jw_kstr(&w, "fingerprint", e->fingerprint);
			jw_kstr(&w, "message_id", e->message_id);
			jw_kstr(&w, "state", e->state);
			jw_kint(&w, "attempts", e->attempts);
			jw_kstr(&w, "next_attempt", next);
			jw_kstr(&w, "reason", e->last_error);
			jw_kstr(&w, "sent_at", sent);
			jw_kint(&w, "size", e->size);
			jw_obj_end(&w);
		} else
			g_string_append_printf(o, "%-5lld %-7s %-20s %-16s %s "
			    "attempts=%d%s%s\n", (long long)e->id, e->state,
			    e->kind, e->case_id ? e->case_id : "-",
			    e->recipient, e->attempts,
			    e->last_error ? " " : "",
			    e->last_error ? e->last_error : "");
		g_free(created);
		g_free(next);
		g_free(sent);
	}
	g_ptr_array_unref(l);
	if (c->json) {
		jw_arr_end(&w);
		g_string_append_c(o, '\n');
	}
	ctl_print(stdout, o->str);
	g_string_free(o, TRUE);
	return 0;
}

static int
outbox_show_cmd(struct ctl *c, int64_t id)
{
	GBytes *body = NULL;
	GString *o;
	char *err = NULL;
	gsize len;
	const char *data;
	int rc;

	if ((rc = outbox_body(c->st, id, &body, &err)) == STORE_NOTFOUND) {
		g_free(err);
		return ctl_fail("no outbox message %lld", (long long)id);
	}
	if (rc != STORE_OK)
		return ctl_store_fail(rc, err);
	/* The stored message is what goes on the wire, as it is: ours,
	 * 7-bit with CRLF line ends (compose checks), ciphertext but for
	 * the signed announcement. Still written through the same escaping
	 * as everything else, CR kept: a well-formed message comes out
	 * byte for byte, and a byte a terminal would act on, should one
	 * ever be stored, comes out as "\x1b". */
	data = g_bytes_get_data(body, &len);
	o = g_string_new(NULL);
	textin_escape(o, data, (gssize)len, "\t\r\n");
	g_bytes_unref(body);
	fwrite(o->str, 1, o->len, stdout);
	g_string_free(o, TRUE);
	return 0;
}

int
ctl_outbox(struct ctl *c, int argc, char **argv)
{
	struct outbox_stats stats;
	struct outbox_alerter al, *alp = NULL;
	char *err = NULL;
	int64_t id;
	int rc;

	if (argc < 2)
		return ctl_usage("outbox: list | show ID | retry ID | flush");
	if (strcmp(argv[1], "list") == 0) {
		if (argc != 2)
			return ctl_usage("outbox list takes no arguments");
		if ((rc = ctl_load(c, 1, 0)) != 0)
			return rc;
		return outbox_list_cmd(c);
	}
	if (strcmp(argv[1], "flush") == 0) {
		if (argc != 2)
			return ctl_usage("outbox flush takes no arguments");
		/* The key ring too: each recipient key is checked again
		 * right before its message goes. */
		if ((rc = ctl_load(c, 1, 1)) != 0)
			return rc;
		if (ctl_outbound(c) == 0) {
			al = outbound_alerter(&c->out);
			alp = &al;
		}
		rc = outbox_run(c->conf, c->st, vkeys_ctx(c->keys), alp,
		    vtime_now(), 1, &stats, &err);
		if (rc != STORE_OK)
			return ctl_store_fail(rc, err);
		printf("sent %u, retrying %u, failed %u", stats.sent,
		    stats.deferred, stats.failed);
		if (stats.held > 0)
			printf(", held %u (recipient key no longer usable: "
			    "see outbox list)", stats.held);
		putchar('\n');
		return stats.deferred + stats.failed + stats.held > 0 ? 1 : 0;
	}
	if (strcmp(argv[1], "show") != 0 && strcmp(argv[1], "retry") != 0)
		return ctl_usage("outbox: unknown subcommand '%s'", argv[1]);
	if (argc != 3)
		return ctl_usage("outbox %s: ID", argv[1]);
	if (ctl_parse_id(argv[2], &id) == -1)
		return ctl_fail("'%s' is not an outbox message number",
		    argv[2]);
	if ((rc = ctl_load(c, 1, 0)) != 0)
		return rc;
	if (strcmp(argv[1], "show") == 0)
		return outbox_show_cmd(c, id);
	if ((rc = store_begin(c->st, &err)) != STORE_OK ||
	    (rc = outbox_retry(c->st, id, vtime_now(), &err)) != STORE_OK ||
	    (rc = store_commit(c->st, &err)) != STORE_OK) {
		store_rollback(c->st);
		return ctl_store_fail(rc, err);
	}
	printf("outbox message %lld queued again\n", (long long)id);
	return 0;
}
