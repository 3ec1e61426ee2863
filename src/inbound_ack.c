/*
 * inbound_ack.c: what a vendor's reply form said, as the answer shows it
 * back -- the values recorded, in the vendor's language, split into what
 * the advisory will publish and what stays with the coordinators; the
 * quoted values set aside; the lines to correct with the values accepted.
 * Pure: a parsed form in, template variables out.
 *
 * Every line starts with "- " after its indentation, so that a reply
 * quoting this answer is never read as a filled form (form.c only reads a
 * label at the start of a line).
 */
#include "config.h"

#include <string.h>

#include "vulture/form.h"
#include "vulture/pstate.h"
#include "vulture/vtime.h"

#include "inbound_p.h"

static int
ack_ja(const char *lang)
{
	return lang != NULL && strcmp(lang, "ja") == 0;
}

/* Continuation lines of a multi-line value, indented under "  - ". */
static char *
ack_indent(const char *v)
{
	GString *o = g_string_new(NULL);

	for (; *v != '\0'; v++) {
		g_string_append_c(o, *v);
		if (*v == '\n')
			g_string_append(o, "      ");
	}
	return g_string_free(o, FALSE);
}

static void
ack_add(GVariantBuilder *pub, GVariantBuilder *kept, const struct form *f,
    enum form_field field, const char *lang, const char *value)
{
	GVariantDict e;
	char *v = ack_indent(value);

	if (f->quote[field] > 0) {
		char *q = g_strconcat(v, ack_ja(lang) ? "（引用部分に記入）" :
		    " (typed in the quoted form)", NULL);

		g_free(v);
		v = q;
	}
	g_variant_dict_init(&e, NULL);
	g_variant_dict_insert(&e, "label", "s", form_field_label(field, lang));
	g_variant_dict_insert(&e, "value", "s", v);
	g_variant_builder_add_value(form_field_published(field) ? pub : kept,
	    g_variant_dict_end(&e));
	g_free(v);
}

void
inbound_ack_vars(GVariantDict *vars, const struct form *f,
    const GPtrArray *changes, const char *lang, GTimeZone *tz)
{
	GVariantBuilder pub, kept, ov, notes;
	guint i;
	int ja = ack_ja(lang), npub, nkept;

	g_variant_builder_init(&pub, G_VARIANT_TYPE("aa{sv}"));
	g_variant_builder_init(&kept, G_VARIANT_TYPE("aa{sv}"));
	if (f->status != FORM_STATUS_NONE) {
		ack_add(&pub, &kept, f, FORM_FIELD_STATUS, lang,
		    pstatus_label(pstatus_parse(form_status_name(f->status)),
		    lang));
	}
	if (f->comment != NULL)
		ack_add(&pub, &kept, f, FORM_FIELD_COMMENT, lang, f->comment);
	if (f->advisory_url != NULL)
		ack_add(&pub, &kept, f, FORM_FIELD_ADVISORY_URL, lang,
		    f->advisory_url);
	if (f->fix_date != NULL)
		ack_add(&pub, &kept, f, FORM_FIELD_FIX_DATE, lang,
		    f->fix_date);
	if (f->workaround_date != NULL)
		ack_add(&pub, &kept, f, FORM_FIELD_WORKAROUND_DATE, lang,
		    f->workaround_date);
	if (f->request_detail >= 0)
		ack_add(&pub, &kept, f, FORM_FIELD_REQUEST_DETAIL, lang,
		    f->request_detail ? (ja ? "はい" : "yes") :
		    (ja ? "いいえ" : "no"));
	if (f->fix_plan != NULL)
		ack_add(&pub, &kept, f, FORM_FIELD_FIX_PLAN, lang, f->fix_plan);
	if (f->workaround_plan != NULL)
		ack_add(&pub, &kept, f, FORM_FIELD_WORKAROUND_PLAN, lang,
		    f->workaround_plan);
	if (f->pubdate_request != NULL) {
		/* Echoed as read: a date without an offset is the desk's
		 * time zone, which the vendor may not share. */
		int64_t t;
		char *as = vtime_parse(f->pubdate_request, tz,
		    INBOUND_DEFAULT_HOUR, 0, &t) == 0 ? vtime_format(t, tz) :
		    NULL;
		char *v = g_strdup_printf("%s%s%s%s", f->pubdate_request,
		    as != NULL ? (ja ? "（" : " (read as ") : "",
		    as != NULL ? as : "", as != NULL ? (ja ? " として受付）" :
		    ")") : "");

		ack_add(&pub, &kept, f, FORM_FIELD_PUBDATE_REQUEST, lang, v);
		g_free(v);
		g_free(as);
	}
	if (f->reason != NULL)
		ack_add(&pub, &kept, f, FORM_FIELD_REASON, lang, f->reason);
	for (i = 0; i < f->shares->len; i++) {
		const struct form_share *sh = f->shares->pdata[i];
		char *v = g_strdup_printf("%s; %s; %s%s%s", sh->organisation,
		    sh->contact, sh->address, sh->phone ? "; " : "",
		    sh->phone ? sh->phone : "");

		ack_add(&pub, &kept, f, FORM_FIELD_SHARE_WITH, lang, v);
		g_free(v);
	}
	if (f->share_key != NULL)
		ack_add(&pub, &kept, f, FORM_FIELD_SHARE_KEY, lang,
		    f->share_key);
	npub = f->status != FORM_STATUS_NONE || f->comment != NULL ||
	    f->advisory_url != NULL || f->fix_date != NULL ||
	    f->workaround_date != NULL;
	nkept = f->request_detail >= 0 || f->fix_plan != NULL ||
	    f->workaround_plan != NULL || f->pubdate_request != NULL ||
	    f->reason != NULL || f->shares->len > 0 || f->share_key != NULL;
	g_variant_dict_insert_value(vars, "published",
	    g_variant_builder_end(&pub));
	g_variant_dict_insert_value(vars, "kept",
	    g_variant_builder_end(&kept));
	g_variant_dict_insert(vars, "has_published", "b", npub);
	g_variant_dict_insert(vars, "has_kept", "b", nkept);

	g_variant_builder_init(&ov, G_VARIANT_TYPE("aa{sv}"));
	for (i = 0; i < f->overridden->len; i++) {
		const struct form_issue *is = f->overridden->pdata[i];
		GVariantDict e;

		g_variant_dict_init(&e, NULL);
		g_variant_dict_insert(&e, "line", "u", is->line);
		g_variant_dict_insert(&e, "label", "s",
		    form_field_label(is->field, lang));
		g_variant_dict_insert(&e, "text", "s", is->text);
		g_variant_builder_add_value(&ov, g_variant_dict_end(&e));
	}
	g_variant_dict_insert_value(vars, "overridden",
	    g_variant_builder_end(&ov));
	g_variant_dict_insert(vars, "has_overridden", "b",
	    f->overridden->len > 0);

	/* The form's own entries are shown above; what applying it added
	 * (inbound.c: a Share-Key that could not be used) is a note. */
	g_variant_builder_init(&notes, G_VARIANT_TYPE("as"));
	for (i = 0; changes != NULL && i < changes->len; i++)
		if (g_str_has_prefix(changes->pdata[i], "Share-Key not used"))
			g_variant_builder_add(&notes, "s", changes->pdata[i]);
	g_variant_dict_insert_value(vars, "notes",
	    g_variant_builder_end(&notes));
}

void
inbound_ack_problems(GVariantDict *vars, const struct form *f,
    const char *lang)
{
	GVariantBuilder b;
	guint i;

	g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
	for (i = 0; f != NULL && i < f->errors->len; i++) {
		const struct form_issue *is = f->errors->pdata[i];
		const char *acc = form_field_accepted(is->field, lang);
		GVariantDict e;

		g_variant_dict_init(&e, NULL);
		g_variant_dict_insert(&e, "line", "u", is->line);
		g_variant_dict_insert(&e, "text", "s", is->text);
		g_variant_dict_insert(&e, "message", "s",
		    form_issue_message(is, lang));
		g_variant_dict_insert(&e, "accepted", "s",
		    acc != NULL && is->kind == FORM_ISSUE_BAD_VALUE ? acc : "");
		g_variant_builder_add_value(&b, g_variant_dict_end(&e));
	}
	g_variant_dict_insert_value(vars, "problems",
	    g_variant_builder_end(&b));
	g_variant_dict_insert(vars, "has_problems", "b",
	    f != NULL && f->errors->len > 0);
}
