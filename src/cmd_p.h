/* cmd_p.h: what the files of the command parser share (cmd.h is the
 * public header). cmd.c: the block, its lines and errors; cmd_lex.c:
 * lines, tokens and here-documents; cmd_args.c: taking arguments and
 * checking values; cmd_verbs.c: which verb, and each verb's arguments;
 * cmd_argv.c: the argv form of vulturectl. No I/O anywhere. */
#ifndef VULTURE_CMD_P_H
#define VULTURE_CMD_P_H

#include <stddef.h>

#include <glib.h>

#include "vulture/cmd.h"

#define CMD_SHOW_MAX	48	/* bytes of a value quoted in a message */
#define CMD_WORD_MAX	64	/* bytes of a here-document terminator */
#define CMD_WHERE_MAX	48	/* bytes of cmd_has_ctl()'s where */

struct cmd_tok {
	char *s;		/* owned, unescaped, NUL-terminated */
	size_t len;
	gboolean heredoc;	/* s is a here-document body */
	size_t end;		/* offset after the token in the trimmed line */
};

struct cmd_parser {
	struct cmd_block *block;
	cmd_case_id_fn *is_case_id;
	void *arg;
	gboolean argv_form;
	const char *p, *end;	/* input not yet read */
	unsigned lineno;	/* the line last read */
	unsigned ncmds;		/* command lines seen, valid or not */
};

/* One command being checked. */
struct cmd_ctx {
	struct cmd_parser *pp;
	unsigned line;
	char *echo;		/* owned: the line as shown */
	struct cmd_tok *t;	/* foreign: the tokens */
	unsigned n, i;		/* token count, next token */
	const char *what;	/* "case date"; NULL before the command */
	struct cmd *cmd;	/* owned */
	unsigned errors;	/* reported for this line */
};

enum cmd_list_kind {
	CMD_LIST_KEYWORDS,
	CMD_LIST_HANDLES,
	CMD_LIST_SECTORS,
};

/* cmd.c */
void cmd_error(struct cmd_ctx *c, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
void cmd_free(gpointer p);
struct cmd_block *cmd_block_new(void);

/* cmd_lex.c */
gboolean cmd_span_is(const char *s, const char *e, const char *str);
gboolean cmd_has_ctl(const char *s, const char *e, const char *allow,
    char *where);
gboolean cmd_line_at(const char **p, const char *end, const char **s,
    const char **e);
gboolean cmd_next_line(struct cmd_parser *pp, const char **s, const char **e);
char *cmd_show(const char *s);
char *cmd_raw_marker(const char *s, const char *e);
int cmd_tokenize(struct cmd_ctx *c, const char *s, const char *e,
    struct cmd_tok *toks, char **word_r);
char *cmd_read_heredoc(struct cmd_ctx *c, const char *word,
    gboolean skipping, unsigned *nlines_r);
void cmd_skip_heredoc(struct cmd_ctx *c, const char *word);
char *cmd_heredoc_echo(const char *s, const char *e, size_t marker_end,
    unsigned nlines);

/* cmd_args.c */
gboolean cmd_is_case_id(const struct cmd_parser *pp,
    const struct cmd_tok *t);
gboolean cmd_kw(const struct cmd_tok *t, const char *kw);
const struct cmd_tok *cmd_arg(struct cmd_ctx *c, const char *name);
gboolean cmd_opt(struct cmd_ctx *c, const char *kw, gboolean *seen);
void cmd_end(struct cmd_ctx *c);
gboolean cmd_not_heredoc(struct cmd_ctx *c, const struct cmd_tok *t,
    const char *name);
void cmd_set(char **dst, const char *s);
void cmd_take_handle(struct cmd_ctx *c, const struct cmd_tok *t,
    char **dst);
void cmd_take_when(struct cmd_ctx *c, const struct cmd_tok *t,
    char **dst);
void cmd_take_choice(struct cmd_ctx *c, const struct cmd_tok *t,
    const char *name, const char *const *choices, char **dst);
void cmd_take_text(struct cmd_ctx *c, const struct cmd_tok *t,
    const char *name, size_t max, gboolean multiline, char **dst);
void cmd_take_file(struct cmd_ctx *c, const struct cmd_tok *t,
    char **dst);
void cmd_take_number(struct cmd_ctx *c, const struct cmd_tok *t,
    unsigned *dst);
void cmd_take_list(struct cmd_ctx *c, const struct cmd_tok *t,
    enum cmd_list_kind kind, GPtrArray **dst);

/* cmd_verbs.c */
void cmd_build(struct cmd_ctx *c);

#endif /* VULTURE_CMD_P_H */
