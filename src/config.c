#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulture/config.h"
#include "vulture/ident.h"
#include "vulture/ids.h"
#include "vulture/policy.h"
#include "vulture/tlscheck.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

enum ktype {
	K_STR,		/* any non-empty string */
	K_OPTSTR,	/* may be empty: NULL then */
	K_PATH,		/* non-empty path */
	K_OPTPATH,	/* may be empty */
	K_SECRET,	/* secret file: must exist, mode without group/other */
	K_EXEC,		/* executable path */
	K_ADDRESS,	/* mail address */
	K_FPR,		/* fingerprint or empty */
	K_FPRLIST,	/* fingerprints separated by ; */
	K_INT,
	K_INTLIST,	/* integers separated by ; */
	K_BOOL,
	K_SIZE,
	K_DURATION,
	K_TLS,
	K_TRANSPORT,
	K_DELIVER,	/* process | queue */
	K_TZ,
	K_IDFMT,
	K_PIN,		/* "sha256:HEX[,...]" or empty */
	K_LANG,		/* en | ja */
	K_URL,		/* http(s) URL or empty */
	K_CIPHERS,	/* symmetric cipher names separated by ; */
	K_HASHES,	/* hash algorithm names separated by ; */
};

struct key_def {
	const char *group;
	const char *key;
	enum ktype type;
	const char *def;	/* NULL: required */
	size_t offset;
	int min, max;		/* K_INT, K_INTLIST */
};

#define O(f) offsetof(struct vconf, f)

/* The settings table: every key, its type and its default. conf/vultured.conf
 * documents the same keys; tests/check_config.c checks that they agree. */
static const struct key_def keys[] = {
	{ "general", "address", K_ADDRESS, NULL, O(address), 0, 0 },
	{ "general", "database", K_PATH,
	    LOCALSTATEDIR "/lib/vulture/vulture.db",
	    O(database), 0, 0 },
	{ "general", "gnupghome", K_PATH,
	    LOCALSTATEDIR "/lib/vulture/gnupg",
	    O(gnupghome), 0, 0 },
	{ "general", "desk_fingerprint", K_FPR, "", O(desk_fingerprint), 0,
	    0 },
	{ "general", "id_format", K_IDFMT, "JVNVU#%08u", O(id_format), 0, 0 },
	{ "general", "single_vendor_id_format", K_IDFMT, "JVN#%08u",
	    O(single_vendor_id_format), 0, 0 },
	{ "general", "timezone", K_TZ, "Asia/Tokyo", O(timezone), 0, 0 },
	{ "general", "default_embargo_days", K_INT, "45",
	    O(default_embargo_days), 1, 3650 },
	{ "general", "followup_days", K_INT, "14", O(followup_days), 1,
	    365 },
	{ "general", "remind_days", K_INTLIST, "7;1", O(remind_days), 0,
	    365 },
	{ "general", "unreachable_after_days", K_INT, "90",
	    O(unreachable_after_days), 1, 3650 },
	{ "general", "auto_disclose", K_BOOL, "true", O(auto_disclose), 0,
	    0 },
	{ "general", "auto_publish", K_BOOL, "false", O(auto_publish), 0, 0 },
	{ "general", "templates_dir", K_PATH,
	    SYSCONFDIR "/vulture/templates", O(templates_dir), 0, 0 },
	{ "general", "publish_dir", K_PATH,
	    LOCALSTATEDIR "/lib/vulture/publish",
	    O(publish_dir), 0, 0 },
	{ "general", "announce_address", K_ADDRESS, "announce@cert.example",
	    O(announce_address), 0, 0 },
	{ "general", "site_language", K_LANG, "ja", O(site_language), 0, 0 },
	{ "general", "base_url", K_URL, "", O(base_url), 0, 0 },
	{ "general", "publisher_name", K_STR, "Vulture desk",
	    O(publisher_name), 0, 0 },
	{ "general", "publisher_namespace", K_URL, "https://cert.example",
	    O(publisher_namespace), 0, 0 },
	{ "general", "max_message_size", K_SIZE, "52428800",
	    O(max_message_size), 0, 0 },
	{ "general", "command_max_age", K_DURATION, "7d",
	    O(command_max_age), 0, 0 },
	{ "general", "max_clock_skew", K_DURATION, "10m",
	    O(max_clock_skew), 0, 0 },
	{ "coordinators", "fingerprints", K_FPRLIST, "", O(coordinators), 0,
	    0 },
	{ "policy", "refuse_ciphers", K_CIPHERS, POLICY_REFUSE_CIPHERS,
	    O(refuse_ciphers), 0, 0 },
	{ "policy", "refuse_hashes", K_HASHES, POLICY_REFUSE_HASHES,
	    O(refuse_hashes), 0, 0 },
	{ "deliver", "mode", K_DELIVER, "process", O(deliver_mode), 0, 0 },
	{ "imap", "enabled", K_BOOL, "true", O(imap.enabled), 0, 0 },
	{ "imap", "host", K_STR, "127.0.0.1", O(imap.host), 0, 0 },
	{ "imap", "port", K_INT, "143", O(imap.port), 1, 65535 },
	{ "imap", "tls", K_TLS, "starttls", O(imap.tls), 0, 0 },
	{ "imap", "user", K_STR, "vultures", O(imap.user), 0, 0 },
	{ "imap", "password_file", K_SECRET, "", O(imap.password_file), 0,
	    0 },
	{ "imap", "ca_file", K_OPTPATH, "", O(imap.ca_file), 0, 0 },
	{ "imap", "tls_pin", K_PIN, "", O(imap.tls_pin), 0, 0 },
	{ "imap", "allow_plaintext_auth", K_BOOL, "false",
	    O(imap.allow_plaintext_auth), 0, 0 },
	{ "imap", "mailbox", K_STR, "INBOX", O(imap.mailbox), 0, 0 },
	{ "imap", "processed_mailbox", K_STR, "Processed",
	    O(imap.processed_mailbox), 0, 0 },
	{ "imap", "quarantine_mailbox", K_STR, "Quarantine",
	    O(imap.quarantine_mailbox), 0, 0 },
	{ "imap", "poll_interval", K_INT, "60", O(imap.poll_interval), 5,
	    86400 },
	{ "smtp", "transport", K_TRANSPORT, "smtp", O(smtp.transport), 0, 0 },
	{ "smtp", "host", K_STR, "127.0.0.1", O(smtp.host), 0, 0 },
	{ "smtp", "port", K_INT, "587", O(smtp.port), 1, 65535 },
	{ "smtp", "tls", K_TLS, "starttls", O(smtp.tls), 0, 0 },
	{ "smtp", "user", K_OPTSTR, "", O(smtp.user), 0, 0 },
	{ "smtp", "password_file", K_SECRET, "", O(smtp.password_file), 0,
	    0 },
	{ "smtp", "ca_file", K_OPTPATH, "", O(smtp.ca_file), 0, 0 },
	{ "smtp", "tls_pin", K_PIN, "", O(smtp.tls_pin), 0, 0 },
	{ "smtp", "allow_plaintext_auth", K_BOOL, "false",
	    O(smtp.allow_plaintext_auth), 0, 0 },
	{ "smtp", "sendmail_path", K_EXEC, "/usr/sbin/sendmail",
	    O(smtp.sendmail_path), 0, 0 },
};

#undef O

/* An IANA zone name (Asia/Tokyo, Etc/GMT+5, UTC) or a POSIX rule without
 * brackets (JST-9): no path, no dots. GLib reads whatever file a name
 * leads to below the zone directory and leaks memory on one that is not
 * a zone file (found by fuzz_config), so an existing file must also
 * begin with the TZif magic. */
static int
tz_name_ok(const char *v)
{
	const char *dir = g_getenv("TZDIR");
	char *path, magic[4];
	size_t i, n = strlen(v);
	ssize_t got;
	int fd;

	if (n == 0 || n > 64 || v[0] == '/' || v[n - 1] == '/' ||
	    strstr(v, "//") != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!g_ascii_isalnum(v[i]) && strchr("_+-/", v[i]) == NULL)
			return 0;
	path = g_build_filename(dir != NULL ? dir : "/usr/share/zoneinfo", v,
	    NULL);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	g_free(path);
	if (fd == -1)
		return errno == ENOENT || errno == ENOTDIR;
	got = read(fd, magic, sizeof(magic));
	close(fd);
	return got == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "TZif", sizeof(magic)) == 0;
}

/* Where each key was found, for messages. */
struct located {
	GHashTable *lines;	/* "group\nkey" -> line number */
	const char *path;
	GPtrArray *errors;
	int nerr;
};

static void
report(struct located *loc, const struct key_def *k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct located *loc, const struct key_def *k, const char *fmt, ...)
{
	va_list ap;
	char *msg, *id;
	gpointer line;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	id = g_strdup_printf("%s\n%s", k->group, k->key);
	line = g_hash_table_lookup(loc->lines, id);
	if (line != NULL)
		g_ptr_array_add(loc->errors, g_strdup_printf("%s:%u: %s: %s",
		    loc->path, GPOINTER_TO_UINT(line), k->key, msg));
	else
		g_ptr_array_add(loc->errors, g_strdup_printf("%s: %s.%s: %s",
		    loc->path, k->group, k->key, msg));
	g_free(id);
	g_free(msg);
	loc->nerr++;
}

static const struct key_def *
find_key(const char *group, const char *key)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strcmp(keys[i].group, group) == 0 &&
		    strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

static int
known_group(const char *group)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strcmp(keys[i].group, group) == 0)
			return 1;
	return 0;
}

/* Strips an inline comment (whitespace then '#') and surrounding blanks.
 * A '#' not preceded by whitespace stays: id_format = JVNVU#%08u. */
static char *
strip_value(const char *raw)
{
	char *v = g_strdup(raw);
	char *p;

	for (p = v; *p != '\0'; p++) {
		if (*p == '#' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	return g_strstrip(v);
}

/* Walks the raw text once for line numbers and the errors GKeyFile would
 * report without one. */
static void
prescan(struct located *loc, const char *text, GKeyFile *kf)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	char *group = NULL;
	unsigned n;

	for (n = 0; lines[n] != NULL; n++) {
		char *l = g_strstrip(lines[n]);
		unsigned lineno = n + 1;

		if (*l == '\0' || *l == '#')
			continue;
		if (*l == '[') {
			char *end = strchr(l, ']');

			if (end == NULL || end[1] != '\0' || end == l + 1) {
				g_ptr_array_add(loc->errors, g_strdup_printf(
				    "%s:%u: malformed group header",
				    loc->path, lineno));
				loc->nerr++;
				continue;
			}
			g_free(group);
			group = g_strndup(l + 1, (gsize)(end - l - 1));
			if (!known_group(group)) {
				g_ptr_array_add(loc->errors, g_strdup_printf(
				    "%s:%u: unknown section [%s]", loc->path,
				    lineno, group));
				loc->nerr++;
			}
			continue;
		}
		char *eq = strchr(l, '=');
		if (eq == NULL) {
			g_ptr_array_add(loc->errors, g_strdup_printf(
			    "%s:%u: expected 'key = value' or '[section]'",
			    loc->path, lineno));
			loc->nerr++;
			continue;
		}
		if (group == NULL) {
			g_ptr_array_add(loc->errors, g_strdup_printf(
			    "%s:%u: key outside of any [section]", loc->path,
			    lineno));
			loc->nerr++;
			continue;
		}
		char *key = g_strstrip(g_strndup(l, (gsize)(eq - l)));
		if (*key == '\0') {
			g_ptr_array_add(loc->errors, g_strdup_printf(
			    "%s:%u: empty key name", loc->path, lineno));
			loc->nerr++;
		} else if (known_group(group) && find_key(group, key) == NULL) {
			g_ptr_array_add(loc->errors, g_strdup_printf(
			    "%s:%u: unknown key '%s' in [%s]", loc->path,
			    lineno, key, group));
			loc->nerr++;
		} else {
			char *id = g_strdup_printf("%s\n%s", group, key);
			gpointer prev = g_hash_table_lookup(loc->lines, id);

			if (prev != NULL) {
				g_ptr_array_add(loc->errors, g_strdup_printf(
				    "%s:%u: duplicate key '%s' (first on line "
				    "%u)", loc->path, lineno, key,
				    GPOINTER_TO_UINT(prev)));
				loc->nerr++;
				g_free(id);
			} else {
				char *val = strip_value(eq + 1);

				g_hash_table_insert(loc->lines, id,
				    GUINT_TO_POINTER(lineno));
				g_key_file_set_value(kf, group, key, val);
				g_free(val);
			}
		}
		g_free(key);
	}
	g_free(group);
	g_strfreev(lines);
}

int
vconf_parse_duration(const char *s, int64_t *secs_r)
{
	char *end;
	long long v;
	int64_t mult = 1;

	if (s == NULL || !g_ascii_isdigit(*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || v < 0)
		return -1;
	if (*end != '\0') {
		switch (*end) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		case 'w': mult = 7 * 86400; break;
		default: return -1;
		}
		if (end[1] != '\0')
			return -1;
	}
	if (v > INT64_MAX / mult)
		return -1;
	*secs_r = (int64_t)v * mult;
	return 0;
}

int
vconf_parse_size(const char *s, uint64_t *bytes_r)
{
	char *end;
	unsigned long long v;
	uint64_t mult = 1;

	if (s == NULL || !g_ascii_isdigit(*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		switch (g_ascii_toupper(*end)) {
		case 'K': mult = 1024; break;
		case 'M': mult = 1024 * 1024; break;
		case 'G': mult = 1024 * 1024 * 1024; break;
		default: return -1;
		}
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end != '\0')
			return -1;
	}
	if (v > UINT64_MAX / mult)
		return -1;
	*bytes_r = (uint64_t)v * mult;
	return 0;
}

int
vconf_parse_fingerprint(const char *s, char out[41])
{
	return ident_fpr_parse(s, s != NULL ? strlen(s) : 0, out, NULL);
}

char *
vconf_read_secret(const char *path, char **error_r)
{
	struct stat st;
	char *text = NULL;
	GError *err = NULL;
	size_t n;

	if (stat(path, &st) == -1) {
		*error_r = g_strdup_printf("%s: %s", path, g_strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*error_r = g_strdup_printf("%s: not a regular file", path);
		return NULL;
	}
	if ((st.st_mode & 077) != 0) {
		*error_r = g_strdup_printf("%s: secret file is readable or "
		    "writable by group or others (mode %03o): chmod 600 it",
		    path, (unsigned)(st.st_mode & 0777));
		return NULL;
	}
	if (st.st_size > 4096) {
		*error_r = g_strdup_printf("%s: secret file too large", path);
		return NULL;
	}
	if (!g_file_get_contents(path, &text, NULL, &err)) {
		*error_r = g_strdup(err->message);
		g_error_free(err);
		return NULL;
	}
	n = strcspn(text, "\r\n");
	text[n] = '\0';
	return text;
}

static int
parse_bool(const char *s, int *b)
{
	if (g_ascii_strcasecmp(s, "true") == 0 ||
	    g_ascii_strcasecmp(s, "yes") == 0 || strcmp(s, "1") == 0 ||
	    g_ascii_strcasecmp(s, "on") == 0)
		*b = 1;
	else if (g_ascii_strcasecmp(s, "false") == 0 ||
	    g_ascii_strcasecmp(s, "no") == 0 || strcmp(s, "0") == 0 ||
	    g_ascii_strcasecmp(s, "off") == 0)
		*b = 0;
	else
		return -1;
	return 0;
}

static int
parse_int(const char *s, int min, int max, int *v)
{
	char *end;
	long l;

	errno = 0;
	l = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || l < min || l > max)
		return -1;
	*v = (int)l;
	return 0;
}

static void
set_value(struct vconf *c, struct located *loc, const struct key_def *k,
    const char *v)
{
	void *field = (char *)c + k->offset;
	char **sp = field;
	int *ip = field;
	struct stat st;

	switch (k->type) {
	case K_STR:
	case K_PATH:
		if (*v == '\0') {
			report(loc, k, "must not be empty");
			return;
		}
		*sp = g_strdup(v);
		return;
	case K_OPTSTR:
	case K_OPTPATH:
		*sp = *v == '\0' ? NULL : g_strdup(v);
		if (k->type == K_OPTPATH && *sp != NULL && access(v, R_OK) ==
		    -1)
			report(loc, k, "%s: %s", v, g_strerror(errno));
		return;
	case K_SECRET:
		*sp = *v == '\0' ? NULL : g_strdup(v);
		if (*sp != NULL) {
			char *err = NULL;
			char *secret = vconf_read_secret(v, &err);

			if (secret == NULL) {
				report(loc, k, "%s", err);
				g_free(err);
			} else {
				explicit_bzero(secret, strlen(secret));
				g_free(secret);
			}
		}
		return;
	case K_EXEC:
		*sp = g_strdup(v);
		return;		/* checked below, only where it is used */
	case K_ADDRESS:
		if (!ident_address_ok(v)) {
			report(loc, k, "'%s' is not a mail address "
			    "(local@domain)", v);
			return;
		}
		*sp = g_strdup(v);
		return;
	case K_FPR: {
		char fpr[41];

		if (*v == '\0') {
			*sp = g_strdup("");
			return;
		}
		if (vconf_parse_fingerprint(v, fpr) == -1) {
			report(loc, k, "'%s' is not a full 40-digit "
			    "fingerprint", v);
			return;
		}
		*sp = g_strdup(fpr);
		return;
	}
	case K_FPRLIST: {
		gchar **parts = g_strsplit(v, ";", -1);
		GPtrArray *out = g_ptr_array_new();
		int i;

		for (i = 0; parts[i] != NULL; i++) {
			char fpr[41];
			char *p = g_strstrip(parts[i]);

			if (*p == '\0')
				continue;
			if (vconf_parse_fingerprint(p, fpr) == -1) {
				report(loc, k, "'%s' is not a full 40-digit "
				    "fingerprint", p);
				continue;
			}
			if (out->len >= VCONF_MAX_COORDINATORS) {
				report(loc, k, "more than %d fingerprints",
				    VCONF_MAX_COORDINATORS);
				break;
			}
			g_ptr_array_add(out, g_strdup(fpr));
		}
		g_ptr_array_add(out, NULL);
		*(char ***)field = (char **)g_ptr_array_free(out, FALSE);
		g_strfreev(parts);
		return;
	}
	case K_CIPHERS:
	case K_HASHES: {
		gchar **parts = g_strsplit(v, ";", -1);
		GPtrArray *out = g_ptr_array_new();
		int i;

		for (i = 0; parts[i] != NULL; i++) {
			char *p = g_strstrip(parts[i]);
			const char *name = k->type == K_CIPHERS ?
			    policy_cipher_name(p) : policy_hash_name(p);
			guint j;

			if (*p == '\0')
				continue;
			if (name == NULL) {
				report(loc, k, "unknown %s '%s' (known: %s)",
				    k->type == K_CIPHERS ? "cipher" : "hash",
				    p, k->type == K_CIPHERS ?
				    policy_cipher_names() :
				    policy_hash_names());
				continue;
			}
			for (j = 0; j < out->len; j++)
				if (strcmp(out->pdata[j], name) == 0)
					break;
			/* Each name once: the list stays as short as the
			 * table of names. */
			if (j == out->len)
				g_ptr_array_add(out, g_strdup(name));
		}
		g_ptr_array_add(out, NULL);
		*(char ***)field = (char **)g_ptr_array_free(out, FALSE);
		g_strfreev(parts);
		return;
	}
	case K_INT:
		if (parse_int(v, k->min, k->max, ip) == -1)
			report(loc, k, "'%s' is not an integer from %d to %d",
			    v, k->min, k->max);
		return;
	case K_INTLIST: {
		gchar **parts = g_strsplit(v, ";", -1);
		int i;

		c->n_remind_days = 0;
		for (i = 0; parts[i] != NULL; i++) {
			char *p = g_strstrip(parts[i]);
			int d;

			if (*p == '\0')
				continue;
			if (parse_int(p, k->min, k->max, &d) == -1) {
				report(loc, k, "'%s' is not a number of days "
				    "from %d to %d", p, k->min, k->max);
				continue;
			}
			if (c->n_remind_days == VCONF_MAX_REMIND) {
				report(loc, k, "more than %d values",
				    VCONF_MAX_REMIND);
				break;
			}
			ip[c->n_remind_days++] = d;
		}
		g_strfreev(parts);
		return;
	}
	case K_BOOL:
		if (parse_bool(v, ip) == -1)
			report(loc, k, "'%s' is not true or false", v);
		return;
	case K_SIZE:
		if (vconf_parse_size(v, field) == -1 ||
		    *(uint64_t *)field < 1024 ||
		    *(uint64_t *)field > VCONF_MAX_MESSAGE_SIZE)
			report(loc, k, "'%s' is not a size from 1024 bytes to "
			    "512M (suffixes K, M, G)", v);
		return;
	case K_DURATION:
		if (vconf_parse_duration(v, field) == -1 ||
		    *(int64_t *)field == 0)
			report(loc, k, "'%s' is not a duration (a number "
			    "with s, m, h, d or w)", v);
		return;
	case K_TLS:
		if (strcmp(v, "none") == 0)
			*ip = VCONF_TLS_NONE;
		else if (strcmp(v, "starttls") == 0)
			*ip = VCONF_TLS_STARTTLS;
		else if (strcmp(v, "tls") == 0)
			*ip = VCONF_TLS_TLS;
		else
			report(loc, k, "'%s' is not none, starttls or tls", v);
		return;
	case K_TRANSPORT:
		if (strcmp(v, "smtp") == 0)
			*ip = VCONF_TRANSPORT_SMTP;
		else if (strcmp(v, "sendmail") == 0)
			*ip = VCONF_TRANSPORT_SENDMAIL;
		else
			report(loc, k, "'%s' is not smtp or sendmail", v);
		return;
	case K_DELIVER:
		if (strcmp(v, "process") == 0)
			*ip = VCONF_DELIVER_PROCESS;
		else if (strcmp(v, "queue") == 0)
			*ip = VCONF_DELIVER_QUEUE;
		else
			report(loc, k, "'%s' is not process or queue", v);
		return;
	case K_TZ: {
		GTimeZone *tz = tz_name_ok(v) ? g_time_zone_new_identifier(v) :
		    NULL;

		if (tz == NULL) {
			report(loc, k, "unknown time zone '%s'", v);
			return;
		}
		c->tz = tz;
		*sp = g_strdup(v);
		return;
	}
	case K_LANG:
		if (strcmp(v, "en") != 0 && strcmp(v, "ja") != 0) {
			report(loc, k, "'%s' is not en or ja", v);
			return;
		}
		*sp = g_strdup(v);
		return;
	case K_URL:
		if (*v != '\0' && strncmp(v, "https://", 8) != 0 &&
		    strncmp(v, "http://", 7) != 0) {
			report(loc, k, "'%s' is not an http(s) URL", v);
			return;
		}
		*sp = g_strdup(v);
		return;
	case K_PIN: {
		char *err = NULL;

		*sp = *v == '\0' ? NULL : g_strdup(v);
		if (*sp != NULL && tlscheck_pin_parse(v, &err) == -1) {
			report(loc, k, "%s", err);
			g_free(err);
		}
		return;
	}
	case K_IDFMT: {
		char *err = NULL;

		if (ids_check_format(v, &err) == VR_PERM) {
			report(loc, k, "'%s': %s", v, err);
			g_free(err);
			return;
		}
		*sp = g_strdup(v);
		return;
	}
	}
	(void)st;
}

int
vconf_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (host == NULL)
		return 0;
	if (g_ascii_strcasecmp(host, "localhost") == 0 ||
	    g_ascii_strcasecmp(host, "localhost.") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

/* A password that would cross the network in clear: refused unless the
 * group says allow_plaintext_auth (loopback never leaves the host). */
static void
check_plaintext_auth(struct located *loc, const char *group,
    enum vconf_tls tls, const char *host, int allowed, int auth)
{
	if (!auth || tls != VCONF_TLS_NONE || allowed ||
	    vconf_is_loopback(host))
		return;
	report(loc, find_key(group, "tls"), "none, but the [%s] login to %s "
	    "would send its password in clear: use starttls or tls (or set "
	    "allow_plaintext_auth = yes in [%s] if the path is trusted)",
	    group, host, group);
}

char *
vconf_locate(const char *explicit_path)
{
	const char *env;

	if (explicit_path != NULL)
		return g_strdup(explicit_path);
	env = g_getenv("VULTURE_CONFIG");
	if (env != NULL && *env != '\0')
		return g_strdup(env);
	return g_strdup(SYSCONFDIR "/vulture/vultured.conf");
}

int
vconf_load(const char *path, struct vconf **conf_r, GPtrArray *errors,
    int *temporary_r)
{
	struct located loc = { NULL, path, errors, 0 };
	struct vconf *c;
	GKeyFile *kf;
	char *text = NULL;
	gsize len;
	GError *err = NULL;
	size_t i;

	*conf_r = NULL;
	if (temporary_r != NULL)
		*temporary_r = 0;
	if (!g_file_get_contents(path, &text, &len, &err)) {
		g_ptr_array_add(errors, g_strdup_printf("%s: %s", path,
		    err->message));
		g_error_free(err);
		if (temporary_r != NULL)
			*temporary_r = 1;
		return -1;
	}
	if (len > VCONF_MAX_FILE || memchr(text, '\0', len) != NULL ||
	    !g_utf8_validate(text, (gssize)len, NULL)) {
		g_ptr_array_add(errors, g_strdup_printf("%s: not a "
		    "configuration file (binary, not UTF-8, or over %d bytes)",
		    path, VCONF_MAX_FILE));
		g_free(text);
		return -1;
	}

	loc.lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	kf = g_key_file_new();
	prescan(&loc, text, kf);
	g_free(text);

	c = g_new0(struct vconf, 1);
	c->path = g_strdup(path);
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		const struct key_def *k = &keys[i];
		char *v = g_key_file_get_value(kf, k->group, k->key, NULL);

		if (v == NULL && k->def == NULL) {
			report(&loc, k, "required");
			continue;
		}
		set_value(c, &loc, k, v != NULL ? v : k->def);
		g_free(v);
	}
	if (c->smtp.transport == VCONF_TRANSPORT_SENDMAIL &&
	    c->smtp.sendmail_path != NULL &&
	    access(c->smtp.sendmail_path, X_OK) == -1)
		report(&loc, find_key("smtp", "sendmail_path"), "%s: %s",
		    c->smtp.sendmail_path, g_strerror(errno));
	check_plaintext_auth(&loc, "imap", c->imap.tls, c->imap.host,
	    c->imap.allow_plaintext_auth, c->imap.enabled &&
	    c->imap.password_file != NULL);
	check_plaintext_auth(&loc, "smtp", c->smtp.tls, c->smtp.host,
	    c->smtp.allow_plaintext_auth, c->smtp.transport ==
	    VCONF_TRANSPORT_SMTP && c->smtp.user != NULL);
	if (c->gnupghome != NULL) {
		struct stat st;

		if (stat(c->gnupghome, &st) == 0 && !S_ISDIR(st.st_mode))
			report(&loc, find_key("general", "gnupghome"),
			    "%s is not a directory", c->gnupghome);
		else if (strlen(c->gnupghome) > 80)
			report(&loc, find_key("general", "gnupghome"),
			    "path longer than 80 characters: gpg-agent's "
			    "socket path would not fit");
	}

	g_key_file_free(kf);
	c->key_lines = loc.lines;
	if (loc.nerr > 0) {
		vconf_free(&c);
		return -1;
	}
	*conf_r = c;
	return 0;
}

void
vconf_free(struct vconf **conf)
{
	struct vconf *c;

	if (conf == NULL || *conf == NULL)
		return;
	c = *conf;
	g_free(c->path);
	if (c->key_lines != NULL)
		g_hash_table_destroy(c->key_lines);
	g_free(c->address);
	g_free(c->database);
	g_free(c->gnupghome);
	g_free(c->desk_fingerprint);
	g_free(c->id_format);
	g_free(c->single_vendor_id_format);
	g_free(c->timezone);
	if (c->tz != NULL)
		g_time_zone_unref(c->tz);
	g_free(c->templates_dir);
	g_free(c->publish_dir);
	g_free(c->announce_address);
	g_free(c->site_language);
	g_free(c->base_url);
	g_free(c->publisher_name);
	g_free(c->publisher_namespace);
	g_strfreev(c->coordinators);
	g_strfreev(c->refuse_ciphers);
	g_strfreev(c->refuse_hashes);
	g_free(c->imap.host);
	g_free(c->imap.user);
	g_free(c->imap.password_file);
	g_free(c->imap.ca_file);
	g_free(c->imap.tls_pin);
	g_free(c->imap.mailbox);
	g_free(c->imap.processed_mailbox);
	g_free(c->imap.quarantine_mailbox);
	g_free(c->smtp.host);
	g_free(c->smtp.user);
	g_free(c->smtp.password_file);
	g_free(c->smtp.ca_file);
	g_free(c->smtp.tls_pin);
	g_free(c->smtp.sendmail_path);
	g_free(c);
	*conf = NULL;
}


char *
vconf_keys_dump(void)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(keys); i++)
		g_string_append_printf(s, "%s.%s\n", keys[i].group,
		    keys[i].key);
	return g_string_free(s, FALSE);
}

char *
vconf_where(const struct vconf *c, const char *group, const char *key)
{
	char *id = g_strdup_printf("%s\n%s", group, key);
	gpointer line = c->key_lines != NULL ?
	    g_hash_table_lookup(c->key_lines, id) : NULL;
	char *w;

	g_free(id);
	if (line != NULL)
		w = g_strdup_printf("%s:%u: %s", c->path,
		    GPOINTER_TO_UINT(line), key);
	else
		w = g_strdup_printf("%s: %s.%s", c->path, group, key);
	return w;
}
