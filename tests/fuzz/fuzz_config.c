/*
 * libFuzzer target for the configuration loader: the input is written to
 * a file and loaded with vconf_load, as vulturectl check-config and
 * vultured do.  Besides the sanitizers it checks what the header promises:
 * success gives a configuration and no error, failure gives no
 * configuration and at least one error naming the file, every error is
 * printable UTF-8 on one line, and a loaded configuration has every
 * required field.
 *
 * The loader only reads the file system (it stats gnupghome, checks that
 * ca_file is readable and sendmail_path executable, reads secret files):
 * nothing the fuzzer makes up can change anything.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "vulture/config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir;
static char *path;

static void
cleanup(void)
{
	if (path != NULL)
		unlink(path);
	rmdir(dir);
	g_free(path);
	g_free(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((dir = g_dir_make_tmp("vfc.XXXXXX", NULL)) == NULL)
		abort();
	path = g_build_filename(dir, "v.conf", NULL);
	atexit(cleanup);
	return 0;
}

static void
check_error(const char *e)
{
	if (e == NULL || strncmp(e, path, strlen(path)) != 0 ||
	    strchr(e, '\n') != NULL || !g_utf8_validate(e, -1, NULL))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	struct vconf *c = NULL;
	FILE *f;
	int temporary = -1, rc;
	guint i;

	/* Plain stdio: g_file_set_contents would fsync every input. */
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	rc = vconf_load(path, &c, errors, &temporary);
	if (temporary != 0 && temporary != 1)
		abort();
	if (rc == 0) {
		if (c == NULL || errors->len != 0 || temporary != 0)
			abort();
		/* What every caller reads without checking. */
		if (c->address == NULL || !vconf_valid_address(c->address) ||
		    c->database == NULL || c->gnupghome == NULL ||
		    c->desk_fingerprint == NULL || c->id_format == NULL ||
		    c->tz == NULL || c->templates_dir == NULL ||
		    c->coordinators == NULL || c->imap.host == NULL ||
		    c->imap.mailbox == NULL || c->smtp.host == NULL ||
		    c->n_remind_days < 0 ||
		    c->n_remind_days > VCONF_MAX_REMIND ||
		    c->max_message_size < 1024 || c->command_max_age <= 0)
			abort();
		for (i = 0; c->coordinators[i] != NULL; i++)
			if (strlen(c->coordinators[i]) != 40)
				abort();
		vconf_free(&c);
		if (c != NULL)
			abort();
	} else {
		if (rc != -1 || c != NULL || errors->len == 0)
			abort();
		for (i = 0; i < errors->len; i++)
			check_error(errors->pdata[i]);
	}
	g_ptr_array_unref(errors);
	return 0;
}
