/*
 * ctl_admin.c: vulturectl backup and restore.
 *
 * A backup is a directory: the database (a snapshot by SQLite's online
 * backup, taken while vultured runs), the desk's GnuPG home, the
 * configuration file and the templates, and a MANIFEST naming every file
 * with its SHA-256 and size. restore checks all of it before it writes
 * anything, and never writes over a desk that exists.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "ctl_p.h"
#include "vulture/keys.h"
#include "vulture/store.h"
#include "vulture/vtime.h"

#define MANIFEST_NAME "MANIFEST"
#define MANIFEST_MAGIC "vulture-backup 1"
#define MANIFEST_MAX (16 * 1024 * 1024)	/* bytes of a manifest */
#define BACKUP_MAX_FILES 100000		/* files in a backup */
#define BACKUP_MAX_DEPTH 8		/* directory levels copied */

struct bk {
	GString *manifest;	/* owned */
	unsigned files;
	char *error;		/* owned: the first failure */
};

/* Names in a GnuPG home that are the running agent's, not the desk's. */
static int
gnupg_transient(const char *name)
{
	return g_str_has_prefix(name, "S.") || g_str_has_prefix(name,
	    ".#lk") || g_str_has_suffix(name, ".lock") ||
	    strcmp(name, "random_seed") == 0;
}

/* A relative path of a manifest: no absolute path, no "..", no empty or
 * "." component, nothing that would split a manifest line. */
static int
safe_rel(const char *rel)
{
	gchar **parts;
	int ok = 1, i;

	if (rel[0] == '\0' || rel[0] == '/' || strpbrk(rel, "\n\r\\") != NULL)
		return 0;
	parts = g_strsplit(rel, "/", -1);
	for (i = 0; parts[i] != NULL; i++)
		if (parts[i][0] == '\0' || strcmp(parts[i], ".") == 0 ||
		    strcmp(parts[i], "..") == 0)
			ok = 0;
	g_strfreev(parts);
	return ok;
}

/* Copies src to dst (created exclusively with mode), fsync()ed; the
 * SHA-256 of what was copied in hex_r (65 bytes) and its size. */
static int
copy_file(const char *src, const char *dst, mode_t mode, char *hex_r,
    guint64 *size_r, char **error_r)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	char buf[65536];
	int in = -1, out = -1, r = -1;
	guint64 size = 0;
	ssize_t n;

	if ((in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		*error_r = g_strdup_printf("%s: %s", src, g_strerror(errno));
		goto out;
	}
	if (dst != NULL && (out = open(dst, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, mode)) == -1) {
		*error_r = g_strdup_printf("%s: %s", dst, g_strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		ssize_t w, done = 0;

		if (n == -1) {
			if (errno == EINTR)
				continue;
			*error_r = g_strdup_printf("%s: %s", src,
			    g_strerror(errno));
			goto out;
		}
		g_checksum_update(sum, (const guchar *)buf, n);
		size += (guint64)n;
		while (out != -1 && done < n) {
			if ((w = write(out, buf + done, n - done)) == -1) {
				if (errno == EINTR)
					continue;
				*error_r = g_strdup_printf("%s: %s", dst,
				    g_strerror(errno));
				goto out;
			}
			done += w;
		}
	}
	if (out != -1 && fsync(out) == -1) {
		*error_r = g_strdup_printf("%s: %s", dst, g_strerror(errno));
		goto out;
	}
	g_strlcpy(hex_r, g_checksum_get_string(sum), 65);
	*size_r = size;
	r = 0;
out:
	if (in != -1)
		close(in);
	if (out != -1 && close(out) == -1 && r == 0) {
		*error_r = g_strdup_printf("%s: %s", dst, g_strerror(errno));
		r = -1;
	}
	g_checksum_free(sum);
	return r;
}

static int
note_file(struct bk *b, const char *src, const char *root, const char *rel)
{
	char hex[65];
	guint64 size;
	char *dst = g_build_filename(root, rel, NULL);
	int r;

	if (!safe_rel(rel)) {
		b->error = g_strdup_printf("%s: a name a manifest cannot "
		    "hold", src);
		g_free(dst);
		return -1;
	}
	if (++b->files > BACKUP_MAX_FILES) {
		b->error = g_strdup_printf("more than %d files",
		    BACKUP_MAX_FILES);
		g_free(dst);
		return -1;
	}
	r = copy_file(src, dst, 0600, hex, &size, &b->error);
	if (r == 0)
		g_string_append_printf(b->manifest, "%s %" G_GUINT64_FORMAT
		    " %s\n", hex, size, rel);
	g_free(dst);
	return r;
}

/* Copies the regular files and directories under src into root/rel
 * (directories 0700, files 0600), noting each file; skips sockets,
 * links and, with skip, transient names. */
static int
copy_tree(struct bk *b, const char *src, const char *root, const char *rel,
    int (*skip)(const char *), int depth)
{
	GError *gerr = NULL;
	GDir *d;
	const char *name;
	char *dst = g_build_filename(root, rel, NULL);
	int r = 0;

	if (depth > BACKUP_MAX_DEPTH) {
		b->error = g_strdup_printf("%s: deeper than %d levels", src,
		    BACKUP_MAX_DEPTH);
		g_free(dst);
		return -1;
	}
	if (mkdir(dst, 0700) == -1) {
		b->error = g_strdup_printf("%s: %s", dst, g_strerror(errno));
		g_free(dst);
		return -1;
	}
	g_free(dst);
	if ((d = g_dir_open(src, 0, &gerr)) == NULL) {
		b->error = g_strdup(gerr->message);
		g_error_free(gerr);
		return -1;
	}
	while (r == 0 && (name = g_dir_read_name(d)) != NULL) {
		char *path = g_build_filename(src, name, NULL);
		char *sub = g_strconcat(rel, "/", name, NULL);
		struct stat st;

		if (skip != NULL && skip(name))
			;
		else if (lstat(path, &st) == -1) {
			b->error = g_strdup_printf("%s: %s", path,
			    g_strerror(errno));
			r = -1;
		} else if (S_ISDIR(st.st_mode))
			r = copy_tree(b, path, root, sub, skip, depth + 1);
		else if (S_ISREG(st.st_mode))
			r = note_file(b, path, root, sub);
		g_free(sub);
		g_free(path);
	}
	g_dir_close(d);
	return r;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

static int
cmd_backup(struct ctl *c, const char *dir)
{
	struct bk b = { g_string_new(NULL), 0, NULL };
	char fpr[41] = "", hex[65], *db = NULL, *err = NULL, *path = NULL;
	char *tmp = NULL, *when = NULL;
	guint64 size;
	GDir *d;
	int rc;

	if ((rc = ctl_load(c, 1, 1)) != 0)
		goto done;
	/* A new directory, or an empty one (a mount point): never mixed
	 * with an older backup's files. */
	if (mkdir(dir, 0700) == -1) {
		if (errno != EEXIST || (d = g_dir_open(dir, 0, NULL)) ==
		    NULL) {
			rc = ctl_fail("backup: %s: %s", dir,
			    g_strerror(errno));
			goto done;
		}
		rc = g_dir_read_name(d) != NULL;
		g_dir_close(d);
		if (rc) {
			rc = ctl_fail("backup: %s is not empty", dir);
			goto done;
		}
	}
	if (vkeys_find_desk(c->keys, c->conf->address,
	    c->conf->desk_fingerprint, fpr, &err) == -1) {
		rc = ctl_fail("backup: desk key: %s", err);
		goto done;
	}
	db = g_build_filename(dir, "vulture.db", NULL);
	if ((rc = store_backup(c->st, db, &err)) != STORE_OK) {
		rc = ctl_store_fail(rc, err);
		err = NULL;
		goto done;
	}
	if (copy_file(db, NULL, 0, hex, &size, &err) == -1) {
		rc = ctl_fail("backup: %s", err);
		goto done;
	}
	g_string_append_printf(b.manifest, "%s %" G_GUINT64_FORMAT
	    " vulture.db\n", hex, size);
	if (copy_tree(&b, c->conf->gnupghome, dir, "gnupg", gnupg_transient,
	    0) == -1 || note_file(&b, c->conf->path, dir, "vultured.conf") ==
	    -1 || copy_tree(&b, c->conf->templates_dir, dir, "templates",
	    NULL, 0) == -1) {
		rc = ctl_fail("backup: %s", b.error);
		goto done;
	}
	when = vtime_format(vtime_now(), NULL);
	path = g_build_filename(dir, MANIFEST_NAME, NULL);
	tmp = g_strconcat(path, ".tmp", NULL);
	{
		char *head = g_strdup_printf(MANIFEST_MAGIC "\nversion %s\n"
		    "created %s\nschema %d\ndesk %s\n", PACKAGE_VERSION, when,
		    store_user_version(c->st), fpr);

		g_string_prepend(b.manifest, head);
		g_free(head);
	}
	/* The manifest last, renamed into place: a backup interrupted
	 * before it is visibly incomplete. */
	if (!g_file_set_contents(tmp, b.manifest->str, b.manifest->len,
	    NULL) || chmod(tmp, 0600) == -1 || rename(tmp, path) == -1 ||
	    fsync_dir(dir) == -1) {
		rc = ctl_fail("backup: %s: %s", path, g_strerror(errno));
		goto done;
	}
	ctl_printf("backup %s: database (schema %d), GnuPG home, "
	    "configuration, templates: %u files; desk key %s\n", dir,
	    store_user_version(c->st), b.files + 1, fpr);
	ctl_printf("not included: the password files named in the "
	    "configuration (keep them with your other secrets)\n");
	rc = 0;
done:
	g_free(err);
	g_free(b.error);
	g_string_free(b.manifest, TRUE);
	g_free(db);
	g_free(path);
	g_free(tmp);
	g_free(when);
	return rc;
}

/* Reads and checks dir's manifest: every file is there with its hash and
 * size. Fills files (of char *, rel paths) and *desk_r. */
static int
check_manifest(const char *dir, GPtrArray *files, char **desk_r,
    int *schema_r, char **error_r)
{
	char *path = g_build_filename(dir, MANIFEST_NAME, NULL), *text = NULL;
	gsize len;
	gchar **lines = NULL;
	GError *gerr = NULL;
	int r = -1, i, in_head = 1;
	unsigned bad = 0;

	*schema_r = -1;
	if (!g_file_get_contents(path, &text, &len, &gerr)) {
		*error_r = g_strdup_printf("%s (an incomplete backup?)",
		    gerr->message);
		g_error_free(gerr);
		goto out;
	}
	if (len > MANIFEST_MAX || !g_str_has_prefix(text, MANIFEST_MAGIC
	    "\n")) {
		*error_r = g_strdup_printf("%s: not a vulture backup "
		    "manifest", path);
		goto out;
	}
	lines = g_strsplit(text, "\n", -1);
	for (i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++) {
		char *l = lines[i], *sp1, *sp2, *file, hex[65];
		guint64 size, want;

		if (in_head && g_str_has_prefix(l, "desk ")) {
			g_free(*desk_r);
			*desk_r = g_strdup(l + 5);
			continue;
		}
		if (in_head && g_str_has_prefix(l, "schema ")) {
			*schema_r = atoi(l + 7);
			continue;
		}
		if (in_head && (g_str_has_prefix(l, "version ") ||
		    g_str_has_prefix(l, "created ")))
			continue;
		in_head = 0;
		if (strlen(l) < 68 || l[64] != ' ' ||
		    (sp2 = strchr((sp1 = l + 64) + 1, ' ')) == NULL ||
		    !safe_rel(sp2 + 1)) {
			*error_r = g_strdup_printf("%s:%d: not a manifest "
			    "line", path, i + 1);
			goto out;
		}
		*sp1 = '\0';
		want = g_ascii_strtoull(sp1 + 1, NULL, 10);
		file = g_build_filename(dir, sp2 + 1, NULL);
		if (copy_file(file, NULL, 0, hex, &size, error_r) == -1) {
			g_free(file);
			goto out;
		}
		g_free(file);
		if (size != want || strcmp(hex, l) != 0) {
			ctl_printf("%s: %s differs from the manifest\n", dir,
			    sp2 + 1);
			bad++;
		}
		g_ptr_array_add(files, g_strdup(sp2 + 1));
	}
	if (bad > 0) {
		*error_r = g_strdup_printf("%s: %u file%s changed since the "
		    "backup", dir, bad, bad == 1 ? "" : "s");
		goto out;
	}
	if (*desk_r == NULL || *schema_r < 0) {
		*error_r = g_strdup_printf("%s: the manifest lacks its desk or "
		    "schema line", path);
		goto out;
	}
	r = 0;
out:
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return r;
}

static int
empty_or_absent(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	int empty;

	if (d == NULL)
		return !g_file_test(dir, G_FILE_TEST_EXISTS);
	empty = g_dir_read_name(d) == NULL;
	g_dir_close(d);
	return empty;
}

/* Copies the files of the manifest under prefix (checked by
 * check_manifest) from dir into to, directories made 0700: a file put in
 * the backup after it was made, and so not in its manifest, is never
 * restored (a planted gpg.conf or key would otherwise come along). */
static int
restore_listed(GPtrArray *files, const char *dir, const char *prefix,
    const char *to, char **error_r)
{
	size_t plen = strlen(prefix);
	char hex[65];
	guint64 size;
	guint i;

	if (g_mkdir_with_parents(to, 0700) == -1) {
		*error_r = g_strdup_printf("%s: %s", to, g_strerror(errno));
		return -1;
	}
	for (i = 0; i < files->len; i++) {
		const char *rel = files->pdata[i];
		char *src, *dst, *parent;
		int r;

		if (strncmp(rel, prefix, plen) != 0)
			continue;
		src = g_build_filename(dir, rel, NULL);
		dst = g_build_filename(to, rel + plen, NULL);
		parent = g_path_get_dirname(dst);
		r = g_mkdir_with_parents(parent, 0700) == -1 ? -1 : 0;
		if (r == -1)
			*error_r = g_strdup_printf("%s: %s", parent,
			    g_strerror(errno));
		else
			r = copy_file(src, dst, 0600, hex, &size, error_r);
		g_free(parent);
		g_free(src);
		g_free(dst);
		if (r == -1)
			return -1;
	}
	return 0;
}

static int
cmd_restore(struct ctl *c, const char *dir)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	char *desk = NULL, *err = NULL, *src = NULL, *wal = NULL;
	char *dbdir = NULL, fpr[41], hex[65];
	guint64 size;
	int rc, schema, have;

	if ((rc = ctl_load(c, 0, 0)) != 0)
		goto done;
	/* Everything is checked before anything is written. */
	if (check_manifest(dir, files, &desk, &schema, &err) == -1) {
		rc = ctl_fail("restore: %s", err);
		goto done;
	}
	src = g_build_filename(dir, "vulture.db", NULL);
	if (store_check_file(src, &have, &err) != STORE_OK) {
		rc = ctl_fail("restore: %s", err);
		goto done;
	}
	wal = g_strconcat(c->conf->database, "-wal", NULL);
	if (g_file_test(c->conf->database, G_FILE_TEST_EXISTS) ||
	    g_file_test(wal, G_FILE_TEST_EXISTS)) {
		rc = ctl_fail("restore: %s exists: restore makes a desk anew "
		    "and never writes over one (move it away first)",
		    c->conf->database);
		goto done;
	}
	if (!empty_or_absent(c->conf->gnupghome)) {
		rc = ctl_fail("restore: %s is not empty: restore makes a desk "
		    "anew (move it away first)", c->conf->gnupghome);
		goto done;
	}
	dbdir = g_path_get_dirname(c->conf->database);
	if (g_mkdir_with_parents(dbdir, 0750) == -1 ||
	    copy_file(src, c->conf->database, 0600, hex, &size, &err) == -1) {
		rc = ctl_fail("restore: %s", err != NULL ? err :
		    g_strerror(errno));
		goto done;
	}
	(void)rmdir(c->conf->gnupghome);	/* empty: made anew below */
	if (restore_listed(files, dir, "gnupg/", c->conf->gnupghome,
	    &err) == -1) {
		rc = ctl_fail("restore: %s", err);
		goto done;
	}
	/* Opening brings an older schema up to date (as on any open). */
	if ((rc = store_open(c->conf->database, 0, &c->st, &err)) !=
	    STORE_OK) {
		rc = ctl_store_fail(rc, err);
		err = NULL;
		goto done;
	}
	if ((rc = vkeys_open(c->conf->gnupghome, &c->keys, &err)) == -1 ||
	    vkeys_find_desk(c->keys, c->conf->address,
	    c->conf->desk_fingerprint, fpr, &err) == -1) {
		rc = ctl_fail("restore: desk key: %s", err);
		goto done;
	}
	if (strcmp(fpr, desk) != 0) {
		rc = ctl_fail("restore: the configuration finds desk key %s, "
		    "the backup was made with %s", fpr, desk);
		goto done;
	}
	if (have == store_user_version(c->st))
		ctl_printf("restored %s: database (schema %d), GnuPG home "
		    "(desk key %s)\n", dir, have, fpr);
	else
		ctl_printf("restored %s: database (schema %d, upgraded to "
		    "%d), GnuPG home (desk key %s)\n", dir, have,
		    store_user_version(c->st), fpr);
	ctl_printf("configuration and templates as they were: %s/vultured.conf,"
	    " %s/templates (compare with %s)\n", dir, dir, c->conf->path);
	rc = 0;
done:
	g_ptr_array_unref(files);
	g_free(desk);
	g_free(err);
	g_free(src);
	g_free(wal);
	g_free(dbdir);
	return rc;
}

int
ctl_admin(struct ctl *c, int argc, char **argv)
{
	if (argc != 2)
		return ctl_usage("%s: which directory?", argv[0]);
	if (strcmp(argv[0], "backup") == 0)
		return cmd_backup(c, argv[1]);
	return cmd_restore(c, argv[1]);
}
