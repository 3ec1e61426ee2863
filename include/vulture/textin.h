/* textin: the checks every parser of people's text makes on its whole
 * input before reading a line of it (form, command grammar), and the one
 * rule on which characters people's text may not carry (refused on the
 * way in, escaped on the way out to a terminal). No I/O. */
#ifndef VULTURE_TEXTIN_H
#define VULTURE_TEXTIN_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* Checks *text (len bytes; NULL only with len 0) against max and for NUL
 * bytes and invalid UTF-8, then steps *text and *len past a UTF-8 byte
 * order mark. NULL becomes "". Returns 0, or -1 with *error_r (static;
 * error_r may be NULL) and nothing changed. */
int textin_check(const char **text, size_t *len, size_t max,
    const char **error_r);

/* Days in month m (1-12) of the proleptic Gregorian year y; 0 for a month
 * out of range. */
int textin_days_in_month(int y, int m);

/* 1 for a character that changes how text around it displays without
 * showing itself: Unicode's explicit direction controls (U+061C, U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069; "Trojan Source") and the
 * zero-width spaces (U+200B, U+2060, U+FEFF). The joiners U+200C and
 * U+200D stay allowed: scripts and emoji need them. Else 0. */
int textin_is_hidden(uint32_t u);

/* The first character of [s, e) that people's text may not carry: a C0
 * control, DEL or a C1 control (other than the ASCII bytes in allow,
 * e.g. "\t\n"; NUL never allowed), or one textin_is_hidden() names. The
 * span must be valid UTF-8. Returns a pointer into it, or NULL. */
const char *textin_find_control(const char *s, const char *e,
    const char *allow);

/* The code point at p (returned by textin_find_control()) as "U+001B",
 * for messages; 1-based character (not byte) position of p in s in
 * *pos_r. buf holds at least 12 bytes; returns buf. */
const char *textin_describe(const char *s, const char *p, char *buf,
    size_t *pos_r);

/* A multi-line text (NUL-terminated UTF-8) as a here-document holds it:
 * CRLF becomes LF in place; tab and LF stay; any other character that
 * textin_find_control() names makes it -1, with *error_r (newly
 * allocated) "control character U+001B at line 2, character 6".
 * Else 0. */
int textin_check_text(char *text, char **error_r);

/* Appends len bytes of s (len -1: up to its NUL) to out for display: what
 * textin_find_control() refuses (with the same allow) and every byte of
 * invalid UTF-8 written as an escape, "\x1b" below U+0080 and for bad
 * bytes, "\u202e" above; everything else as it is. */
void textin_escape(GString *out, const char *s, gssize len,
    const char *allow);

#endif /* VULTURE_TEXTIN_H */
