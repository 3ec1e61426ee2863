/*
 * form.h: parser for the reply form vendors fill in (PRODUCT.md, "Vendor
 * replies").  Pure function of text, no I/O: the caller hands over the
 * decrypted body already converted to UTF-8.
 *
 * Recognised lines are "Label: value" (':' or U+FF1A), English or Japanese
 * labels, case-insensitive; ' ', '_' and '-' in labels are interchangeable
 * ("Advisory URL", "fix_date").  An indented line (space, tab, U+3000)
 * directly after a label line continues that value.  '#' hint lines and
 * blank lines end a value and are otherwise ignored.
 *
 * The quoted form counts too: lines quoted with '>' or U+FF1E (any depth up
 * to FORM_MAX_QUOTE_DEPTH) and the lines below the quoting header of a
 * replying client (Outlook's "-----Original Message-----", "On ... wrote:",
 * see form.c) are read as quoted, one level deeper per '>' and per header.
 * A quoted value counts only when the vendor typed it: empty, or equal to
 * that field's value in the form as we sent it (form_parse_reply()'s sent),
 * it is the notice's own text and never counts; a quoted Case line never
 * does (the quoted notice routes the reply by itself).  Of the values given
 * for one field, the least quoted win (unquoted over quoted); the others,
 * where they differ, are listed in overridden.  The vendor's own text ends
 * at a signature separator ("-- "): unquoted lines after it are ignored up
 * to the quoted text, if any.
 *
 * Values are read as people write them (NFKC-folded, so full-width forms
 * count): statuses ("affected (investigating)", "該当製品あり（調査中）",
 * "該当あり", "調査中", "not affected", "該当しない", "非該当"), yes/no
 * ("yes please", "はい", "要", "不要") and dates ("2027-01-05", "2027/1/5",
 * "2027年1月5日", "Jan 5, 2027", "5 January 2027"); see form.c's tables.
 */
#ifndef VULTURE_FORM_H
#define VULTURE_FORM_H

#include <stddef.h>
#include <glib.h>

/* Whole-input limits: over any of these form_parse() refuses the input. */
#define FORM_MAX_INPUT		(1024 * 1024)	/* bytes of text */
#define FORM_MAX_LINE		8192	/* bytes per line, without CRLF */
/* Lines read: past it the input is refused, or, when the vendor's own
 * text has ended (cut_line), the rest of the quoted thread is not read. */
#define FORM_MAX_LINES		20000

/* Per-field limits: over these the field gets an entry in errors. */
#define FORM_MAX_VALUE		(16 * 1024)	/* any value after joining */
#define FORM_MAX_CASE_ID	64	/* bytes */
#define FORM_MAX_URL		2048	/* bytes */
#define FORM_MAX_SHARE_FIELD	256	/* bytes per Share-With part */
#define FORM_MAX_SHARES		16	/* Share-With entries kept */

#define FORM_MAX_QUOTE		40	/* bytes of a line quoted in an issue */
#define FORM_MAX_TEXT		120	/* bytes of struct form_issue.text */
#define FORM_MAX_QUOTE_DEPTH	8	/* deeper quoted lines are ignored */
#define FORM_MAX_SENT		(64 * 1024)	/* bytes of sent form read */

/* Bounds on what is reported back; the rest is only counted. */
#define FORM_MAX_UNKNOWN	32
#define FORM_MAX_ERRORS		32
#define FORM_MAX_OVERRIDDEN	32

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
	FORM_ISSUE_OVERRIDDEN,		/* in overridden: a more quoted value
					 * that a less quoted one replaced */
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
	/* owned, never NULL: the line as written without its quote marks
	   (first line of a value), at most FORM_MAX_TEXT bytes and cut at a
	   character with U+2026 appended */
	char *text;
	unsigned quote;		/* quote level: 0 typed, 1 quoted once... */
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
	/* owned, of struct form_issue *, never NULL: values a less quoted
	   one of the same field replaced (the unquoted value wins) */
	GPtrArray *overridden;
	unsigned unknown_dropped;	/* beyond FORM_MAX_UNKNOWN */
	unsigned errors_dropped;	/* beyond FORM_MAX_ERRORS */
	unsigned overridden_dropped;	/* beyond FORM_MAX_OVERRIDDEN */
	/* Quote level each field's value came from (0 typed), indexed by
	   enum form_field; meaningful where the field holds a value. */
	unsigned quote[FORM_FIELD_COUNT];
	/* Fields holding a (valid) value; Share-With counts once. */
	unsigned n_fields;
	/* Line where the vendor's unquoted text ended (a signature
	   separator or a client's quoting header), 0 if none. */
	unsigned cut_line;
};

/* "affected", "affected-investigating", ...; NULL for NONE or bad values. */
const char *
form_status_name(enum form_status status);

/* Canonical English label ("Fix-Date"); NULL for NONE or bad values. */
const char *
form_field_name(enum form_field field);

/* The label of our form in lang ("ja": "修正予定日"; anything else: the
 * English name); NULL for NONE or bad values. Static. */
const char *
form_field_label(enum form_field field, const char *lang);

/* 1 if the field's value appears in the published advisory (guideline
 * 6-2-4: the vendor's statement, comment, advisory URL, dates), else 0. */
int
form_field_published(enum form_field field);

/* The values accepted for field, in lang ("ja" or English), for the reply
 * that asks a vendor to correct a line; NULL where any text is. Static. */
const char *
form_field_accepted(enum form_field field, const char *lang);

/* issue->message in lang ("ja" or English). Static or issue's. */
const char *
form_issue_message(const struct form_issue *issue, const char *lang);

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

/*
 * form_parse() for a reply that may quote our mail: sent (sent_len bytes,
 * may be NULL when 0) is the reply form as we sent it -- in every
 * language it may have gone out in, one after the other -- and a quoted
 * value equal to that field's value there is not the vendor's.  Read up
 * to FORM_MAX_SENT bytes; it must be valid UTF-8 (else it is not used).
 */
int
form_parse_reply(const char *text, size_t len, const char *sent,
    size_t sent_len, struct form **form_r, const char **error_r);

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
