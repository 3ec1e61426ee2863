/* spill: memory while small, an unlinked file once large. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulture/spill.h"

struct spill {
	char		*dir;		/* owned */
	size_t		 cap;
	size_t		 mem_max;
	char		*mem;		/* owned: mem_max bytes, or NULL */
	size_t		 len;
	int		 fd;		/* -1 while in memory */
	int		 over;
	GPtrArray	*wrappers;	/* owned: GByteArray views on mem
					   handed to streams, never owning */
};

struct spill *
spill_new(const char *dir, size_t cap, size_t mem_max)
{
	struct spill *sp = g_new0(struct spill, 1);

	sp->dir = g_strdup(dir ? dir : g_get_tmp_dir());
	sp->cap = cap ? cap : SIZE_MAX;
	sp->mem_max = mem_max ? mem_max : SPILL_MEM_MAX;
	if (sp->mem_max > G_MAXUINT)
		sp->mem_max = G_MAXUINT;	/* GByteArray's length */
	sp->fd = -1;
	return sp;
}

size_t
spill_len(const struct spill *sp)
{
	return sp->len;
}

int
spill_over(const struct spill *sp)
{
	return sp->over;
}

int
spill_on_disk(const struct spill *sp)
{
	return sp->fd >= 0;
}

void
spill_zfree(char *buf, size_t len)
{
	if (buf == NULL)
		return;
	explicit_bzero(buf, len);
	g_free(buf);
}

static int
full_write(int fd, const char *p, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* The file: nameless where the kernel allows it, else made and unlinked
 * at once. Mode 0600 either way: it may hold plaintext. */
int
spill_tmpfile(const char *dir, char **error_r)
{
	int fd;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL &&
	    errno != ENOENT) {
		if (error_r)
			*error_r = g_strdup_printf("spill file in %s: %s",
			    dir, g_strerror(errno));
		return -1;
	}
#endif
	{
		char *path = g_build_filename(dir, "vulture-spill-XXXXXX",
		    NULL);

		fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (error_r)
				*error_r = g_strdup_printf("spill file in "
				    "%s: %s", dir, g_strerror(errno));
			g_free(path);
			return -1;
		}
		(void)unlink(path);
		g_free(path);
	}
	return fd;
}

static int
open_file(struct spill *sp, char **error_r)
{
	return spill_tmpfile(sp->dir, error_r);
}

int
spill_write(struct spill *sp, const void *buf, size_t len, char **error_r)
{
	if (sp->over || len > sp->cap - sp->len) {
		sp->over = 1;
		return SPILL_OVER;
	}
	if (len == 0)
		return SPILL_OK;
	if (sp->fd < 0 && sp->len + len <= sp->mem_max) {
		/* Allocated at full size once: no reallocation leaves a
		 * copy behind, and untouched pages cost nothing. */
		if (sp->mem == NULL)
			sp->mem = g_malloc(sp->mem_max);
		memcpy(sp->mem + sp->len, buf, len);
		sp->len += len;
		return SPILL_OK;
	}
	if (sp->fd < 0) {
		if ((sp->fd = open_file(sp, error_r)) < 0)
			return SPILL_ERROR;
		if (sp->len > 0 && full_write(sp->fd, sp->mem, sp->len, 0) < 0)
			goto fail;
		if (sp->mem != NULL)
			explicit_bzero(sp->mem, sp->len);
	}
	if (full_write(sp->fd, buf, len, (off_t)sp->len) < 0)
		goto fail;
	sp->len += len;
	return SPILL_OK;
fail:
	if (error_r)
		*error_r = g_strdup_printf("spill file in %s: %s", sp->dir,
		    g_strerror(errno));
	return SPILL_ERROR;
}

/* A mem stream reading buf in place (new_with_buffer would copy: a 30 MB
 * message held twice), over a GByteArray that does not own buf; *a_r (may
 * be NULL) gets that array, which the stream does not free. */
static GMimeStream *
view(const char *buf, size_t len, GByteArray **a_r)
{
	GByteArray *a = g_byte_array_new_take((guint8 *)buf, len);
	GMimeStream *s = g_mime_stream_mem_new_with_byte_array(a);

	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s), FALSE);
	if (a_r != NULL)
		*a_r = a;
	return s;
}

GMimeStream *
spill_stream(struct spill *sp, char **error_r)
{
	GMimeStream *s;
	char path[64];
	int fd;

	if (sp->fd < 0) {
		GByteArray *a;

		if (sp->mem == NULL)
			sp->mem = g_malloc(sp->mem_max);
		/* The view outlives the stream (released with the spill):
		 * callers just unref the stream. */
		s = view(sp->mem, sp->len, &a);
		if (sp->wrappers == NULL)
			sp->wrappers = g_ptr_array_new();
		g_ptr_array_add(sp->wrappers, a);
		return s;
	}
	/* An open file description of its own, so that two readers (or a
	 * reader and the writer) never share a file offset. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", sp->fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = fcntl(sp->fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0) {
		if (error_r)
			*error_r = g_strdup_printf("spill file: %s",
			    g_strerror(errno));
		return NULL;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		if (error_r)
			*error_r = g_strdup_printf("spill file: %s",
			    g_strerror(errno));
		close(fd);
		return NULL;
	}
	s = g_mime_stream_fs_new_with_bounds(fd, 0, (gint64)sp->len);
	return s;
}

int
spill_from_stream(struct spill *sp, GMimeStream *src, char **error_r)
{
	char buf[65536];
	ssize_t n;
	int rc;

	while ((n = spill_read(src, buf, sizeof(buf))) > 0) {
		if ((rc = spill_write(sp, buf, (size_t)n, error_r)) !=
		    SPILL_OK) {
			explicit_bzero(buf, sizeof(buf));
			return rc;
		}
	}
	explicit_bzero(buf, sizeof(buf));
	if (n < 0) {
		if (error_r)
			*error_r = g_strdup("reading the source failed");
		return SPILL_ERROR;
	}
	return SPILL_OK;
}

char *
spill_dup(struct spill *sp, size_t *len_r, char **error_r)
{
	char *out = g_malloc(sp->len + 1);
	size_t got = 0;

	*len_r = 0;
	if (sp->fd < 0) {
		if (sp->len)
			memcpy(out, sp->mem, sp->len);
		got = sp->len;
	}
	while (got < sp->len) {
		ssize_t n = pread(sp->fd, out + got, sp->len - got,
		    (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (error_r)
				*error_r = g_strdup_printf("spill file: %s",
				    n < 0 ? g_strerror(errno) :
				    "shorter than written");
			spill_zfree(out, got);
			return NULL;
		}
		got += (size_t)n;
	}
	out[got] = '\0';
	*len_r = got;
	return out;
}

ssize_t
spill_read(GMimeStream *s, char *buf, size_t n)
{
	ssize_t r = g_mime_stream_read(s, buf, n);

	if (r < 0 && g_mime_stream_eos(s))
		return 0;
	return r;
}

GMimeStream *
spill_view(const char *buf, size_t len)
{
	if (len > G_MAXUINT)
		return g_mime_stream_mem_new_with_buffer(buf, len);
	return view(buf, len, NULL);
}

void
spill_view_release(GMimeStream *s)
{
	GByteArray *a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	int owner = g_mime_stream_mem_get_owner(GMIME_STREAM_MEM(s));

	g_object_unref(s);
	if (a != NULL && !owner) {
		(void)g_byte_array_steal(a, NULL);
		g_byte_array_unref(a);
	}
}

void
spill_free(struct spill **spp)
{
	struct spill *sp;
	guint i;

	if (spp == NULL || (sp = *spp) == NULL)
		return;
	if (sp->wrappers != NULL) {
		for (i = 0; i < sp->wrappers->len; i++) {
			GByteArray *a = sp->wrappers->pdata[i];

			(void)g_byte_array_steal(a, NULL);
			g_byte_array_unref(a);
		}
		g_ptr_array_unref(sp->wrappers);
	}
	if (sp->mem != NULL) {
		explicit_bzero(sp->mem, sp->fd < 0 ? sp->len : 0);
		g_free(sp->mem);
	}
	if (sp->fd >= 0) {
		/* Drops the blocks at once; the description closes with
		 * the last reader (which frees them anyway if this fails:
		 * nothing to do then; (void) does not quiet
		 * _FORTIFY_SOURCE's warn_unused_result). */
		if (ftruncate(sp->fd, 0) != 0) {
		}
		close(sp->fd);
	}
	g_free(sp->dir);
	g_free(sp);
	*spp = NULL;
}
