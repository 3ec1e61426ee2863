#include "config.h"

#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "check_suites.h"
#include "testutil.h"
#include "vulture/case.h"
#include "vulture/ids.h"
#include "vulture/inbound.h"
#include "vulture/spill.h"
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

static GPtrArray *
kw(const char *list)
{
	char *err = NULL;
	GPtrArray *k = vendor_parse_keywords(list, &err);

	ck_assert_ptr_nonnull(k);
	return k;
}

START_TEST(test_open_and_version)
{
	struct store *again = NULL;
	char *err = NULL;

	ck_assert_int_eq(store_user_version(st), store_schema_version());
	ck_assert_int_ge(store_schema_version(), 1);
	store_close(&st);
	ck_assert_ptr_null(st);
	/* Reopening an up-to-date database changes nothing. */
	ck_assert_int_eq(store_open(db, 0, &again, &err), STORE_OK);
	ck_assert_int_eq(store_user_version(again), store_schema_version());
	store_close(&again);
	/* A missing database is not created without create. */
	ck_assert_int_eq(store_open("/tmp/vt.none/x.db", 0, &again, &err),
	    STORE_ERR);
	ck_assert_ptr_nonnull(strstr(err, "vulturectl init"));
	g_free(err);
}
END_TEST

START_TEST(test_newer_refused)
{
	char *err = NULL;
	sqlite3 *raw;

	store_close(&st);
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, "PRAGMA user_version = 999", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	ck_assert_int_eq(store_open(db, 0, &st, &err), STORE_ERR);
	ck_assert_ptr_nonnull(strstr(err, "newer than this program"));
	g_free(err);
}
END_TEST

START_TEST(test_vendors)
{
	struct vendor *v = NULL;
	GPtrArray *list = NULL, *k = kw("HTTPD, tls,tls"), *handles = NULL;
	char *err = NULL;
	struct contact *c;

	ck_assert_int_eq(k->len, 2);
	ck_assert_int_eq(store_begin(st, &err), STORE_OK);
	ck_assert_int_eq(vendor_add(st, "acme", "ACME Corp", "general",
	    "pending", "en", "psirt@acme.example", "PSIRT", "+1 555", k, 100,
	    &err), STORE_OK);
	ck_assert_int_eq(vendor_add(st, "acme", "Again", "general", "pending",
	    "en", "x@acme.example", NULL, NULL, k, 100, &err), STORE_ERR);
	ck_assert_ptr_nonnull(strstr(err, "already exists"));
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vendor_add(st, "Bad Handle", "X", "general",
	    "pending", "en", "x@x.example", NULL, NULL, k, 100, &err),
	    STORE_ERR);
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vendor_add(st, "globex", "Globex", "sometimes",
	    "pending", "en", "x@x.example", NULL, NULL, k, 100, &err),
	    STORE_ERR);
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vendor_add(st, "globex", "Globex", "individual",
	    "pending", "ja", "sec@globex.example", NULL, NULL, NULL, 100,
	    &err), STORE_OK);
	ck_assert_int_eq(store_commit(st, &err), STORE_OK);

	ck_assert_int_eq(vendor_get(st, "acme", &v, &err), STORE_OK);
	ck_assert_str_eq(v->name, "ACME Corp");
	ck_assert_str_eq(v->state, "pending");
	ck_assert_uint_eq(v->keywords->len, 2);
	ck_assert_str_eq(v->keywords->pdata[0], "httpd");
	ck_assert_uint_eq(v->contacts->len, 1);
	c = v->contacts->pdata[0];
	ck_assert_str_eq(c->address, "psirt@acme.example");
	ck_assert_ptr_null(c->fingerprint);
	ck_assert_int_eq(vendor_pin_key(st, c,
	    "0123456789ABCDEF0123456789ABCDEF01234567", 0, &err), STORE_OK);
	ck_assert_int_eq(vendor_set_state(st, v, "registered", 200, &err),
	    STORE_OK);
	ck_assert_int_eq(vendor_set_state(st, v, "happy", 200, &err),
	    STORE_ERR);
	g_free(err);
	err = NULL;
	vendor_free(&v);
	ck_assert_ptr_null(v);

	/* One key cannot speak for two vendors. */
	ck_assert_int_eq(vendor_get(st, "globex", &v, &err), STORE_OK);
	ck_assert_int_eq(vendor_pin_key(st, v->contacts->pdata[0],
	    "0123456789ABCDEF0123456789ABCDEF01234567", 0, &err), STORE_ERR);
	ck_assert_ptr_nonnull(strstr(err, "already pinned to acme"));
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vendor_add_contact(st, v, "sec@globex.example", NULL,
	    NULL, &err), STORE_ERR);
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vendor_add_contact(st, v, "cto@globex.example",
	    "CTO", NULL, &err), STORE_OK);
	ck_assert_uint_eq(v->contacts->len, 2);
	vendor_free(&v);

	ck_assert_int_eq(vendor_by_fingerprint(st,
	    "0123456789ABCDEF0123456789ABCDEF01234567", &v, NULL, &err),
	    STORE_OK);
	ck_assert_str_eq(v->handle, "acme");
	ck_assert_str_eq(v->state, "registered");
	vendor_free(&v);
	ck_assert_int_eq(vendor_get(st, "nobody", &v, &err), STORE_NOTFOUND);
	g_free(err);
	err = NULL;

	ck_assert_int_eq(vendor_list(st, &list, &err), STORE_OK);
	ck_assert_uint_eq(list->len, 2);
	ck_assert_str_eq(((struct vendor *)list->pdata[1])->handle, "globex");
	g_ptr_array_unref(list);
	g_ptr_array_unref(k);
	k = kw("tls,dns");
	ck_assert_int_eq(vendor_match_keywords(st, k, &handles, &err),
	    STORE_OK);
	ck_assert_uint_eq(handles->len, 1);
	ck_assert_str_eq(handles->pdata[0], "acme");
	g_ptr_array_unref(handles);
	g_ptr_array_unref(k);
}
END_TEST

START_TEST(test_keywords_parse)
{
	char *err = NULL;
	GString *many = g_string_new(NULL);
	int i;

	ck_assert_ptr_null(vendor_parse_keywords("ok,b@d", &err));
	ck_assert_ptr_nonnull(err);
	g_free(err);
	err = NULL;
	for (i = 0; i < VENDOR_MAX_KEYWORDS + 1; i++)
		g_string_append_printf(many, "k%d,", i);
	ck_assert_ptr_null(vendor_parse_keywords(many->str, &err));
	ck_assert_ptr_nonnull(strstr(err, "more than"));
	g_free(err);
	g_string_free(many, TRUE);
}
END_TEST

START_TEST(test_cases_and_events)
{
	char *err = NULL, *id = NULL, *id2 = NULL;
	struct vcase *c = NULL;
	GPtrArray *ev = NULL, *list = NULL;
	struct vendor *v = NULL;

	ck_assert_int_eq(store_begin(st, &err), STORE_OK);
	ck_assert_int_eq(vendor_add(st, "acme", "ACME", "general", "pending",
	    "en", "p@acme.example", NULL, NULL, NULL, 1, &err), STORE_OK);
	ck_assert_int_eq(vcase_open(st, "JVNVU#%08u", "Overflow in FooHTTP",
	    "Do you ship FooHTTP?", NULL, "IPA#1", 0, 1000, 5000, &id, &err),
	    STORE_OK);
	ck_assert(ids_match("JVNVU#%08u", id));
	ck_assert_int_eq(vcase_open(st, "JVNVU#%08u", "", NULL, NULL, NULL, 0,
	    1000, 5000, &id2, &err), STORE_ERR);
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vcase_open(st, "JVNVU#%08u", "T", NULL, NULL, NULL, 0,
	    1000, 900, &id2, &err), STORE_ERR);
	g_free(err);
	err = NULL;
	ck_assert_int_eq(event_add(st, id, 1000, "test", "case-opened", "x",
	    "<m@x>", &err), STORE_OK);
	ck_assert_int_eq(vendor_get(st, "acme", &v, &err), STORE_OK);
	ck_assert_int_eq(vcase_add_participant(st, id, v->id, 1001, &err),
	    STORE_OK);
	ck_assert_int_eq(vcase_add_attachment(st, id, "poc.py", "text/plain",
	    "print(1)\n", 9, 1002, &err), STORE_OK);
	ck_assert_int_eq(vcase_add_attachment(st, id, "../etc/passwd",
	    "text/plain", "x", 1, 1002, &err), STORE_ERR);
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vcase_set_text(st, id, "detail", "Stack overflow",
	    1003, &err), STORE_OK);
	ck_assert_int_eq(vcase_set_text(st, "JVNVU#00000000", "detail", "x",
	    1003, &err), STORE_NOTFOUND);
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vcase_set_publication(st, id, 7000, 1004, &err),
	    STORE_OK);
	ck_assert_int_eq(store_commit(st, &err), STORE_OK);

	ck_assert_int_eq(vcase_get(st, id, &c, &err), STORE_OK);
	ck_assert_str_eq(c->title, "Overflow in FooHTTP");
	ck_assert_str_eq(c->detail, "Stack overflow");
	ck_assert_str_eq(c->reporter_ref, "IPA#1");
	ck_assert_int_eq(c->publication, 7000);
	ck_assert_str_eq(c->state, "open");
	ck_assert_uint_eq(c->participants->len, 1);
	ck_assert_str_eq(((struct participant *)c->participants->pdata[0])
	    ->status, "unknown");
	ck_assert_uint_eq(c->attachments->len, 1);
	ck_assert_int_eq(((struct attachment_info *)c->attachments->pdata[0])
	    ->size, 9);
	vcase_free(&c);

	ck_assert_int_eq(event_list(st, id, &ev, &err), STORE_OK);
	ck_assert_uint_eq(ev->len, 1);
	ck_assert_str_eq(((struct event *)ev->pdata[0])->message_id, "<m@x>");
	g_ptr_array_unref(ev);
	/* The event log is append-only, even for SQL typed by hand. */
	ck_assert_int_ne(sqlite3_exec(store_db(st), "UPDATE events SET kind "
	    "= 'x'", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(store_db(st), "DELETE FROM events",
	    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(vcase_list(st, &list, &err), STORE_OK);
	ck_assert_uint_eq(list->len, 1);
	g_ptr_array_unref(list);
	vendor_free(&v);
	g_free(id);
}
END_TEST

/* Ids are never reused: with a 4-digit format, 200 cases are all
 * distinct, and an id still in case_ids is never drawn again. */
START_TEST(test_ids_unique)
{
	char *err = NULL, *id;
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	int i;

	ck_assert_int_eq(store_begin(st, &err), STORE_OK);
	for (i = 0; i < 200; i++) {
		ck_assert_int_eq(vcase_open(st, "T%04u", "t", NULL, NULL, NULL,
		    0, 1, 2, &id, &err), STORE_OK);
		ck_assert(!g_hash_table_contains(seen, id));
		g_hash_table_add(seen, id);
	}
	ck_assert_int_eq(store_commit(st, &err), STORE_OK);
	g_hash_table_destroy(seen);
}
END_TEST

START_TEST(test_busy_is_temporary)
{
	struct store *other = NULL;
	char *err = NULL;

	ck_assert_int_eq(store_open(db, 0, &other, &err), STORE_OK);
	store_set_busy_timeout(other, 50);
	ck_assert_int_eq(store_begin(st, &err), STORE_OK);
	ck_assert_int_eq(store_begin(other, &err), STORE_TEMP);
	ck_assert_ptr_nonnull(err);
	g_free(err);
	store_rollback(st);
	err = NULL;
	ck_assert_int_eq(store_begin(other, &err), STORE_OK);
	store_rollback(other);
	store_close(&other);
}
END_TEST

/* Bytes of a spill, for comparison. */
static GByteArray *
spill_bytes(struct spill *sp)
{
	GByteArray *a = g_byte_array_new();
	GMimeStream *s = spill_stream(sp, NULL);
	char buf[4096];
	ssize_t n;

	ck_assert_ptr_nonnull(s);
	while ((n = spill_read(s, buf, sizeof(buf))) > 0)
		g_byte_array_append(a, (guint8 *)buf, (guint)n);
	g_object_unref(s);
	return a;
}

/* Messages go in and come out in pieces; the copy an MTA pipes (LF,
 * newlines added) and the one IMAP serves (CRLF) are one message, also
 * when a CR ends a 64 KiB piece. */
START_TEST(test_raw_roundtrip)
{
	GString *lf = g_string_new("X"), *crlf = g_string_new("X");
	struct spill *sp = NULL;
	GByteArray *back;
	int64_t row, row2;
	char *err = NULL;
	int dup, i;

	/* Lines of 16 bytes after one: a CR at offset 65535. */
	for (i = 0; i < 200000 / 16; i++) {
		g_string_append(lf, "abcdefghijklmn\n");
		g_string_append(crlf, "abcdefghijklmn\r\n");
	}
	ck_assert_int_eq(crlf->str[65535], '\r');
	g_string_append(lf, "\n\n");
	ck_assert_int_eq(inbound_store(st, crlf->str, crlf->len, "imap", 1,
	    &row, &dup, &err), STORE_OK);
	ck_assert_int_eq(dup, 0);
	ck_assert_int_eq(inbound_store(st, lf->str, lf->len, "deliver", 2,
	    &row2, &dup, &err), STORE_OK);
	ck_assert_int_eq(dup, 1);
	ck_assert_int_eq(row2, row);
	/* One CR less is another message. */
	crlf->str[65535] = 'x';
	ck_assert_int_eq(inbound_store(st, crlf->str, crlf->len, "imap", 3,
	    &row2, &dup, &err), STORE_OK);
	ck_assert_int_eq(dup, 0);
	crlf->str[65535] = '\r';

	/* Read back whole, through a file (past SPILL_MEM_MAX in one of
	 * them below). */
	ck_assert_int_eq(inbound_load(st, row, dir, &sp, &err), STORE_OK);
	back = spill_bytes(sp);
	ck_assert_uint_eq(back->len, crlf->len);
	ck_assert(memcmp(back->data, crlf->str, crlf->len) == 0);
	g_byte_array_unref(back);
	spill_free(&sp);

	while (lf->len <= SPILL_MEM_MAX)
		g_string_append(lf, "more text than fits in memory\n");
	ck_assert_int_eq(inbound_store(st, lf->str, lf->len, "deliver", 4,
	    &row2, &dup, &err), STORE_OK);
	ck_assert_int_eq(inbound_load(st, row2, dir, &sp, &err), STORE_OK);
	ck_assert(spill_on_disk(sp));
	back = spill_bytes(sp);
	ck_assert_uint_eq(back->len, lf->len);
	ck_assert(memcmp(back->data, lf->str, lf->len) == 0);
	g_byte_array_unref(back);
	spill_free(&sp);

	ck_assert_int_eq(inbound_load(st, 9999, dir, &sp, &err),
	    STORE_NOTFOUND);
	g_free(err);
	g_string_free(lf, TRUE);
	g_string_free(crlf, TRUE);
}
END_TEST

/* A database of schema 1 keeps its messages' bytes through the move to
 * message_raw, and is brought to the current schema. */
START_TEST(test_raw_migration)
{
	extern const char *const store_migrations[];
	struct spill *sp = NULL;
	GByteArray *back;
	char *err = NULL;
	sqlite3 *raw;

	store_close(&st);
	g_unlink(db);
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, store_migrations[0], NULL, NULL,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, "PRAGMA user_version = 1; "
	    "INSERT INTO messages (received, source, sha256, size, raw) "
	    "VALUES (1, 'deliver', 'ab', 9, CAST('Subject: x' AS BLOB))",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	ck_assert_int_eq(store_open(db, 0, &st, &err), STORE_OK);
	ck_assert_int_eq(store_user_version(st), store_schema_version());
	ck_assert_int_eq(inbound_load(st, 1, dir, &sp, &err), STORE_OK);
	back = spill_bytes(sp);
	ck_assert_uint_eq(back->len, 10);
	ck_assert(memcmp(back->data, "Subject: x", 10) == 0);
	g_byte_array_unref(back);
	spill_free(&sp);
	/* And reaches schema 3: replies in the order they were signed. */
	ck_assert_ptr_nonnull(store_stmt(st, "SELECT last_reply_signed FROM "
	    "participants"));
	ck_assert_ptr_nonnull(store_stmt(st, "SELECT signer, sig_time, "
	    "data_hash, seen_at FROM seen_replies"));
}
END_TEST

Suite *
make_store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_and_version);
	tcase_add_test(tc, test_newer_refused);
	tcase_add_test(tc, test_raw_roundtrip);
	tcase_add_test(tc, test_raw_migration);
	tcase_add_test(tc, test_vendors);
	tcase_add_test(tc, test_keywords_parse);
	tcase_add_test(tc, test_cases_and_events);
	tcase_add_test(tc, test_ids_unique);
	tcase_add_test(tc, test_busy_is_temporary);
	suite_add_tcase(s, tc);
	return s;
}
