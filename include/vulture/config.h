/* Configuration: one GKeyFile INI file, checked as a whole.
 * Every problem is reported as "file:line: message" (or "file: group.key:
 * message" for a value that is not in the file), all of them at once; a
 * configuration with any error is refused as a whole. */
#ifndef VULTURE_CONFIG_H
#define VULTURE_CONFIG_H

#include <glib.h>
#include <stdint.h>

#include "vulture/ident.h"

enum vconf_tls { VCONF_TLS_NONE, VCONF_TLS_STARTTLS, VCONF_TLS_TLS };
enum vconf_transport { VCONF_TRANSPORT_SMTP, VCONF_TRANSPORT_SENDMAIL };
/* What vulturectl deliver does after storing: everything itself, or hand
 * the message to vultured (stored "new", the daemon woken). */
enum vconf_deliver { VCONF_DELIVER_PROCESS, VCONF_DELIVER_QUEUE };

#define VCONF_MAX_REMIND 8
#define VCONF_MAX_COORDINATORS 64
#define VCONF_MAX_FILE (1024 * 1024)	/* bytes of configuration */

struct vconf_imap {
	int enabled;			/* 0: mail arrives by MTA pipe only */
	char *host;			/* owned */
	int port;
	enum vconf_tls tls;
	char *user;			/* owned */
	char *password_file;		/* owned, may be NULL */
	char *ca_file;			/* owned, may be NULL */
	char *tls_pin;			/* owned, may be NULL: sha256:HEX */
	int allow_plaintext_auth;	/* LOGIN without TLS off loopback */
	char *mailbox;			/* owned */
	char *processed_mailbox;	/* owned */
	char *quarantine_mailbox;	/* owned */
	int poll_interval;		/* seconds */
};

struct vconf_smtp {
	enum vconf_transport transport;
	char *host;			/* owned */
	int port;
	enum vconf_tls tls;
	char *user;			/* owned, may be NULL */
	char *password_file;		/* owned, may be NULL */
	char *ca_file;			/* owned, may be NULL */
	char *tls_pin;			/* owned, may be NULL: sha256:HEX */
	int allow_plaintext_auth;	/* AUTH without TLS off loopback */
	char *sendmail_path;		/* owned */
};

/* The largest max_message_size: SQLite stores a message as one blob (at
 * most 1e9 bytes by default, read and written at int offsets) and the
 * decoder may hold a few times the message on disk. */
#define VCONF_MAX_MESSAGE_SIZE	(512ULL * 1024 * 1024)

struct vconf {
	char *path;			/* owned: the file it came from */
	GHashTable *key_lines;		/* owned: "group\nkey" -> line */
	char *address;			/* owned */
	char *database;			/* owned */
	char *gnupghome;		/* owned */
	char *desk_fingerprint;		/* owned, "" when not set */
	char *id_format;		/* owned */
	char *single_vendor_id_format;	/* owned */
	char *timezone;			/* owned */
	GTimeZone *tz;			/* owned (ref) */
	int default_embargo_days;
	int followup_days;
	int remind_days[VCONF_MAX_REMIND];
	int n_remind_days;
	int unreachable_after_days;
	int auto_disclose;
	int auto_publish;
	char *templates_dir;		/* owned */
	char *publish_dir;		/* owned */
	char *announce_address;		/* owned */
	char *site_language;		/* owned: en | ja */
	char *base_url;			/* owned, "" when not set */
	char *publisher_name;		/* owned */
	char *publisher_namespace;	/* owned: https URL */
	uint64_t max_message_size;	/* bytes */
	int64_t command_max_age;	/* seconds */
	int64_t max_clock_skew;		/* seconds a signature may be ahead */
	char **coordinators;		/* owned, NULL-terminated, 40 hex */
	enum vconf_deliver deliver_mode;
	/* [policy]: names as policy_cipher_name() and policy_hash_name()
	 * give them; owned, NULL-terminated, never NULL (empty: nothing
	 * refused). */
	char **refuse_ciphers;
	char **refuse_hashes;
	struct vconf_imap imap;
	struct vconf_smtp smtp;
};

/* Finds the configuration file: explicit path, else $VULTURE_CONFIG, else
 * SYSCONFDIR/vulture/vultured.conf. Returns a newly allocated path. */
char *vconf_locate(const char *explicit_path);

/* Loads and checks path. Returns 0 and a new configuration in *conf_r, or
 * -1 with every problem appended to errors (newly allocated strings; errors
 * owns them when created with g_ptr_array_new_with_free_func(g_free)).
 * *temporary_r (may be NULL) is set to 1 when the failure is that the file
 * could not be read at all (a caller such as deliver retries later). */
int vconf_load(const char *path, struct vconf **conf_r, GPtrArray *errors,
    int *temporary_r);
void vconf_free(struct vconf **conf);

/* Reads a secret file (first line, without the newline), refusing a file
 * that group or others can read. Returns a newly allocated string or NULL
 * with *error_r set to a newly allocated message. */
char *vconf_read_secret(const char *path, char **error_r);

/* 1 if host (a name or an address literal) is this machine's loopback:
 * "localhost", 127.0.0.0/8, ::1. vconf_load() refuses tls = none with a
 * password unless allow_plaintext_auth is set or the host is loopback. */
int vconf_is_loopback(const char *host);

/* Parsers shared with command arguments. Return 0 or -1. */
int vconf_parse_duration(const char *s, int64_t *secs_r);
int vconf_parse_size(const char *s, uint64_t *bytes_r);
/* A fingerprint as people write it, normalised into out[41]:
 * ident_fpr_parse() on a NUL-terminated s (NULL: -1). */
int vconf_parse_fingerprint(const char *s, char out[41]);
/* The one address rule: ident_address_ok(). */
#define vconf_valid_address(s) ident_address_ok(s)

/* Where a key's value came from, for messages about it: "FILE:LINE: KEY"
 * when the file sets it, else "FILE: GROUP.KEY" (the default). Newly
 * allocated. */
char *vconf_where(const struct vconf *c, const char *group, const char *key);

/* Every key of the settings table as "group.key" lines (newly
 * allocated): tests compare it with the sample configuration. */
char *vconf_keys_dump(void);

#endif
