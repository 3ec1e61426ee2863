#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/log.h"
#include "vulture/ops.h"
#include "vulture/sched.h"
#include "vulture/vtime.h"

/* Japanese reminders show the published words; English ones the
 * status as the reply form writes it. */
static const char *
status_text(const char *status, const char *lang)
{
	int su = pstatus_parse(status);

	if (su < 0 || strcmp(lang, "ja") != 0)
		return status;
	return pstatus_label((enum pstatus)su, "ja");
}

/* 1 if the case's event log has kind with exactly this detail. */
static int
has_event(struct store *st, const char *case_id, const char *kind,
    const char *detail)
{
	char *err = NULL;
	int found;

	/* A database that cannot tell counts as "not yet", as it did. */
	if (event_exists(st, case_id, kind, detail, &found, &err) != STORE_OK)
		found = 0;
	g_free(err);
	return found;
}

static int
notice_to(const struct outbound *o, const char *kind, const char *case_id,
    const struct participant *p, GVariantDict *extra, int64_t now,
    char **error_r)
{
	struct vendor *v = NULL;
	GVariantDict *vars;
	GVariant *vv;
	int rc, q;

	if ((rc = vendor_get(o->st, p->handle, &v, error_r)) != STORE_OK)
		return rc;
	if ((vars = outbound_case_vars(o, case_id, error_r)) == NULL) {
		vendor_free(&v);
		return STORE_ERR;
	}
	if (extra != NULL) {
		GVariant *e = g_variant_ref_sink(g_variant_dict_end(extra));
		GVariantIter it;
		const char *k;
		GVariant *val;

		g_variant_iter_init(&it, e);
		while (g_variant_iter_next(&it, "{&sv}", &k, &val)) {
			g_variant_dict_insert_value(vars, k, val);
			g_variant_unref(val);
		}
		g_variant_unref(e);
	}
	g_variant_dict_insert(vars, "status", "s", status_text(p->status,
	    v->language));
	vv = g_variant_ref_sink(g_variant_dict_end(vars));
	g_variant_dict_unref(vars);
	rc = outbound_to_vendor(o, kind, case_id, v, vv, NULL, NULL, 0, now,
	    &q, error_r);
	g_variant_unref(vv);
	vendor_free(&v);
	return rc;
}

static int
participant_pass(const struct outbound *o, const struct vcase *c,
    const struct participant *p, int64_t now, struct sched_stats *stats,
    char **error_r)
{
	const struct vconf *conf = o->conf;
	char *detail;
	int rc;

	if (p->unreachable || p->last_answer != 0 || p->first_attempt == 0)
		return STORE_OK;
	if (now >= vtime_add_days(p->first_attempt,
	    conf->unreachable_after_days, conf->tz)) {
		struct vendor *v = NULL;
		char *first, *text;

		if ((rc = vendor_get(o->st, p->handle, &v, error_r)) !=
		    STORE_OK)
			return rc;
		rc = vcase_transition(o->st, c->id, v->id, PEV_UNREACHABLE,
		    NULL, NULL, error_r);
		vendor_free(&v);
		if (rc != STORE_OK)
			return rc;
		first = vtime_format(p->first_attempt, conf->tz);
		detail = g_strdup_printf("vendor=%s first_attempt=%s "
		    "attempts=%d", p->handle, first, p->attempts);
		rc = event_add(o->st, c->id, now, "scheduler", "unreachable",
		    detail, NULL, error_r);
		text = g_strdup_printf("%s has not answered since %s (%d "
		    "attempts) and is now marked unreachable: it will be "
		    "published as \"contact attempted since %s, no answer\".",
		    p->handle, first, p->attempts, first);
		if (rc == STORE_OK)
			rc = outbound_alert(o, c->id, "vendor unreachable", text,
			    now, error_r);
		g_free(text);
		g_free(detail);
		g_free(first);
		stats->unreachable++;
		return rc;
	}
	if (p->last_attempt == 0 || now < vtime_add_days(p->last_attempt,
	    conf->followup_days, conf->tz))
		return STORE_OK;
	if (strcmp(p->stage, "summary-sent") == 0) {
		GVariantDict *extra = g_variant_dict_new(NULL);
		char *first = vtime_format(p->first_attempt, conf->tz);

		g_variant_dict_insert(extra, "first_attempt", "s", first);
		g_variant_dict_insert(extra, "attempts", "i", p->attempts + 1);
		rc = notice_to(o, "followup", c->id, p, extra, now, error_r);
		g_variant_dict_unref(extra);
		g_free(first);
	} else if (strcmp(p->stage, "registration-requested") == 0) {
		struct vendor *v = NULL;

		if ((rc = vendor_get(o->st, p->handle, &v, error_r)) ==
		    STORE_OK)
			rc = outbound_registration_request(o, c->id, v, now,
			    error_r);
		vendor_free(&v);
	} else
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	detail = g_strdup_printf("vendor=%s attempt=%d", p->handle,
	    p->attempts + 1);
	rc = event_add(o->st, c->id, now, "scheduler", "followup", detail,
	    NULL, error_r);
	g_free(detail);
	stats->followups++;
	return rc;
}

static int
case_pass(const struct outbound *o, const char *case_id, int64_t now,
    struct sched_stats *stats, char **error_r)
{
	const struct vconf *conf = o->conf;
	struct vcase *c = NULL;
	guint i;
	int rc, r;

	if ((rc = vcase_get(o->st, case_id, &c, error_r)) != STORE_OK)
		return rc;
	for (i = 0; i < c->participants->len; i++)
		if ((rc = participant_pass(o, c, c->participants->pdata[i],
		    now, stats, error_r)) != STORE_OK)
			goto out;
	/* Reminders: the nearest due one only, so a late start does not send
	 * the 7-day and the 1-day reminder at once. */
	for (r = conf->n_remind_days - 1; r >= 0; r--) {
		int days = conf->remind_days[r];
		int64_t at = vtime_add_days(c->publication, -days, conf->tz);
		char *detail, *text, *pub;
		GVariantDict *extra;

		if (now < at || now >= c->publication)
			continue;
		detail = g_strdup_printf("days=%d", days);
		if (has_event(o->st, case_id, "reminder", detail)) {
			g_free(detail);
			break;
		}
		for (i = 0; i < c->participants->len; i++) {
			const struct participant *p = c->participants->pdata[i];

			if (p->unreachable || strcmp(p->stage, "selected") ==
			    0 || strcmp(p->stage, "registration-requested") ==
			    0)
				continue;
			extra = g_variant_dict_new(NULL);
			g_variant_dict_insert(extra, "days_left", "i", days);
			rc = notice_to(o, "reminder", case_id, p, extra, now,
			    error_r);
			g_variant_dict_unref(extra);
			if (rc != STORE_OK) {
				g_free(detail);
				goto out;
			}
		}
		pub = vtime_format(c->publication, conf->tz);
		text = g_strdup_printf("%s (%s) is to be published on %s, in %d "
		    "day(s).", case_id, c->title, pub, days);
		rc = outbound_alert(o, case_id, "publication reminder", text,
		    now, error_r);
		if (rc == STORE_OK)
			rc = event_add(o->st, case_id, now, "scheduler",
			    "reminder", detail, NULL, error_r);
		g_free(text);
		g_free(pub);
		g_free(detail);
		stats->reminders++;
		if (rc != STORE_OK)
			goto out;
		break;
	}
	if (now >= c->publication && !has_event(o->st, case_id,
	    "publication-due", "")) {
		char *pub = vtime_format(c->publication, conf->tz);
		char *text = NULL, *perr = NULL;

		if (conf->auto_publish) {
			GString *res = g_string_new(NULL);

			/* In a savepoint: a refusal (no overview yet) leaves
			 * the case open and becomes the alert's text. */
			if ((rc = store_savepoint(o->st, error_r)) != STORE_OK) {
				g_string_free(res, TRUE);
				g_free(pub);
				goto out;
			}
			rc = ops_case_publish(o, case_id, 0, now, res, &perr);
			if (rc == STORE_OK)
				rc = store_release(o->st, error_r);
			else
				store_rollback_to(o->st);
			if (rc == STORE_TEMP) {
				*error_r = perr;
				g_string_free(res, TRUE);
				g_free(pub);
				goto out;
			}
			text = rc == STORE_OK ? g_strdup_printf("%s was "
			    "published automatically: %s", case_id, res->str) :
			    g_strdup_printf("The publication time of %s has "
			    "come (%s) but it could not be published "
			    "automatically: %s", case_id, pub, perr);
			g_free(perr);
			g_string_free(res, TRUE);
		} else
			text = g_strdup_printf("The publication time of %s (%s) "
			    "has come (%s). Publish it with 'case ID publish', "
			    "or move the date.", case_id, c->title, pub);
		rc = event_add(o->st, case_id, now, "scheduler",
		    "publication-due", "", NULL, error_r);
		if (rc == STORE_OK)
			rc = outbound_alert(o, case_id, "publication due", text,
			    now, error_r);
		g_free(text);
		g_free(pub);
		stats->due++;
	}
out:
	vcase_free(&c);
	return rc;
}

int
sched_run(const struct outbound *o, int64_t now, struct sched_stats *stats,
    char **error_r)
{
	GPtrArray *ids = NULL;
	guint i;
	int rc;

	memset(stats, 0, sizeof(*stats));
	if ((rc = vcase_ids(o->st, "open", &ids, error_r)) != STORE_OK) {
		g_ptr_array_unref(ids);
		return rc;
	}
	for (i = 0; i < ids->len; i++) {
		if ((rc = store_begin(o->st, error_r)) != STORE_OK)
			break;
		rc = case_pass(o, ids->pdata[i], now, stats, error_r);
		if (rc == STORE_OK)
			rc = store_commit(o->st, error_r);
		else
			store_rollback(o->st);
		if (rc != STORE_OK) {
			log_warnx("scheduler case=%s: %s",
			    (char *)ids->pdata[i], *error_r);
			break;
		}
	}
	g_ptr_array_unref(ids);
	if (stats->followups + stats->unreachable + stats->reminders +
	    stats->due > 0)
		log_info("scheduler followups=%u unreachable=%u reminders=%u "
		    "due=%u", stats->followups, stats->unreachable,
		    stats->reminders, stats->due);
	return rc;
}
