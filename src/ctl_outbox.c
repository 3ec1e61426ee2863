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
	sqlite3_stmt *s = store_stmt(c->st, "SELECT id, created, case_id, "
	    "kind, recipient, fingerprint, message_id, state, attempts, "
	    "next_attempt, last_error, sent_at, length(body) FROM outbox "
	    "ORDER BY id");
	GString *o = g_string_new(NULL);
	struct jw w;

	if (s == NULL) {
		g_string_free(o, TRUE);
		return ctl_store_fail(store_error(c->st, "outbox", NULL), NULL);
	}
	jw_init(&w, o, 1);
	if (c->json)
		jw_arr_begin(&w);
	while (sqlite3_step(s) == SQLITE_ROW) {
		char *created = vtime_format(sqlite3_column_int64(s, 1),
		    c->conf->tz);
		char *next = vtime_format(sqlite3_column_int64(s, 9),
		    c->conf->tz);
		char *sent = vtime_format(sqlite3_column_int64(s, 11),
		    c->conf->tz);
		const char *state = (const char *)sqlite3_column_text(s, 7);

		if (c->json) {
			jw_obj_begin(&w);
			jw_kint(&w, "id", sqlite3_column_int64(s, 0));
			jw_kstr(&w, "created", created);
			jw_kstr(&w, "case", (const char *)
			    sqlite3_column_text(s, 2));
			jw_kstr(&w, "kind", (const char *)
			    sqlite3_column_text(s, 3));
			jw_kstr(&w, "recipient", (const char *)
			    sqlite3_column_text(s, 4));
			jw_kstr(&w, "fingerprint", (const char *)
			    sqlite3_column_text(s, 5));
			jw_kstr(&w, "message_id", (const char *)
			    sqlite3_column_text(s, 6));
			jw_kstr(&w, "state", state);
			jw_kint(&w, "attempts", sqlite3_column_int(s, 8));
			jw_kstr(&w, "next_attempt", next);
			jw_kstr(&w, "reason", (const char *)
			    sqlite3_column_text(s, 10));
			jw_kstr(&w, "sent_at", sent);
			jw_kint(&w, "size", sqlite3_column_int64(s, 12));
			jw_obj_end(&w);
		} else {
			const char *err = (const char *)
			    sqlite3_column_text(s, 10);

			g_string_append_printf(o, "%-5lld %-7s %-20s %-16s %s "
			    "attempts=%d%s%s\n",
			    (long long)sqlite3_column_int64(s, 0), state,
			    sqlite3_column_text(s, 3), sqlite3_column_text(s, 2) ?
			    (const char *)sqlite3_column_text(s, 2) : "-",
			    sqlite3_column_text(s, 4), sqlite3_column_int(s, 8),
			    err ? " " : "", err ? err : "");
		}
		g_free(created);
		g_free(next);
		g_free(sent);
	}
	sqlite3_reset(s);
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
	sqlite3_stmt *s = store_stmt(c->st, "SELECT body FROM outbox WHERE "
	    "id = ?");
	GString *o;

	if (s == NULL)
		return ctl_store_fail(store_error(c->st, "outbox", NULL), NULL);
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return ctl_fail("no outbox message %lld", (long long)id);
	}
	/* The stored message is what goes on the wire, as it is: ours,
	 * 7-bit with CRLF line ends (compose checks), ciphertext but for
	 * the signed announcement. Still written through the same escaping
	 * as everything else, CR kept: a well-formed message comes out
	 * byte for byte, and a byte a terminal would act on, should one
	 * ever be stored, comes out as "\x1b". */
	o = g_string_new(NULL);
	textin_escape(o, sqlite3_column_blob(s, 0),
	    (gssize)sqlite3_column_bytes(s, 0), "\t\r\n");
	sqlite3_reset(s);
	fwrite(o->str, 1, o->len, stdout);
	g_string_free(o, TRUE);
	return 0;
}

int
ctl_outbox(struct ctl *c, int argc, char **argv)
{
	struct outbox_stats stats;
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
		rc = outbox_run(c->conf, c->st, vkeys_ctx(c->keys),
		    ctl_outbound(c) == 0 ? &c->out : NULL, vtime_now(), 1,
		    &stats, &err);
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
