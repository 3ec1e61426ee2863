/* The outbox store (outbox.c) and the case-store functions the outbound
 * path uses (case.c), against a temporary database. */
#include "config.h"

#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "testutil.h"
#include "vulture/case.h"
#include "vulture/outbox.h"
#include "vulture/store.h"
#include "vulture/vendor.h"

static char *dir, *db;
static struct store *st;

static void
setup(void)
{
	char *err = NULL;

	dir = tu_tmpdir();
	db = g_build_filename(dir, "v.db", NULL);
	ck_assert_int_eq(store_open(db, 1, &st, &err), STORE_OK);
}

static void
teardown(void)
{
	store_close(&st);
	tu_rmtree(dir);
	g_free(db);
	g_free(dir);
}

static void
enqueue(const char *kind, const char *case_id, const char *msgid,
    const char *text, int64_t now)
{
	GBytes *b = g_bytes_new(text, strlen(text));
	char *err = NULL;

	ck_assert_int_eq(outbox_enqueue(st, kind, case_id, 0, "p@acme.example",
	    case_id != NULL ? "0123456789ABCDEF0123456789ABCDEF01234567" :
	    NULL, msgid, b, now, &err), STORE_OK);
	g_bytes_unref(b);
}

START_TEST(test_enqueue_list_body)
{
	GPtrArray *l = NULL;
	GBytes *body = NULL;
	const struct outbox_entry *e;
	char *err = NULL;
	gsize len;

	ck_assert_int_eq(outbox_next_due(st), 0);
	ck_assert_int_eq(outbox_list(st, &l, &err), STORE_OK);
	ck_assert_uint_eq(l->len, 0);
	g_ptr_array_unref(l);

	enqueue("summary", "JVNVU#1", "a@x", "Subject: a\r\n\r\nA\r\n", 1000);
	enqueue("announce", NULL, "b@x", "B", 900);
	/* A Message-ID is sent once only. */
	{
		GBytes *b = g_bytes_new("C", 1);

		ck_assert_int_eq(outbox_enqueue(st, "summary", NULL, 0,
		    "q@x", NULL, "a@x", b, 1000, &err), STORE_ERR);
		ck_assert_ptr_nonnull(err);
		g_free(err);
		err = NULL;
		g_bytes_unref(b);
	}
	ck_assert_int_eq(outbox_next_due(st), 900);

	ck_assert_int_eq(outbox_list(st, &l, &err), STORE_OK);
	ck_assert_uint_eq(l->len, 2);
	e = l->pdata[0];
	ck_assert_int_eq(e->created, 1000);
	ck_assert_str_eq(e->case_id, "JVNVU#1");
	ck_assert_str_eq(e->kind, "summary");
	ck_assert_str_eq(e->recipient, "p@acme.example");
	ck_assert_str_eq(e->fingerprint,
	    "0123456789ABCDEF0123456789ABCDEF01234567");
	ck_assert_str_eq(e->message_id, "a@x");
	ck_assert_str_eq(e->state, "queued");
	ck_assert_int_eq(e->attempts, 0);
	ck_assert_int_eq(e->next_attempt, 1000);
	ck_assert_ptr_null(e->last_error);
	ck_assert_int_eq(e->sent_at, 0);
	ck_assert_int_eq(e->size, 17);
	e = l->pdata[1];
	ck_assert_ptr_null(e->case_id);
	ck_assert_ptr_null(e->fingerprint);
	ck_assert_int_eq(e->size, 1);

	ck_assert_int_eq(outbox_body(st, ((const struct outbox_entry *)
	    l->pdata[0])->id, &body, &err), STORE_OK);
	ck_assert_mem_eq(g_bytes_get_data(body, &len),
	    "Subject: a\r\n\r\nA\r\n", 17);
	ck_assert_uint_eq(len, 17);
	g_bytes_unref(body);
	ck_assert_int_eq(outbox_body(st, 999, &body, &err), STORE_NOTFOUND);
	ck_assert_ptr_null(body);
	ck_assert_ptr_nonnull(strstr(err, "999"));
	g_free(err);
	err = NULL;

	/* Retry puts a queued row back to now; a missing one is not found. */
	ck_assert_int_eq(store_begin(st, &err), STORE_OK);
	ck_assert_int_eq(outbox_retry(st, ((const struct outbox_entry *)
	    l->pdata[1])->id, 5000, &err), STORE_OK);
	ck_assert_int_eq(outbox_retry(st, 999, 5000, &err), STORE_NOTFOUND);
	g_free(err);
	err = NULL;
	ck_assert_int_eq(store_commit(st, &err), STORE_OK);
	g_ptr_array_unref(l);
	ck_assert_int_eq(outbox_next_due(st), 1000);
	ck_assert_int_eq(outbox_list(st, &l, &err), STORE_OK);
	ck_assert_int_eq(((const struct outbox_entry *)l->pdata[1])
	    ->next_attempt, 5000);
	g_ptr_array_unref(l);
	outbox_entry_free(NULL);
}
END_TEST

/* Sent and failed rows are not due. */
START_TEST(test_next_due_states)
{
	enqueue("summary", NULL, "a@x", "A", 100);
	enqueue("summary", NULL, "b@x", "B", 200);
	ck_assert_int_eq(sqlite3_exec(store_db(st), "UPDATE outbox SET state "
	    "= 'sent' WHERE message_id = 'a@x'", NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(outbox_next_due(st), 200);
	ck_assert_int_eq(sqlite3_exec(store_db(st), "UPDATE outbox SET state "
	    "= 'failed'", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(outbox_next_due(st), 0);
}
END_TEST

static void
collect(void *arg, const char *filename, const char *content_type,
    const void *data, size_t len)
{
	g_ptr_array_add(arg, g_strdup_printf("%s|%s|%.*s", filename,
	    content_type, (int)len, (const char *)data));
}

START_TEST(test_case_attempts_and_attachments)
{
	char *err = NULL, *id = NULL;
	struct vendor *v = NULL;
	struct vcase *c = NULL;
	const struct participant *p;
	GPtrArray *l = g_ptr_array_new_with_free_func(g_free);

	ck_assert_int_eq(store_begin(st, &err), STORE_OK);
	ck_assert_int_eq(vendor_add(st, "acme", "ACME", "general", "pending",
	    "en", "p@acme.example", NULL, NULL, NULL, 1, &err), STORE_OK);
	ck_assert_int_eq(vendor_get(st, "acme", &v, &err), STORE_OK);
	ck_assert_int_eq(vcase_open(st, "JVNVU#%08u", "T", NULL, NULL, NULL,
	    0, 1000, 5000, &id, &err), STORE_OK);
	ck_assert_int_eq(vcase_add_participant(st, id, v->id, 1001, &err),
	    STORE_OK);
	ck_assert_int_eq(vcase_add_attachment(st, id, "poc.py", "text/plain",
	    "print(1)\n", 9, 1002, &err), STORE_OK);
	ck_assert_int_eq(vcase_add_attachment(st, id, "b.bin",
	    "application/octet-stream", "x", 1, 1003, &err), STORE_OK);
	ck_assert_int_eq(vcase_count_attempt(st, id, v->id, 2000, &err),
	    STORE_OK);
	ck_assert_int_eq(vcase_count_attempt(st, id, v->id, 3000, &err),
	    STORE_OK);
	/* Not a participant: nothing changes, nothing fails. */
	ck_assert_int_eq(vcase_count_attempt(st, id, v->id + 7, 3000, &err),
	    STORE_OK);
	ck_assert_int_eq(store_commit(st, &err), STORE_OK);

	ck_assert_int_eq(vcase_get(st, id, &c, &err), STORE_OK);
	p = c->participants->pdata[0];
	ck_assert_int_eq(p->attempts, 2);
	ck_assert_int_eq(p->first_attempt, 2000);
	ck_assert_int_eq(p->last_attempt, 3000);
	vcase_free(&c);

	ck_assert_int_eq(vcase_attachments_each(st, id, collect, l, &err),
	    STORE_OK);
	ck_assert_uint_eq(l->len, 2);
	ck_assert_str_eq(l->pdata[0], "poc.py|text/plain|print(1)\n");
	ck_assert_str_eq(l->pdata[1], "b.bin|application/octet-stream|x");
	g_ptr_array_set_size(l, 0);
	ck_assert_int_eq(vcase_attachments_each(st, "JVNVU#0", collect, l,
	    &err), STORE_OK);
	ck_assert_uint_eq(l->len, 0);
	g_ptr_array_unref(l);
	vendor_free(&v);
	g_free(id);
}
END_TEST

Suite *
make_outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_enqueue_list_body);
	tcase_add_test(tc, test_next_due_states);
	tcase_add_test(tc, test_case_attempts_and_attachments);
	suite_add_tcase(s, tc);
	return s;
}
