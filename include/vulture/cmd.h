/*
 * cmd.h: parser for coordinator command blocks (PRODUCT.md, "Coordinator
 * commands") and for the same commands given to vulturectl as arguments.
 * Pure function of text, no I/O: the caller hands over the decrypted body
 * already converted to UTF-8.  The parser checks the grammar and the form
 * of every value; what needs the store (does the vendor exist, is the case
 * open) is the executor's job.
 *
 * A block is read line by line (LF or CRLF):
 *  - leading and trailing whitespace (space, tab, U+00A0, U+3000) is
 *    dropped; blank lines and lines starting with '>' are ignored;
 *  - a line that is "thanks" or "quit" (ASCII case-insensitive, optionally
 *    followed by any of . ! , ; : ? ~) or "--" ends the block;
 *  - a line that is not a command, ends in ':' and is followed by a '>'
 *    line is a client's attribution ("On ... wrote:") and is ignored;
 *  - tokens are separated by whitespace; a token starting with '"' runs to
 *    the next unescaped '"' (escapes \" \\ \n; any other backslash stays);
 *    '#' at the start of a token starts a comment, so "JVNVU#1" is a token;
 *  - an unquoted last token <<WORD or <<'WORD' (WORD [A-Za-z_][A-Za-z0-9_]*)
 *    takes the following lines, up to a line that is WORD (surrounding
 *    whitespace ignored), as its value, each line ending in "\n";
 *  - a line "desk ADDRESS" before the first command names the desk the
 *    block is meant for (vulture(7): a signature binds only what it
 *    covers, so the signed text itself must say where it may run); at
 *    most once, never in the argv form;
 *  - keywords (verbs, options, sectors, statuses, general/individual,
 *    en/ja) are ASCII case-insensitive and stored in lower case; other
 *    values are kept as written.
 *
 * Commands (options after the positional arguments, any order, once):
 *  vendor add HANDLE NAME general|individual ADDRESS [keywords LIST]
 *      [lang en|ja]
 *  vendor key HANDLE            (argv form: [FILE|-])
 *  vendor key HANDLE confirm FPR   (pins a key proposed by mail)
 *  vendor keywords HANDLE LIST
 *  vendor approve HANDLE | vendor suspend HANDLE
 *  case open TITLE [single-vendor] [reporter REF] [date WHEN]
 *      (argv form also: --summary FILE, --detail FILE, --attach FILE...)
 *  case ID summary TEXT | case ID detail TEXT
 *      (argv form: FILE|- instead of TEXT; detail also --attach FILE...)
 *  case ID notify keywords|vendors LIST [force]
 *  case ID disclose HANDLE | case ID unreachable HANDLE
 *  case ID date WHEN [reason TEXT]
 *  case ID early sectors LIST
 *  case ID share approve N
 *  case ID share confirm N FPR
 *  case ID status HANDLE affected|affected-investigating|not-affected|
 *      not-affected-investigating|unknown [comment TEXT]
 *  case ID leak TEXT [date WHEN]
 *  case ID publish [now] | case ID show
 * "case VERB ID ..." (vulturectl order) is accepted and normalised.
 *
 * In the argv form each argument is one token as is (no quotes, comments
 * or here-documents), options may also be written "--word" and may come
 * anywhere ("--" ends them), and errors carry line 1.
 */
#ifndef VULTURE_CMD_H
#define VULTURE_CMD_H

#include <stddef.h>
#include <glib.h>

#include "vulture/ident.h"

/* Whole-input limits: over these cmd_parse() refuses the input. */
#define CMD_MAX_INPUT		(1024 * 1024)	/* bytes of text or argv */

/* Per-line and per-command limits: over these the line gets an error. */
#define CMD_MAX_LINE		8192	/* bytes per line, without CRLF */
#define CMD_MAX_COMMANDS	100	/* commands in one block */
#define CMD_MAX_TOKENS		64	/* tokens on one line (argc in argv) */
/* Below CMD_MAX_INPUT so that it can bite; bigger texts are attachments. */
#define CMD_MAX_HEREDOC		(512 * 1024)	/* bytes of a body */
#define CMD_MAX_VALUE		(64 * 1024)	/* bytes of one token */

/* Per-value limits; identifiers are ident.h's. */
#define CMD_MAX_HANDLE		IDENT_MAX_HANDLE
#define CMD_MAX_CASE_ID		IDENT_MAX_CASE_ID
#define CMD_MAX_LIST		64	/* items in a LIST */
#define CMD_MAX_ITEM		IDENT_MAX_KEYWORD
#define CMD_MAX_ADDRESS		IDENT_MAX_ADDRESS
#define CMD_MAX_NAME		256	/* vendor name */
#define CMD_MAX_TITLE		512	/* case title */
#define CMD_MAX_REPORTER	256
#define CMD_MAX_REASON		1024	/* date reason, leak reason */
#define CMD_MAX_COMMENT		(16 * 1024)	/* status comment */
#define CMD_MAX_TEXT		CMD_MAX_HEREDOC	/* summary, detail */
#define CMD_MAX_PATH		4096	/* argv form FILE */

/* Errors kept in a block; the rest are only counted. */
#define CMD_MAX_ERRORS		100

enum cmd_verb {
	CMD_VENDOR_ADD,
	CMD_VENDOR_KEY,
	CMD_VENDOR_KEYWORDS,
	CMD_VENDOR_APPROVE,
	CMD_VENDOR_SUSPEND,
	CMD_CASE_OPEN,
	CMD_CASE_SUMMARY,
	CMD_CASE_DETAIL,
	CMD_CASE_NOTIFY_KEYWORDS,
	CMD_CASE_NOTIFY_VENDORS,
	CMD_CASE_DISCLOSE,
	CMD_CASE_DATE,
	CMD_CASE_EARLY,
	CMD_CASE_SHARE_APPROVE,
	CMD_CASE_SHARE_CONFIRM,
	CMD_CASE_STATUS,
	CMD_CASE_LEAK,
	CMD_CASE_UNREACHABLE,
	CMD_CASE_PUBLISH,
	CMD_CASE_SHOW,
	CMD_CASE_ADVISORY,
};

/*
 * One valid command.  Every pointer is owned by the struct and NULL when
 * the command has no such argument.
 */
struct cmd {
	enum cmd_verb verb;
	unsigned line;		/* 1-based line of the command */
	/* The line as written, trimmed, for the transcript; a here-document
	   marker reads "<<EOF (N lines)".  Never NULL. */
	char *text;
	char *case_id;		/* as written; matched by is_case_id */
	char *handle;		/* vendor add/key/keywords/approve/suspend,
				   disclose, status, unreachable */
	char *name;		/* vendor add */
	char *registration;	/* vendor add: "general" or "individual" */
	char *address;		/* vendor add: local@domain.tld */
	char *lang;		/* vendor add: "en" or "ja" */
	/* Of char *, no duplicates: keywords (as written), vendor handles,
	   sectors (lower case). */
	GPtrArray *list;
	/* case open: title; summary/detail: text (mail form); date: reason;
	   status: comment; leak: reason.  One line for a title, otherwise
	   may hold "\n" and tab.  A here-document keeps its last "\n". */
	char *value;
	/* YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM|-HH:MM], an
	   existing date, as written; no offset means the caller's zone. */
	char *when;
	char *status;		/* case status, lower case */
	char *reporter;
	char *field;		/* case advisory: the text's field */		/* case open */
	char *file;		/* argv form: vendor key, summary, detail;
				   "-" is standard input */
	char *summary_file;	/* argv form: case open --summary */
	char *detail_file;	/* argv form: case open --detail */
	GPtrArray *attach;	/* argv form: --attach FILE..., of char * */
	unsigned number;	/* share approve/confirm: 1 to 999999999 */
	char *fingerprint;	/* vendor key confirm, share confirm: 40
				   upper-case hex digits */
	int force;		/* notify ... force */
	int now;		/* publish now */
	int single_vendor;	/* case open single-vendor */
};

struct cmd_error {
	unsigned line;		/* 1-based; the command's line for problems
				   inside its here-document */
	char *text;		/* owned: the line as written, trimmed */
	char *message;		/* owned: English, starts with the command
				   ("case date: ...") where one was seen */
};

struct cmd_block {
	/* Owned, of struct cmd *, in input order, never NULL.  Only the
	   valid commands; run nothing unless errors->len == 0. */
	GPtrArray *cmds;
	/* Owned, of struct cmd_error *, by line, never NULL. */
	GPtrArray *errors;
	unsigned errors_dropped;	/* beyond CMD_MAX_ERRORS */
	unsigned end_line;	/* the thanks/quit/-- line, 0 if none */
	char *desk;		/* owned: ADDRESS of the "desk" line, as
				   written; NULL if none */
	unsigned desk_line;
};

/* Returns 1 if s (NUL-terminated) is a case id, else 0. */
typedef int cmd_case_id_fn(const char *s, void *arg);

/* "vendor add", "case notify keywords", ...; NULL for bad values. */
const char *
cmd_verb_name(enum cmd_verb verb);

/*
 * Parse len bytes of text (need not be NUL-terminated; text may be NULL
 * when len is 0).  is_case_id decides what a case id is; when NULL any
 * 1 to CMD_MAX_CASE_ID printable ASCII bytes without quotes are one.
 * Returns 0 and stores a new block in *block_r, which may carry errors:
 * every line is parsed and every problem reported.  An empty block (no
 * commands, no errors) is not an error here.  Returns -1, sets *block_r
 * to NULL and *error_r (if not NULL) to a static string when the input as
 * a whole is refused: a NUL byte, invalid UTF-8, or over CMD_MAX_INPUT.
 * Free the block with cmd_block_free().
 */
int
cmd_parse(const char *text, size_t len, cmd_case_id_fn *is_case_id,
    void *arg, struct cmd_block **block_r, const char **error_r);

/*
 * The argv form for vulturectl: argv[0] is "vendor" or "case", argc may
 * be 0.  Same returns as cmd_parse(); the block holds one command or
 * errors.  Refused: argv NULL with argc > 0, a NULL argument, invalid
 * UTF-8, or over CMD_MAX_INPUT bytes in all.
 */
int
cmd_parse_argv(int argc, char **argv, cmd_case_id_fn *is_case_id,
    void *arg, struct cmd_block **block_r, const char **error_r);

/* Frees *block and sets it to NULL; accepts NULL and *block == NULL. */
void
cmd_block_free(struct cmd_block **block);

#endif
