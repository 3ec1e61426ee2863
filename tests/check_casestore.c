/* The case store (case_store.c, vendor_keys.c) and the operations and
 * scheduler over it, against a temporary database: no gpg, no mail. */
#include "config.h"

#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "check_suites.h"
#include "testutil.h"
#include "vulture/case.h"
#include "vulture/keys.h"
#include "vulture/msgstore.h"
#include "vulture/ops.h"
#include "vulture/sched.h"
#include "vulture/site.h"
#include "vulture/store.h"
#include "vulture/vendor.h"
#include "../src/inbound_p.h"

#define FPR1 "0123456789ABCDEF0123456789ABCDEF01234567"
#define FPR2 "89ABCDEF0123456789ABCDEF0123456789ABCDEF"

static char *dir, *db, *case_id;
static struct store *st;
static struct vconf conf;
static struct outbound o;
static int64_t acme_id, globex_id;

static int64_t
vendor_id(const char *handle)
{
	struct vendor *v = NULL;
	char *err = NULL;
	int64_t id;

	ck_assert_int_eq(vendor_get(st, handle, &v, &err), STORE_OK);
	id = v->id;
	vendor_free(&v);
	return id;
}

/* Two vendors, one open case with acme taking part. */
static void
setup(void)
{
	char *err = NULL;

	dir = tu_tmpdir();
	db = g_build_filename(dir, "v.db", NULL);
	ck_assert_int_eq(store_open(db, 1, &st, &err), STORE_OK);
	ck_assert_int_eq(store_begin(st, &err), STORE_OK);
	ck_assert_int_eq(vendor_add(st, "acme", "ACME", "general",
	    "registered", "en", "psirt@acme.example", NULL, NULL, NULL, 1,
	    &err), STORE_OK);
	ck_assert_int_eq(vendor_add(st, "globex", "Globex", "general",
	    "unregistered", "en", "sec@globex.example", NULL, NULL, NULL, 1,
	    &err), STORE_OK);
	acme_id = vendor_id("acme");
	globex_id = vendor_id("globex");
	ck_assert_int_eq(vcase_open(st, "T%04u", "Overflow", "s", NULL, NULL,
	    0, 1000, 90000, &case_id, &err), STORE_OK);
	ck_assert_int_eq(vcase_add_participant(st, case_id, acme_id, 1001,
	    &err), STORE_OK);
	ck_assert_int_eq(store_commit(st, &err), STORE_OK);
	memset(&conf, 0, sizeof(conf));
	conf.tz = g_time_zone_new_utc();
	conf.publish_dir = g_build_filename(dir, "pub", NULL);
	conf.site_language = g_strdup("en");
	conf.base_url = g_strdup("");
	memset(&o, 0, sizeof(o));
	o.conf = &conf;
	o.st = st;
	o.actor = "test";
}

static void
teardown(void)
{
	store_close(&st);
	g_time_zone_unref(conf.tz);
	g_free(conf.publish_dir);
	g_free(conf.site_language);
	g_free(conf.base_url);
	tu_rmtree(dir);
	g_free(db);
	g_free(dir);
	g_free(case_id);
}

static struct participant *
acme_of(struct vcase *c)
{
	ck_assert_uint_eq(c->participants->len, 1);
	return c->participants->pdata[0];
}

/* Asserts rc is want and frees the reason. */
static void
want_rc(int rc, int want, char **err)
{
	ck_assert_msg(rc == want, "rc %d, want %d: %s", rc, want,
	    *err ? *err : "");
	if (want != STORE_OK)
		ck_assert_ptr_nonnull(*err);
	g_free(*err);
	*err = NULL;
}

START_TEST(test_participant_columns)
{
	struct vcase *c = NULL;
	char *err = NULL;

	want_rc(vcase_set_comment(st, case_id, acme_id, "looking", &err),
	    STORE_OK, &err);
	/* NULL keeps the comment. */
	want_rc(vcase_set_comment(st, case_id, acme_id, NULL, &err), STORE_OK,
	    &err);
	want_rc(vcase_first_attempt(st, case_id, acme_id, 2000, &err),
	    STORE_OK, &err);
	/* The first attempt stays the first. */
	want_rc(vcase_first_attempt(st, case_id, acme_id, 3000, &err),
	    STORE_OK, &err);
	ck_assert_int_eq(vcase_get(st, case_id, &c, &err), STORE_OK);
	ck_assert_str_eq(acme_of(c)->comment, "looking");
	ck_assert_int_eq(acme_of(c)->first_attempt, 2000);
	vcase_free(&c);
	/* Not a participant, not a case. */
	want_rc(vcase_set_comment(st, case_id, globex_id, "x", &err),
	    STORE_NOTFOUND, &err);
	want_rc(vcase_first_attempt(st, "T0000", acme_id, 1, &err),
	    STORE_NOTFOUND, &err);
}
END_TEST

START_TEST(test_publish_and_ids)
{
	GPtrArray *ids = NULL;
	struct vcase *c = NULL;
	char *err = NULL, *id2 = NULL;

	ck_assert_int_eq(vcase_open(st, "T%04u", "Second", "s", NULL, NULL,
	    0, 1000, 90000, &id2, &err), STORE_OK);
	want_rc(vcase_ids(st, "open", &ids, &err), STORE_OK, &err);
	ck_assert_uint_eq(ids->len, 2);
	/* By id. */
	ck_assert_int_lt(strcmp(ids->pdata[0], ids->pdata[1]), 0);
	g_ptr_array_unref(ids);
	want_rc(vcase_set_published(st, id2, 5000, &err), STORE_OK, &err);
	want_rc(vcase_set_published(st, case_id, 6000, &err), STORE_OK, &err);
	want_rc(vcase_set_published(st, "T0000", 6000, &err), STORE_NOTFOUND,
	    &err);
	ck_assert_int_eq(vcase_get(st, id2, &c, &err), STORE_OK);
	ck_assert_str_eq(c->state, "published");
	ck_assert_int_eq(c->published_at, 5000);
	ck_assert_int_eq(c->updated, 5000);
	vcase_free(&c);
	want_rc(vcase_ids(st, "open", &ids, &err), STORE_OK, &err);
	ck_assert_uint_eq(ids->len, 0);
	g_ptr_array_unref(ids);
	/* Last published first. */
	want_rc(vcase_ids(st, "published", &ids, &err), STORE_OK, &err);
	ck_assert_uint_eq(ids->len, 2);
	ck_assert_str_eq(ids->pdata[0], case_id);
	ck_assert_str_eq(ids->pdata[1], id2);
	g_ptr_array_unref(ids);
	g_free(id2);
}
END_TEST

START_TEST(test_advisory)
{
	GPtrArray *list = NULL;
	char *err = NULL, *text = NULL;

	want_rc(vcase_advisory_get(st, case_id, "overview", &text, &err),
	    STORE_NOTFOUND, &err);
	ck_assert_ptr_null(text);
	want_rc(vcase_advisory_set(st, case_id, "overview", "first", &err),
	    STORE_OK, &err);
	want_rc(vcase_advisory_set(st, case_id, "overview", "second", &err),
	    STORE_OK, &err);
	want_rc(vcase_advisory_set(st, case_id, "solution", "update", &err),
	    STORE_OK, &err);
	want_rc(vcase_advisory_get(st, case_id, "overview", &text, &err),
	    STORE_OK, &err);
	ck_assert_str_eq(text, "second");
	g_free(text);
	want_rc(vcase_advisory_list(st, case_id, &list, &err), STORE_OK, &err);
	ck_assert_uint_eq(list->len, 2);
	ck_assert_str_eq(((struct advisory_text *)list->pdata[1])->field,
	    "solution");
	g_ptr_array_unref(list);
	/* Of an unknown case: refused by the schema. */
	ck_assert_int_ne(vcase_advisory_set(st, "T0000", "overview", "x",
	    &err), STORE_OK);
	g_free(err);
}
END_TEST

START_TEST(test_events_and_site_marks)
{
	char *err = NULL;
	int found;
	int64_t gen, gen2;

	want_rc(event_exists(st, case_id, "reminder", "x", &found, &err),
	    STORE_OK, &err);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(event_add(st, case_id, 1, "t", "reminder", "x", NULL,
	    &err), STORE_OK);
	want_rc(event_exists(st, case_id, "reminder", "x", &found, &err),
	    STORE_OK, &err);
	ck_assert_int_eq(found, 1);
	want_rc(event_exists(st, case_id, "reminder", "y", &found, &err),
	    STORE_OK, &err);
	ck_assert_int_eq(found, 0);

	want_rc(vcase_site_marks(st, &gen, &err), STORE_OK, &err);
	ck_assert_int_eq(gen, 0);
	want_rc(vcase_site_mark(st, case_id, 1, &err), STORE_OK, &err);
	want_rc(vcase_site_mark(st, NULL, 2, &err), STORE_OK, &err);
	want_rc(vcase_site_marks(st, &gen, &err), STORE_OK, &err);
	ck_assert_int_gt(gen, 0);
	/* A mark made after the one a writer saw survives its unmark. */
	want_rc(vcase_site_mark(st, case_id, 3, &err), STORE_OK, &err);
	want_rc(vcase_site_unmark(st, gen, &err), STORE_OK, &err);
	want_rc(vcase_site_marks(st, &gen2, &err), STORE_OK, &err);
	ck_assert_int_gt(gen2, gen);
	want_rc(vcase_site_unmark(st, gen2, &err), STORE_OK, &err);
	want_rc(vcase_site_marks(st, &gen, &err), STORE_OK, &err);
	ck_assert_int_eq(gen, 0);
}
END_TEST

START_TEST(test_related)
{
	struct vendor_related *r = NULL;
	GPtrArray *list = NULL;
	char *err = NULL;
	int64_t id = 0, id2 = 0;

	want_rc(vendor_related_add(st, case_id, acme_id, "Initech", "Bob",
	    "PSIRT@initech.example", NULL, 1500, &id, &err), STORE_OK, &err);
	want_rc(vendor_related_add(st, case_id, acme_id, "Hooli", NULL,
	    "sec@hooli.example", "+1", 1501, &id2, &err), STORE_OK, &err);
	ck_assert_int_ne(id, id2);
	want_rc(vendor_related_get(st, id, &r, &err), STORE_OK, &err);
	ck_assert_str_eq(r->case_id, case_id);
	ck_assert_str_eq(r->case_state, "open");
	ck_assert_str_eq(r->requester, "acme");
	ck_assert_int_eq(r->requested_by, acme_id);
	ck_assert_str_eq(r->organisation, "Initech");
	ck_assert_str_eq(r->contact, "Bob");
	ck_assert_ptr_null(r->phone);
	ck_assert_str_eq(r->state, "pending");
	ck_assert_ptr_null(r->proposed_fpr);
	ck_assert_int_eq(r->created, 1500);
	vendor_related_free(&r);
	ck_assert_ptr_null(r);
	want_rc(vendor_related_get(st, 999, &r, &err), STORE_NOTFOUND, &err);
	ck_assert_ptr_null(r);

	/* Only approved ones are found by address, case-blind. */
	want_rc(vendor_related_by_address(st, "psirt@INITECH.example",
	    "approved", &r, &err), STORE_NOTFOUND, &err);
	want_rc(vendor_related_set_state(st, id, "approved", NULL, &err),
	    STORE_OK, &err);
	want_rc(vendor_related_by_address(st, "psirt@INITECH.example",
	    "approved", &r, &err), STORE_OK, &err);
	ck_assert_int_eq(r->id, id);
	vendor_related_free(&r);

	want_rc(vendor_related_set_proposed(st, id, FPR1, &err), STORE_OK,
	    &err);
	want_rc(vendor_related_set_vouched(st, id, FPR2, &err), STORE_OK,
	    &err);
	want_rc(vendor_related_list(st, case_id, acme_id, "approved", &list,
	    &err), STORE_OK, &err);
	ck_assert_uint_eq(list->len, 1);
	r = list->pdata[0];
	ck_assert_str_eq(r->proposed_fpr, FPR1);
	ck_assert_str_eq(r->vouched_fpr, FPR2);
	r = NULL;
	g_ptr_array_unref(list);
	want_rc(vendor_related_list(st, case_id, 0, NULL, &list, &err),
	    STORE_OK, &err);
	ck_assert_uint_eq(list->len, 2);
	g_ptr_array_unref(list);
	want_rc(vendor_related_list(st, case_id, globex_id, NULL, &list, &err),
	    STORE_OK, &err);
	ck_assert_uint_eq(list->len, 0);
	g_ptr_array_unref(list);

	/* Registered with a fingerprint, which a later state keeps. */
	want_rc(vendor_related_set_state(st, id, "registered", FPR1, &err),
	    STORE_OK, &err);
	want_rc(vendor_related_get(st, id, &r, &err), STORE_OK, &err);
	ck_assert_str_eq(r->state, "registered");
	ck_assert_str_eq(r->fingerprint, FPR1);
	vendor_related_free(&r);
	want_rc(vendor_related_set_state(st, 999, "approved", NULL, &err),
	    STORE_NOTFOUND, &err);
	want_rc(vendor_related_set_proposed(st, 999, FPR1, &err),
	    STORE_NOTFOUND, &err);
	want_rc(vendor_related_set_vouched(st, 999, FPR1, &err),
	    STORE_NOTFOUND, &err);
	/* The schema's states only. */
	ck_assert_int_ne(vendor_related_set_state(st, id2, "maybe", NULL,
	    &err), STORE_OK);
	g_free(err);
}
END_TEST

START_TEST(test_proposals)
{
	GPtrArray *list = NULL;
	GBytes *key = NULL;
	char *err = NULL, *address = NULL;
	int64_t id = 0, again = 0, found = 0, rel = 0;
	gsize n;

	want_rc(vendor_proposal_open(st, acme_id, FPR1, &found, &address, &key,
	    &err), STORE_NOTFOUND, &err);
	want_rc(vendor_proposal_add(st, acme_id, 0, "psirt@acme.example", FPR1,
	    1600, &id, &err), STORE_OK, &err);
	/* The same key offered again (any case of address) is the same
	 * proposal. */
	want_rc(vendor_proposal_add(st, acme_id, 0, "PSIRT@acme.example", FPR1,
	    1700, &again, &err), STORE_OK, &err);
	ck_assert_int_eq(again, id);
	want_rc(vendor_proposal_open(st, acme_id, FPR1, &found, &address, &key,
	    &err), STORE_OK, &err);
	ck_assert_int_eq(found, id);
	ck_assert_str_eq(address, "psirt@acme.example");
	ck_assert_ptr_null(key);
	g_free(address);
	want_rc(vendor_proposal_set_key(st, id, "KEY\0BYTES", 9, &err),
	    STORE_OK, &err);
	want_rc(vendor_proposal_set_key(st, 999, "x", 1, &err),
	    STORE_NOTFOUND, &err);
	want_rc(vendor_proposal_open(st, acme_id, FPR1, &found, &address, &key,
	    &err), STORE_OK, &err);
	ck_assert_ptr_nonnull(key);
	ck_assert_int_eq(memcmp(g_bytes_get_data(key, &n), "KEY\0BYTES", 9),
	    0);
	ck_assert_uint_eq(n, 9);
	g_bytes_unref(key);
	g_free(address);

	/* An invited organisation's proposal, listed with its share. */
	want_rc(vendor_related_add(st, case_id, acme_id, "Initech", NULL,
	    "psirt@initech.example", NULL, 1500, &rel, &err), STORE_OK, &err);
	want_rc(vendor_proposal_add(st, 0, rel, "psirt@initech.example", FPR2,
	    1800, &again, &err), STORE_OK, &err);
	ck_assert_int_ne(again, id);
	want_rc(vendor_proposals(st, 0, &list, &err), STORE_OK, &err);
	ck_assert_uint_eq(list->len, 2);
	{
		const struct key_proposal *p = list->pdata[0], *q =
		    list->pdata[1];
		char *share = g_strdup_printf("%s share %lld", case_id,
		    (long long)rel);

		ck_assert_str_eq(p->handle, "acme");
		ck_assert_str_eq(p->fpr, FPR1);
		ck_assert_int_eq(p->created, 1600);
		ck_assert_str_eq(p->share, "");
		ck_assert_str_eq(q->handle, "-");
		ck_assert_str_eq(q->share, share);
		g_free(share);
	}
	g_ptr_array_unref(list);
	want_rc(vendor_proposals(st, acme_id, &list, &err), STORE_OK, &err);
	ck_assert_uint_eq(list->len, 1);
	g_ptr_array_unref(list);

	/* Decided: no longer open, nor listed. */
	want_rc(vendor_proposal_decide(st, id, "confirmed", 1900, "test",
	    &err), STORE_OK, &err);
	want_rc(vendor_proposal_decide_related(st, rel, FPR2, "confirmed",
	    1900, "test", &err), STORE_OK, &err);
	want_rc(vendor_proposal_open(st, acme_id, FPR1, &found, &address, &key,
	    &err), STORE_NOTFOUND, &err);
	want_rc(vendor_proposals(st, 0, &list, &err), STORE_OK, &err);
	ck_assert_uint_eq(list->len, 0);
	g_ptr_array_unref(list);
}
END_TEST

START_TEST(test_by_address_and_held)
{
	char *err = NULL, *handle = NULL, *fpr = NULL;
	int n = -1;

	want_rc(vendor_by_address(st, "SEC@globex.example", &handle, &fpr,
	    &err), STORE_OK, &err);
	ck_assert_str_eq(handle, "globex");
	ck_assert_ptr_null(fpr);
	g_free(handle);
	want_rc(vendor_by_address(st, "nobody@x.example", &handle, &fpr,
	    &err), STORE_NOTFOUND, &err);
	ck_assert_ptr_null(handle);

	ck_assert_int_eq(sqlite3_exec(store_db(st), "INSERT INTO messages "
	    "(received, source, sha256, size, state, kind, vendor) VALUES "
	    "(1, 'deliver', 'a', 1, 'quarantined', 'pending-vendor', "
	    "'globex'), (1, 'deliver', 'b', 1, 'quarantined', "
	    "'unsigned', 'globex'), (1, 'deliver', 'c', 1, "
	    "'quarantined', 'pending-vendor', 'acme')", NULL, NULL, NULL),
	    SQLITE_OK);
	want_rc(msgstore_release_held(st, "globex", &n, &err), STORE_OK, &err);
	ck_assert_int_eq(n, 1);
	want_rc(msgstore_release_held(st, "globex", &n, &err), STORE_OK, &err);
	ck_assert_int_eq(n, 0);
}
END_TEST

/* Operations over the store, as vulturectl runs them. */
START_TEST(test_ops_status_and_advisory)
{
	GString *out = g_string_new(NULL);
	struct vcase *c = NULL;
	char *err = NULL, *text = NULL;
	int found;

	want_rc(ops_case_status(&o, case_id, "acme", "affected",
	    "fixed in 2.1", 2000, out, &err), STORE_OK, &err);
	ck_assert_int_eq(vcase_get(st, case_id, &c, &err), STORE_OK);
	ck_assert_str_eq(acme_of(c)->status, "affected");
	ck_assert_str_eq(acme_of(c)->comment, "fixed in 2.1");
	vcase_free(&c);
	want_rc(event_exists(st, case_id, "status-set", "vendor=acme "
	    "status=affected comment", &found, &err), STORE_OK, &err);
	ck_assert_int_eq(found, 1);
	want_rc(ops_case_status(&o, case_id, "globex", "affected", NULL,
	    2000, out, &err), STORE_ERR, &err);
	want_rc(ops_case_status(&o, case_id, "acme", "sunny", NULL, 2000, out,
	    &err), STORE_ERR, &err);

	want_rc(ops_case_unreachable(&o, case_id, "acme", 2100, out, &err),
	    STORE_OK, &err);
	ck_assert_int_eq(vcase_get(st, case_id, &c, &err), STORE_OK);
	ck_assert_int_eq(acme_of(c)->unreachable, 1);
	ck_assert_int_eq(acme_of(c)->first_attempt, 2100);
	vcase_free(&c);

	want_rc(ops_case_advisory(&o, case_id, "overview", "A flaw.", 2200,
	    out, &err), STORE_OK, &err);
	want_rc(ops_case_advisory(&o, case_id, "nonsense", "x", 2200, out,
	    &err), STORE_ERR, &err);
	want_rc(ops_case_advisory(&o, "T0000", "overview", "x", 2200, out,
	    &err), STORE_NOTFOUND, &err);
	want_rc(vcase_advisory_get(st, case_id, "overview", &text, &err),
	    STORE_OK, &err);
	ck_assert_str_eq(text, "A flaw.");
	g_free(text);
	g_string_free(out, TRUE);
}
END_TEST

/* Invited organisations' keys, before they arrive: no gpg runs. */
START_TEST(test_ops_shares)
{
	GString *out = g_string_new(NULL);
	struct vendor_related *r = NULL;
	char *err = NULL;
	int64_t a = 0, b = 0;

	want_rc(vendor_related_add(st, case_id, acme_id, "Initech", NULL,
	    "psirt@initech.example", NULL, 1500, &a, &err), STORE_OK, &err);
	/* Not approved yet: nothing to confirm. */
	want_rc(ops_share_confirm(&o, case_id, (unsigned)a, FPR1, 1600, out,
	    &err), STORE_ERR, &err);
	want_rc(ops_share_confirm(&o, "T0000", (unsigned)a, FPR1, 1600, out,
	    &err), STORE_ERR, &err);
	want_rc(vendor_related_set_state(st, a, "approved", NULL, &err),
	    STORE_OK, &err);
	want_rc(ops_share_confirm(&o, case_id, (unsigned)a, FPR1, 1600, out,
	    &err), STORE_OK, &err);
	ck_assert_ptr_nonnull(strstr(out->str, "registered when key"));
	want_rc(vendor_related_get(st, a, &r, &err), STORE_OK, &err);
	ck_assert_str_eq(r->vouched_fpr, FPR1);
	vendor_related_free(&r);
	/* A key arrived that is another: refused. */
	want_rc(vendor_related_set_proposed(st, a, FPR2, &err), STORE_OK,
	    &err);
	want_rc(ops_share_confirm(&o, case_id, (unsigned)a, FPR1, 1600, out,
	    &err), STORE_ERR, &err);
	/* Vouching: one open invitation takes the key ahead. */
	want_rc(vendor_related_add(st, case_id, acme_id, "Hooli", NULL,
	    "sec@hooli.example", NULL, 1500, &b, &err), STORE_OK, &err);
	want_rc(ops_share_vouch(&o, case_id, acme_id, FPR1, 1700, out, &err),
	    STORE_OK, &err);
	want_rc(vendor_related_get(st, a, &r, &err), STORE_OK, &err);
	ck_assert_str_eq(r->vouched_fpr, FPR1);
	vendor_related_free(&r);
	/* Nobody globex invited awaits a key. */
	want_rc(ops_share_vouch(&o, case_id, globex_id, FPR1, 1700, out, &err),
	    STORE_ERR, &err);
	/* Registering needs a key that arrived. */
	want_rc(ops_share_register(&o, b, 1800, out, &err), STORE_ERR, &err);
	want_rc(ops_share_register(&o, 999, 1800, out, &err), STORE_ERR, &err);
	g_string_free(out, TRUE);
}
END_TEST

/* The scheduler over the store: an open case with nothing due is a pass
 * that sends nothing; the site is written after a mark, once. */
START_TEST(test_sched_and_site)
{
	struct sched_stats stats;
	char *err = NULL, *index;
	int wrote = -1;
	int64_t gen;

	want_rc(sched_run(&o, 1500, &stats, &err), STORE_OK, &err);
	ck_assert_uint_eq(stats.followups + stats.unreachable +
	    stats.reminders + stats.due, 0);

	want_rc(site_flush(st, &conf, &wrote, &err), STORE_OK, &err);
	ck_assert_int_eq(wrote, 0);
	ck_assert_int_eq(store_begin(st, &err), STORE_OK);
	want_rc(vcase_advisory_set(st, case_id, "overview", "A flaw.", &err),
	    STORE_OK, &err);
	want_rc(vcase_set_published(st, case_id, 1600, &err), STORE_OK, &err);
	want_rc(ops_site_refresh(&o, case_id, &err), STORE_OK, &err);
	ck_assert_int_eq(store_commit(st, &err), STORE_OK);
	want_rc(vcase_site_marks(st, &gen, &err), STORE_OK, &err);
	ck_assert_int_gt(gen, 0);
	want_rc(site_flush(st, &conf, &wrote, &err), STORE_OK, &err);
	ck_assert_int_eq(wrote, 1);
	want_rc(vcase_site_marks(st, &gen, &err), STORE_OK, &err);
	ck_assert_int_eq(gen, 0);
	index = g_build_filename(conf.publish_dir, "site", "index.html", NULL);
	ck_assert_msg(g_file_test(index, G_FILE_TEST_EXISTS), "%s", index);
	g_free(index);
}
END_TEST

/* A key change is examined before the transaction (inbound_prepare):
 * applying it without that examination runs no gpg and records nothing. */
START_TEST(test_key_change_not_examined_in_transaction)
{
	struct inbound_env env;
	struct inbound_decision *d;
	struct vdec_result r;
	struct vdec_attachment att;
	struct outbound out = o;
	char *err = NULL;
	unsigned before = vkeys_examinations();
	GPtrArray *list = NULL;

	memset(&env, 0, sizeof(env));
	memset(&r, 0, sizeof(r));
	memset(&att, 0, sizeof(att));
	env.conf = &conf;
	env.st = st;
	env.out = &out;
	att.content_type = (char *)"application/pgp-keys";
	att.data = g_bytes_new_static("not examined", 12);
	r.attachments = g_ptr_array_new();
	g_ptr_array_add(r.attachments, &att);
	d = inbound_decision_new(INBOUND_REGISTER, "key-change",
	    g_strdup("key change"));
	d->vendor = g_strdup("acme");
	d->vendor_id = acme_id;
	d->contact = g_strdup("psirt@acme.example");
	ck_assert_int_eq(store_begin(st, &err), STORE_OK);
	want_rc(inbound_apply_key_change(&env, d, &r, 2000, &err), STORE_TEMP,
	    &err);
	store_rollback(st);
	ck_assert_uint_eq(vkeys_examinations(), before);
	want_rc(vendor_proposals(st, 0, &list, &err), STORE_OK, &err);
	ck_assert_uint_eq(list->len, 0);
	g_ptr_array_unref(list);
	inbound_decision_free(&d);
	g_ptr_array_unref(r.attachments);
	g_bytes_unref(att.data);
}
END_TEST

/* With real gpg keys: a desk keyring and a vendor's key. */
static char *gdir, *vendor_home, *vendor_fpr, *vendor_key;
static struct vkeys *k;

static void
gpg_setup(void)
{
	char *err = NULL, *desk, *cmd;

	gdir = tu_tmpdir();
	desk = g_build_filename(gdir, "desk", NULL);
	vendor_home = g_build_filename(gdir, "v", NULL);
	g_mkdir(desk, 0700);
	g_mkdir(vendor_home, 0700);
	ck_assert_int_eq(vkeys_open(desk, &k, &err), 0);
	vendor_fpr = tu_genkey(vendor_home, "Initech PSIRT "
	    "<psirt@initech.example>", NULL);
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch --pinentry-mode "
	    "loopback --passphrase '' --quick-add-key %s cv25519 encr never "
	    "2>/dev/null", vendor_home, vendor_fpr), 0);
	cmd = g_strdup_printf("gpg --homedir '%s' --armor --export %s",
	    vendor_home, vendor_fpr);
	ck_assert(g_spawn_command_line_sync(cmd, &vendor_key, NULL, NULL,
	    NULL));
	g_free(cmd);
	g_free(desk);
}

static void
gpg_teardown(void)
{
	vkeys_close(&k);
	tu_sh("gpgconf --homedir '%s' --kill gpg-agent; gpgconf --homedir "
	    "'%s/desk' --kill gpg-agent", vendor_home, gdir);
	tu_rmtree(gdir);
	g_free(gdir);
	g_free(vendor_home);
	g_free(vendor_fpr);
	g_free(vendor_key);
}

/* A registration request whose key the desk does not hold yet: examined
 * in the decision, imported from that examination, and decided again
 * (now signed by a known key) without a second examination. */
START_TEST(test_registration_examined_once)
{
	struct inbound_env env, again;
	struct inbound_decision *d = NULL, *d2 = NULL;
	struct vdec_result r;
	struct vdec_attachment att;
	struct vkey_info info;
	char *err = NULL, *why = NULL;
	unsigned before;
	gpgme_key_t key = NULL;

	memset(&env, 0, sizeof(env));
	memset(&r, 0, sizeof(r));
	memset(&att, 0, sizeof(att));
	env.conf = &conf;
	env.st = st;
	env.ctx = vkeys_ctx(k);
	att.content_type = (char *)"application/pgp-keys";
	att.data = g_bytes_new_static(vendor_key, strlen(vendor_key));
	r.attachments = g_ptr_array_new();
	g_ptr_array_add(r.attachments, &att);
	r.text = (char *)"Organisation: Initech\nContact: Bob\n";
	r.from_addr = (char *)"psirt@initech.example";
	r.sig = VDEC_SIG_KEY_MISSING;
	r.encrypted = 1;
	r.decrypted = 1;

	before = vkeys_examinations();
	want_rc(inbound_decide_result(&env, &r, NULL, 2000000000, &d, &err), STORE_OK,
	    &err);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->action, INBOUND_REGISTER);
	ck_assert_str_eq(d->contact_fpr, vendor_fpr);
	ck_assert_ptr_nonnull(d->key);
	ck_assert_uint_eq(vkeys_examinations(), before + 1);
	ck_assert_msg(inbound_import_key(&env, d, &r, &info, &why) == 0, "%s",
	    why ? why : "");
	ck_assert_str_eq(info.fpr, vendor_fpr);
	vkey_info_clear(&info);
	ck_assert_int_eq(vkeys_get(vkeys_ctx(k), vendor_fpr, 0, &key), 0);
	gpgme_key_unref(key);
	/* Decided again as inbound_prepare does, now verified. */
	r.sig = VDEC_SIG_GOOD;
	g_strlcpy(r.signer_fpr, vendor_fpr, sizeof(r.signer_fpr));
	again = env;
	again.key = d->key;
	want_rc(inbound_decide_result(&again, &r, NULL, 2000000000, &d2, &err), STORE_OK,
	    &err);
	ck_assert_ptr_nonnull(d2);
	ck_assert_int_eq(d2->action, INBOUND_REGISTER);
	ck_assert_str_eq(d2->contact_fpr, vendor_fpr);
	ck_assert_uint_eq(vkeys_examinations(), before + 1);
	inbound_decision_free(&d2);
	/* Decided afresh (no examination handed over), it is examined. */
	want_rc(inbound_decide_result(&env, &r, NULL, 2000000000, &d2, &err), STORE_OK,
	    &err);
	ck_assert_uint_eq(vkeys_examinations(), before + 2);
	inbound_decision_free(&d2);
	inbound_decision_free(&d);
	g_ptr_array_unref(r.attachments);
	g_bytes_unref(att.data);
}
END_TEST

/* vulturectl vendor key: examined once, imported from that examination,
 * pinned. */
START_TEST(test_vendor_key_examined_once)
{
	GString *out = g_string_new(NULL);
	struct vendor *v = NULL;
	char *err = NULL;
	unsigned before;

	o.ctx = vkeys_ctx(k);
	ck_assert_int_eq(store_begin(st, &err), STORE_OK);
	want_rc(vendor_add(st, "initech", "Initech", "general", "pending",
	    "en", "psirt@initech.example", NULL, NULL, NULL, 1, &err),
	    STORE_OK, &err);
	before = vkeys_examinations();
	want_rc(ops_vendor_key(&o, "initech", vendor_key, strlen(vendor_key),
	    NULL, 2000, out, &err), STORE_OK, &err);
	ck_assert_uint_eq(vkeys_examinations(), before + 1);
	ck_assert_int_eq(store_commit(st, &err), STORE_OK);
	ck_assert_int_eq(vendor_get(st, "initech", &v, &err), STORE_OK);
	ck_assert_str_eq(((struct contact *)v->contacts->pdata[0])
	    ->fingerprint, vendor_fpr);
	vendor_free(&v);
	g_string_free(out, TRUE);
}
END_TEST

Suite *
make_casestore_suite(void)
{
	Suite *s = suite_create("casestore");
	TCase *tc = tcase_create("casestore");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_participant_columns);
	tcase_add_test(tc, test_publish_and_ids);
	tcase_add_test(tc, test_advisory);
	tcase_add_test(tc, test_events_and_site_marks);
	tcase_add_test(tc, test_related);
	tcase_add_test(tc, test_proposals);
	tcase_add_test(tc, test_by_address_and_held);
	tcase_add_test(tc, test_ops_status_and_advisory);
	tcase_add_test(tc, test_ops_shares);
	tcase_add_test(tc, test_sched_and_site);
	tcase_add_test(tc, test_key_change_not_examined_in_transaction);
	suite_add_tcase(s, tc);
	tc = tcase_create("examined once");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_checked_fixture(tc, gpg_setup, gpg_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_registration_examined_once);
	tcase_add_test(tc, test_vendor_key_examined_once);
	suite_add_tcase(s, tc);
	return s;
}
