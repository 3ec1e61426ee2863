/*
 * config: the configuration file (GLib key file), one settings table in
 * src/config.c; every error as "file:line: message".
 */
#ifndef VULTURE_CONFIG_H
#define VULTURE_CONFIG_H

#include <stdint.h>

#include <glib.h>

/* Limits of the loader. */
#define VCONF_MAX_FILE		(1024 * 1024)	/* bytes of configuration */
#define VCONF_MAX_COORDINATORS	64		/* [coordinators] fingerprints */
#define VCONF_MAX_REMIND	16		/* remind_days values */

enum vconf_tls {
	VCONF_TLS_NONE,
	VCONF_TLS_STARTTLS,
	VCONF_TLS_TLS,
};

enum vconf_transport {
	VCONF_TRANSPORT_SMTP,
	VCONF_TRANSPORT_SENDMAIL,
};

struct vconf_imap {
	int		 enabled;
	char		*host;
	int		 port;
	enum vconf_tls	 tls;
	char		*user;
	char		*password_file;	/* NULL: none */
	char		*ca_file;	/* NULL: system CAs */
	char		*tls_pin;	/* NULL: none */
	char		*mailbox;
	char		*processed_mailbox;
	char		*quarantine_mailbox;
	int		 poll_interval;	/* seconds */
};

struct vconf_smtp {
	enum vconf_transport transport;
	char		*host;
	int		 port;
	enum vconf_tls	 tls;
	char		*user;		/* NULL: no authentication */
	char		*password_file;	/* NULL: none */
	char		*ca_file;	/* NULL: system CAs */
	char		*tls_pin;	/* NULL: none */
	char		*sendmail_path;
};

/* A loaded configuration; owned by the caller, freed with vconf_free. */
struct vconf {
	char		*path;		/* the file it came from */
	char		*address;
	char		*database;
	char		*gnupghome;
	char		*desk_fingerprint;	/* "" or 40 upper-case hex */
	char		*id_format;
	char		*single_vendor_id_format;
	char		*timezone;
	GTimeZone	*tz;
	int		 default_embargo_days;
	int		 followup_days;
	int		 remind_days[VCONF_MAX_REMIND];
	int		 n_remind_days;
	int		 unreachable_after_days;
	int		 auto_disclose;
	int		 auto_publish;
	char		*templates_dir;
	char		*publish_dir;
	char		*announce_address;
	uint64_t	 max_message_size;	/* bytes */
	int64_t		 command_max_age;	/* seconds */
	char		**coordinators;	/* NULL-terminated fingerprints */
	struct vconf_imap imap;
	struct vconf_smtp smtp;
};

/* The file to read: explicit_path, else $VULTURE_CONFIG, else
 * SYSCONFDIR/vulture/vultured.conf. g_free the result. */
char	*vconf_locate(const char *explicit_path);

/*
 * Loads path. 0 and *conf_r on success; -1 with every problem appended to
 * errors (g_free'd strings, "file:line: message") otherwise, and
 * *temporary_r (if not NULL) set when the file could not be read at all
 * (a retryable condition for deliver).
 */
int	 vconf_load(const char *path, struct vconf **conf_r, GPtrArray *errors,
	    int *temporary_r);
/* Frees *conf and sets it to NULL; NULL-safe. */
void	 vconf_free(struct vconf **conf);

/* "30s", "5m", "12h", "7d", "2w" or plain seconds. */
int	 vconf_parse_duration(const char *s, int64_t *secs_r);
/* Bytes with an optional K, M, G (KiB, MB, ...) suffix. */
int	 vconf_parse_size(const char *s, uint64_t *bytes_r);
/* 40 hex digits (blanks and a 0x prefix allowed) into upper case. */
int	 vconf_parse_fingerprint(const char *s, char out[41]);
/* 1 if s looks like local@domain.tld with no specials. */
int	 vconf_valid_address(const char *s);
/* The first line of a secret file, refused if group/other may read it. */
char	*vconf_read_secret(const char *path, char **error_r);
/* "group.key\n" for every key of the settings table (g_free). */
char	*vconf_keys_dump(void);

#endif
