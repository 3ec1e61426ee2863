/* lex: the characters and small tokens every parser of people's text
 * reads alike (the command grammar, cmd.c, and the reply form, form.c):
 * whitespace, "Key: value" colons and dates. Spans are [s, e) of valid
 * UTF-8 (textin_check() has run); nothing is read at or past e. No I/O.
 *
 * Whitespace is ' ', tab, U+00A0 (NBSP: HTML mail reduced to text) and
 * U+3000 (ideographic space, typed by Japanese input methods); not CR,
 * VT or FF, which are control characters (textin.h). A colon is ':' or
 * U+FF1A (full-width). */
#ifndef VULTURE_LEX_H
#define VULTURE_LEX_H

#include <stddef.h>

#define LEX_UTF8_NBSP		"\xc2\xa0"	/* U+00A0 */
#define LEX_UTF8_IDEO_SPACE	"\xe3\x80\x80"	/* U+3000 */
#define LEX_UTF8_FW_COLON	"\xef\xbc\x9a"	/* U+FF1A */

/* 1 if [s, e) starts (ends) with the NUL-terminated str, else 0. */
int lex_has_prefix(const char *s, const char *e, const char *str);
int lex_has_suffix(const char *s, const char *e, const char *str);

/* Bytes of the whitespace character at s (1 to 3), 0 if none. */
size_t lex_ws_len(const char *s, const char *e);

/* Bytes of the whitespace character ending at e, 0 if none. */
size_t lex_ws_len_back(const char *s, const char *e);

/* The span without leading (trailing) whitespace: the new s (e). */
const char *lex_ltrim(const char *s, const char *e);
const char *lex_rtrim(const char *s, const char *e);

/* Bytes of the colon at s (1 or 3), 0 if none. */
size_t lex_colon_len(const char *s, const char *e);

/* The end of [s, e) without one trailing colon, or NULL if it has none. */
const char *lex_strip_colon(const char *s, const char *e);

/* Dates. LEX_DATE_TIME lets a time follow the date; LEX_DATE_LOOSE takes
 * what people write in forms besides ISO 8601's one spelling. */
enum {
	LEX_DATE_TIME = 1 << 0,
	LEX_DATE_LOOSE = 1 << 1,
};

struct lex_date {
	int y, mo, d;		/* an existing date, year 1970 to 9999 */
	int has_time;		/* h, mi, sec are set */
	int h, mi, sec;
	char zone;		/* 0 (none given), 'Z', '+' or '-' */
	int oh, om;		/* offset for '+' and '-': 00:00 to 14:59 */
};

/*
 * Reads the whole span [s, e) as a date into *d; returns 0, or -1 (and *d
 * undefined) when it is not one. Strict (what vtime_parse() reads):
 *   YYYY-MM-DD[THH:MM[:SS][Z|+HH:MM|-HH:MM]]
 * LEX_DATE_LOOSE also takes '/' for both '-' (2027/1/5: Japanese
 * vendors write it so), one-digit month, day and hour, 't' or whitespace
 * for 'T', whitespace before the zone (or at the end when there is
 * none), 'z', and +HHMM.
 * Without LEX_DATE_TIME only the date.
 */
int lex_date(const char *s, const char *e, unsigned flags,
    struct lex_date *d);

/* d as ISO 8601: "2027-01-05", "2027-01-05T09:30:00", with "Z" or
 * "+09:00" when it has a zone. Newly allocated (g_free). */
char *lex_date_iso(const struct lex_date *d);

/* lex_date() then lex_date_iso(): the date newly allocated, or NULL.
 * When it is one, whether it has a time and a zone go to *has_time_r and
 * *has_zone_r (either may be NULL). */
char *lex_date_dup(const char *s, const char *e, unsigned flags,
    int *has_time_r, int *has_zone_r);

#endif /* VULTURE_LEX_H */
