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
#include "vulture/textin.h"

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

/* Lines of a stream, read through a window: no line is ever held whole
 * when it is longer than the window (it comes in pieces), and no more
 * than the window is in memory, whatever the size of the message. */
#define LINES_WINDOW	(64u * 1024)

struct lines {
	GMimeStream	*s;		/* foreign */
	char		*buf;		/* owned, LINES_WINDOW */
	size_t		 have, pos;
	gint64		 base;		/* stream offset of buf[0] */
	int		 eof, failed;
	int		 bol;		/* the line returned last starts a
					   line (not a piece of a long one) */
	int		 next_bol;
};

static void
lines_init(struct lines *l, GMimeStream *s)
{
	memset(l, 0, sizeof(*l));
	l->s = s;
	l->buf = g_malloc(LINES_WINDOW);
	l->next_bol = 1;
	l->base = g_mime_stream_tell(s);
	if (l->base < 0)
		l->base = 0;
}

static void
lines_done(struct lines *l)
{
	vdec_zfree(l->buf, LINES_WINDOW);
	l->buf = NULL;
}

/* The next line: [*p, *e) without its line break, its stream offset in
 * *off and the offset after the break in *next_off. Returns 1, or 0 at
 * the end (or on a read error: l->failed). */
static int
lines_next(struct lines *l, const char **p, const char **e, gint64 *off,
    gint64 *next_off)
{
	const char	*nl;
	ssize_t		 n;

	for (;;) {
		nl = memchr(l->buf + l->pos, '\n', l->have - l->pos);
		if (nl != NULL || l->eof ||
		    (l->pos == 0 && l->have == LINES_WINDOW))
			break;
		if (l->pos > 0) {
			memmove(l->buf, l->buf + l->pos, l->have - l->pos);
			l->have -= l->pos;
			l->base += (gint64)l->pos;
			l->pos = 0;
		}
		n = spill_read(l->s, l->buf + l->have,
		    LINES_WINDOW - l->have);
		if (n < 0)
			l->failed = 1;
		if (n <= 0)
			l->eof = 1;
		else
			l->have += (size_t)n;
	}
	if (l->pos == l->have)
		return 0;
	*p = l->buf + l->pos;
	*off = l->base + (gint64)l->pos;
	l->bol = l->next_bol;
	l->next_bol = nl != NULL;
	if (nl == NULL) {
		/* The last line without a break, or a piece of a long one. */
		*e = l->buf + l->have;
		l->pos = l->have;
	} else {
		*e = nl;
		if (*e > *p && (*e)[-1] == '\r')
			(*e)--;
		l->pos = (size_t)(nl - l->buf) + 1;
	}
	*next_off = l->base + (gint64)l->pos;
	return 1;
}

int
vdec_prescan(const char *raw, size_t len, const struct vdec_limits *lim,
    size_t *start_r, const char **error_r)
{
	GMimeStream	*s = spill_view(raw, len);
	gint64		 start = 0;
	int		 ret;

	ret = vdec_prescan_stream(s, lim, &start, error_r);
	spill_view_release(s);
	*start_r = (size_t)start;
	return ret;
}

/* One line of the prescan. */
struct prescan {
	const struct vdec_limits *lim;
	char		*bounds[VDEC_PRESCAN_BOUNDARIES];
	size_t		 blen[VDEC_PRESCAN_BOUNDARIES];
	unsigned	 nb;
	guint64		 dashes, decls, matched;
	int		 unsure;
};

static int
prescan_line(struct prescan *ps, const char *p, const char *e, int bol,
    const char **error_r)
{
	const char	*q;
	unsigned	 i;

	if (bol && e - p >= 2 && p[0] == '-' && p[1] == '-') {
		ps->dashes++;
		if (ps->dashes * MIN(ps->decls + 1, 1024) >
		    VDEC_PRESCAN_BUDGET) {
			*error_r = "too many MIME boundary lines for the "
			    "nesting";
			return -1;
		}
		for (i = 0; i < ps->nb; i++) {
			if ((size_t)(e - p) >= ps->blen[i] + 2 &&
			    p[2] == ps->bounds[i][0] &&
			    memcmp(p + 2, ps->bounds[i], ps->blen[i]) == 0) {
				ps->matched++;
				break;
			}
		}
		return 0;
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
		ps->decls++;
		if (!read_boundary(q + 8, e, &val)) {
			ps->unsure = 1;
			continue;
		}
		for (i = 0; i < ps->nb; i++)
			if (strcmp(ps->bounds[i], val) == 0)
				break;
		if (i < ps->nb) {
			g_free(val);
		} else if (ps->nb == VDEC_PRESCAN_BOUNDARIES) {
			ps->unsure = 1;
			g_free(val);
		} else {
			ps->blen[ps->nb] = strlen(val);
			ps->bounds[ps->nb++] = val;
		}
		q += 8;
	}
	return 0;
}

int
vdec_prescan_stream(GMimeStream *s, const struct vdec_limits *lim,
    gint64 *start_r, const char **error_r)
{
	struct lines	 l;
	struct prescan	 ps;
	const char	*p, *e;
	gint64		 off, next, hdr_start = -1;
	guint64		 parts_cap = 2 * (guint64)lim->max_parts + 16;
	unsigned	 i;
	int		 n = 0, in_header = 1, ret = -1;

	memset(&ps, 0, sizeof(ps));
	ps.lim = lim;
	lines_init(&l, s);
	*start_r = l.base;
	while (lines_next(&l, &p, &e, &off, &next)) {
		if (n++ == 0 && e - p >= 5 && memcmp(p, "From ", 5) == 0) {
			/* An mbox From_ line: the envelope. */
			*start_r = next;
			continue;
		}
		if (hdr_start < 0) {
			hdr_start = off;
			if (!is_header_line(p, e)) {
				*error_r = "not a mail message: no header "
				    "field";
				goto out;
			}
		}
		if (in_header) {
			if (e == p)
				in_header = 0;
			else if ((guint64)(next - hdr_start) >
			    lim->max_header_bytes) {
				*error_r = "header block exceeds "
				    "VDEC_MAX_HEADER_BYTES";
				goto out;
			}
		}
		if (prescan_line(&ps, p, e, l.bol, error_r) < 0)
			goto out;
	}
	if (l.failed) {
		*error_r = "message unreadable";
		goto out;
	}
	if (hdr_start < 0) {
		*error_r = n == 0 ? "empty message" :
		    "not a mail message: no header field";
		goto out;
	}
	if (ps.decls > parts_cap || (!ps.unsure && ps.matched > parts_cap) ||
	    (ps.unsure && ps.dashes > 16 * (guint64)lim->max_parts)) {
		*error_r = "too many MIME parts (VDEC_MAX_PARTS)";
		goto out;
	}
	ret = 0;
out:
	lines_done(&l);
	for (i = 0; i < ps.nb; i++)
		g_free(ps.bounds[i]);
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

void
vdec_unflow(const char *in, size_t len, int delsp, GString *out)
{
	const char *p = in, *end = in + len;
	int joining = 0;		/* the last line was flowed */
	size_t depth_open = 0;		/* its quote depth */

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end, *t = p;
		size_t depth = 0;
		int flowed, sig;

		if (e > p && e[-1] == '\r')
			e--;
		while (t < e && *t == '>') {
			depth++;
			t++;
		}
		if (t < e && *t == ' ')		/* stuffing */
			t++;
		sig = e - t == 3 && memcmp(t, "-- ", 3) == 0;
		flowed = !sig && e > t && e[-1] == ' ';
		if (joining && (depth != depth_open || sig))
			g_string_append_c(out, '\n');	/* not a flow */
		if (!joining || depth != depth_open || sig) {
			size_t i;

			for (i = 0; i < depth; i++)
				g_string_append_c(out, '>');
		}
		g_string_append_len(out, t, (e - t) - (flowed && delsp ?
		    1 : 0));
		joining = flowed;
		depth_open = depth;
		if (!flowed && nl != NULL)
			g_string_append_c(out, '\n');
		p = nl != NULL ? nl + 1 : end;
	}
	if (joining)
		g_string_append_c(out, '\n');
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
	GMimeStream	*s = spill_view(raw, len);
	gint64		 a, b;
	int		 ret;

	ret = vdec_signed_span_stream(s, boundary, &a, &b);
	spill_view_release(s);
	if (ret == 0) {
		*start_r = (size_t)a;
		*end_r = (size_t)b;
	}
	return ret;
}

int
vdec_signed_span_stream(GMimeStream *s, const char *boundary,
    gint64 *start_r, gint64 *end_r)
{
	struct lines	 l;
	const char	*p, *e;
	gint64		 off, next, prev_end = -1;
	size_t		 blen = strlen(boundary);
	int		 in_body = 0, in_part = 0, d, ret = -1;

	if (blen == 0)
		return -1;
	lines_init(&l, s);
	while (lines_next(&l, &p, &e, &off, &next)) {
		if (!in_body) {
			if (e == p)
				in_body = 1;
			continue;
		}
		d = l.bol ? delimiter(p, e, boundary, blen) : 0;
		if (!in_part) {
			if (d == 1) {
				in_part = 1;
				*start_r = next;
			} else if (d == 2) {
				break;
			}
			continue;
		}
		if (d != 0) {
			/* The line break before the delimiter belongs to
			 * the delimiter: the part ends where the last line
			 * of its content ends. */
			*end_r = prev_end < 0 ? *start_r : prev_end;
			if (*end_r < *start_r)
				*end_r = *start_r;
			ret = 0;
			break;
		}
		prev_end = off + (gint64)(e - p);
	}
	lines_done(&l);
	return ret;
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
	GString	*out;
	char	*v, *c, *next;
	size_t	 n;

	if (s == NULL)
		return NULL;
	v = g_utf8_make_valid(s, -1);
	out = g_string_sized_new(strlen(v));
	/* Controls (C0, DEL, C1) become spaces; direction controls and
	 * zero-width spaces (textin.h's one rule) would let a name display
	 * as something else ("evil\u202Efdp.exe"): they become '?'. */
	for (c = v; *c; c = next) {
		gunichar u = g_utf8_get_char(c);

		next = g_utf8_next_char(c);
		if (u < 0x20 || u == 0x7f || (u >= 0x80 && u <= 0x9f))
			g_string_append_c(out, ' ');
		else if (textin_is_hidden(u))
			g_string_append_c(out, '?');
		else
			g_string_append_len(out, c, next - c);
	}
	g_free(v);
	v = g_string_free(out, FALSE);
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

/* OpenPGP messages by their first packets (RFC 4880 4.2, RFC 9580 4.2). */

/* Walks the session key packets at the start of a binary message. */
static enum vdec_pgp
pgp_packets(const unsigned char *p, size_t len)
{
	size_t		 off = 0;
	unsigned	 n, pk = 0, sk = 0, tag = 0;
	int		 data = 0;	/* a data packet came first */

	for (n = 0; off + 1 < len && n < 64; n++) {
		unsigned	c = p[off], l0;
		size_t		hl, bl;
		int		known = 1;	/* body length known */

		if (!(c & 0x80))
			break;
		if (c & 0x40) {
			tag = c & 0x3f;
			l0 = p[off + 1];
			if (l0 < 192) {
				hl = 2;
				bl = l0;
			} else if (l0 < 224) {
				if (off + 2 >= len)
					known = 0;
				hl = 3;
				bl = known ? ((size_t)(l0 - 192) << 8) +
				    p[off + 2] + 192 : 0;
			} else if (l0 == 255) {
				if (off + 5 >= len)
					known = 0;
				hl = 6;
				bl = known ? (size_t)p[off + 2] << 24 |
				    (size_t)p[off + 3] << 16 |
				    (size_t)p[off + 4] << 8 | p[off + 5] : 0;
			} else {
				/* A partial length: a data packet. */
				hl = 2;
				bl = 0;
				known = 0;
			}
		} else {
			tag = (c >> 2) & 0xf;
			switch (c & 3) {
			case 0:
				hl = 2;
				bl = p[off + 1];
				break;
			case 1:
				hl = 3;
				if (off + 2 >= len)
					known = 0;
				bl = known ? (size_t)p[off + 1] << 8 |
				    p[off + 2] : 0;
				break;
			case 2:
				hl = 5;
				if (off + 4 >= len)
					known = 0;
				bl = known ? (size_t)p[off + 1] << 24 |
				    (size_t)p[off + 2] << 16 |
				    (size_t)p[off + 3] << 8 | p[off + 4] : 0;
				break;
			default:
				hl = 1;
				bl = 0;
				known = 0;
			}
		}
		if (tag == 1 || tag == 3) {
			/* Session key packets: version 3 or 6 (public key),
			 * 4 to 6 (passphrase). */
			unsigned v = off + hl < len ? p[off + hl] : 0;

			if (off + hl < len && (tag == 1 ? v != 3 && v != 6 :
			    v < 4 || v > 6))
				return n == 0 ? VDEC_PGP_NONE :
				    pk ? VDEC_PGP_PUBKEY : VDEC_PGP_PASSPHRASE;
			if (tag == 1)
				pk++;
			else
				sk++;
			if (!known)
				break;
			off += hl + bl;
			continue;
		}
		if (n == 0 && tag != 2 && tag != 4 && tag != 8 && tag != 9 &&
		    tag != 11 && tag != 18 && tag != 20)
			return VDEC_PGP_NONE;
		data = n == 0;
		break;
	}
	if (pk)
		return VDEC_PGP_PUBKEY;
	if (sk)
		return VDEC_PGP_PASSPHRASE;
	return data ? VDEC_PGP_OTHER : VDEC_PGP_NONE;
}

enum vdec_pgp
vdec_pgp_sniff(const char *buf, size_t len, int *armored_r)
{
	const char	*p = buf, *end = buf + len, *next, *e;
	unsigned char	 bin[1536];
	size_t		 n = 0;
	gint		 state = 0;
	guint		 save = 0;
	int		 hdr = 1;

	if (armored_r)
		*armored_r = 0;
	while (p < end && g_ascii_isspace(*p))
		p++;
	if (p == end)
		return VDEC_PGP_NONE;
	if ((unsigned char)*p & 0x80)
		return pgp_packets((const unsigned char *)p,
		    (size_t)(end - p));
	e = line_end(p, end, &next);
	if (!line_is(p, e, "-----BEGIN PGP MESSAGE-----"))
		return VDEC_PGP_NONE;
	if (armored_r)
		*armored_r = 1;
	/* Armor headers up to the first blank line (or, when a client
	 * dropped it, the first line without a colon), then radix-64. */
	for (p = next; p < end && n + 3 * 80 < sizeof(bin); p = next) {
		e = line_end(p, end, &next);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (hdr) {
			if (e == p || memchr(p, ':', e - p) == NULL)
				hdr = 0;
			if (e == p || memchr(p, ':', e - p) != NULL)
				continue;
		}
		if (e == p)
			continue;
		if (*p == '=' || *p == '-')
			break;
		if ((size_t)(e - p) > 3 * 80)
			e = p + 3 * 80;
		n += g_base64_decode_step(p, (gsize)(e - p), bin + n, &state,
		    &save);
	}
	return pgp_packets(bin, n);
}

/* Outlook's separator lines and quote headers, lower case. */
static const char *const outlook_seps[] = {
	"-----original message-----", "----- original message -----",
	"-----ursprüngliche nachricht-----", "-----message d'origine-----",
	"-----元のメッセージ-----", NULL
};
/* Attribution lines end so, and name a date or an address: "what our
 * engineer wrote:" is the sender's own cover note. */
static const char *const attribution_ends[] = {
	"wrote:", "wrote :", "schrieb:", "a écrit :", "a écrit:",
	"のメッセージ:", "書きました:", "書きました：", "のメッセージ：",
	">:", NULL
};

static int
names_date_or_address(const char *p, const char *e)
{
	const char	*q;

	if ((e - p >= 3 && (g_ascii_strncasecmp(p, "On ", 3) == 0 ||
	    g_ascii_strncasecmp(p, "Am ", 3) == 0 ||
	    g_ascii_strncasecmp(p, "Le ", 3) == 0)))
		return 1;
	for (q = p; q < e; q++)
		if (*q == '@' || g_ascii_isdigit(*q))
			return 1;
	return 0;
}

static int
has_suffix_ci(const char *p, const char *e, const char *s)
{
	size_t	n = strlen(s);

	return (size_t)(e - p) >= n && g_ascii_strncasecmp(e - n, s, n) == 0;
}

int
vdec_armor_quoted(const char *buf, size_t start)
{
	const char	*p = buf, *end = buf + start, *next, *e;
	int		 attribution = 0, from = 0;
	const char *const *s;

	for (; p < end; p = next) {
		e = line_end(p, end, &next);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == p)
			continue;
		if (*p == '>') {
			/* The quote is marked: unmarked lines after it are
			 * the sender's own. */
			attribution = 0;
			continue;
		}
		for (s = outlook_seps; *s; s++)
			if ((size_t)(e - p) == strlen(*s) &&
			    g_ascii_strncasecmp(p, *s, e - p) == 0)
				return 1;
		/* Outlook's HTML separator: a rule, then From:/Sent:. */
		if (e - p >= 10 && strspn(p, "_") >= 10)
			return 1;
		if ((e - p >= 5 && g_ascii_strncasecmp(p, "From:", 5) == 0) ||
		    (e - p >= 10 && memcmp(p, "差出人:", 10) == 0) ||
		    (e - p >= 12 && memcmp(p, "差出人：", 12) == 0)) {
			from = 1;
			continue;
		}
		if (from && ((e - p >= 5 && g_ascii_strncasecmp(p, "Sent:",
		    5) == 0) || (e - p >= 13 && memcmp(p, "送信日時:",
		    13) == 0) || (e - p >= 15 && memcmp(p, "送信日時：",
		    15) == 0)))
			return 1;
		from = 0;
		for (s = attribution_ends; *s; s++)
			if (has_suffix_ci(p, e, *s) &&
			    names_date_or_address(p, e))
				attribution = 1;
	}
	return attribution;
}
