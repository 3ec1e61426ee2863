/*
 * libFuzzer target for tmpl: the input up to the first NUL byte is the
 * template; it is compiled and rendered against a fixed context strictly in
 * every escape mode, and leniently once.  Besides the sanitizers, it checks
 * what the header promises: errors name the template, a failed render
 * leaves out as it was, output is valid UTF-8, and a strict render that
 * succeeds gives the same output as a lenient one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "vulture/tmpl.h"

#define FUZZ_NAME "fuzz.tmpl"

/* Every kind of value the renderer handles, and a few it refuses. */
static const char fuzz_ctx_text[] =
    "{'name': <'ACME <Corp> & \"Sons\" \\'Ltd\\''>, "
    "'ja': <'株式会社アクメ 該当製品あり'>, "
    "'ctl': <'a\\u0001b\\u001fc'>, "
    "'n': <42>, 'zero': <uint32 0>, 'big': <int64 -9000000000>, "
    "'huge': <uint64 18446744073709551615>, "
    "'yes': <true>, 'no': <false>, 'empty': <''>, "
    "'d': <1.5>, 'tuple': <('x', 1)>, 'path': <objectpath '/a'>, "
    "'case': <{'id': <'JVNVU#12345678'>, 'title': <'Overflow'>, "
    "'vendor': <{'name': <'inner'>}>}>, "
    "'vendors': <[{'name': <'acme'>, 'status': <'affected'>, "
    "'comment': <'fixed in 2.4.1 <b>'>}, "
    "{'name': <'globex'>, 'status': <'unknown'>}, "
    "{'name': <'initech'>, 'contacts': <['a@x', 'b@x']>}]>, "
    "'tags': <['httpd', 'tls', 'dns', 'smtp']>, "
    "'mixed': <[<{'name': <'m1'>}>, <'str'>, <7>, <1.5>, <@as []>]>, "
    "'emptylist': <@as []>, 'emptydict': <@a{sv} {}>, "
    "'strmap': <{'k': 'v'}>, 'intmap': <{1: 'one'}>, "
    "'nested': <<<'deep'>>>}";

static GVariant *
fuzz_ctx(void)
{
	/* Built once and only read afterwards: no state between runs. */
	static GVariant *ctx;
	GError *error = NULL;

	if (ctx == NULL) {
		ctx = g_variant_parse(G_VARIANT_TYPE_VARDICT, fuzz_ctx_text,
		    NULL, NULL, &error);
		if (ctx == NULL) {
			fprintf(stderr, "fuzz context: %s\n", error->message);
			abort();
		}
	}
	return ctx;
}

static void
fuzz_check_failed(int ret, char *error, const GString *out)
{
	if (ret == 0) {
		if (error != NULL ||
		    !g_utf8_validate_len(out->str, out->len, NULL))
			abort();
		return;
	}
	if (ret != -1 || error == NULL ||
	    strncmp(error, FUZZ_NAME ":", strlen(FUZZ_NAME ":")) != 0 ||
	    strcmp(out->str, "<<") != 0)
		abort();
	g_free(error);
}

/* Lenient only once: inputs that reach the step limit are slow enough. */
static void
fuzz_render(const struct tmpl *t, enum tmpl_escape esc, int also_lenient)
{
	GString *strict = g_string_new("<<");
	GString *lenient = g_string_new("<<");
	char *error = NULL;
	int ret, lret;

	ret = tmpl_render(t, fuzz_ctx(), esc, 1, strict, &error);
	fuzz_check_failed(ret, error, strict);
	if (also_lenient) {
		error = NULL;
		lret = tmpl_render(t, fuzz_ctx(), esc, 0, lenient, &error);
		fuzz_check_failed(lret, error, lenient);
		if (ret == 0 && (lret != 0 || !g_string_equal(strict, lenient)))
			abort();
	}
	g_string_free(strict, TRUE);
	g_string_free(lenient, TRUE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t len = nul != NULL ? (size_t)(nul - data) : size;
	const GPtrArray *names;
	struct tmpl *t;
	char *error = NULL;
	guint i;

	t = tmpl_compile(FUZZ_NAME, src, len, &error);
	if (t == NULL) {
		if (error == NULL ||
		    strncmp(error, FUZZ_NAME ":", strlen(FUZZ_NAME ":")) != 0 ||
		    !g_utf8_validate(error, -1, NULL))
			abort();
		g_free(error);
		return 0;
	}
	if (error != NULL)
		abort();
	names = tmpl_names(t);
	for (i = 0; i < names->len; i++)
		if (*(const char *)g_ptr_array_index(names, i) == '\0')
			abort();
	fuzz_render(t, TMPL_ESCAPE_NONE, 0);
	fuzz_render(t, TMPL_ESCAPE_HTML, 1);
	fuzz_render(t, TMPL_ESCAPE_XML, 0);
	tmpl_free(&t);
	if (t != NULL)
		abort();
	return 0;
}
