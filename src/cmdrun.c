#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/cmdrun.h"
#include "vulture/decode.h"
#include "vulture/ids.h"
#include "vulture/ops.h"
#include "vulture/textin.h"
#include "vulture/vtime.h"

/* A date without a time of day means this hour in the configured zone. */
#define CMDRUN_DEFAULT_HOUR 11

int
cmdrun_is_case_id(const char *s, void *arg)
{
	const struct vconf *conf = arg;

	return ids_match(conf->id_format, s) ||
	    ids_match(conf->single_vendor_id_format, s);
}

static char *
join(GPtrArray *list)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; list != NULL && i < list->len; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "",
		    (char *)list->pdata[i]);
	return g_string_free(s, FALSE);
}

static int
is_named(const struct vdec_attachment *a, const char *base)
{
	size_t n = strlen(base);

	return a->filename != NULL && g_ascii_strncasecmp(a->filename, base,
	    n) == 0 && (a->filename[n] == '\0' ||
	    g_ascii_strcasecmp(a->filename + n, ".txt") == 0);
}

static int
is_key(const struct vdec_attachment *a)
{
	return strcmp(a->content_type, "application/pgp-keys") == 0;
}

/* The text of an attachment named base ("summary", "detail") in *text_r,
 * or NULL. It is held to a here-document's rule (textin_check_text()):
 * -1 with *error_r for a control character. */
static int
named_text(GPtrArray *atts, const char *base, char **text_r,
    char **error_r)
{
	guint i;
	char *why = NULL;

	*text_r = NULL;
	for (i = 0; atts != NULL && i < atts->len; i++) {
		const struct vdec_attachment *a = atts->pdata[i];
		gsize len;
		const char *d = g_bytes_get_data(a->data, &len);

		if (!is_named(a, base) || !g_utf8_validate(d, (gssize)len,
		    NULL) || memchr(d, '\0', len) != NULL)
			continue;
		*text_r = g_strndup(d, len);
		if (textin_check_text(*text_r, &why) == -1) {
			*error_r = g_strdup_printf("%s: %s", a->filename, why);
			g_free(why);
			g_free(*text_r);
			*text_r = NULL;
			return -1;
		}
		return 0;
	}
	return 0;
}

/* The attachments that join a case: all but keys and the named texts. */
static GPtrArray *
case_files(GPtrArray *atts)
{
	GPtrArray *l = g_ptr_array_new_with_free_func(outbound_attachment_free);
	guint i;

	for (i = 0; atts != NULL && i < atts->len; i++) {
		const struct vdec_attachment *a = atts->pdata[i];
		struct outbound_attachment *o;

		if (is_key(a) || is_named(a, "summary") ||
		    is_named(a, "detail") || a->filename == NULL)
			continue;
		o = g_new0(struct outbound_attachment, 1);
		o->filename = g_strdup(a->filename);
		o->content_type = g_strdup(a->content_type);
		o->data = g_bytes_ref(a->data);
		g_ptr_array_add(l, o);
	}
	return l;
}

static int
run_one(const struct outbound *o, const struct cmd *c, GPtrArray *atts,
    int64_t now, GString *res, char **error_r)
{
	const struct vconf *conf = o->conf;
	int64_t when = 0;
	char *list = NULL;
	int rc = STORE_OK;

	if (c->when != NULL && vtime_parse(c->when, conf->tz,
	    CMDRUN_DEFAULT_HOUR, 0, &when) == -1) {
		*error_r = g_strdup_printf("bad date '%s'", c->when);
		return STORE_ERR;
	}
	switch (c->verb) {
	case CMD_VENDOR_ADD:
		list = join(c->list);
		rc = ops_vendor_add(o, c->handle, c->name, c->registration, 0,
		    c->lang, c->address, NULL, NULL, list, now, res, error_r);
		break;
	case CMD_VENDOR_KEY: {
		const struct vdec_attachment *key = NULL;
		guint i, n = 0;

		if (c->fingerprint != NULL) {
			rc = ops_vendor_key_confirm(o, c->handle,
			    c->fingerprint, now, res, error_r);
			break;
		}

		for (i = 0; atts != NULL && i < atts->len; i++)
			if (is_key(atts->pdata[i])) {
				key = atts->pdata[i];
				n++;
			}
		if (n != 1) {
			*error_r = g_strdup_printf("vendor key needs exactly one "
			    "application/pgp-keys attachment (found %u)", n);
			return STORE_ERR;
		}
		{
			gsize len;
			const void *d = g_bytes_get_data(key->data, &len);

			rc = ops_vendor_key(o, c->handle, d, len, NULL, now,
			    res, error_r);
		}
		break;
	}
	case CMD_VENDOR_KEYWORDS:
		list = join(c->list);
		rc = ops_vendor_keywords(o, c->handle, list, now, res, error_r);
		break;
	case CMD_VENDOR_APPROVE:
	case CMD_VENDOR_SUSPEND:
		rc = ops_vendor_state(o, c->handle, c->verb ==
		    CMD_VENDOR_APPROVE, now, res, error_r);
		break;
	case CMD_CASE_OPEN: {
		char *summary = NULL, *detail = NULL, *id = NULL;
		GPtrArray *files;

		if (named_text(atts, "summary", &summary, error_r) == -1 ||
		    named_text(atts, "detail", &detail, error_r) == -1) {
			g_free(summary);
			return STORE_ERR;
		}
		files = case_files(atts);
		rc = ops_case_open(o, c->value, summary, detail, c->reporter,
		    c->single_vendor, when, files, now, res, &id, error_r);
		g_free(id);
		g_free(summary);
		g_free(detail);
		g_ptr_array_unref(files);
		break;
	}
	case CMD_CASE_SUMMARY:
		rc = ops_case_text(o, c->case_id, "summary", c->value, NULL, now,
		    res, error_r);
		break;
	case CMD_CASE_DETAIL: {
		GPtrArray *files = case_files(atts);

		rc = ops_case_text(o, c->case_id, "detail", c->value, files, now,
		    res, error_r);
		g_ptr_array_unref(files);
		break;
	}
	case CMD_CASE_NOTIFY_KEYWORDS:
		rc = ops_notify_keywords(o, c->case_id, c->list, c->force, now,
		    res, error_r);
		break;
	case CMD_CASE_NOTIFY_VENDORS:
		rc = ops_notify_vendors(o, c->case_id, c->list, c->force, now,
		    res, error_r);
		break;
	case CMD_CASE_DISCLOSE:
		rc = ops_disclose(o, c->case_id, c->handle, now, res, error_r);
		break;
	case CMD_CASE_DATE:
		rc = ops_date(o, c->case_id, when, c->value, now, res, error_r);
		break;
	case CMD_CASE_STATUS:
		rc = ops_case_status(o, c->case_id, c->handle, c->status,
		    c->value, now, res, error_r);
		break;
	case CMD_CASE_LEAK:
		rc = ops_case_leak(o, c->case_id, c->value, when, now, res,
		    error_r);
		break;
	case CMD_CASE_UNREACHABLE:
		rc = ops_case_unreachable(o, c->case_id, c->handle, now, res,
		    error_r);
		break;
	case CMD_CASE_SHOW: {
		struct vcase *k = NULL;
		GPtrArray *events = NULL;

		if ((rc = vcase_get(o->st, c->case_id, &k, error_r)) ==
		    STORE_OK && (rc = event_list(o->st, c->case_id, &events,
		    error_r)) == STORE_OK)
			vcase_format(res, k, events, conf->tz);
		if (events != NULL)
			g_ptr_array_unref(events);
		vcase_free(&k);
		break;
	}
	case CMD_CASE_ADVISORY:
		rc = ops_case_advisory(o, c->case_id, c->field, c->value, now,
		    res, error_r);
		break;
	case CMD_CASE_PUBLISH:
		rc = ops_case_publish(o, c->case_id, c->now, now, res, error_r);
		break;
	case CMD_CASE_EARLY:
		rc = ops_case_early(o, c->case_id, c->list, now, res, error_r);
		break;
	case CMD_CASE_SHARE_APPROVE:
		rc = ops_share_approve(o, c->case_id, c->number, now, res,
		    error_r);
		break;
	case CMD_CASE_SHARE_CONFIRM:
		rc = ops_share_confirm(o, c->case_id, c->number, c->fingerprint,
		    now, res, error_r);
		break;
	}
	g_free(list);
	return rc;
}

static void
echo(GString *out, const char *text)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	int i;

	for (i = 0; lines[i] != NULL; i++)
		if (lines[i][0] != '\0' || lines[i + 1] != NULL)
			g_string_append_printf(out, "> %s\n", lines[i]);
	g_strfreev(lines);
}

static void
indent_result(GString *out, const char *status, const char *text)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	int i, first = 1;

	for (i = 0; lines[i] != NULL; i++) {
		if (lines[i][0] == '\0' && lines[i + 1] == NULL)
			break;
		if (first)
			g_string_append_printf(out, "%s %s\n", status,
			    lines[i]);
		else
			g_string_append_printf(out, "   %s\n", lines[i]);
		first = 0;
	}
	if (first)
		g_string_append_printf(out, "%s\n", status);
	g_strfreev(lines);
}

int
cmdrun_block(const struct outbound *o, const struct cmd_block *b,
    GPtrArray *attachments, int64_t now, GString *out, unsigned *errors_r,
    char **error_r)
{
	GPtrArray *results;
	guint i, failed = G_MAXUINT;
	int rc;

	*errors_r = 0;
	if (b->errors->len > 0) {
		/* Parse errors: nothing runs; every problem is listed. */
		for (i = 0; i < b->errors->len; i++) {
			const struct cmd_error *e = b->errors->pdata[i];

			g_string_append_printf(out, "> %s\nERROR line %u: %s\n",
			    e->text, e->line, e->message);
		}
		*errors_r = b->errors->len + b->errors_dropped;
		g_string_append_printf(out, "\nNothing was run: the block has "
		    "%u error%s.\n", *errors_r, *errors_r == 1 ? "" : "s");
		return STORE_OK;
	}
	if (b->cmds->len == 0) {
		g_string_append(out, "ERROR no command found\n");
		*errors_r = 1;
		return STORE_OK;
	}
	if ((rc = store_savepoint(o->st, error_r)) != STORE_OK)
		return rc;
	results = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < b->cmds->len; i++) {
		GString *res = g_string_new(NULL);
		char *err = NULL;

		rc = run_one(o, b->cmds->pdata[i], attachments, now, res, &err);
		if (rc == STORE_TEMP) {
			/* Busy or full: nothing decided; try again later. */
			g_string_free(res, TRUE);
			g_ptr_array_unref(results);
			store_rollback_to(o->st);
			*error_r = err;
			return rc;
		}
		if (rc != STORE_OK) {
			g_string_free(res, TRUE);
			g_ptr_array_add(results, err != NULL ? err :
			    g_strdup("failed"));
			failed = i;
			break;
		}
		g_ptr_array_add(results, g_string_free(res, FALSE));
	}
	if (failed == G_MAXUINT && (rc = store_release(o->st, error_r)) !=
	    STORE_OK) {
		g_ptr_array_unref(results);
		return rc;
	}
	if (failed != G_MAXUINT)
		store_rollback_to(o->st);
	for (i = 0; i < b->cmds->len; i++) {
		const struct cmd *c = b->cmds->pdata[i];

		echo(out, c->text);
		if (i < results->len && i != failed)
			indent_result(out, failed == G_MAXUINT ? "OK" :
			    "OK (undone)", results->pdata[i]);
		else if (i == failed)
			indent_result(out, "ERROR", results->pdata[i]);
		else
			g_string_append(out, "NOT RUN\n");
	}
	if (failed != G_MAXUINT) {
		*errors_r = 1;
		g_string_append(out, "\nNothing was changed: a command failed, "
		    "so the whole block was undone.\n");
	}
	g_ptr_array_unref(results);
	return STORE_OK;
}
