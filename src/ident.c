/* ident.c: the syntax of identifiers (ident.h). No I/O. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "vulture/ident.h"

static const char *const ident_sectors[] = { "telecom", "finance",
    "aviation", "railway", "electricity", "gas", "medical", "water",
    "logistics", NULL };

int
ident_handle_ok(const char *h)
{
	size_t n;

	if (h == NULL || !g_ascii_islower(h[0]))
		return 0;
	for (n = 1; h[n] != '\0'; n++)
		if (!g_ascii_islower(h[n]) && !g_ascii_isdigit(h[n]) &&
		    h[n] != '.' && h[n] != '_' && h[n] != '-')
			return 0;
	return n <= IDENT_MAX_HANDLE;
}

/* RFC 5322 atext: what a dot-atom holds besides its dots. */
static int
ident_atext(char c)
{
	return g_ascii_isalnum(c) ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

int
ident_address_span_ok(const char *a, size_t len)
{
	const char *end = a + len, *at, *p, *label;
	size_t labels = 0;

	if (a == NULL || len > IDENT_MAX_ADDRESS ||
	    (at = memchr(a, '@', len)) == NULL || at == a ||
	    memchr(at + 1, '@', end - at - 1) != NULL)
		return 0;
	for (p = a; p < at; p++) {
		if (*p == '.') {
			if (p == a || p[-1] == '.' || p + 1 == at)
				return 0;
		} else if (!ident_atext(*p))
			return 0;
	}
	for (label = p = at + 1;; p++) {
		if (p == end || *p == '.') {
			if (p == label || p - label > IDENT_MAX_LABEL ||
			    *label == '-' || p[-1] == '-')
				return 0;
			labels++;
			if (p == end)
				break;
			label = p + 1;
		} else if (!g_ascii_isalnum(*p) && *p != '-')
			return 0;
	}
	return labels >= 2;
}

int
ident_address_ok(const char *a)
{
	return a != NULL && ident_address_span_ok(a, strlen(a));
}

int
ident_keyword_ok(const char *k)
{
	size_t n;

	if (k == NULL)
		return 0;
	for (n = 0; k[n] != '\0'; n++)
		if (!g_ascii_isalnum(k[n]) && strchr("-_.+/", k[n]) == NULL)
			return 0;
	return n > 0 && n <= IDENT_MAX_KEYWORD;
}

int
ident_sector_ok(const char *s)
{
	int i;

	for (i = 0; s != NULL && ident_sectors[i] != NULL; i++)
		if (strcmp(ident_sectors[i], s) == 0)
			return 1;
	return 0;
}

const char *
ident_sector_find(const char *s)
{
	int i;

	for (i = 0; s != NULL && ident_sectors[i] != NULL; i++)
		if (g_ascii_strcasecmp(ident_sectors[i], s) == 0)
			return ident_sectors[i];
	return NULL;
}

int
ident_case_id_ok(const char *s)
{
	size_t n;

	if (s == NULL || !g_ascii_isalnum(s[0]))
		return 0;
	for (n = 1; s[n] != '\0'; n++)
		if ((!g_ascii_isalnum(s[n]) && strchr("#._-", s[n]) == NULL) ||
		    (s[n] == '.' && s[n - 1] == '.'))
			return 0;
	return n <= IDENT_MAX_CASE_ID;
}

int
ident_hex_ok(const char *s, size_t n)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!g_ascii_isxdigit(s[i]))
			return 0;
	return s[n] == '\0';
}

int
ident_fpr_ok(const char *s)
{
	return ident_hex_ok(s, IDENT_FPR_LEN);
}

int
ident_fpr_or_keyid_ok(const char *s)
{
	return ident_hex_ok(s, IDENT_FPR_LEN) ||
	    ident_hex_ok(s, IDENT_KEYID_LEN);
}

int
ident_fpr_parse(const char *s, size_t len, char out[IDENT_FPR_LEN + 1],
    const char **error_r)
{
	const char *e, *why = NULL;
	size_t n = 0;

	if (s == NULL)
		len = 0;
	e = s != NULL ? s + len : s;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s < e; s++) {
		if (*s == ' ' || *s == '\t')
			continue;
		if (!g_ascii_isxdigit(*s)) {
			why = "not a hex digit in it";
			break;
		}
		if (n < IDENT_FPR_LEN)
			out[n] = g_ascii_toupper(*s);
		n++;
	}
	if (why == NULL && n == IDENT_FPR_V5_LEN)
		why = "a v5/v6 fingerprint (64 digits): only v4 keys "
		    "(40 digits) are supported";
	else if (why == NULL && n != IDENT_FPR_LEN)
		why = "not 40 hex digits";
	if (why != NULL) {
		out[0] = '\0';
		if (error_r != NULL)
			*error_r = why;
		return -1;
	}
	out[IDENT_FPR_LEN] = '\0';
	return 0;
}

char *
ident_fpr_parse_dup(const char *s, size_t len)
{
	char fpr[IDENT_FPR_LEN + 1];

	return ident_fpr_parse(s, len, fpr, NULL) == 0 ? g_strdup(fpr) : NULL;
}
