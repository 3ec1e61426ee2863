/*
 * libFuzzer target for the command parser: the input as a mail block,
 * then split on NUL bytes as the argv of vulturectl.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "vulture/cmd.h"

#define FUZZ_MAX_ARGS	(CMD_MAX_TOKENS + 8)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "JVNVU#" and 8 digits, the default id format. */
static int
fuzz_is_case_id(const char *s, void *arg)
{
	size_t i;

	(void)arg;
	if (strncmp(s, "JVNVU#", 6) != 0)
		return 0;
	for (i = 6; i < 14; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[14] == '\0';
}

/* Touches what callers read, so that bad pointers show. */
static void
fuzz_check_block(struct cmd_block *b, unsigned max_line)
{
	guint i, j;

	if (b->cmds->len > CMD_MAX_COMMANDS ||
	    b->errors->len > CMD_MAX_ERRORS || b->end_line > max_line)
		__builtin_trap();
	for (i = 0; i < b->cmds->len; i++) {
		const struct cmd *c = g_ptr_array_index(b->cmds, i);

		if (cmd_verb_name(c->verb) == NULL || c->text == NULL ||
		    c->line == 0 || c->line > max_line)
			__builtin_trap();
		if ((c->verb > CMD_CASE_OPEN) != (c->case_id != NULL))
			__builtin_trap();
		if (c->case_id != NULL && !fuzz_is_case_id(c->case_id, NULL))
			__builtin_trap();
		if (c->list != NULL) {
			if (c->list->len == 0 || c->list->len > CMD_MAX_LIST)
				__builtin_trap();
			for (j = 0; j < c->list->len; j++)
				if (strlen(g_ptr_array_index(c->list, j)) == 0)
					__builtin_trap();
		}
		if (c->value != NULL && strlen(c->value) > CMD_MAX_TEXT)
			__builtin_trap();
	}
	for (i = 0; i < b->errors->len; i++) {
		const struct cmd_error *e = g_ptr_array_index(b->errors, i);

		if (e->text == NULL || e->message == NULL || e->line == 0 ||
		    e->line > max_line)
			__builtin_trap();
	}
	cmd_block_free(&b);
	if (b != NULL)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmd_block *b = NULL;
	const char *error = NULL, *p;
	char *copy, *argv[FUZZ_MAX_ARGS];
	unsigned lines = 1;
	int argc = 0;
	size_t i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (cmd_parse((const char *)data, size, fuzz_is_case_id, NULL, &b,
	    &error) == 0)
		fuzz_check_block(b, lines);
	else if (b != NULL || error == NULL)
		__builtin_trap();

	/* argv: NUL-separated, a trailing NUL does not add an argument. */
	copy = g_malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (p = copy; p < copy + size && argc < FUZZ_MAX_ARGS;
	    p += strlen(p) + 1)
		argv[argc++] = (char *)p;
	b = NULL;
	error = NULL;
	if (cmd_parse_argv(argc, argv, fuzz_is_case_id, NULL, &b,
	    &error) == 0) {
		if (b->cmds->len + b->errors->len == 0 || b->cmds->len > 1)
			__builtin_trap();
		fuzz_check_block(b, 1);
	} else if (b != NULL || error == NULL)
		__builtin_trap();
	g_free(copy);
	return 0;
}
