/*
 * tmpl: mustache-style templates compiled to a flat node array.
 *
 * The compiler makes one pass over the source: text runs become TEXT nodes
 * pointing into a private copy of the source, tags become nodes carrying
 * their name split at '.', and a section node records the index just past
 * its body so that rendering can recurse over index ranges.  Rendering
 * keeps a fixed-size stack of GVariant contexts (compile-time depth limit)
 * and checks the output and step limits as it goes.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <glib.h>

#include "vulture/tmpl.h"

enum tmpl_node_type {
	TMPL_NODE_TEXT,
	TMPL_NODE_VAR,		/* {{name}}: escaped as the render asks */
	TMPL_NODE_RAW,		/* {{{name}}} and {{& name}} */
	TMPL_NODE_SECTION,	/* {{#name}} */
	TMPL_NODE_INVERTED,	/* {{^name}} */
};

struct tmpl_node {
	enum tmpl_node_type type;
	unsigned int line;
	const char *text;	/* TEXT: foreign, points into tmpl->src */
	size_t len;		/* TEXT: bytes at text */
	char *name;		/* owned; NULL for TEXT */
	char **path;		/* owned, name split at '.'; NULL for "." */
	guint end;		/* SECTION, INVERTED: index past the body */
};

struct tmpl {
	char *name;		/* owned, for messages */
	char *src;		/* owned copy of the source */
	GArray *nodes;		/* owned, of struct tmpl_node */
	GPtrArray *names;	/* owned, of char *, see tmpl_names() */
};

enum tmpl_tag_kind {
	TMPL_TAG_VAR,
	TMPL_TAG_RAW,
	TMPL_TAG_SECTION,
	TMPL_TAG_INVERTED,
	TMPL_TAG_CLOSE,
	TMPL_TAG_COMMENT,
};

struct tmpl_tag {
	enum tmpl_tag_kind kind;
	const char *name;	/* foreign, into the source; not terminated */
	size_t name_len;
	size_t end;		/* offset just past the closing braces */
};

struct tmpl_parser {
	struct tmpl *t;
	const char *src;	/* foreign: t->src */
	size_t len;
	size_t line_pos;	/* line is the line number at offset line_pos */
	unsigned int line;
	guint open[TMPL_MAX_DEPTH];	/* node indices of open sections */
	unsigned int depth;
	GHashTable *seen;	/* names already in t->names, foreign keys */
	char *error;		/* owned until handed to the caller */
};

struct tmpl_render {
	const struct tmpl *t;
	enum tmpl_escape esc;
	int strict;
	GString *out;		/* foreign */
	gsize start;		/* out->len before the render */
	gsize steps;		/* see tmpl_charge() */
	GVariant *stack[TMPL_MAX_DEPTH + 1];	/* each holds a reference */
	unsigned int depth;
	char *error;		/* owned until handed to the caller */
};

/* What a context value is, as far as rendering is concerned. */
enum tmpl_value_kind {
	TMPL_VALUE_STRING,
	TMPL_VALUE_BOOL,
	TMPL_VALUE_NUMBER,
	TMPL_VALUE_LIST,
	TMPL_VALUE_DICT,
	TMPL_VALUE_OTHER,
};

static void
tmpl_node_clear(gpointer data)
{
	struct tmpl_node *n = data;

	g_free(n->name);
	g_strfreev(n->path);
}

void
tmpl_free(struct tmpl **tp)
{
	struct tmpl *t;

	if (tp == NULL || *tp == NULL)
		return;
	t = *tp;
	*tp = NULL;
	if (t->nodes != NULL)
		g_array_unref(t->nodes);
	if (t->names != NULL)
		g_ptr_array_unref(t->names);
	g_free(t->src);
	g_free(t->name);
	g_free(t);
}

const GPtrArray *
tmpl_names(const struct tmpl *t)
{
	return t->names;
}

/* Line number of offset pos; offsets must be asked in increasing order,
 * which keeps counting linear in the source size. */
static unsigned int
tmpl_line_at(struct tmpl_parser *p, size_t pos)
{
	const char *nl;

	g_assert(pos >= p->line_pos && pos <= p->len);
	while ((nl = memchr(p->src + p->line_pos, '\n',
	    pos - p->line_pos)) != NULL) {
		p->line++;
		p->line_pos = nl - p->src + 1;
	}
	p->line_pos = pos;
	return p->line;
}

static int G_GNUC_PRINTF(3, 4)
tmpl_parse_fail(struct tmpl_parser *p, unsigned int line, const char *fmt,
    ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_free(p->error);
	p->error = g_strdup_printf("%s:%u: %s", p->t->name, line, msg);
	g_free(msg);
	return -1;
}

/* A copy of a name for messages, with control characters made harmless:
 * the text ends up in logs and in mail to the operator. */
static char *
tmpl_quote(const char *s, size_t len)
{
	char *q = g_strndup(s, len);
	char *c;

	for (c = q; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return q;
}

static int
tmpl_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
tmpl_is_name_char(char c)
{
	return g_ascii_isalnum(c) || c == '_' || c == '-';
}

static int
tmpl_check_name(struct tmpl_parser *p, unsigned int line,
    const struct tmpl_tag *tag)
{
	const char *s = tag->name;
	size_t len = tag->name_len, i;
	char *q;
	int ret;

	if (len == 0)
		return tmpl_parse_fail(p, line, "empty tag name");
	if (len > TMPL_MAX_NAME)
		return tmpl_parse_fail(p, line,
		    "tag name is %zu bytes, longer than %d", len,
		    TMPL_MAX_NAME);
	if (len == 1 && s[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (i == 0 || i == len - 1 || s[i + 1] == '.')
				break;
			continue;
		}
		if (!tmpl_is_name_char(s[i]))
			break;
	}
	if (i == len)
		return 0;
	q = tmpl_quote(s, len);
	if (s[i] == '.')
		ret = tmpl_parse_fail(p, line,
		    "empty component in tag name '%s'", q);
	else if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
		ret = tmpl_parse_fail(p, line,
		    "invalid character '%c' in tag name '%s'", s[i], q);
	else
		ret = tmpl_parse_fail(p, line,
		    "invalid character in tag name '%s' (names are letters, "
		    "digits, '_', '-' and '.')", q);
	g_free(q);
	return ret;
}

/* Reads the tag that starts with "{{" at offset start. */
static int
tmpl_parse_tag(struct tmpl_parser *p, size_t start, unsigned int line,
    struct tmpl_tag *tag)
{
	const char *src = p->src, *close = "}}", *hit;
	size_t len = p->len, pos = start + 2, close_len = 2, end;

	tag->kind = TMPL_TAG_VAR;
	if (pos < len && src[pos] == '{') {
		tag->kind = TMPL_TAG_RAW;
		close = "}}}";
		close_len = 3;
		pos++;
	} else {
		while (pos < len && tmpl_is_blank(src[pos]))
			pos++;
		switch (pos < len ? src[pos] : '\0') {
		case '!':
			/* Comments may span lines. */
			hit = memmem(src + pos, len - pos, "}}", 2);
			if (hit == NULL)
				return tmpl_parse_fail(p, line,
				    "unclosed comment: no '}}' after '{{!'");
			tag->kind = TMPL_TAG_COMMENT;
			tag->name = NULL;
			tag->name_len = 0;
			tag->end = hit - src + 2;
			return 0;
		case '#':
			tag->kind = TMPL_TAG_SECTION;
			pos++;
			break;
		case '^':
			tag->kind = TMPL_TAG_INVERTED;
			pos++;
			break;
		case '/':
			tag->kind = TMPL_TAG_CLOSE;
			pos++;
			break;
		case '&':
			tag->kind = TMPL_TAG_RAW;
			pos++;
			break;
		case '=':
			return tmpl_parse_fail(p, line,
			    "delimiter changes ('{{=') are not supported");
		case '>':
			return tmpl_parse_fail(p, line,
			    "partials ('{{>') are not supported");
		default:
			break;
		}
	}
	/* Other tags must close on their own line: a forgotten "}}" is then
	 * reported where it was forgotten, not at some later tag.  The scan
	 * stops at the close, not at the end of the line, to stay linear
	 * on a long line of tags. */
	for (end = pos; end + close_len <= len; end++)
		if (src[end] == '\n' ||
		    memcmp(src + end, close, close_len) == 0)
			break;
	if (end + close_len > len || src[end] == '\n')
		return tmpl_parse_fail(p, line,
		    "unclosed tag: no '%s' before the end of the line", close);
	tag->end = end + close_len;
	while (pos < end && tmpl_is_blank(src[pos]))
		pos++;
	while (end > pos && tmpl_is_blank(src[end - 1]))
		end--;
	tag->name = src + pos;
	tag->name_len = end - pos;
	return tmpl_check_name(p, line, tag);
}

static struct tmpl_node *
tmpl_add_node(struct tmpl_parser *p, enum tmpl_node_type type,
    unsigned int line)
{
	struct tmpl_node n = { .type = type, .line = line };

	g_array_append_val(p->t->nodes, n);
	return &g_array_index(p->t->nodes, struct tmpl_node,
	    p->t->nodes->len - 1);
}

static void
tmpl_add_text(struct tmpl_parser *p, size_t from, size_t to,
    unsigned int line)
{
	struct tmpl_node *n;

	if (to <= from)
		return;
	n = tmpl_add_node(p, TMPL_NODE_TEXT, line);
	n->text = p->src + from;
	n->len = to - from;
}

static void
tmpl_add_named(struct tmpl_parser *p, enum tmpl_node_type type,
    unsigned int line, const struct tmpl_tag *tag)
{
	struct tmpl_node *n = tmpl_add_node(p, type, line);

	n->name = g_strndup(tag->name, tag->name_len);
	if (strcmp(n->name, ".") == 0)
		return;
	n->path = g_strsplit(n->name, ".", -1);
	if (!g_hash_table_contains(p->seen, n->name)) {
		char *copy = g_strdup(n->name);

		g_ptr_array_add(p->t->names, copy);
		g_hash_table_add(p->seen, copy);
	}
}

/*
 * Whether the tag at [start, tag->end) stands alone on its line: only
 * blanks before it back to the line start, only blanks and a newline (or
 * the end) after it.  If so, *line_start_r and *next_r tell what to drop.
 * A tag earlier on the same line would end in '}', not a blank, so the
 * backward scan also rules out two tags on one line.
 */
static int
tmpl_standalone(const struct tmpl_parser *p, size_t start,
    const struct tmpl_tag *tag, size_t *line_start_r, size_t *next_r)
{
	const char *src = p->src;
	size_t b = start, a = tag->end;

	switch (tag->kind) {
	case TMPL_TAG_SECTION:
	case TMPL_TAG_INVERTED:
	case TMPL_TAG_CLOSE:
	case TMPL_TAG_COMMENT:
		break;
	default:
		return 0;
	}
	while (b > 0 && tmpl_is_blank(src[b - 1]))
		b--;
	if (b > 0 && src[b - 1] != '\n')
		return 0;
	while (a < p->len && tmpl_is_blank(src[a]))
		a++;
	if (a < p->len && src[a] == '\n')
		a++;
	else if (a + 1 < p->len && src[a] == '\r' && src[a + 1] == '\n')
		a += 2;
	else if (a != p->len)
		return 0;
	*line_start_r = b;
	*next_r = a;
	return 1;
}

static int
tmpl_apply_tag(struct tmpl_parser *p, unsigned int line,
    const struct tmpl_tag *tag)
{
	struct tmpl_node *open;
	char *q;
	int ret;

	switch (tag->kind) {
	case TMPL_TAG_VAR:
		tmpl_add_named(p, TMPL_NODE_VAR, line, tag);
		break;
	case TMPL_TAG_RAW:
		tmpl_add_named(p, TMPL_NODE_RAW, line, tag);
		break;
	case TMPL_TAG_SECTION:
	case TMPL_TAG_INVERTED:
		if (p->depth == TMPL_MAX_DEPTH)
			return tmpl_parse_fail(p, line,
			    "sections nested deeper than %d", TMPL_MAX_DEPTH);
		p->open[p->depth++] = p->t->nodes->len;
		tmpl_add_named(p, tag->kind == TMPL_TAG_SECTION ?
		    TMPL_NODE_SECTION : TMPL_NODE_INVERTED, line, tag);
		break;
	case TMPL_TAG_CLOSE:
		q = tmpl_quote(tag->name, tag->name_len);
		if (p->depth == 0) {
			ret = tmpl_parse_fail(p, line,
			    "'{{/%s}}' closes no open section", q);
			g_free(q);
			return ret;
		}
		open = &g_array_index(p->t->nodes, struct tmpl_node,
		    p->open[p->depth - 1]);
		if (strcmp(open->name, q) != 0) {
			ret = tmpl_parse_fail(p, line,
			    "'{{/%s}}' does not match '{{%c%s}}' opened on "
			    "line %u", q, open->type == TMPL_NODE_SECTION ?
			    '#' : '^', open->name, open->line);
			g_free(q);
			return ret;
		}
		g_free(q);
		open->end = p->t->nodes->len;
		p->depth--;
		break;
	case TMPL_TAG_COMMENT:
		break;
	}
	return 0;
}

static int
tmpl_parse(struct tmpl_parser *p)
{
	const char *src = p->src, *hit;
	size_t pos = 0, text_start = 0, start, line_start, next;
	struct tmpl_tag tag;
	struct tmpl_node *open;
	unsigned int line, text_line = 1;

	while (pos < p->len &&
	    (hit = memmem(src + pos, p->len - pos, "{{", 2)) != NULL) {
		start = hit - src;
		line = tmpl_line_at(p, start);
		if (tmpl_parse_tag(p, start, line, &tag) < 0)
			return -1;
		if (tmpl_standalone(p, start, &tag, &line_start, &next)) {
			tmpl_add_text(p, text_start, line_start, text_line);
		} else {
			tmpl_add_text(p, text_start, start, text_line);
			next = tag.end;
		}
		if (tmpl_apply_tag(p, line, &tag) < 0)
			return -1;
		pos = text_start = next;
		text_line = tmpl_line_at(p, next);
	}
	tmpl_add_text(p, text_start, p->len, text_line);
	if (p->depth > 0) {
		open = &g_array_index(p->t->nodes, struct tmpl_node,
		    p->open[p->depth - 1]);
		return tmpl_parse_fail(p, open->line,
		    "section '{{%c%s}}' is never closed",
		    open->type == TMPL_NODE_SECTION ? '#' : '^', open->name);
	}
	return 0;
}

struct tmpl *
tmpl_compile(const char *name, const char *src, size_t len, char **error_r)
{
	struct tmpl_parser p = { .line = 1 };
	struct tmpl *t;
	const char *bad;

	t = g_new0(struct tmpl, 1);
	t->name = g_strdup(name != NULL ? name : "template");
	t->nodes = g_array_new(FALSE, FALSE, sizeof(struct tmpl_node));
	g_array_set_clear_func(t->nodes, tmpl_node_clear);
	t->names = g_ptr_array_new_with_free_func(g_free);
	p.t = t;

	if (len > TMPL_MAX_SIZE) {
		p.error = g_strdup_printf("%s: template is %zu bytes, "
		    "larger than %d", t->name, len, TMPL_MAX_SIZE);
		goto fail;
	}
	t->src = g_malloc(len + 1);
	if (len > 0)
		memcpy(t->src, src, len);
	t->src[len] = '\0';
	p.src = t->src;
	p.len = len;

	if (!g_utf8_validate_len(t->src, len, &bad)) {
		tmpl_parse_fail(&p, tmpl_line_at(&p, bad - t->src),
		    *bad == '\0' ? "NUL byte in template" :
		    "invalid UTF-8 (byte 0x%02x)", (unsigned char)*bad);
		goto fail;
	}
	p.seen = g_hash_table_new(g_str_hash, g_str_equal);
	if (tmpl_parse(&p) < 0)
		goto fail;
	g_hash_table_destroy(p.seen);
	return t;

fail:
	if (p.seen != NULL)
		g_hash_table_destroy(p.seen);
	tmpl_free(&t);
	if (error_r != NULL)
		*error_r = p.error;
	else
		g_free(p.error);
	return NULL;
}

static int G_GNUC_PRINTF(3, 4)
tmpl_render_fail(struct tmpl_render *r, unsigned int line, const char *fmt,
    ...)
{
	va_list ap;
	char *msg;

	if (r->error != NULL)
		return -1;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		r->error = g_strdup_printf("%s:%u: %s", r->t->name, line,
		    msg);
	else
		r->error = g_strdup_printf("%s: %s", r->t->name, msg);
	g_free(msg);
	return -1;
}

/* Counts cost units of work (a node, a list item, a dictionary entry
 * searched) against TMPL_MAX_STEPS. */
static int
tmpl_charge(struct tmpl_render *r, unsigned int line, gsize cost)
{
	r->steps += MIN(cost, (gsize)TMPL_MAX_STEPS + 1);
	if (r->steps > TMPL_MAX_STEPS)
		return tmpl_render_fail(r, line, "rendering needs more than "
		    "%d steps (sections over very long lists?)",
		    TMPL_MAX_STEPS);
	return 0;
}

static int
tmpl_append(struct tmpl_render *r, unsigned int line, const char *s,
    size_t len)
{
	if (len > TMPL_MAX_OUTPUT - (r->out->len - r->start))
		return tmpl_render_fail(r, line,
		    "output larger than %d bytes", TMPL_MAX_OUTPUT);
	g_string_append_len(r->out, s, len);
	return 0;
}

static int
tmpl_append_escaped(struct tmpl_render *r, unsigned int line, const char *s,
    size_t len)
{
	size_t i, run = 0;
	const char *rep;

	if (r->esc == TMPL_ESCAPE_NONE)
		return tmpl_append(r, line, s, len);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = r->esc == TMPL_ESCAPE_XML ? "&apos;" : "&#39;";
			break;
		default:
			/* XML 1.0 has no way to write these, not even as
			 * character references. */
			if (r->esc == TMPL_ESCAPE_XML && c < 0x20 &&
			    c != '\t' && c != '\n' && c != '\r')
				rep = "\xef\xbf\xbd";
			else
				continue;
		}
		if (tmpl_append(r, line, s + run, i - run) < 0 ||
		    tmpl_append(r, line, rep, strlen(rep)) < 0)
			return -1;
		run = i + 1;
	}
	return tmpl_append(r, line, s + run, len - run);
}

static int
tmpl_is_dict(GVariant *v)
{
	return g_variant_is_of_type(v, G_VARIANT_TYPE("a{s*}"));
}

/* Takes the reference to v; returns a reference to what it holds once
 * all variant boxes are opened. */
static GVariant *
tmpl_unbox(GVariant *v)
{
	GVariant *inner;

	while (g_variant_is_of_type(v, G_VARIANT_TYPE_VARIANT)) {
		inner = g_variant_get_variant(v);
		g_variant_unref(v);
		v = inner;
	}
	return v;
}

static enum tmpl_value_kind
tmpl_classify(GVariant *v)
{
	const GVariantType *type = g_variant_get_type(v);

	switch (g_variant_classify(v)) {
	case G_VARIANT_CLASS_STRING:
		return TMPL_VALUE_STRING;
	case G_VARIANT_CLASS_BOOLEAN:
		return TMPL_VALUE_BOOL;
	case G_VARIANT_CLASS_INT32:
	case G_VARIANT_CLASS_UINT32:
	case G_VARIANT_CLASS_INT64:
	case G_VARIANT_CLASS_UINT64:
		return TMPL_VALUE_NUMBER;
	case G_VARIANT_CLASS_ARRAY:
		if (tmpl_is_dict(v))
			return TMPL_VALUE_DICT;
		if (!g_variant_type_is_dict_entry(
		    g_variant_type_element(type)))
			return TMPL_VALUE_LIST;
		return TMPL_VALUE_OTHER;
	default:
		return TMPL_VALUE_OTHER;
	}
}

/* Whether a value of a kind other than TMPL_VALUE_OTHER counts as true. */
static int
tmpl_truthy(GVariant *v, enum tmpl_value_kind kind)
{
	switch (kind) {
	case TMPL_VALUE_STRING:
		return g_variant_get_string(v, NULL)[0] != '\0';
	case TMPL_VALUE_BOOL:
		return g_variant_get_boolean(v);
	case TMPL_VALUE_NUMBER:
		switch (g_variant_classify(v)) {
		case G_VARIANT_CLASS_INT32:
			return g_variant_get_int32(v) != 0;
		case G_VARIANT_CLASS_UINT32:
			return g_variant_get_uint32(v) != 0;
		case G_VARIANT_CLASS_INT64:
			return g_variant_get_int64(v) != 0;
		default:
			return g_variant_get_uint64(v) != 0;
		}
	case TMPL_VALUE_LIST:
	case TMPL_VALUE_DICT:
		return g_variant_n_children(v) > 0;
	default:
		return 0;
	}
}

/* Looks key up in dict, paying for the linear search GVariant does:
 * otherwise deep sections over small lists could spend seconds in
 * lookups while staying under the step limit. */
static int
tmpl_lookup_key(struct tmpl_render *r, const struct tmpl_node *n,
    GVariant *dict, const char *key, GVariant **v_r)
{
	*v_r = NULL;
	if (!tmpl_is_dict(dict))
		return 0;
	if (tmpl_charge(r, n->line, g_variant_n_children(dict)) < 0)
		return -1;
	*v_r = g_variant_lookup_value(dict, key, NULL);
	if (*v_r != NULL)
		*v_r = tmpl_unbox(*v_r);
	return 0;
}

/* Sets *v_r to a new reference to the value n names, or to NULL if there
 * is none.  Returns -1 only when the step limit is reached. */
static int
tmpl_lookup(struct tmpl_render *r, const struct tmpl_node *n,
    GVariant **v_r)
{
	GVariant *v = NULL, *next;
	unsigned int i;
	size_t k;

	*v_r = NULL;
	if (n->path == NULL) {
		*v_r = g_variant_ref(r->stack[r->depth - 1]);
		return 0;
	}
	for (i = r->depth; i-- > 0 && v == NULL;)
		if (tmpl_lookup_key(r, n, r->stack[i], n->path[0], &v) < 0)
			return -1;
	/* Later components resolve only inside the value found so far, as
	 * the mustache spec's "broken chains" case requires. */
	for (k = 1; v != NULL && n->path[k] != NULL; k++) {
		if (tmpl_lookup_key(r, n, v, n->path[k], &next) < 0) {
			g_variant_unref(v);
			return -1;
		}
		g_variant_unref(v);
		v = next;
	}
	*v_r = v;
	return 0;
}

static int
tmpl_render_var(struct tmpl_render *r, const struct tmpl_node *n)
{
	GVariant *v;
	char num[32];
	const char *s;
	int ret = 0;

	if (tmpl_lookup(r, n, &v) < 0)
		return -1;
	if (v == NULL) {
		if (r->strict)
			return tmpl_render_fail(r, n->line,
			    "no value for '%s'", n->name);
		return 0;
	}
	switch (tmpl_classify(v)) {
	case TMPL_VALUE_STRING:
		s = g_variant_get_string(v, NULL);
		if (n->type == TMPL_NODE_RAW)
			ret = tmpl_append(r, n->line, s, strlen(s));
		else
			ret = tmpl_append_escaped(r, n->line, s, strlen(s));
		break;
	case TMPL_VALUE_BOOL:
		s = g_variant_get_boolean(v) ? "true" : "false";
		ret = tmpl_append(r, n->line, s, strlen(s));
		break;
	case TMPL_VALUE_NUMBER:
		switch (g_variant_classify(v)) {
		case G_VARIANT_CLASS_INT32:
			g_snprintf(num, sizeof(num), "%" G_GINT32_FORMAT,
			    g_variant_get_int32(v));
			break;
		case G_VARIANT_CLASS_UINT32:
			g_snprintf(num, sizeof(num), "%" G_GUINT32_FORMAT,
			    g_variant_get_uint32(v));
			break;
		case G_VARIANT_CLASS_INT64:
			g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT,
			    g_variant_get_int64(v));
			break;
		default:
			g_snprintf(num, sizeof(num), "%" G_GUINT64_FORMAT,
			    g_variant_get_uint64(v));
			break;
		}
		ret = tmpl_append(r, n->line, num, strlen(num));
		break;
	case TMPL_VALUE_LIST:
	case TMPL_VALUE_DICT:
		ret = tmpl_render_fail(r, n->line, "'%s' is a %s of type "
		    "'%s', use it in a section ('{{#%s}}')", n->name,
		    tmpl_classify(v) == TMPL_VALUE_LIST ? "list" :
		    "dictionary", g_variant_get_type_string(v), n->name);
		break;
	default:
		ret = tmpl_render_fail(r, n->line, "'%s' has type '%s', "
		    "which templates cannot show", n->name,
		    g_variant_get_type_string(v));
		break;
	}
	g_variant_unref(v);
	return ret;
}

static int tmpl_render_nodes(struct tmpl_render *, guint, guint);

/* Renders the body of section n once with v (a reference the function
 * takes) as the innermost context. */
static int
tmpl_render_with(struct tmpl_render *r, const struct tmpl_node *n,
    guint index, GVariant *v)
{
	int ret;

	/* The compiler's depth limit keeps this within the stack. */
	g_assert(r->depth < G_N_ELEMENTS(r->stack));
	r->stack[r->depth++] = v;
	ret = tmpl_render_nodes(r, index + 1, n->end);
	g_variant_unref(r->stack[--r->depth]);
	return ret;
}

static int
tmpl_render_section(struct tmpl_render *r, const struct tmpl_node *n,
    guint index)
{
	enum tmpl_value_kind kind;
	GVariant *v;
	gsize i, count;
	int truthy, ret = 0;

	if (tmpl_lookup(r, n, &v) < 0)
		return -1;
	if (v == NULL) {
		if (n->type == TMPL_NODE_INVERTED)
			return tmpl_render_nodes(r, index + 1, n->end);
		return 0;
	}
	kind = tmpl_classify(v);
	if (kind == TMPL_VALUE_OTHER) {
		ret = tmpl_render_fail(r, n->line, "section '%s' has type "
		    "'%s', which is neither true nor false", n->name,
		    g_variant_get_type_string(v));
		g_variant_unref(v);
		return ret;
	}
	truthy = tmpl_truthy(v, kind);
	if (n->type == TMPL_NODE_INVERTED) {
		g_variant_unref(v);
		return truthy ? 0 : tmpl_render_nodes(r, index + 1, n->end);
	}
	if (!truthy) {
		g_variant_unref(v);
		return 0;
	}
	if (kind != TMPL_VALUE_LIST)
		return tmpl_render_with(r, n, index, v);
	count = g_variant_n_children(v);
	for (i = 0; i < count && ret == 0; i++) {
		if ((ret = tmpl_charge(r, n->line, 1)) < 0)
			break;
		ret = tmpl_render_with(r, n, index,
		    tmpl_unbox(g_variant_get_child_value(v, i)));
	}
	g_variant_unref(v);
	return ret;
}

/* Renders the nodes [from, to). */
static int
tmpl_render_nodes(struct tmpl_render *r, guint from, guint to)
{
	const struct tmpl_node *n;
	guint i;

	for (i = from; i < to; i++) {
		n = &g_array_index(r->t->nodes, struct tmpl_node, i);
		if (tmpl_charge(r, n->line, 1) < 0)
			return -1;
		switch (n->type) {
		case TMPL_NODE_TEXT:
			if (tmpl_append(r, n->line, n->text, n->len) < 0)
				return -1;
			break;
		case TMPL_NODE_VAR:
		case TMPL_NODE_RAW:
			if (tmpl_render_var(r, n) < 0)
				return -1;
			break;
		case TMPL_NODE_SECTION:
		case TMPL_NODE_INVERTED:
			if (tmpl_render_section(r, n, i) < 0)
				return -1;
			i = n->end - 1;
			break;
		}
	}
	return 0;
}

int
tmpl_render(const struct tmpl *t, GVariant *ctx, enum tmpl_escape esc,
    int strict, GString *out, char **error_r)
{
	struct tmpl_render r = {
		.t = t,
		.esc = esc,
		.strict = strict,
		.out = out,
		.start = out->len,
	};
	int ret;

	if (ctx == NULL)
		ctx = g_variant_new("a{sv}", NULL);
	/* As GLib's own GVariant consumers do: a floating ctx is consumed,
	 * any other is borrowed. */
	g_variant_ref_sink(ctx);
	if (!tmpl_is_dict(ctx)) {
		ret = tmpl_render_fail(&r, 0, "the context has type '%s', "
		    "not a dictionary a{sv}", g_variant_get_type_string(ctx));
		g_variant_unref(ctx);
	} else {
		r.stack[r.depth++] = ctx;
		ret = tmpl_render_nodes(&r, 0, t->nodes->len);
		g_variant_unref(r.stack[--r.depth]);
	}
	if (ret < 0) {
		g_string_truncate(out, r.start);
		if (error_r != NULL)
			*error_r = r.error;
		else
			g_free(r.error);
		return -1;
	}
	return 0;
}
