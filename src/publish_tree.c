/*
 * publish_tree: the publication site written to disk, the only I/O of
 * publication (see vulture/publish_tree.h).  What goes into each file is
 * pub_site_render()'s; this file makes directories, writes and fsync()s
 * files, and swaps the site link.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulture/publish_tree.h"

#define PUB_SITE	"site"		/* the link readers resolve */
#define PUB_TMP_PREFIX	".tmp-"
#define PUB_VER_PREFIX	"v-"

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* Removes path and everything below it, without following links. */
static int
rm_tree(const char *path)
{
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int
fsync_path(const char *path, char **error_r)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0) {
		*error_r = g_strdup_printf("fsync %s: %s", path,
		    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Writes a new file; it is fsync()ed so that the rename that publishes
 * it can never expose an empty file after a crash. */
static int
write_file(const char *path, const GString *s, char **error_r)
{
	const char *p = s->str;
	size_t left = s->len;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		p += n;
		left -= (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	*error_r = g_strdup_printf("write %s: %s", path, g_strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
make_dir(const char *path, char **error_r)
{
	if (mkdir(path, 0755) < 0) {
		*error_r = g_strdup_printf("mkdir %s: %s", path,
		    g_strerror(errno));
		return -1;
	}
	return 0;
}


/* One site being written under root. */
struct tree {
	const char *root;	/* foreign */
	GPtrArray *dirs;	/* owned: the directories made, to fsync */
};

/* pub_emit_fn: makes the directory, or writes the file (and its alias:
 * a hard link, or a copy on a file system without them). */
static int
tree_emit(void *ctx, const char *rel, const char *alias, GString *out,
    char **error_r)
{
	struct tree *t = ctx;
	char *path = g_build_filename(t->root, rel, NULL);
	int r;

	if (out == NULL) {
		if (make_dir(path, error_r) < 0) {
			g_free(path);
			return -1;
		}
		g_ptr_array_add(t->dirs, path);
		return 0;
	}
	r = write_file(path, out, error_r);
	if (r == 0 && alias != NULL) {
		char *dir = g_path_get_dirname(path);
		char *to = g_build_filename(dir, alias, NULL);

		r = link(path, to) == 0 ? 0 : write_file(to, out, error_r);
		g_free(to);
		g_free(dir);
	}
	g_string_free(out, TRUE);
	g_free(path);
	return r;
}

/* Writes the site into root and fsync()s every directory of it, deepest
 * first, so that the rename publishing root exposes it whole. */
static int
write_site(const char *root, const struct pub_case *const *cases, size_t n,
    const struct pub_desk *desk, char **error_r)
{
	struct tree t = { root, g_ptr_array_new_with_free_func(g_free) };
	guint i;
	int r = -1;

	if (pub_site_render(cases, n, desk, tree_emit, &t, error_r) < 0)
		goto done;
	for (i = t.dirs->len; i > 0; i--)
		if (fsync_path(t.dirs->pdata[i - 1], error_r) < 0)
			goto done;
	if (fsync_path(root, error_r) < 0)
		goto done;
	r = 0;
done:
	g_ptr_array_free(t.dirs, TRUE);
	return r;
}

/* Removes version directories other than keep1 and keep2, and temporary
 * directories left by a writer that died (we hold the lock, so no live
 * writer owns one).  Failures only leave garbage behind; not fatal. */
static void
sweep(const char *dir, const char *keep1, const char *keep2)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *p;

		if (!g_str_has_prefix(e->d_name, PUB_VER_PREFIX) &&
		    !g_str_has_prefix(e->d_name, PUB_TMP_PREFIX))
			continue;
		if ((keep1 != NULL && strcmp(e->d_name, keep1) == 0) ||
		    (keep2 != NULL && strcmp(e->d_name, keep2) == 0))
			continue;
		p = g_build_filename(dir, e->d_name, NULL);
		(void)rm_tree(p);
		g_free(p);
	}
	closedir(d);
}

int
pub_write_tree(const char *dir, const struct pub_case *const *cases,
    size_t n, const struct pub_desk *desk, char **error_r)
{
	struct stat st;
	char *lock = NULL, *site = NULL, *old = NULL, *tmp = NULL;
	char *ver = NULL, *ver_path = NULL, *link_path = NULL;
	int lock_fd = -1, r = -1;

	if (dir == NULL) {
		*error_r = g_strdup("no publish directory");
		return -1;
	}
	if (stat(dir, &st) < 0) {
		*error_r = g_strdup_printf("publish directory %s: %s", dir,
		    g_strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*error_r = g_strdup_printf("publish directory %s: not a "
		    "directory", dir);
		return -1;
	}
	/* Everything is checked before anything is written. */
	if (pub_site_check(cases, n, error_r) < 0)
		goto done;

	lock = g_build_filename(dir, ".lock", NULL);
	lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX) < 0) {
		*error_r = g_strdup_printf("lock %s: %s", lock,
		    g_strerror(errno));
		goto done;
	}
	site = g_build_filename(dir, PUB_SITE, NULL);
	if (lstat(site, &st) == 0) {
		if (!S_ISLNK(st.st_mode)) {
			*error_r = g_strdup_printf("%s exists and is not a "
			    "symbolic link; refusing to replace it", site);
			goto done;
		}
		old = g_file_read_link(site, NULL);
	} else if (errno != ENOENT) {
		*error_r = g_strdup_printf("%s: %s", site, g_strerror(errno));
		goto done;
	}
	sweep(dir, old, NULL);

	tmp = g_build_filename(dir, PUB_TMP_PREFIX "XXXXXX", NULL);
	if (g_mkdtemp_full(tmp, 0755) == NULL) {
		*error_r = g_strdup_printf("mkdtemp %s: %s", tmp,
		    g_strerror(errno));
		g_free(tmp);
		tmp = NULL;
		goto done;
	}
	if (write_site(tmp, cases, n, desk, error_r) < 0)
		goto done;

	/* The version takes the random part of the temporary name, which
	 * mkdtemp made unique among the .tmp-* names; a stale v-* of the
	 * same name (not the live one: sweep() spared only that) is gone. */
	ver = g_strconcat(PUB_VER_PREFIX,
	    strrchr(tmp, '/') + 1 + strlen(PUB_TMP_PREFIX), NULL);
	if (old != NULL && strcmp(old, ver) == 0) {
		*error_r = g_strdup_printf("%s: version name %s is live",
		    dir, ver);
		goto done;
	}
	ver_path = g_build_filename(dir, ver, NULL);
	if (rename(tmp, ver_path) < 0) {
		*error_r = g_strdup_printf("rename %s to %s: %s", tmp,
		    ver_path, g_strerror(errno));
		goto done;
	}
	g_free(tmp);
	tmp = NULL;
	link_path = g_strconcat(ver_path, ".link", NULL);
	(void)unlink(link_path);
	/* A relative target keeps the tree movable. */
	if (symlink(ver, link_path) < 0 || rename(link_path, site) < 0) {
		*error_r = g_strdup_printf("swap %s to %s: %s", site, ver,
		    g_strerror(errno));
		(void)unlink(link_path);
		(void)rm_tree(ver_path);
		goto done;
	}
	if (fsync_path(dir, error_r) < 0)
		goto done;	/* the new site is live, maybe not durable */
	/* The previous version stays for readers that resolved the link
	 * just before the swap. */
	sweep(dir, ver, old);
	r = 0;
done:
	if (tmp != NULL) {
		(void)rm_tree(tmp);
		g_free(tmp);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	g_free(lock);
	g_free(site);
	g_free(old);
	g_free(ver);
	g_free(ver_path);
	g_free(link_path);
	return r;
}

