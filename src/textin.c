/* textin: whole-input checks shared by the text parsers. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "vulture/textin.h"

#define UTF8_BOM	"\xef\xbb\xbf"

int
textin_check(const char **text, size_t *len, size_t max,
    const char **error_r)
{
	const char *t = *text, *error = NULL;
	size_t n = *len;

	if (t == NULL && n > 0)
		error = "no input";
	else if (n > max)
		error = "input too large";
	else if (n > 0 && memchr(t, '\0', n) != NULL)
		error = "input contains a NUL byte";
	else if (n > 0 && !g_utf8_validate_len(t, n, NULL))
		error = "input is not valid UTF-8";
	if (error != NULL) {
		if (error_r != NULL)
			*error_r = error;
		return -1;
	}
	if (t == NULL)
		t = "";
	if (n >= 3 && memcmp(t, UTF8_BOM, 3) == 0) {
		t += 3;
		n -= 3;
	}
	*text = t;
	*len = n;
	return 0;
}

int
textin_days_in_month(int y, int m)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int
textin_is_hidden(uint32_t u)
{
	return u == 0x061C || u == 0x200E || u == 0x200F ||
	    (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069) ||
	    u == 0x200B || u == 0x2060 || u == 0xFEFF;
}

/* A control or hidden character at s (valid UTF-8, before e), not in
 * allow: 1, else 0. */
static int
textin_bad_at(const char *s, const char *e, const char *allow)
{
	unsigned char c = (unsigned char)*s;

	if (c < 0x20 || c == 0x7f)
		return c == '\0' || strchr(allow, c) == NULL;
	if (c == 0xc2)		/* C1: C2 80..C2 9F */
		return s + 1 < e && (unsigned char)s[1] <= 0x9f;
	/* Every hidden character is two or three bytes from D8, E2 or EF. */
	if (c != 0xd8 && c != 0xe2 && c != 0xef)
		return 0;
	return textin_is_hidden(g_utf8_get_char_validated(s, e - s));
}

const char *
textin_find_control(const char *s, const char *e, const char *allow)
{
	for (; s < e; s = g_utf8_next_char(s))
		if (textin_bad_at(s, e, allow))
			return s;
	return NULL;
}

const char *
textin_describe(const char *s, const char *p, char *buf, size_t *pos_r)
{
	gunichar u = g_utf8_get_char_validated(p, -1);

	*pos_r = (size_t)g_utf8_pointer_to_offset(s, p) + 1;
	if (u == (gunichar)-1 || u == (gunichar)-2)
		u = (unsigned char)*p;
	g_snprintf(buf, 12, "U+%04X", (unsigned)u);
	return buf;
}

void
textin_escape(GString *out, const char *s, gssize len, const char *allow)
{
	const char *e, *next;
	gunichar u;

	if (s == NULL)
		return;
	e = s + (len < 0 ? strlen(s) : (size_t)len);
	for (; s < e; s = next) {
		u = g_utf8_get_char_validated(s, e - s);
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			g_string_append_printf(out, "\\x%02x",
			    (unsigned char)*s);
			next = s + 1;
			continue;
		}
		next = g_utf8_next_char(s);
		if (!textin_bad_at(s, e, allow))
			g_string_append_len(out, s, next - s);
		else if (u < 0x80)
			g_string_append_printf(out, "\\x%02x", (unsigned)u);
		else
			g_string_append_printf(out, "\\u%04x", (unsigned)u);
	}
}

int
textin_check_text(char *text, char **error_r)
{
	const char *p, *bol;
	char *w, cp[12];
	size_t line = 1, pos;

	/* A file written on any system: CRLF is one newline, as in mail. */
	for (p = w = text; *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*w++ = *p;
	*w = '\0';
	if ((p = textin_find_control(text, w, "\t\n")) == NULL)
		return 0;
	for (bol = w = text; w < p; w++)
		if (*w == '\n') {
			line++;
			bol = w + 1;
		}
	textin_describe(bol, p, cp, &pos);
	*error_r = g_strdup_printf("control character %s at line %zu, "
	    "character %zu", cp, line, pos);
	return -1;
}
