#include "config.h"

#include <string.h>

#include "vulture/json.h"
#include "vulture/log.h"
#include "vulture/textin.h"

void
jw_init(struct jw *w, GString *out, int pretty)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->pretty = pretty;
}

static void
indent(struct jw *w)
{
	int i;

	if (!w->pretty)
		return;
	g_string_append_c(w->out, '\n');
	for (i = 0; i < w->depth; i++)
		g_string_append(w->out, "  ");
}

/* Separator before a value or key at the current level. */
static void
pre_value(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0 && w->count[w->depth - 1]++ > 0)
		g_string_append_c(w->out, ',');
	if (w->depth > 0)
		indent(w);
}

static void
jw_open(struct jw *w, char c)
{
	pre_value(w);
	if (w->depth == JW_MAX_DEPTH)
		fatalx("jw: nesting too deep");
	g_string_append_c(w->out, c);
	w->count[w->depth++] = 0;
}

static void
jw_close(struct jw *w, char c)
{
	if (w->depth == 0)
		fatalx("jw: unbalanced close");
	w->depth--;
	if (w->count[w->depth] > 0)
		indent(w);
	g_string_append_c(w->out, c);
}

void
jw_obj_begin(struct jw *w)
{
	jw_open(w, '{');
}

void
jw_obj_end(struct jw *w)
{
	jw_close(w, '}');
}

void
jw_arr_begin(struct jw *w)
{
	jw_open(w, '[');
}

void
jw_arr_end(struct jw *w)
{
	jw_close(w, ']');
}

static void
escaped(GString *out, const char *s)
{
	const char *p = s, *end = s + strlen(s);

	g_string_append_c(out, '"');
	while (p < end) {
		gunichar c = g_utf8_get_char_validated(p, end - p);

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append(out, "\\ufffd");
			p++;
			continue;
		}
		switch (c) {
		case '"': g_string_append(out, "\\\""); break;
		case '\\': g_string_append(out, "\\\\"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\r': g_string_append(out, "\\r"); break;
		case '\t': g_string_append(out, "\\t"); break;
		default:
			/* Beyond what JSON needs: nothing that a terminal
			 * or a viewer acts on (C1, DEL, direction
			 * controls) leaves raw, even where a JSON value
			 * is printed unparsed. */
			if (c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
			    c == 0x2028 || c == 0x2029 || textin_is_hidden(c))
				g_string_append_printf(out, "\\u%04x", c);
			else
				g_string_append_len(out, p,
				    g_utf8_next_char(p) - p);
		}
		p = g_utf8_next_char(p);
	}
	g_string_append_c(out, '"');
}

void
jw_key(struct jw *w, const char *key)
{
	pre_value(w);
	escaped(w->out, key);
	g_string_append(w->out, w->pretty ? ": " : ":");
	w->after_key = 1;
}

void
jw_str(struct jw *w, const char *s)
{
	pre_value(w);
	if (s == NULL)
		g_string_append(w->out, "null");
	else
		escaped(w->out, s);
}

void
jw_int(struct jw *w, int64_t v)
{
	pre_value(w);
	g_string_append_printf(w->out, "%" G_GINT64_FORMAT, (gint64)v);
}

void
jw_bool(struct jw *w, int v)
{
	pre_value(w);
	g_string_append(w->out, v ? "true" : "false");
}

void
jw_null(struct jw *w)
{
	pre_value(w);
	g_string_append(w->out, "null");
}

void
jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void
jw_kint(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void
jw_kbool(struct jw *w, const char *key, int v)
{
	jw_key(w, key);
	jw_bool(w, v);
}
