/* Internals shared by the vulturectl command files. */
#ifndef VULTURE_CTL_P_H
#define VULTURE_CTL_P_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vulture/config.h"
#include "vulture/notice.h"
#include "vulture/outbound.h"
#include "vulture/keys.h"
#include "vulture/store.h"

struct ctl {
	const char *config_path;	/* foreign: from argv */
	int json;
	struct vconf *conf;		/* owned */
	struct store *st;		/* owned */
	struct vkeys *keys;		/* owned */
	struct notices *notices;	/* owned */
	struct outbound out;		/* set up by ctl_outbound() */
	char *actor;			/* owned */
	GString *outbuf;		/* owned while a command runs */
};

/* Loads store, keys, templates and the desk key into c->out. Returns 0 or
 * an exit status (errors printed). */
int ctl_outbound(struct ctl *c);

/* Loads the configuration and, if asked, opens the store and the key ring.
 * Returns 0 or an exit status (errors already printed). */
int ctl_load(struct ctl *c, int need_store, int need_keys);
/* Print "vulturectl: message" and return 1. */
int ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the message and usage, return EX_USAGE. */
int ctl_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print msg (freed) and return EX_TEMPFAIL for STORE_TEMP, else 1. */
int ctl_store_fail(int rc, char *msg);
/* Writes s to f for people to read: control characters (but tab and
 * newline), direction controls and zero-width spaces, and bytes of bad
 * UTF-8 escaped by textin_escape() ("\x1b", "\u202e"). Everything
 * vulturectl prints as text goes through here or ctl_printf() (stdout):
 * stored subjects, names and reasons come from hostile mail. */
void ctl_print(FILE *f, const char *s);
void ctl_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A one-line text argument (title, name, reason, comment...): 0, or the
 * refusal printed ("CMD: WHAT: control character U+001B at character 3")
 * and EX_USAGE, for what the mail command grammar refuses too
 * (textin_find_control(); CR and LF included) and for bad UTF-8. s may
 * be NULL. */
int ctl_check_line(const char *cmd, const char *what, const char *s);
/* The same for a multi-line text read from a file (NUL-terminated,
 * UTF-8 checked) by textin_check_text(): CRLF becomes LF in place, tab
 * and LF stay, the rest is refused with its line and character. */
int ctl_check_text(const char *cmd, const char *what, char *text);
/* "vulturectl:USER", newly allocated. */
char *ctl_actor(void);
/* Reads a file or "-" (stdin) of at most max bytes. 0 or an exit status. */
int ctl_read_input(const char *path, size_t max, char **data_r,
    size_t *len_r);

int ctl_vendor(struct ctl *c, int argc, char **argv);
int ctl_case(struct ctl *c, int argc, char **argv);
int ctl_inbound(struct ctl *c, int argc, char **argv);
int ctl_outbox(struct ctl *c, int argc, char **argv);
int ctl_render(struct ctl *c, int argc, char **argv);
/* backup DIR | restore DIR (ctl_admin.c). */
int ctl_admin(struct ctl *c, int argc, char **argv);
/* Runs argv through the coordinator-command parser and executor. */
int ctl_run_grammar(struct ctl *c, int argc, char **argv);

#endif

/* A positive row number (quarantine, outbox). 0 or -1. */
int ctl_parse_id(const char *s, int64_t *id_r);

/* Option parsing for a subcommand: options may appear among the
 * positional arguments. Repeatable options collect into list. */
struct ctl_opt {
	const char *name;	/* "--lang" */
	int has_arg;
	const char **value;	/* set for options with an argument */
	int *flag;		/* set to 1 for flags */
	GPtrArray *list;	/* if non-NULL: every value, in order */
};

/* Fills pos (of char *, foreign) with the positional arguments after
 * argv[0..skip-1]. Returns 0 or EX_USAGE (usage printed). */
int ctl_parse_opts(int argc, char **argv, int skip, struct ctl_opt *opts,
    GPtrArray *pos);
