/*
 * form.h: parser for the reply form vendors fill in (PRODUCT.md, "Vendor
 * replies").  Pure function of text, no I/O: the caller hands over the
 * decrypted body already converted to UTF-8.
 *
 * Recognised lines are "Label: value" (':' or U+FF1A), English or Japanese
 * labels, case-insensitive; ' ', '_' and '-' in labels are interchangeable
 * ("Advisory URL", "fix_date").  An indented line (space, tab, U+3000)
 * directly after a label line continues that value.  Quoted lines ('>' or
 * U+FF1E after optional indentation), '#' hint lines and blank lines end a
 * value and are otherwise ignored.  Parsing stops at a signature separator
 * or at the quoting header of a replying client (see form.c for the list).
 */
#ifndef VULTURE_FORM_H
#define VULTURE_FORM_H

#include <stddef.h>
#include <glib.h>

/* Whole-input limits: over any of these form_parse() refuses the input. */
#define FORM_MAX_INPUT		(1024 * 1024)	/* bytes of text */
#define FORM_MAX_LINE		8192	/* bytes per line, without CRLF */
#define FORM_MAX_LINES		20000	/* lines read before the reply cut */

/* Per-field limits: over these the field gets an entry in errors. */
#define FORM_MAX_VALUE		(16 * 1024)	/* any value after joining */
#define FORM_MAX_CASE_ID	64	/* bytes */
#define FORM_MAX_URL		2048	/* bytes */
#define FORM_MAX_SHARE_FIELD	256	/* bytes per Share-With part */
#define FORM_MAX_SHARES		16	/* Share-With entries kept */

#define FORM_MAX_QUOTE		40	/* bytes of a line quoted in an issue */

/* Bounds on what is reported back; the rest is only counted. */
#define FORM_MAX_UNKNOWN	32
#define FORM_MAX_ERRORS		32

enum form_status {
	FORM_STATUS_NONE = 0,
	FORM_STATUS_AFFECTED,
	FORM_STATUS_AFFECTED_INVESTIGATING,
	FORM_STATUS_NOT_AFFECTED,
	FORM_STATUS_NOT_AFFECTED_INVESTIGATING,
};

enum form_field {
	FORM_FIELD_NONE = 0,	/* unknown label */
	FORM_FIELD_CASE,
	FORM_FIELD_REQUEST_DETAIL,
	FORM_FIELD_STATUS,
	FORM_FIELD_COMMENT,
	FORM_FIELD_ADVISORY_URL,
	FORM_FIELD_FIX_DATE,
	FORM_FIELD_WORKAROUND_DATE,
	FORM_FIELD_FIX_PLAN,
	FORM_FIELD_WORKAROUND_PLAN,
	FORM_FIELD_PUBDATE_REQUEST,
	FORM_FIELD_REASON,
	FORM_FIELD_SHARE_WITH,
	FORM_FIELD_SHARE_KEY,
	FORM_FIELD_COUNT
};

enum form_issue_kind {
	FORM_ISSUE_UNKNOWN_LABEL = 0,	/* field is FORM_FIELD_NONE */
	FORM_ISSUE_BAD_VALUE,
	FORM_ISSUE_DUPLICATE,		/* different values: an error */
	FORM_ISSUE_TOO_LONG,
	FORM_ISSUE_TOO_MANY,		/* Share-With beyond FORM_MAX_SHARES */
	FORM_ISSUE_NOT_CONTINUED,	/* in unknown: a line right after a
					 * free-text value, not indented, so
					 * not part of it; label: its start */
};

struct form_share {
	char *organisation;	/* owned, never NULL */
	char *contact;		/* owned, never NULL */
	char *address;		/* owned, local@domain, never NULL */
	char *phone;		/* owned, NULL if not given */
};

struct form_issue {
	unsigned line;		/* 1-based line of the label */
	enum form_field field;
	enum form_issue_kind kind;
	char *label;		/* owned, the label as the vendor wrote it */
	char *message;		/* owned, English, for the reply to vendors */
};

struct form {
	char *case_id;		/* owned, trimmed as written; NULL if absent */
	int request_detail;	/* -1 absent, 0 no, 1 yes */
	enum form_status status;	/* FORM_STATUS_NONE if absent */
	/* Free text, owned, NULL if absent; continuation lines joined by
	   "\n", control characters other than tab replaced by U+FFFD. */
	char *comment;
	char *fix_plan;
	char *workaround_plan;
	char *reason;
	char *advisory_url;	/* owned, http(s)://, NULL if absent */
	char *fix_date;		/* owned, "YYYY-MM-DD", NULL if absent */
	char *workaround_date;	/* owned, "YYYY-MM-DD", NULL if absent */
	/* Owned, NULL if absent: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS"
	   followed by "Z" or "+HH:MM"/"-HH:MM" when an offset was given.
	   Without an offset the caller applies its own timezone. */
	char *pubdate_request;
	int pubdate_has_time;
	int pubdate_has_offset;
	GPtrArray *shares;	/* owned, of struct form_share *, never NULL */
	/* owned, NULL if absent: Share-Key, the fingerprint (40 upper-case
	   hex) of an invited organisation's key the vendor vouches for */
	char *share_key;
	GPtrArray *unknown;	/* owned, of struct form_issue *, never NULL */
	GPtrArray *errors;	/* owned, of struct form_issue *, never NULL */
	unsigned unknown_dropped;	/* beyond FORM_MAX_UNKNOWN */
	unsigned errors_dropped;	/* beyond FORM_MAX_ERRORS */
	/* Fields holding a (valid) value; Share-With counts once. */
	unsigned n_fields;
	unsigned cut_line;	/* line where reading stopped, 0 if none */
};

/* "affected", "affected-investigating", ...; NULL for NONE or bad values. */
const char *
form_status_name(enum form_status status);

/* Canonical English label ("Fix-Date"); NULL for NONE or bad values. */
const char *
form_field_name(enum form_field field);

/*
 * Parse len bytes of text (need not be NUL-terminated; text may be NULL
 * when len is 0).  Returns 0 and stores a new form in *form_r, which may
 * carry unknown labels and errors to report to the vendor; free it with
 * form_free().  Returns -1, sets *form_r to NULL and *error_r (if not NULL)
 * to a static string when the input as a whole is refused: a NUL byte,
 * invalid UTF-8, or over FORM_MAX_INPUT, FORM_MAX_LINE or FORM_MAX_LINES.
 */
int
form_parse(const char *text, size_t len, struct form **form_r,
    const char **error_r);

/* Frees *form and sets it to NULL; accepts NULL and *form == NULL. */
void
form_free(struct form **form);

/*
 * The registration form a would-be vendor sends with its key attached
 * (a request to register by mail). Pure, like form_parse(): "Label: value"
 * lines, ':' or U+FF1A, English or Japanese labels, ASCII
 * case-insensitive, no continuation lines. A value empty, over
 * REG_MAX_VALUE bytes or not UTF-8 is dropped; of a label given twice the
 * first kept value counts.
 */
#define REG_MAX_VALUE 256

struct regform {
	/* owned, each NULL when not given */
	char *organisation, *contact, *phone, *keywords, *case_id;
};

/* Fills *f (overwritten, not freed first) from text (may be NULL).
 * Returns 1 if an organisation was given, else 0; either way free with
 * regform_clear(). */
int
regform_parse(const char *text, struct regform *f);

/* Frees f's values and zeroes it. */
void
regform_clear(struct regform *f);

#endif
