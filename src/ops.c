#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/compose.h"
#include "vulture/ops.h"
#include "vulture/site.h"
#include "vulture/vtime.h"

#define FAIL(...) do { *error_r = g_strdup_printf(__VA_ARGS__); \
	rc = STORE_ERR; goto out; } while (0)

static const char *
actor(const struct outbound *o)
{
	return o->actor != NULL ? o->actor : "vulture";
}

static struct participant *
find_participant(struct vcase *c, const char *handle)
{
	guint i;

	for (i = 0; i < c->participants->len; i++) {
		struct participant *p = c->participants->pdata[i];

		if (strcmp(p->handle, handle) == 0)
			return p;
	}
	return NULL;
}

/* A stage change through the participant state machine (pstate.h). */
static int
set_stage(struct store *st, const char *case_id, int64_t vendor_id,
    enum pevent ev, int registered, char **error_r)
{
	struct pfacts f;

	pfacts_init(&f);
	f.registered = registered;
	return vcase_transition(st, case_id, vendor_id, ev, &f, NULL,
	    error_r);
}

static int
usable_key(const struct outbound *o, const struct vendor *v)
{
	guint i;

	for (i = 0; i < v->contacts->len; i++) {
		const struct contact *c = v->contacts->pdata[i];
		char *why = NULL;

		if (c->fingerprint == NULL)
			continue;
		if (compose_check_recipient(o->ctx, c->fingerprint, &why) == 0)
			return 1;
		g_free(why);
	}
	return 0;
}

/* One vendor of a notify command. skip_individual: keyword selection. */
static int
notify_one(const struct outbound *o, struct vcase *c, const char *handle,
    int force, int skip_individual, int64_t now, GString *out,
    char **error_r)
{
	struct vendor *v = NULL;
	struct participant *p;
	GVariantDict *vars = NULL;
	GVariant *vv;
	char *detail;
	int rc, q;

	if ((rc = vendor_get(o->st, handle, &v, error_r)) != STORE_OK)
		return rc;
	p = find_participant(c, handle);
	/* A vendor asked to register, and registered since, gets the
	 * summary now. */
	if (p != NULL && strcmp(p->stage, "selected") != 0 &&
	    !(strcmp(p->stage, "registration-requested") == 0 &&
	    strcmp(v->state, "registered") == 0)) {
		g_string_append_printf(out, "%s: already notified (%s)\n",
		    handle, p->stage);
		goto out;
	}
	if (strcmp(v->registration, "early") == 0) {
		if (skip_individual) {
			g_string_append_printf(out, "%s: skipped, an early "
			    "recipient (case early sectors ...)\n", handle);
			goto out;
		}
		FAIL("%s is an early recipient, not a vendor: use 'case %s "
		    "early sectors ...'", handle, c->id);
	}
	if (strcmp(v->state, "suspended") == 0)
		FAIL("vendor %s is suspended", handle);
	if (c->single_vendor && c->participants->len > 0 && p == NULL)
		FAIL("%s is a single-vendor case: it already has %s", c->id,
		    ((struct participant *)c->participants->pdata[0])->handle);
	if (strcmp(v->state, "registered") != 0) {
		/* No agreement, no key: the case id only, in clear. */
		if ((rc = vcase_add_participant(o->st, c->id, v->id, now,
		    error_r)) != STORE_OK ||
		    (rc = outbound_registration_request(o, c->id, v, now,
		    error_r)) != STORE_OK ||
		    (rc = set_stage(o->st, c->id, v->id,
		    PEV_REGISTRATION_REQUESTED, 0, error_r)) != STORE_OK)
			goto out;
		detail = g_strdup_printf("vendor=%s state=%s: registration "
		    "request", handle, v->state);
		rc = event_add(o->st, c->id, now, actor(o), "registration-"
		    "requested", detail, o->cause, error_r);
		g_free(detail);
		g_string_append_printf(out, "%s: %s, registration request "
		    "sent\n", handle, v->state);
		goto out;
	}
	if (strcmp(v->registration, "individual") == 0 && !c->single_vendor &&
	    !force) {
		if (skip_individual) {
			g_string_append_printf(out, "%s: skipped, individual "
			    "registration (name it with force)\n", handle);
			goto out;
		}
		FAIL("%s is registered individually: it receives no "
		    "pre-publication information of a multi-vendor case "
		    "unless named with force", handle);
	}
	if (!usable_key(o, v))
		FAIL("%s has no contact with a usable key", handle);
	if ((rc = vcase_add_participant(o->st, c->id, v->id, now, error_r)) !=
	    STORE_OK)
		goto out;
	if ((vars = outbound_case_vars(o, c->id, error_r)) == NULL) {
		rc = STORE_ERR;
		goto out;
	}
	vv = g_variant_ref_sink(g_variant_dict_end(vars));
	rc = outbound_to_vendor(o, "summary", c->id, v, vv, NULL, NULL, 0,
	    now, &q, error_r);
	g_variant_unref(vv);
	if (rc != STORE_OK)
		goto out;
	if (q == 0)
		FAIL("nothing could be sent to %s", handle);
	if ((rc = set_stage(o->st, c->id, v->id, PEV_SUMMARY_SENT, strcmp(
	    v->state, "registered") == 0, error_r)) != STORE_OK)
		goto out;
	detail = g_strdup_printf("vendor=%s messages=%d%s", handle, q,
	    force ? " force" : "");
	rc = event_add(o->st, c->id, now, actor(o), "notified", detail,
	    o->cause, error_r);
	g_free(detail);
	g_string_append_printf(out, "%s: summary sent (%d message%s)\n",
	    handle, q, q == 1 ? "" : "s");
out:
	if (vars != NULL)
		g_variant_dict_unref(vars);
	vendor_free(&v);
	return rc;
}

static int
load_open_case(const struct outbound *o, const char *case_id,
    struct vcase **c_r, char **error_r)
{
	int rc = vcase_get(o->st, case_id, c_r, error_r);

	if (rc != STORE_OK)
		return rc;
	if (strcmp((*c_r)->state, "open") != 0) {
		*error_r = g_strdup_printf("case %s is %s", case_id,
		    (*c_r)->state);
		vcase_free(c_r);
		return STORE_ERR;
	}
	return STORE_OK;
}

int
ops_notify_vendors(const struct outbound *o, const char *case_id,
    GPtrArray *handles, int force, int64_t now, GString *out,
    char **error_r)
{
	struct vcase *c = NULL;
	guint i;
	int rc;

	for (i = 0; i < handles->len; i++) {
		/* Reload: each vendor added changes the participant list. */
		if ((rc = load_open_case(o, case_id, &c, error_r)) != STORE_OK)
			return rc;
		rc = notify_one(o, c, handles->pdata[i], force, 0, now, out,
		    error_r);
		vcase_free(&c);
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

int
ops_notify_keywords(const struct outbound *o, const char *case_id,
    GPtrArray *keywords, int force, int64_t now, GString *out,
    char **error_r)
{
	GPtrArray *handles = NULL;
	struct vcase *c = NULL;
	guint i;
	int rc;

	if ((rc = vendor_match_keywords(o->st, keywords, &handles, error_r)) !=
	    STORE_OK)
		return rc;
	if (handles->len == 0)
		g_string_append(out, "no vendor has these keywords\n");
	for (i = 0; i < handles->len; i++) {
		struct vendor *v = NULL;
		int suspended;

		if ((rc = vendor_get(o->st, handles->pdata[i], &v, error_r)) !=
		    STORE_OK)
			break;
		suspended = strcmp(v->state, "suspended") == 0;
		vendor_free(&v);
		if (suspended) {
			g_string_append_printf(out, "%s: skipped, suspended\n",
			    (char *)handles->pdata[i]);
			continue;
		}
		if ((rc = load_open_case(o, case_id, &c, error_r)) != STORE_OK)
			break;
		rc = notify_one(o, c, handles->pdata[i], force, 1, now, out,
		    error_r);
		vcase_free(&c);
		if (rc != STORE_OK)
			break;
	}
	g_ptr_array_unref(handles);
	return rc;
}

int
ops_disclose(const struct outbound *o, const char *case_id,
    const char *handle, int64_t now, GString *out, char **error_r)
{
	struct vcase *c = NULL;
	struct vendor *v = NULL;
	struct participant *p;
	GVariantDict *vars = NULL;
	GPtrArray *atts = NULL;
	GVariantBuilder ab;
	GVariant *vv;
	char *detail;
	guint i;
	int rc, q;

	if ((rc = load_open_case(o, case_id, &c, error_r)) != STORE_OK)
		return rc;
	if ((p = find_participant(c, handle)) == NULL)
		FAIL("%s is not a participant of %s", handle, case_id);
	if ((rc = vendor_get(o->st, handle, &v, error_r)) != STORE_OK)
		goto out;
	if (strcmp(v->state, "registered") != 0)
		FAIL("%s is %s: detail goes to registered vendors only",
		    handle, v->state);
	if (strcmp(p->stage, "detail-sent") == 0)
		FAIL("the detail was already sent to %s", handle);
	if (strcmp(p->stage, "detail-requested") != 0)
		FAIL("%s has not asked for the detail (stage %s)", handle,
		    p->stage);
	if (c->detail == NULL || *c->detail == '\0')
		FAIL("case %s has no detail yet", case_id);
	if ((rc = outbound_case_attachments(o, case_id, &atts, error_r)) !=
	    STORE_OK)
		goto out;
	if ((vars = outbound_case_vars(o, case_id, error_r)) == NULL) {
		rc = STORE_ERR;
		goto out;
	}
	g_variant_builder_init(&ab, G_VARIANT_TYPE("aa{sv}"));
	for (i = 0; i < atts->len; i++) {
		const struct outbound_attachment *a = atts->pdata[i];
		GVariantDict ad;

		g_variant_dict_init(&ad, NULL);
		g_variant_dict_insert(&ad, "filename", "s", a->filename);
		g_variant_dict_insert(&ad, "size", "t",
		    (guint64)g_bytes_get_size(a->data));
		g_variant_builder_add_value(&ab, g_variant_dict_end(&ad));
	}
	g_variant_dict_insert_value(vars, "attachments",
	    g_variant_builder_end(&ab));
	vv = g_variant_ref_sink(g_variant_dict_end(vars));
	rc = outbound_to_vendor(o, "detail", case_id, v, vv, atts, NULL, 0,
	    now, &q, error_r);
	g_variant_unref(vv);
	if (rc != STORE_OK)
		goto out;
	if (q == 0)
		FAIL("nothing could be sent to %s", handle);
	if ((rc = set_stage(o->st, case_id, v->id, PEV_DETAIL_SENT, 1,
	    error_r)) != STORE_OK)
		goto out;
	detail = g_strdup_printf("vendor=%s attachments=%u", handle,
	    atts->len);
	rc = event_add(o->st, case_id, now, actor(o), "detail-disclosed",
	    detail, o->cause, error_r);
	g_free(detail);
	g_string_append_printf(out, "%s: detail sent\n", handle);
out:
	if (vars != NULL)
		g_variant_dict_unref(vars);
	if (atts != NULL)
		g_ptr_array_unref(atts);
	vendor_free(&v);
	vcase_free(&c);
	return rc;
}

/* Sends kind to every participant that was told about the case (not those
 * only selected or asked to register); *told_r counts the messages. */
static int
tell_participants(const struct outbound *o, const struct vcase *c,
    const char *kind, GVariant *vars, int64_t now, int *told_r,
    char **error_r)
{
	guint i;
	int rc, q;

	*told_r = 0;
	for (i = 0; i < c->participants->len; i++) {
		const struct participant *p = c->participants->pdata[i];
		struct vendor *v = NULL;

		if (strcmp(p->stage, "selected") == 0 ||
		    strcmp(p->stage, "registration-requested") == 0)
			continue;
		if ((rc = vendor_get(o->st, p->handle, &v, error_r)) !=
		    STORE_OK)
			return rc;
		rc = outbound_to_vendor(o, kind, c->id, v, vars, NULL, NULL, 0,
		    now, &q, error_r);
		vendor_free(&v);
		if (rc != STORE_OK)
			return rc;
		*told_r += q;
	}
	return STORE_OK;
}

int
ops_date(const struct outbound *o, const char *case_id, int64_t when,
    const char *reason, int64_t now, GString *out, char **error_r)
{
	struct vcase *c = NULL;
	GVariantDict *vars = NULL, dd;
	GVariant *vv = NULL;
	char *old_s = NULL, *new_s = NULL, *detail;
	int rc, told = 0;

	if ((rc = load_open_case(o, case_id, &c, error_r)) != STORE_OK)
		return rc;
	if (when <= now)
		FAIL("the new date is in the past");
	if (reason != NULL && (strlen(reason) > CASE_MAX_REASON ||
	    !g_utf8_validate(reason, -1, NULL)))
		FAIL("the reason must be UTF-8 of at most %d bytes",
		    CASE_MAX_REASON);
	old_s = vtime_format(c->publication, o->conf->tz);
	if ((rc = vcase_set_publication(o->st, case_id, when, now, error_r)) !=
	    STORE_OK)
		goto out;
	new_s = vtime_format(when, o->conf->tz);
	detail = g_strdup_printf("from=%s to=%s%s%s", old_s, new_s,
	    reason ? " reason=" : "", reason ? reason : "");
	rc = event_add(o->st, case_id, now, actor(o), "date-changed", detail,
	    o->cause, error_r);
	g_free(detail);
	if (rc != STORE_OK)
		goto out;
	if ((vars = outbound_case_vars(o, case_id, error_r)) == NULL) {
		rc = STORE_ERR;
		goto out;
	}
	g_variant_dict_init(&dd, NULL);
	g_variant_dict_insert(&dd, "old", "s", old_s);
	g_variant_dict_insert(&dd, "new", "s", new_s);
	if (reason != NULL)
		g_variant_dict_insert(&dd, "reason", "s", reason);
	g_variant_dict_insert_value(vars, "date", g_variant_dict_end(&dd));
	vv = g_variant_ref_sink(g_variant_dict_end(vars));
	/* Every participant that was told about the case hears of it. */
	if ((rc = tell_participants(o, c, "date-change", vv, now, &told,
	    error_r)) != STORE_OK)
		goto out;
	g_string_append_printf(out, "publication %s (%d participant "
	    "message%s)\n", new_s, told, told == 1 ? "" : "s");
out:
	if (vv != NULL)
		g_variant_unref(vv);
	if (vars != NULL)
		g_variant_dict_unref(vars);
	g_free(old_s);
	g_free(new_s);
	vcase_free(&c);
	return rc;
}

/* Attachments of a case: added to the case, with one event each. */
static int
add_attachments(const struct outbound *o, const char *case_id,
    GPtrArray *attachments, int64_t now, char **error_r)
{
	guint i;
	int rc;

	for (i = 0; attachments != NULL && i < attachments->len; i++) {
		const struct outbound_attachment *a = attachments->pdata[i];
		gsize len;
		const void *data = g_bytes_get_data(a->data, &len);
		char *detail;

		if ((rc = vcase_add_attachment(o->st, case_id, a->filename,
		    a->content_type ? a->content_type :
		    "application/octet-stream", data, len, now, error_r)) !=
		    STORE_OK)
			return rc;
		detail = g_strdup_printf("file=%s bytes=%zu", a->filename,
		    (size_t)len);
		rc = event_add(o->st, case_id, now, actor(o), "attachment-added",
		    detail, o->cause, error_r);
		g_free(detail);
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

int
ops_case_open(const struct outbound *o, const char *title,
    const char *summary, const char *detail, const char *reporter,
    int single_vendor, int64_t publication, GPtrArray *attachments,
    int64_t now, GString *out, char **id_r, char **error_r)
{
	const struct vconf *conf = o->conf;
	char *pub_s, *ev;
	int rc;

	*id_r = NULL;
	if (publication == 0)
		publication = vtime_add_days(now, conf->default_embargo_days,
		    conf->tz);
	else if (publication <= now) {
		*error_r = g_strdup("the publication date is in the past");
		return STORE_ERR;
	}
	rc = vcase_open(o->st, single_vendor ? conf->single_vendor_id_format :
	    conf->id_format, title, summary, detail, reporter, single_vendor,
	    now, publication, id_r, error_r);
	if (rc != STORE_OK)
		return rc;
	pub_s = vtime_format(publication, conf->tz);
	ev = g_strdup_printf("publication=%s single_vendor=%d", pub_s,
	    single_vendor != 0);
	rc = event_add(o->st, *id_r, now, actor(o), "case-opened", ev,
	    o->cause, error_r);
	g_free(ev);
	if (rc == STORE_OK)
		rc = add_attachments(o, *id_r, attachments, now, error_r);
	if (rc == STORE_OK)
		g_string_append_printf(out, "%s opened, publication %s\n",
		    *id_r, pub_s);
	g_free(pub_s);
	return rc;
}

int
ops_case_text(const struct outbound *o, const char *case_id,
    const char *field, const char *text, GPtrArray *attachments,
    int64_t now, GString *out, char **error_r)
{
	char *ev;
	int rc;

	if ((rc = vcase_set_text(o->st, case_id, field, text, now, error_r)) !=
	    STORE_OK)
		return rc;
	ev = g_strdup_printf("bytes=%zu", strlen(text));
	rc = event_add(o->st, case_id, now, actor(o), strcmp(field,
	    "summary") == 0 ? "summary-set" : "detail-set", ev, o->cause,
	    error_r);
	g_free(ev);
	if (rc == STORE_OK)
		rc = add_attachments(o, case_id, attachments, now, error_r);
	if (rc == STORE_OK)
		g_string_append_printf(out, "%s %s set\n", case_id, field);
	return rc;
}

static int
participant_id(const struct outbound *o, struct vcase *c, const char *handle,
    int64_t *vendor_id_r, char **error_r)
{
	struct vendor *v = NULL;
	int rc;

	if (find_participant(c, handle) == NULL) {
		*error_r = g_strdup_printf("%s is not a participant of %s",
		    handle, c->id);
		return STORE_ERR;
	}
	if ((rc = vendor_get(o->st, handle, &v, error_r)) != STORE_OK)
		return rc;
	*vendor_id_r = v->id;
	vendor_free(&v);
	return STORE_OK;
}

int
ops_case_status(const struct outbound *o, const char *case_id,
    const char *handle, const char *status, const char *comment,
    int64_t now, GString *out, char **error_r)
{
	struct vcase *c = NULL;
	int64_t vid;
	char *ev;
	int rc;

	if ((rc = vcase_get(o->st, case_id, &c, error_r)) != STORE_OK)
		return rc;
	if ((rc = participant_id(o, c, handle, &vid, error_r)) != STORE_OK)
		goto out;
	{
		struct pfacts f;
		int su = pstatus_parse(status);

		if (su < 0)
			FAIL("'%s' is not a status", status);
		pfacts_init(&f);
		f.status = (enum pstatus)su;
		if ((rc = vcase_transition(o->st, case_id, vid, PEV_STATUS_SET,
		    &f, NULL, error_r)) != STORE_OK)
			goto out;
	}
	if ((rc = vcase_set_comment(o->st, case_id, vid, comment, error_r)) !=
	    STORE_OK)
		goto out;
	ev = g_strdup_printf("vendor=%s status=%s%s", handle, status,
	    comment ? " comment" : "");
	rc = event_add(o->st, case_id, now, actor(o), "status-set", ev,
	    o->cause, error_r);
	g_free(ev);
	if (rc == STORE_OK)
		rc = ops_site_refresh(o, case_id, error_r);
	if (rc == STORE_OK)
		g_string_append_printf(out, "%s: status %s\n", handle, status);
out:
	vcase_free(&c);
	return rc;
}

int
ops_case_unreachable(const struct outbound *o, const char *case_id,
    const char *handle, int64_t now, GString *out, char **error_r)
{
	struct vcase *c = NULL;
	int64_t vid;
	char *ev;
	int rc;

	if ((rc = vcase_get(o->st, case_id, &c, error_r)) != STORE_OK)
		return rc;
	if ((rc = participant_id(o, c, handle, &vid, error_r)) != STORE_OK)
		goto out;
	if ((rc = vcase_transition(o->st, case_id, vid, PEV_UNREACHABLE,
	    NULL, NULL, error_r)) != STORE_OK)
		goto out;
	if ((rc = vcase_first_attempt(o->st, case_id, vid, now, error_r)) !=
	    STORE_OK)
		goto out;
	ev = g_strdup_printf("vendor=%s by coordinator", handle);
	rc = event_add(o->st, case_id, now, actor(o), "unreachable", ev,
	    o->cause, error_r);
	g_free(ev);
	if (rc == STORE_OK)
		g_string_append_printf(out, "%s: marked unreachable\n",
		    handle);
out:
	vcase_free(&c);
	return rc;
}

int
ops_case_leak(const struct outbound *o, const char *case_id,
    const char *reason, int64_t proposed, int64_t now, GString *out,
    char **error_r)
{
	struct vcase *c = NULL;
	GVariantDict *vars = NULL, ld, dd;
	GVariant *vv = NULL;
	char *ev, *prop_s = NULL;
	int rc, told = 0;

	if ((rc = load_open_case(o, case_id, &c, error_r)) != STORE_OK)
		return rc;
	if (proposed != 0 && (proposed <= now || proposed >= c->publication))
		FAIL("the proposed date must be between now and the planned "
		    "publication");
	if (proposed != 0)
		prop_s = vtime_format(proposed, o->conf->tz);
	ev = g_strdup_printf("reason=%s%s%s", reason, prop_s ?
	    " proposed=" : "", prop_s ? prop_s : "");
	rc = event_add(o->st, case_id, now, actor(o), "leak", ev, o->cause,
	    error_r);
	g_free(ev);
	if (rc != STORE_OK)
		goto out;
	if ((vars = outbound_case_vars(o, case_id, error_r)) == NULL) {
		rc = STORE_ERR;
		goto out;
	}
	g_variant_dict_init(&ld, NULL);
	g_variant_dict_insert(&ld, "reason", "s", reason);
	g_variant_dict_insert_value(vars, "leak", g_variant_dict_end(&ld));
	g_variant_dict_init(&dd, NULL);
	if (prop_s != NULL)
		g_variant_dict_insert(&dd, "new", "s", prop_s);
	g_variant_dict_insert_value(vars, "date", g_variant_dict_end(&dd));
	vv = g_variant_ref_sink(g_variant_dict_end(vars));
	if ((rc = tell_participants(o, c, "leak", vv, now, &told, error_r)) !=
	    STORE_OK)
		goto out;
	g_string_append_printf(out, "leak recorded, %d participant message%s"
	    "%s%s\n", told, told == 1 ? "" : "s", prop_s ? ", proposed "
	    "date " : "", prop_s ? prop_s : "");
out:
	if (vv != NULL)
		g_variant_unref(vv);
	if (vars != NULL)
		g_variant_dict_unref(vars);
	g_free(prop_s);
	vcase_free(&c);
	return rc;
}

int
ops_case_advisory(const struct outbound *o, const char *case_id,
    const char *field, const char *text, int64_t now, GString *out,
    char **error_r)
{
	static const char *const fields[] = { "overview", "affected",
	    "description", "impact", "solution", "addendum", "credits",
	    "references", NULL };
	struct vcase *c = NULL;
	char *ev;
	int i, rc;

	for (i = 0; fields[i] != NULL; i++)
		if (strcmp(fields[i], field) == 0)
			break;
	if (fields[i] == NULL) {
		*error_r = g_strdup_printf("no advisory field '%s' (overview, "
		    "affected, description, impact, solution, addendum, "
		    "credits, references)", field);
		return STORE_ERR;
	}
	if (strlen(text) > CASE_MAX_TEXT || !g_utf8_validate(text, -1, NULL)) {
		*error_r = g_strdup_printf("the %s text must be UTF-8 of at "
		    "most %d bytes", field, CASE_MAX_TEXT);
		return STORE_ERR;
	}
	if ((rc = vcase_get(o->st, case_id, &c, error_r)) != STORE_OK)
		return rc;
	vcase_free(&c);
	if ((rc = vcase_advisory_set(o->st, case_id, field, text, error_r)) !=
	    STORE_OK)
		return rc;
	ev = g_strdup_printf("field=%s bytes=%zu", field, strlen(text));
	rc = event_add(o->st, case_id, now, actor(o), "advisory-set", ev,
	    o->cause, error_r);
	g_free(ev);
	if (rc == STORE_OK)
		g_string_append_printf(out, "%s advisory %s set\n", case_id,
		    field);
	return rc;
}

static const char *
status_words(const char *status, const char *lang)
{
	int su = pstatus_parse(status);

	return su < 0 ? status : pstatus_label((enum pstatus)su, lang);
}

int
ops_case_publish(const struct outbound *o, const char *case_id,
    int publish_now, int64_t now, GString *out, char **error_r)
{
	struct vcase *c = NULL;
	GString *text = NULL;
	char *pub_s = NULL;
	guint i;
	int rc, q, told = 0;

	if ((rc = load_open_case(o, case_id, &c, error_r)) != STORE_OK)
		return rc;
	pub_s = vtime_format(c->publication, o->conf->tz);
	if (!publish_now && now < c->publication)
		FAIL("publication is planned for %s: 'publish now' publishes "
		    "earlier", pub_s);
	{
		char *overview = NULL;

		rc = vcase_advisory_get(o->st, case_id, "overview", &overview,
		    error_r);
		g_free(overview);
		if (rc == STORE_NOTFOUND) {
			g_free(*error_r);
			FAIL("the advisory has no overview yet: 'case %s "
			    "advisory overview' first", case_id);
		}
		if (rc != STORE_OK)
			goto out;
	}
	if ((rc = vcase_set_published(o->st, case_id, now, error_r)) !=
	    STORE_OK ||
	    (rc = event_add(o->st, case_id, now, actor(o), "published",
	    publish_now ? "now" : "", o->cause, error_r)) != STORE_OK)
		goto out;
	/* Tell every participant, in its language, with the vendor table. */
	for (i = 0; i < c->participants->len; i++) {
		const struct participant *p = c->participants->pdata[i];
		struct vendor *v = NULL;
		GVariantDict *vars;
		GVariantBuilder vb;
		GVariant *vv;
		guint j;

		if (strcmp(p->stage, "selected") == 0 ||
		    strcmp(p->stage, "registration-requested") == 0)
			continue;
		if ((rc = vendor_get(o->st, p->handle, &v, error_r)) !=
		    STORE_OK)
			goto out;
		if ((vars = outbound_case_vars(o, case_id, error_r)) == NULL) {
			vendor_free(&v);
			rc = STORE_ERR;
			goto out;
		}
		g_variant_builder_init(&vb, G_VARIANT_TYPE("aa{sv}"));
		for (j = 0; j < c->participants->len; j++) {
			const struct participant *x = c->participants->pdata[j];
			GVariantDict xd;

			g_variant_dict_init(&xd, NULL);
			g_variant_dict_insert(&xd, "name", "s", x->vendor_name);
			g_variant_dict_insert(&xd, "status_text", "s",
			    x->unreachable ? (strcmp(v->language, "ja") == 0 ?
			    "連絡不能" : "Unreachable") :
			    status_words(x->status, v->language));
			g_variant_builder_add_value(&vb,
			    g_variant_dict_end(&xd));
		}
		g_variant_dict_insert_value(vars, "vendors",
		    g_variant_builder_end(&vb));
		{
			GVariant *cv = g_variant_dict_lookup_value(vars, "case",
			    NULL);
			GVariantDict cd;
			char *pa = vtime_format(now, o->conf->tz);

			g_variant_dict_init(&cd, cv);
			g_variant_unref(cv);
			g_variant_dict_insert(&cd, "published_at", "s", pa);
			g_free(pa);
			if (o->conf->base_url[0] != '\0') {
				char *slug = pub_case_slug(case_id);
				char *url = g_strdup_printf("%s%scases/%s/",
				    o->conf->base_url, g_str_has_suffix(
				    o->conf->base_url, "/") ? "" : "/", slug);

				g_variant_dict_insert(&cd, "url", "s", url);
				g_free(url);
				g_free(slug);
			}
			g_variant_dict_insert_value(vars, "case",
			    g_variant_dict_end(&cd));
		}
		vv = g_variant_ref_sink(g_variant_dict_end(vars));
		g_variant_dict_unref(vars);
		rc = outbound_to_vendor(o, "publication", case_id, v, vv, NULL,
		    NULL, 0, now, &q, error_r);
		g_variant_unref(vv);
		vendor_free(&v);
		if (rc != STORE_OK)
			goto out;
		told += q;
	}
	/* The public announcement and the site itself. */
	if ((rc = site_render(o->st, o->conf, case_id, PUB_TEXT, "en", &text,
	    error_r)) != STORE_OK)
		goto out;
	{
		char *subject = g_strdup_printf("[%s] %s", case_id, c->title);

		rc = outbound_announce(o, case_id, subject, text->str, now,
		    error_r);
		g_free(subject);
	}
	/* Written once this commits (site_flush): the publication is
	 * recorded whatever the disk does. */
	if (rc == STORE_OK)
		rc = site_mark_dirty(o->st, case_id, now, error_r);
	if (rc == STORE_OK)
		g_string_append_printf(out, "%s published (%d participant "
		    "message%s, announcement to %s, site in %s)\n", case_id,
		    told, told == 1 ? "" : "s", o->conf->announce_address,
		    o->conf->publish_dir);
out:
	if (text != NULL)
		g_string_free(text, TRUE);
	g_free(pub_s);
	vcase_free(&c);
	return rc;
}

int
ops_site_refresh(const struct outbound *o, const char *case_id,
    char **error_r)
{
	struct vcase *c = NULL;
	int rc, published;

	if ((rc = vcase_get(o->st, case_id, &c, error_r)) != STORE_OK)
		return rc;
	published = strcmp(c->state, "published") == 0;
	vcase_free(&c);
	/* After the commit, by whoever committed (site_flush). */
	return published ? site_mark_dirty(o->st, case_id, vtime_now(),
	    error_r) : STORE_OK;
}

int
ops_case_early(const struct outbound *o, const char *case_id,
    GPtrArray *sectors, int64_t now, GString *out, char **error_r)
{
	struct vcase *c = NULL;
	GPtrArray *handles = NULL;
	GVariantDict *vars = NULL, ad;
	GVariant *vv = NULL;
	GPtrArray *texts = NULL;
	char *list = NULL;
	guint i, sent = 0;
	int rc, q;

	if ((rc = load_open_case(o, case_id, &c, error_r)) != STORE_OK)
		return rc;
	for (i = 0; i < sectors->len; i++)
		if (!vendor_valid_sector(sectors->pdata[i]))
			FAIL("'%s' is not a sector (%s)",
			    (char *)sectors->pdata[i], VENDOR_SECTORS);
	if ((rc = vendor_match_keywords(o->st, sectors, &handles, error_r)) !=
	    STORE_OK)
		goto out;
	if ((vars = outbound_case_vars(o, case_id, error_r)) == NULL) {
		rc = STORE_ERR;
		goto out;
	}
	/* Countermeasures: the advisory's solution and affected systems. */
	if ((rc = vcase_advisory_list(o->st, case_id, &texts, error_r)) !=
	    STORE_OK)
		goto out;
	g_variant_dict_init(&ad, NULL);
	for (i = 0; i < texts->len; i++) {
		const struct advisory_text *a = texts->pdata[i];

		if (strcmp(a->field, "solution") == 0 ||
		    strcmp(a->field, "affected") == 0)
			g_variant_dict_insert(&ad, a->field, "s", a->text);
	}
	g_variant_dict_insert_value(vars, "advisory", g_variant_dict_end(&ad));
	{
		GString *j = g_string_new(NULL);

		for (i = 0; i < sectors->len; i++)
			g_string_append_printf(j, "%s%s", i ? ", " : "",
			    (char *)sectors->pdata[i]);
		list = g_string_free(j, FALSE);
	}
	g_variant_dict_insert(vars, "sectors", "s", list);
	vv = g_variant_ref_sink(g_variant_dict_end(vars));
	for (i = 0; i < handles->len; i++) {
		struct vendor *v = NULL;
		char *ev;

		if ((rc = vendor_get(o->st, handles->pdata[i], &v, error_r)) !=
		    STORE_OK)
			goto out;
		if (strcmp(v->registration, "early") != 0 ||
		    strcmp(v->state, "registered") != 0) {
			vendor_free(&v);
			continue;
		}
		rc = outbound_to_vendor(o, "early", case_id, v, vv, NULL, NULL,
		    0, now, &q, error_r);
		if (rc == STORE_OK && q > 0) {
			ev = g_strdup_printf("recipient=%s sectors=%s",
			    v->handle, list);
			rc = event_add(o->st, case_id, now, actor(o),
			    "early-notice", ev, o->cause, error_r);
			g_free(ev);
			g_string_append_printf(out, "%s: early notice sent\n",
			    v->handle);
			sent++;
		}
		vendor_free(&v);
		if (rc != STORE_OK)
			goto out;
	}
	if (sent == 0)
		FAIL("no registered early recipient in %s", list);
out:
	if (vv != NULL)
		g_variant_unref(vv);
	if (vars != NULL)
		g_variant_dict_unref(vars);
	if (handles != NULL)
		g_ptr_array_unref(handles);
	if (texts != NULL)
		g_ptr_array_unref(texts);
	g_free(list);
	vcase_free(&c);
	return rc;
}

int
ops_share_approve(const struct outbound *o, const char *case_id,
    unsigned number, int64_t now, GString *out, char **error_r)
{
	struct vcase *c = NULL;
	struct vendor *req = NULL;
	struct vendor_related *r = NULL;
	const char *org, *address, *handle;
	char *ev;
	GVariantDict *d;
	GVariant *v;
	int rc;

	if ((rc = load_open_case(o, case_id, &c, error_r)) != STORE_OK)
		return rc;
	rc = vendor_related_get(o->st, number, &r, error_r);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK &&
	    (strcmp(r->case_id, case_id) != 0 || strcmp(r->state, "pending") !=
	    0))) {
		if (rc == STORE_NOTFOUND)
			g_free(*error_r);
		FAIL("no pending share request %u in %s", number, case_id);
	}
	if (rc != STORE_OK)
		goto out;
	org = r->organisation;
	address = r->address;
	handle = r->requester;
	if ((rc = vendor_get(o->st, handle, &req, error_r)) != STORE_OK ||
	    (rc = vendor_related_set_state(o->st, number, "approved", NULL,
	    error_r)) != STORE_OK)
		goto out;
	/* They have no key yet: the invitation names the case, nothing
	 * more; the detail follows once they write in with their key. */
	d = g_variant_dict_new(NULL);
	{
		GVariantDict cd;

		g_variant_dict_init(&cd, NULL);
		g_variant_dict_insert(&cd, "id", "s", case_id);
		g_variant_dict_insert_value(d, "case", g_variant_dict_end(&cd));
	}
	g_variant_dict_insert(d, "organisation", "s", org);
	g_variant_dict_insert(d, "requester", "s", req->name);
	v = g_variant_ref_sink(g_variant_dict_end(d));
	g_variant_dict_unref(d);
	rc = outbound_clear(o, "share-invite", case_id, 0, address,
	    req->language, v, now, error_r);
	g_variant_unref(v);
	if (rc != STORE_OK)
		goto out;
	ev = g_strdup_printf("request=%u organisation=%s address=%s "
	    "requested_by=%s", number, org, address, handle);
	rc = event_add(o->st, case_id, now, actor(o), "share-approved", ev,
	    o->cause, error_r);
	g_free(ev);
	if (rc == STORE_OK)
		g_string_append_printf(out, "share request %u approved: %s <%s> "
		    "invited\n", number, org, address);
out:
	vendor_related_free(&r);
	vendor_free(&req);
	vcase_free(&c);
	return rc;
}
