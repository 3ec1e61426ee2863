/*
 * decode_mime: byte-level helpers for decode.c: the prescan that keeps
 * GMime from expensive input, charset conversion, HTML reduction, armor
 * detection, RFC 3156 signed-part extraction.  No I/O.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "decode_p.h"

void
vdec_zfree(void *p, size_t len)
{
	if (p == NULL)
		return;
	/* explicit_bzero: the compiler must not drop the store. */
	explicit_bzero(p, len);
	g_free(p);
}

/* Line iteration over [p, end): returns the end of the line content
 * (before \r\n or \n) and sets *next to the start of the next line. */
static const char *
line_end(const char *p, const char *end, const char **next)
{
	const char	*nl = memchr(p, '\n', (size_t)(end - p));
	const char	*e;

	if (nl == NULL) {
		*next = end;
		return end;
	}
	*next = nl + 1;
	e = nl;
	if (e > p && e[-1] == '\r')
		e--;
	return e;
}

static int
is_blank_line(const char *p, const char *e)
{
	for (; p < e; p++)
		if (*p != ' ' && *p != '\t')
			return 0;
	return 1;
}

/* Header field name then optional blanks then ':' (RFC 5322 ftext). */
static int
is_header_line(const char *p, const char *e)
{
	const char	*s = p;

	while (p < e && *p >= 33 && *p <= 126 && *p != ':')
		p++;
	if (p == s)
		return 0;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p < e && *p == ':';
}

/* Parses the value after a "boundary" keyword at p; returns 1 with the
 * value in *val (owned), 0 when it cannot be read with confidence. */
static int
read_boundary(const char *p, const char *e, char **val)
{
	const char	*s;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= e || *p != '=')
		return 0;	/* boundary*0= and friends (RFC 2231) */
	p++;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p < e && *p == '"') {
		s = ++p;
		while (p < e && *p != '"') {
			if (*p == '\\')
				return 0;
			p++;
		}
		if (p >= e)
			return 0;
	} else {
		s = p;
		while (p < e && *p != ';' && *p != ' ' && *p != '\t' &&
		    *p != '(' && *p != '"')
			p++;
	}
	if (p == s || p - s > 200)
		return 0;
	*val = g_strndup(s, (size_t)(p - s));
	return 1;
}

int
vdec_prescan(const char *raw, size_t len, const struct vdec_limits *lim,
    size_t *start_r, const char **error_r)
{
	const char	*p = raw, *end = raw + len, *next, *e, *q;
	const char	*hdr_start;
	char		*bounds[VDEC_PRESCAN_BOUNDARIES];
	size_t		 blen[VDEC_PRESCAN_BOUNDARIES];
	unsigned	 nb = 0, i;
	guint64		 dashes = 0, decls = 0, matched = 0;
	int		 unsure = 0, ret = -1;
	guint64		 parts_cap = 2 * (guint64)lim->max_parts + 16;

	*start_r = 0;
	if (len == 0) {
		*error_r = "empty message";
		return -1;
	}
	if (len >= 5 && memcmp(p, "From ", 5) == 0) {
		line_end(p, end, &next);
		p = next;
		*start_r = (size_t)(p - raw);
	}
	e = line_end(p, end, &next);
	if (!is_header_line(p, e)) {
		*error_r = "not a mail message: no header field";
		return -1;
	}

	/* Size of the top-level header block. */
	hdr_start = p;
	for (q = p; q < end; q = next) {
		e = line_end(q, end, &next);
		if (e == q)
			break;
	}
	if ((size_t)(q - hdr_start) > lim->max_header_bytes) {
		*error_r = "header block exceeds VDEC_MAX_HEADER_BYTES";
		return -1;
	}

	for (; p < end; p = next) {
		e = line_end(p, end, &next);
		if (e - p >= 2 && p[0] == '-' && p[1] == '-') {
			dashes++;
			if (dashes * MIN(decls + 1, 1024) >
			    VDEC_PRESCAN_BUDGET) {
				*error_r = "too many MIME boundary lines "
				    "for the nesting";
				goto out;
			}
			for (i = 0; i < nb; i++) {
				if ((size_t)(e - p) >= blen[i] + 2 &&
				    p[2] == bounds[i][0] &&
				    memcmp(p + 2, bounds[i], blen[i]) == 0) {
					matched++;
					break;
				}
			}
			continue;
		}
		/* A boundary declaration: "boundary" then '=' or '*'. */
		for (q = p; q + 8 <= e; q++) {
			const char *r;
			char	   *val = NULL;

			if ((*q | 0x20) != 'b' ||
			    g_ascii_strncasecmp(q, "boundary", 8) != 0)
				continue;
			r = q + 8;
			while (r < e && (*r == ' ' || *r == '\t'))
				r++;
			if (r < e && *r != '=' && *r != '*')
				continue;
			decls++;
			if (!read_boundary(q + 8, e, &val)) {
				unsure = 1;
				continue;
			}
			for (i = 0; i < nb; i++)
				if (strcmp(bounds[i], val) == 0)
					break;
			if (i < nb) {
				g_free(val);
			} else if (nb == VDEC_PRESCAN_BOUNDARIES) {
				unsure = 1;
				g_free(val);
			} else {
				blen[nb] = strlen(val);
				bounds[nb++] = val;
			}
			q += 8;
		}
	}
	if (decls > parts_cap || (!unsure && matched > parts_cap) ||
	    (unsure && dashes > 16 * (guint64)lim->max_parts)) {
		*error_r = "too many MIME parts (VDEC_MAX_PARTS)";
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < nb; i++)
		g_free(bounds[i]);
	return ret;
}

/* Charsets. */

static const char *
iconv_name(const char *cs)
{
	static const struct {
		const char	*alias, *name;
	} map[] = {
		/* Windows senders label CP932 as Shift_JIS. */
		{ "shift_jis", "CP932" }, { "shift-jis", "CP932" },
		{ "sjis", "CP932" }, { "x-sjis", "CP932" },
		{ "ms_kanji", "CP932" }, { "windows-31j", "CP932" },
		{ "cp932", "CP932" }, { "x-ms-cp932", "CP932" },
		{ "iso-2022-jp", "ISO-2022-JP-2" },
		{ "csiso2022jp", "ISO-2022-JP-2" },
		{ "iso-2022-jp-2", "ISO-2022-JP-2" },
		{ "euc-jp", "EUC-JP-MS" }, { "x-euc-jp", "EUC-JP-MS" },
		{ "eucjp", "EUC-JP-MS" },
		{ "cseucpkdfmtjapanese", "EUC-JP-MS" },
	};
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(map); i++)
		if (g_ascii_strcasecmp(cs, map[i].alias) == 0)
			return map[i].name;
	return g_mime_charset_iconv_name(cs);
}

static void
put_fffd(GString *out)
{
	g_string_append_len(out, "\xef\xbf\xbd", 3);
}

static int
append_utf8(const char *in, size_t len, GString *out, size_t cap)
{
	const char	*p = in, *end = in + len, *bad;

	while (p < end) {
		if (g_utf8_validate(p, end - p, &bad))
			bad = end;
		if (out->len + (size_t)(bad - p) > cap)
			return -1;
		g_string_append_len(out, p, bad - p);
		if (bad == end)
			break;
		if (out->len + 3 > cap)
			return -1;
		if (*bad == '\0')
			g_string_append_c(out, ' ');
		else
			put_fffd(out);
		p = bad + 1;
	}
	return 0;
}

/*
 * Converts with iconv.  strict: fail (-2) on the first invalid byte;
 * otherwise it becomes U+FFFD.  Returns 0, -1 past cap, -2 when strict
 * failed or the charset is unknown.
 */
static int
convert(const char *in, size_t len, const char *cs, int strict, GString *out,
    size_t cap)
{
	GIConv	 cd;
	char	 buf[4096];
	char	*ip = (char *)in;
	size_t	 il = len, base = out->len;
	int	 ret = 0;

	/* Not through iconv: glibc's UTF-8 decoder lets code points past
	 * U+10FFFF through (found by fuzzing). */
	if (g_ascii_strcasecmp(cs, "UTF-8") == 0 ||
	    g_ascii_strcasecmp(cs, "UTF8") == 0) {
		if (strict && !g_utf8_validate(in, len, NULL))
			return -2;
		return append_utf8(in, len, out, cap);
	}
	cd = g_iconv_open("UTF-8", cs);
	if (cd == (GIConv)-1)
		return -2;
	while (il > 0) {
		char	*op = buf;
		size_t	 ol = sizeof(buf), r;

		r = g_iconv(cd, &ip, &il, &op, &ol);
		if (out->len + (size_t)(op - buf) > cap) {
			ret = -1;
			break;
		}
		g_string_append_len(out, buf, op - buf);
		if (r != (size_t)-1)
			continue;
		if (errno == E2BIG)
			continue;
		if (strict) {
			ret = -2;
			break;
		}
		if (out->len + 3 > cap) {
			ret = -1;
			break;
		}
		put_fffd(out);
		if (errno == EINVAL)	/* truncated sequence at the end */
			break;
		ip++;
		il--;
		/* Stateful charsets: back to the initial state. */
		g_iconv(cd, NULL, NULL, NULL, NULL);
	}
	if (ret == 0) {
		char	*op = buf;
		size_t	 ol = sizeof(buf);

		g_iconv(cd, NULL, NULL, &op, &ol);
		if (out->len + (size_t)(op - buf) > cap)
			ret = -1;
		else
			g_string_append_len(out, buf, op - buf);
	}
	g_iconv_close(cd);
	/* Whatever a module let through (glibc takes "utf-&8" for UTF-8
	 * and its decoder passes code points past U+10FFFF): the output
	 * must be UTF-8. */
	if (ret != -2 && !g_utf8_validate(out->str + base, out->len - base,
	    NULL)) {
		char	*v;

		if (strict) {
			ret = -2;
		} else {
			v = g_utf8_make_valid(out->str + base, out->len - base);
			g_string_truncate(out, base);
			if (out->len + strlen(v) > cap)
				ret = -1;
			else
				g_string_append(out, v);
			vdec_zfree(v, strlen(v));
		}
	}
	if (ret == -2)
		g_string_truncate(out, base);
	return ret;
}

int
vdec_to_utf8(const char *in, size_t len, const char *charset, GString *out,
    size_t cap)
{
	const char	*name;
	int		 r;
	size_t		 i;
	int		 esc = 0, high = 0;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (in[i] == 0x1b)
			esc = 1;
		else if ((unsigned char)in[i] >= 0x80)
			high = 1;
	}
	if (charset != NULL && *charset != '\0' &&
	    g_ascii_strcasecmp(charset, "us-ascii") != 0 &&
	    g_ascii_strcasecmp(charset, "ascii") != 0 &&
	    g_ascii_strcasecmp(charset, "utf-8") != 0 &&
	    g_ascii_strcasecmp(charset, "utf8") != 0) {
		name = iconv_name(charset);
		r = name ? convert(in, len, name, 1, out, cap) : -2;
		if (r != -2)
			return r;
		/* 8-bit text that fails its label is often UTF-8. */
		if (high && g_utf8_validate(in, len, NULL))
			return append_utf8(in, len, out, cap);
		/* Lossy in the label's charset; -2 only if iconv lacks it,
		 * then guess below. */
		r = name ? convert(in, len, name, 0, out, cap) : -2;
		if (r != -2)
			return r;
	}
	/* Unknown, ASCII or UTF-8 label: take UTF-8 when it is valid. */
	if (esc && !high && (r = convert(in, len, "ISO-2022-JP-2", 1, out,
	    cap)) != -2)
		return r;
	if (!high || g_utf8_validate(in, len, NULL) ||
	    (charset != NULL && g_ascii_strncasecmp(charset, "utf", 3) == 0))
		return append_utf8(in, len, out, cap);
	if ((r = convert(in, len, "EUC-JP-MS", 1, out, cap)) != -2)
		return r;
	if ((r = convert(in, len, "CP932", 1, out, cap)) != -2)
		return r;
	if ((r = convert(in, len, "ISO-8859-1", 0, out, cap)) != -2)
		return r;
	return append_utf8(in, len, out, cap);
}

/* HTML. */

static const struct {
	const char	*name;
	gunichar	 c;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "copy", 0xa9 }, { "reg", 0xae },
	{ "trade", 0x2122 }, { "hellip", 0x2026 }, { "mdash", 0x2014 },
	{ "ndash", 0x2013 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "ldquo", 0x201c }, { "rdquo", 0x201d }, { "laquo", 0xab },
	{ "raquo", 0xbb }, { "bull", 0x2022 }, { "middot", 0xb7 },
	{ "yen", 0xa5 }, { "euro", 0x20ac }, { "times", 0xd7 },
	{ "divide", 0xf7 }, { "deg", 0xb0 }, { "shy", 0 }, { "zwnj", 0 },
	{ "zwj", 0 },
};

/* Decodes the entity at p ('&'); returns the bytes consumed, 0 if it is
 * not an entity. */
static size_t
html_entity(const char *p, const char *end, GString *out)
{
	const char	*q = p + 1;
	gunichar	 c = 0;
	size_t		 i, n;

	if (q < end && *q == '#') {
		int	hex = 0, digits = 0;

		q++;
		if (q < end && (*q == 'x' || *q == 'X')) {
			hex = 1;
			q++;
		}
		for (; q < end && (hex ? g_ascii_isxdigit(*q) :
		    g_ascii_isdigit(*q)); q++) {
			if (c <= 0x10ffff)
				c = c * (hex ? 16 : 10) + (hex ?
				    (gunichar)g_ascii_xdigit_value(*q) :
				    (gunichar)(*q - '0'));
			digits++;
		}
		if (digits == 0)
			return 0;
		if (q < end && *q == ';')
			q++;
		if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			c = 0xfffd;
		else if (c < 0x20 && c != '\n' && c != '\t')
			c = ' ';
		else if (c == '\t')
			c = ' ';
	} else {
		for (n = 0; q + n < end && n < 8 && g_ascii_isalnum(q[n]); n++)
			;
		for (i = 0; i < G_N_ELEMENTS(entities); i++) {
			if (strlen(entities[i].name) == n &&
			    memcmp(q, entities[i].name, n) == 0)
				break;
		}
		if (n == 0 || i == G_N_ELEMENTS(entities))
			return 0;
		q += n;
		if (q < end && *q == ';')
			q++;
		c = entities[i].c;
		if (c == 0)
			return (size_t)(q - p);
	}
	g_string_append_unichar(out, c);
	return (size_t)(q - p);
}

static int
tag_is(const char *name, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == n &&
		    g_ascii_strncasecmp(name, *set, n) == 0)
			return 1;
	return 0;
}

static const char *const block_tags[] = {
	"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
	"table", "ul", "ol", "blockquote", "pre", "hr", "dt", "dd",
	"address", "section", "article", "header", "footer", "center",
	"form", "title", NULL
};
static const char *const drop_tags[] = {
	"script", "style", "title", "head", "template", "noscript", NULL
};
static const char *const code_tags[] = { "script", "style", NULL };

/* Finds "</name" (case-insensitive) from p; returns its position or end. */
static const char *
find_close(const char *p, const char *end, const char *name, size_t n)
{
	for (; p + 2 + n <= end; p++) {
		if (p[0] == '<' && p[1] == '/' &&
		    g_ascii_strncasecmp(p + 2, name, n) == 0)
			return p;
	}
	return end;
}

static void
html_newline(GString *out)
{
	/* Drop blanks before the break. */
	while (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	g_string_append_c(out, '\n');
}

void
vdec_html_to_text(const char *in, size_t len, int skip_legacy, GString *out)
{
	const char	*p = in, *end = in + len;
	size_t		 base = out->len;
	int		 pre = 0, space = 0, legacy_depth = 0;

	while (p < end) {
		if (*p == '<') {
			const char	*q = p + 1, *name;
			size_t		 n;
			int		 closing = 0, legacy = 0;
			char		 quote = 0;

			if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
				const char *c = g_strstr_len(p + 4,
				    end - p - 4, "-->");

				p = c ? c + 3 : end;
				continue;
			}
			if (q < end && *q == '/') {
				closing = 1;
				q++;
			}
			name = q;
			while (q < end && g_ascii_isalnum(*q))
				q++;
			n = (size_t)(q - name);
			if (n == 0 && !(q < end && (*q == '!' || *q == '?'))) {
				/* A lone '<' is text. */
				if (space && out->len > base &&
				    out->str[out->len - 1] != '\n')
					g_string_append_c(out, ' ');
				g_string_append_c(out, '<');
				p++;
				space = 0;
				continue;
			}
			/* Skip attributes; quotes only after '='. */
			for (; q < end; q++) {
				if (quote) {
					if (*q == quote)
						quote = 0;
				} else if (*q == '>') {
					break;
				} else if ((*q == '"' || *q == '\'') &&
				    q[-1] == '=') {
					quote = *q;
				}
			}
			if (skip_legacy && n == 3 &&
			    g_ascii_strncasecmp(name, "div", 3) == 0) {
				const char *a = name + 3;

				if (!closing && (size_t)(q - a) >= 33 &&
				    g_strstr_len(a, q - a,
				    "header-protection-legacy-display") != NULL)
					legacy = 1;
			}
			p = q < end ? q + 1 : end;
			if (legacy_depth > 0) {
				if (n == 3 && g_ascii_strncasecmp(name,
				    "div", 3) == 0)
					legacy_depth += closing ? -1 : 1;
				continue;
			}
			if (legacy) {
				legacy_depth = 1;
				continue;
			}
			if (!closing && tag_is(name, n, drop_tags)) {
				const char *c = find_close(p, end, name, n);
				const char *gt;

				/* An unclosed <head> or <title> must not eat
				 * the body; unclosed <script>/<style> does, as
				 * in a browser. */
				if (c == end && !tag_is(name, n, code_tags))
					continue;
				gt = c < end ? memchr(c, '>', end - c) : NULL;
				p = gt ? gt + 1 : end;
				continue;
			}
			if (n == 3 && g_ascii_strncasecmp(name, "pre", 3) == 0)
				pre = !closing;
			if (tag_is(name, n, block_tags)) {
				html_newline(out);
				space = 0;
			} else if (n == 2 &&
			    (g_ascii_strncasecmp(name, "td", 2) == 0 ||
			    g_ascii_strncasecmp(name, "th", 2) == 0)) {
				space = 1;
			}
			continue;
		}
		if (legacy_depth > 0) {
			p++;
			continue;
		}
		if (*p == '&') {
			size_t	used;

			if (space && out->len > base &&
			    out->str[out->len - 1] != '\n')
				g_string_append_c(out, ' ');
			space = 0;
			used = html_entity(p, end, out);
			if (used == 0) {
				g_string_append_c(out, '&');
				used = 1;
			}
			p += used;
			continue;
		}
		if (!pre && (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n' || *p == '\f')) {
			space = 1;
			p++;
			continue;
		}
		if (space && out->len > base && out->str[out->len - 1] != '\n')
			g_string_append_c(out, ' ');
		space = 0;
		if (*p == '\r') {
			p++;
			continue;
		}
		g_string_append_c(out, *p);
		p++;
	}

	/* Tidy: no trailing blanks, at most one empty line in a row, no
	 * leading or trailing empty lines. */
	{
		GString		*t = g_string_sized_new(out->len - base + 1);
		const char	*s = out->str + base, *se = out->str + out->len;
		const char	*next, *e;
		unsigned	 empty = 0;

		for (; s < se; s = next) {
			e = line_end(s, se, &next);
			while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e == s) {
				empty++;
				continue;
			}
			if (t->len > 0)
				g_string_append(t, empty ? "\n\n" : "\n");
			empty = 0;
			g_string_append_len(t, s, e - s);
		}
		if (t->len > 0)
			g_string_append_c(t, '\n');
		explicit_bzero(out->str + base, out->len - base);
		g_string_truncate(out, base);
		g_string_append_len(out, t->str, t->len);
		explicit_bzero(t->str, t->allocated_len);
		g_string_free(t, TRUE);
	}
}

/* Armor. */

static int
line_is(const char *p, const char *e, const char *what)
{
	size_t	n = strlen(what);

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return (size_t)(e - p) == n && memcmp(p, what, n) == 0;
}

enum vdec_armor
vdec_find_armor(const char *buf, size_t len, size_t *start_r, size_t *end_r)
{
	const char	*p = buf, *end = buf + len, *next, *e;
	const char	*endline = NULL;
	enum vdec_armor	 kind = VDEC_ARMOR_NONE;

	for (; p < end; p = next) {
		e = line_end(p, end, &next);
		if (kind == VDEC_ARMOR_NONE) {
			if (line_is(p, e, "-----BEGIN PGP MESSAGE-----")) {
				kind = VDEC_ARMOR_MESSAGE;
				endline = "-----END PGP MESSAGE-----";
			} else if (line_is(p, e,
			    "-----BEGIN PGP SIGNED MESSAGE-----")) {
				kind = VDEC_ARMOR_SIGNED;
				endline = "-----END PGP SIGNATURE-----";
			} else {
				continue;
			}
			*start_r = (size_t)(p - buf);
			*end_r = len;
			continue;
		}
		if (line_is(p, e, endline)) {
			*end_r = (size_t)(next - buf);
			break;
		}
	}
	return kind;
}

GString *
vdec_armor_normalize(const char *blk, size_t len, char **charset_r)
{
	const char	*p = blk, *end = blk + len, *next, *e;
	GString		*hdr = g_string_new("-----BEGIN PGP MESSAGE-----\n");
	GString		*body = g_string_new(NULL);
	int		 first = 1, data = 0;

	*charset_r = NULL;
	for (; p < end; p = next) {
		e = line_end(p, end, &next);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (first) {
			first = 0;
			continue;	/* the BEGIN line */
		}
		if (e == p)
			continue;
		if (line_is(p, e, "-----END PGP MESSAGE-----"))
			break;
		if (!data && memchr(p, ':', e - p) != NULL) {
			const char *c = memchr(p, ':', e - p);

			if ((size_t)(c - p) == 7 &&
			    g_ascii_strncasecmp(p, "Charset", 7) == 0 &&
			    *charset_r == NULL) {
				c++;
				while (c < e && *c == ' ')
					c++;
				*charset_r = g_strndup(c, MIN(e - c, 64));
			}
			g_string_append_len(hdr, p, e - p);
			g_string_append_c(hdr, '\n');
			continue;
		}
		data = 1;
		g_string_append_len(body, p, e - p);
		g_string_append_c(body, '\n');
	}
	g_string_append_c(hdr, '\n');
	g_string_append_len(hdr, body->str, body->len);
	g_string_append(hdr, "-----END PGP MESSAGE-----\n");
	g_string_free(body, TRUE);
	return hdr;
}

/* RFC 3156 signed part. */

/* 1: delimiter, 2: close delimiter, 0: neither. */
static int
delimiter(const char *p, const char *e, const char *b, size_t blen)
{
	if ((size_t)(e - p) < blen + 2 || p[0] != '-' || p[1] != '-' ||
	    memcmp(p + 2, b, blen) != 0)
		return 0;
	p += blen + 2;
	if (e - p >= 2 && p[0] == '-' && p[1] == '-') {
		p += 2;
		return is_blank_line(p, e) ? 2 : 0;
	}
	return is_blank_line(p, e) ? 1 : 0;
}

int
vdec_signed_span(const char *raw, size_t len, const char *boundary,
    size_t *start_r, size_t *end_r)
{
	const char	*p = raw, *end = raw + len, *next, *e, *prev = NULL;
	size_t		 blen = strlen(boundary);
	int		 in_body = 0, in_part = 0;

	if (blen == 0)
		return -1;
	for (; p < end; p = next) {
		e = line_end(p, end, &next);
		if (!in_body) {
			if (e == p)
				in_body = 1;
			continue;
		}
		if (!in_part) {
			if (delimiter(p, e, boundary, blen) == 1) {
				in_part = 1;
				*start_r = (size_t)(next - raw);
			} else if (delimiter(p, e, boundary, blen) == 2) {
				return -1;
			}
			continue;
		}
		if (delimiter(p, e, boundary, blen) != 0) {
			/* The line break before the delimiter belongs to
			 * the delimiter. */
			if (prev == NULL) {
				*end_r = *start_r;
			} else {
				const char *x = p;

				if (x > raw && x[-1] == '\n')
					x--;
				if (x > raw && x[-1] == '\r')
					x--;
				*end_r = (size_t)(x - raw);
				if (*end_r < *start_r)
					*end_r = *start_r;
			}
			return 0;
		}
		prev = p;
	}
	return -1;
}

char *
vdec_crlf(const char *in, size_t len, size_t *out_len_r)
{
	size_t	 i, n = 0, o = 0;
	char	*out;

	for (i = 0; i < len; i++)
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			n++;
	out = g_malloc(len + n + 1);
	for (i = 0; i < len; i++) {
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = in[i];
	}
	out[o] = '\0';
	*out_len_r = o;
	return out;
}

size_t
vdec_legacy_display_len(const char *text, size_t len, const char *subject,
    int must_subject)
{
	const char	*p = text, *end = text + len, *next, *e;
	int		 lines = 0, saw_subject = 0;
	size_t		 slen = subject ? strlen(subject) : 0;

	for (; p < end; p = next) {
		e = line_end(p, end, &next);
		if (e == p) {
			if (lines == 0)
				return 0;
			if (must_subject && !saw_subject)
				return 0;
			return (size_t)(next - text);
		}
		if ((*p == ' ' || *p == '\t') && lines > 0)
			continue;	/* folded */
		if (!is_header_line(p, e) || ++lines > 32)
			return 0;
		if ((size_t)(e - p) >= 8 &&
		    g_ascii_strncasecmp(p, "Subject:", 8) == 0) {
			const char *v = p + 8;

			while (v < e && *v == ' ')
				v++;
			if (slen > 0 && (size_t)(e - v) == slen &&
			    memcmp(v, subject, slen) == 0)
				saw_subject = 1;
		}
	}
	return 0;
}

/* Names and other strings shown to people. */

char *
vdec_clean(const char *s, size_t max)
{
	char	*v, *c;
	size_t	 n;

	if (s == NULL)
		return NULL;
	v = g_utf8_make_valid(s, -1);
	for (c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	/* Bidirectional overrides (U+202A..U+202E, U+2066..U+2069) would
	 * let a name display as something else: "evil\u202Efdp.exe".  In
	 * UTF-8 they are E2 80 AA..AE and E2 81 A6..A9; same length '?'. */
	for (c = v; *c; c++) {
		unsigned char	*u = (unsigned char *)c;

		if (u[0] == 0xe2 && ((u[1] == 0x80 && u[2] >= 0xaa &&
		    u[2] <= 0xae) || (u[1] == 0x81 && u[2] >= 0xa6 &&
		    u[2] <= 0xa9))) {
			c[0] = c[1] = c[2] = '?';
			c += 2;
		}
	}
	g_strstrip(v);
	n = strlen(v);
	if (n > max) {
		while (max > 0 && ((unsigned char)v[max] & 0xc0) == 0x80)
			max--;
		v[max] = '\0';
	}
	return v;
}

char *
vdec_clean_filename(const char *name)
{
	const char	*base;
	char		*v, *c;

	if (name == NULL)
		return NULL;
	base = name;
	for (c = (char *)name; *c; c++)
		if (*c == '/' || *c == '\\')
			base = c + 1;
	v = vdec_clean(base, 200);
	for (c = v; *c; c++)
		if (*c == ':')
			*c = '_';
	if (*v == '\0' || strcmp(v, ".") == 0 || strcmp(v, "..") == 0) {
		g_free(v);
		return NULL;
	}
	return v;
}
