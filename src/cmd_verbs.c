/* cmd_verbs.c: the grammar of one command line: the verb its first
 * words name, then that verb's arguments in order (cmd_p.h). No I/O. */
#include "config.h"

#include "cmd_p.h"
#include "vulture/ident.h"

#include <string.h>

static const char *const cmd_statuses[] = {
	"affected", "affected-investigating", "not-affected",
	"not-affected-investigating", "unknown", NULL
};
static const char *const cmd_registrations[] = {
	"general", "individual", "early", NULL
};
static const char *const cmd_langs[] = { "en", "ja", NULL };

/* ---- vendor commands ---- */

static void
cmd_vendor_add(struct cmd_ctx *c)
{
	struct cmd *cmd = c->cmd;
	const struct cmd_tok *t;
	gboolean seen_kw = FALSE, seen_lang = FALSE;
	char *v;

	if ((t = cmd_arg(c, "HANDLE")) == NULL)
		return;
	cmd_take_handle(c, t, &cmd->handle);
	if ((t = cmd_arg(c, "NAME")) == NULL)
		return;
	cmd_take_text(c, t, "NAME", CMD_MAX_NAME, FALSE, &cmd->name);
	if ((t = cmd_arg(c, "general or individual")) == NULL)
		return;
	cmd_take_choice(c, t, "registration", cmd_registrations,
	    &cmd->registration);
	if ((t = cmd_arg(c, "ADDRESS")) == NULL)
		return;
	if (!cmd_not_heredoc(c, t, "ADDRESS")) {
	} else if (ident_address_ok(t->s)) {
		cmd_set(&cmd->address, t->s);
	} else {
		v = cmd_show(t->s);
		cmd_error(c, "bad address '%s' (local@domain.tld)", v);
		g_free(v);
	}
	for (;;) {
		if (cmd_opt(c, "keywords", &seen_kw)) {
			if ((t = cmd_arg(c, "LIST after keywords")) == NULL)
				return;
			cmd_take_list(c, t, CMD_LIST_KEYWORDS, &cmd->list);
		} else if (cmd_opt(c, "lang", &seen_lang)) {
			if ((t = cmd_arg(c, "en or ja after lang")) == NULL)
				return;
			cmd_take_choice(c, t, "lang", cmd_langs, &cmd->lang);
		} else
			break;
	}
}

/* A fingerprint as people write one (ident_fpr_parse()). */
static void
cmd_take_fpr(struct cmd_ctx *c, const struct cmd_tok *t, char **dst)
{
	char fpr[IDENT_FPR_LEN + 1], *v;
	const char *why;

	if (!cmd_not_heredoc(c, t, "FINGERPRINT"))
		return;
	if (ident_fpr_parse(t->s, t->len, fpr, &why) == 0) {
		cmd_set(dst, fpr);
		return;
	}
	v = cmd_show(t->s);
	cmd_error(c, "bad fingerprint '%s' (%s)", v, why);
	g_free(v);
}

static void
cmd_vendor_key(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "HANDLE")) == NULL)
		return;
	cmd_take_handle(c, t, &c->cmd->handle);
	/* vendor key HANDLE confirm FPR: a key proposed by mail. */
	if (c->i < c->n && cmd_kw(&c->t[c->i], "confirm")) {
		c->i++;
		if ((t = cmd_arg(c, "FINGERPRINT")) != NULL)
			cmd_take_fpr(c, t, &c->cmd->fingerprint);
		return;
	}
	/* In mail the key is the attached application/pgp-keys part. */
	if (c->pp->argv_form && c->i < c->n)
		cmd_take_file(c, &c->t[c->i++], &c->cmd->file);
}

static void
cmd_vendor_keywords(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "HANDLE")) == NULL)
		return;
	cmd_take_handle(c, t, &c->cmd->handle);
	if ((t = cmd_arg(c, "LIST")) == NULL)
		return;
	cmd_take_list(c, t, CMD_LIST_KEYWORDS, &c->cmd->list);
}

/* approve, suspend; also case disclose, unreachable. */
static void
cmd_handle_only(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "HANDLE")) == NULL)
		return;
	cmd_take_handle(c, t, &c->cmd->handle);
}

static const struct cmd_sub {
	const char *word;
	const char *word2;	/* second word, NULL if none */
	enum cmd_verb verb;
	void (*fn)(struct cmd_ctx *);
} cmd_vendor_subs[] = {
	{ "add", NULL, CMD_VENDOR_ADD, cmd_vendor_add },
	{ "key", NULL, CMD_VENDOR_KEY, cmd_vendor_key },
	{ "keywords", NULL, CMD_VENDOR_KEYWORDS, cmd_vendor_keywords },
	{ "approve", NULL, CMD_VENDOR_APPROVE, cmd_handle_only },
	{ "suspend", NULL, CMD_VENDOR_SUSPEND, cmd_handle_only },
};

/* ---- case commands ---- */

static void
cmd_case_open(struct cmd_ctx *c)
{
	struct cmd *cmd = c->cmd;
	const struct cmd_tok *t;
	gboolean seen_single = FALSE, seen_rep = FALSE, seen_date = FALSE;
	gboolean seen_sum = FALSE, seen_det = FALSE, argv = c->pp->argv_form;
	char *file;

	if ((t = cmd_arg(c, "TITLE")) == NULL)
		return;
	cmd_take_text(c, t, "TITLE", CMD_MAX_TITLE, FALSE, &cmd->value);
	for (;;) {
		if (cmd_opt(c, "single-vendor", &seen_single)) {
			cmd->single_vendor = 1;
		} else if (cmd_opt(c, "reporter", &seen_rep)) {
			if ((t = cmd_arg(c, "REF after reporter")) == NULL)
				return;
			cmd_take_text(c, t, "reporter", CMD_MAX_REPORTER,
			    FALSE, &cmd->reporter);
		} else if (cmd_opt(c, "date", &seen_date)) {
			if ((t = cmd_arg(c, "WHEN after date")) == NULL)
				return;
			cmd_take_when(c, t, &cmd->when);
		} else if (argv && cmd_opt(c, "summary", &seen_sum)) {
			if ((t = cmd_arg(c, "FILE after summary")) == NULL)
				return;
			cmd_take_file(c, t, &cmd->summary_file);
		} else if (argv && cmd_opt(c, "detail", &seen_det)) {
			if ((t = cmd_arg(c, "FILE after detail")) == NULL)
				return;
			cmd_take_file(c, t, &cmd->detail_file);
		} else if (argv && cmd_opt(c, "attach", NULL)) {
			if ((t = cmd_arg(c, "FILE after attach")) == NULL)
				return;
			file = NULL;
			cmd_take_file(c, t, &file);
			if (file == NULL)
				continue;
			if (cmd->attach == NULL)
				cmd->attach =
				    g_ptr_array_new_with_free_func(g_free);
			g_ptr_array_add(cmd->attach, file);
		} else
			break;
	}
}

/* summary, detail: a text in mail, a file in the argv form. */
static void
cmd_case_text(struct cmd_ctx *c)
{
	struct cmd *cmd = c->cmd;
	const struct cmd_tok *t;
	char *file;

	if (c->pp->argv_form) {
		if ((t = cmd_arg(c, "FILE")) == NULL)
			return;
		cmd_take_file(c, t, &cmd->file);
		while (cmd->verb == CMD_CASE_DETAIL &&
		    cmd_opt(c, "attach", NULL)) {
			if ((t = cmd_arg(c, "FILE after attach")) == NULL)
				return;
			file = NULL;
			cmd_take_file(c, t, &file);
			if (file == NULL)
				continue;
			if (cmd->attach == NULL)
				cmd->attach =
				    g_ptr_array_new_with_free_func(g_free);
			g_ptr_array_add(cmd->attach, file);
		}
		return;
	}
	if ((t = cmd_arg(c, "TEXT (quoted or <<EOF)")) == NULL)
		return;
	cmd_take_text(c, t, cmd->verb == CMD_CASE_SUMMARY ? "summary" :
	    "detail", CMD_MAX_TEXT, TRUE, &cmd->value);
}

static void
cmd_case_notify(struct cmd_ctx *c)
{
	const struct cmd_tok *t;
	gboolean seen_force = FALSE;

	if ((t = cmd_arg(c, "LIST")) == NULL)
		return;
	cmd_take_list(c, t, c->cmd->verb == CMD_CASE_NOTIFY_KEYWORDS ?
	    CMD_LIST_KEYWORDS : CMD_LIST_HANDLES, &c->cmd->list);
	if (cmd_opt(c, "force", &seen_force))
		c->cmd->force = 1;
}

static void
cmd_case_date(struct cmd_ctx *c)
{
	const struct cmd_tok *t;
	gboolean seen_reason = FALSE;

	if ((t = cmd_arg(c, "WHEN")) == NULL)
		return;
	cmd_take_when(c, t, &c->cmd->when);
	while (cmd_opt(c, "reason", &seen_reason)) {
		if ((t = cmd_arg(c, "TEXT after reason")) == NULL)
			return;
		cmd_take_text(c, t, "reason", CMD_MAX_REASON, TRUE,
		    &c->cmd->value);
	}
}

static void
cmd_case_early(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "LIST of sectors")) == NULL)
		return;
	cmd_take_list(c, t, CMD_LIST_SECTORS, &c->cmd->list);
}

static void
cmd_case_share(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "N")) == NULL)
		return;
	cmd_take_number(c, t, &c->cmd->number);
}

static void
cmd_case_share_confirm(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "N")) == NULL)
		return;
	cmd_take_number(c, t, &c->cmd->number);
	if ((t = cmd_arg(c, "FINGERPRINT")) == NULL)
		return;
	cmd_take_fpr(c, t, &c->cmd->fingerprint);
}

static void
cmd_case_status(struct cmd_ctx *c)
{
	const struct cmd_tok *t;
	gboolean seen_comment = FALSE;

	if ((t = cmd_arg(c, "HANDLE")) == NULL)
		return;
	cmd_take_handle(c, t, &c->cmd->handle);
	if ((t = cmd_arg(c, "STATUS")) == NULL)
		return;
	cmd_take_choice(c, t, "status", cmd_statuses, &c->cmd->status);
	while (cmd_opt(c, "comment", &seen_comment)) {
		if ((t = cmd_arg(c, "TEXT after comment")) == NULL)
			return;
		cmd_take_text(c, t, "comment", CMD_MAX_COMMENT, TRUE,
		    &c->cmd->value);
	}
}

/* advisory FIELD TEXT|<<EOF (FILE in the argv form): a text of the
 * public advisory. */
static void
cmd_case_advisory(struct cmd_ctx *c)
{
	static const char *const fields[] = { "overview", "affected",
	    "description", "impact", "solution", "addendum", "credits",
	    "references", NULL };
	struct cmd *cmd = c->cmd;
	const struct cmd_tok *t;
	int i;

	if ((t = cmd_arg(c, "FIELD")) == NULL)
		return;
	for (i = 0; fields[i] != NULL; i++)
		if (g_ascii_strcasecmp(t->s, fields[i]) == 0)
			break;
	if (fields[i] == NULL) {
		cmd_error(c, "unknown field '%s' (overview, "
		    "affected, description, impact, solution, addendum, "
		    "credits, references)", t->s);
		return;
	}
	cmd->field = g_strdup(fields[i]);
	if (c->pp->argv_form) {
		if ((t = cmd_arg(c, "FILE")) == NULL)
			return;
		cmd_take_file(c, t, &cmd->file);
		return;
	}
	if ((t = cmd_arg(c, "TEXT (quoted or <<EOF)")) == NULL)
		return;
	cmd_take_text(c, t, fields[i], CMD_MAX_TEXT, TRUE, &cmd->value);
}

static void
cmd_case_leak(struct cmd_ctx *c)
{
	const struct cmd_tok *t;
	gboolean seen_date = FALSE;

	if ((t = cmd_arg(c, "REASON")) == NULL)
		return;
	cmd_take_text(c, t, "reason", CMD_MAX_REASON, TRUE, &c->cmd->value);
	while (cmd_opt(c, "date", &seen_date)) {
		if ((t = cmd_arg(c, "WHEN after date")) == NULL)
			return;
		cmd_take_when(c, t, &c->cmd->when);
	}
}

static void
cmd_case_publish(struct cmd_ctx *c)
{
	gboolean seen_now = FALSE;

	if (cmd_opt(c, "now", &seen_now))
		c->cmd->now = 1;
}

static void
cmd_case_show(struct cmd_ctx *c)
{
	(void)c;
}

static const struct cmd_sub cmd_case_subs[] = {
	{ "summary", NULL, CMD_CASE_SUMMARY, cmd_case_text },
	{ "detail", NULL, CMD_CASE_DETAIL, cmd_case_text },
	{ "notify", "keywords", CMD_CASE_NOTIFY_KEYWORDS, cmd_case_notify },
	{ "notify", "vendors", CMD_CASE_NOTIFY_VENDORS, cmd_case_notify },
	{ "disclose", NULL, CMD_CASE_DISCLOSE, cmd_handle_only },
	{ "date", NULL, CMD_CASE_DATE, cmd_case_date },
	{ "early", "sectors", CMD_CASE_EARLY, cmd_case_early },
	{ "share", "approve", CMD_CASE_SHARE_APPROVE, cmd_case_share },
	{ "share", "confirm", CMD_CASE_SHARE_CONFIRM, cmd_case_share_confirm },
	{ "status", NULL, CMD_CASE_STATUS, cmd_case_status },
	{ "leak", NULL, CMD_CASE_LEAK, cmd_case_leak },
	{ "unreachable", NULL, CMD_CASE_UNREACHABLE, cmd_handle_only },
	{ "publish", NULL, CMD_CASE_PUBLISH, cmd_case_publish },
	{ "advisory", NULL, CMD_CASE_ADVISORY, cmd_case_advisory },
	{ "show", NULL, CMD_CASE_SHOW, cmd_case_show },
};

/*
 * Runs the sub-command of table subs named by the token at c->i (and the
 * next one for two-word commands).  Returns FALSE if the first word is
 * not in the table, having reported nothing.
 */
static gboolean
cmd_run_sub(struct cmd_ctx *c, const struct cmd_sub *subs, size_t nsubs)
{
	const struct cmd_tok *w = &c->t[c->i];
	GString *alts;
	char *v;
	size_t k;
	gboolean found = FALSE;

	for (k = 0; k < nsubs; k++) {
		if (!cmd_kw(w, subs[k].word))
			continue;
		found = TRUE;
		if (subs[k].word2 != NULL && (c->i + 1 >= c->n ||
		    !cmd_kw(&c->t[c->i + 1], subs[k].word2)))
			continue;
		c->cmd->verb = subs[k].verb;
		c->what = cmd_verb_name(subs[k].verb);
		c->i += subs[k].word2 != NULL ? 2 : 1;
		subs[k].fn(c);
		cmd_end(c);
		return TRUE;
	}
	if (!found)
		return FALSE;
	/* The first word of a two-word command without a good second. */
	alts = g_string_new(NULL);
	for (k = 0; k < nsubs; k++)
		if (cmd_kw(w, subs[k].word))
			g_string_append_printf(alts, "%s%s",
			    alts->len > 0 ? " or " : "", subs[k].word2);
	v = c->i + 1 < c->n ? cmd_show(c->t[c->i + 1].s) : NULL;
	if (v != NULL)
		cmd_error(c, "%s: expected %s, not '%s'", w->s, alts->str, v);
	else
		cmd_error(c, "%s: missing %s", w->s, alts->str);
	g_free(v);
	g_string_free(alts, TRUE);
	return TRUE;
}

static gboolean
cmd_is_case_word(const struct cmd_tok *t)
{
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(cmd_case_subs); k++)
		if (cmd_kw(t, cmd_case_subs[k].word))
			return TRUE;
	return cmd_kw(t, "open");
}

static void
cmd_case(struct cmd_ctx *c)
{
	struct cmd_tok tmp;
	char *v;
	gboolean id1, word1, word2;

	c->what = "case";
	if (c->n < 2) {
		cmd_error(c, "missing case id and command");
		return;
	}
	if (cmd_kw(&c->t[1], "open")) {
		c->cmd->verb = CMD_CASE_OPEN;
		c->what = cmd_verb_name(CMD_CASE_OPEN);
		c->i = 2;
		cmd_case_open(c);
		cmd_end(c);
		return;
	}
	id1 = cmd_is_case_id(c->pp, &c->t[1]);
	word1 = cmd_is_case_word(&c->t[1]);
	/* "case VERB ID ...": put the id first.  A word wins over an id
	   only when an id follows it, for id formats that match words. */
	if (word1 && c->n > 2 && cmd_is_case_id(c->pp, &c->t[2])) {
		tmp = c->t[1];
		c->t[1] = c->t[2];
		c->t[2] = tmp;
	} else if (!id1) {
		v = cmd_show(c->t[1].s);
		word2 = c->n > 2 && cmd_is_case_word(&c->t[2]);
		if (word1 && c->n > 2) {
			char *v2 = cmd_show(c->t[2].s);

			cmd_error(c, "bad case id '%s'", v2);
			g_free(v2);
		} else if (word1)
			cmd_error(c, "%s: missing case id", v);
		else if (word2)
			cmd_error(c, "bad case id '%s'", v);
		else
			cmd_error(c, "expected a case id or a command, not "
			    "'%s'", v);
		g_free(v);
		return;
	}
	c->cmd->case_id = g_strdup(c->t[1].s);
	c->i = 2;
	if (c->n < 3) {
		cmd_error(c, "missing command after the case id");
		return;
	}
	if (cmd_run_sub(c, cmd_case_subs, G_N_ELEMENTS(cmd_case_subs)))
		return;
	v = cmd_show(c->t[2].s);
	cmd_error(c, "unknown command '%s' (summary, detail, notify, disclose, "
	    "date, early, share, status, leak, unreachable, publish, show)",
	    v);
	g_free(v);
}

static void
cmd_vendor(struct cmd_ctx *c)
{
	char *v;

	c->what = "vendor";
	c->i = 1;
	if (c->n < 2) {
		cmd_error(c, "missing command (add, key, keywords, approve, "
		    "suspend)");
		return;
	}
	if (cmd_run_sub(c, cmd_vendor_subs, G_N_ELEMENTS(cmd_vendor_subs)))
		return;
	v = cmd_show(c->t[1].s);
	cmd_error(c, "unknown command '%s' (add, key, keywords, approve, "
	    "suspend)", v);
	g_free(v);
}

/* "desk ADDRESS": where the signed block may run. */
static void
cmd_desk(struct cmd_ctx *c)
{
	struct cmd_parser *pp = c->pp;
	char *v;

	c->what = "desk";
	if (pp->argv_form) {
		cmd_error(c, "only a mail block names its desk");
		return;
	}
	if (pp->ncmds > 0) {
		cmd_error(c, "must come before the first command");
		return;
	}
	if (pp->block->desk != NULL) {
		cmd_error(c, "given twice (line %u)", pp->block->desk_line);
		return;
	}
	if (c->n != 2 || c->t[1].heredoc || !ident_address_ok(c->t[1].s)) {
		v = c->n > 1 ? cmd_show(c->t[1].s) : NULL;
		cmd_error(c, "expected one ADDRESS%s%s%s", v ? ", not '" : "",
		    v ? v : "", v ? "'" : "");
		g_free(v);
		return;
	}
	pp->block->desk = g_strdup(c->t[1].s);
	pp->block->desk_line = c->line;
}

/* Checks the tokens of one command; keeps it if all is well. */
void
cmd_build(struct cmd_ctx *c)
{
	struct cmd_parser *pp = c->pp;
	char *v;

	if (cmd_kw(&c->t[0], "desk")) {
		cmd_desk(c);
		return;
	}
	if (++pp->ncmds == CMD_MAX_COMMANDS + 1)
		cmd_error(c, "more than %d commands in one block",
		    CMD_MAX_COMMANDS);
	c->cmd = g_new0(struct cmd, 1);
	c->cmd->line = c->line;
	c->cmd->text = g_strdup(c->echo);
	if (cmd_kw(&c->t[0], "vendor")) {
		cmd_vendor(c);
	} else if (cmd_kw(&c->t[0], "case")) {
		cmd_case(c);
	} else {
		v = cmd_show(c->t[0].s);
		cmd_error(c, "unknown command '%s' (commands start with "
		    "vendor or case; end the block with a line thanks)", v);
		g_free(v);
	}
	if (c->errors == 0 && pp->ncmds <= CMD_MAX_COMMANDS) {
		g_ptr_array_add(pp->block->cmds, c->cmd);
		c->cmd = NULL;
	}
	cmd_free(c->cmd);
	c->cmd = NULL;
}
