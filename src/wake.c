/* The wake-up FIFO: see wake.h. */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "vulture/wake.h"

char *
wake_path(const struct vconf *conf)
{
	return g_strconcat(conf->database, "-wake", NULL);
}

int
wake_listen(const struct vconf *conf, char **error_r)
{
	char *path = wake_path(conf);
	struct stat sb;
	int fd;

	if (mkfifo(path, 0660) == -1 && errno != EEXIST) {
		*error_r = g_strdup_printf("%s: cannot create: %s", path,
		    g_strerror(errno));
		g_free(path);
		return -1;
	}
	/* Not even opened when something else sits there: opening a
	 * device can have effects of its own. */
	if (lstat(path, &sb) == -1 || !S_ISFIFO(sb.st_mode)) {
		*error_r = g_strdup_printf("%s: exists and is not a FIFO: "
		    "left alone", path);
		g_free(path);
		return -1;
	}
	/* Read-write: a FIFO opened for reading only reports end of file
	 * (readable for ever) once its last writer closes it. */
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW |
	    O_NOCTTY);
	if (fd == -1) {
		*error_r = g_strdup_printf("%s: %s", path, g_strerror(errno));
		g_free(path);
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISFIFO(sb.st_mode)) {
		*error_r = g_strdup_printf("%s: exists and is not a FIFO: "
		    "left alone", path);
		close(fd);
		g_free(path);
		return -1;
	}
	g_free(path);
	return fd;
}

void
wake_drain(int fd)
{
	char buf[256];
	int i;

	/* Bounded: a writer that never stops must not hold the loop; what
	 * is left wakes it again. */
	for (i = 0; i < 64 && read(fd, buf, sizeof(buf)) > 0; i++)
		;
}

int
wake_daemon(const struct vconf *conf, char **why_r)
{
	char *path = wake_path(conf);
	struct stat sb;
	char c = 1;
	int fd, rc = 0;

	if (why_r != NULL)
		*why_r = NULL;
	/* O_NONBLOCK: with no reader the open fails (ENXIO) instead of
	 * waiting for one. O_NOFOLLOW and the check: never write into
	 * whatever else might sit at that name. */
	if (lstat(path, &sb) == -1) {
		if (why_r != NULL)
			*why_r = errno == ENOENT ?
			    g_strdup("vultured is not running") :
			    g_strdup_printf("%s: %s", path, g_strerror(errno));
		goto out;
	}
	if (!S_ISFIFO(sb.st_mode)) {
		if (why_r != NULL)
			*why_r = g_strdup_printf("%s: not a FIFO", path);
		goto out;
	}
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW |
	    O_NOCTTY);
	if (fd == -1) {
		/* ENXIO: no reader. Anything else (EACCES: the FIFO's
		 * mode or group) is the operator's to fix, said as it is. */
		if (why_r != NULL)
			*why_r = errno == ENXIO ?
			    g_strdup("vultured is not running") :
			    g_strdup_printf("%s: %s", path, g_strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode)) {
		/* EAGAIN: the FIFO is full of wake-ups not yet read; one
		 * more adds nothing. */
		if (write(fd, &c, 1) == 1 || errno == EAGAIN)
			rc = 1;
		else if (why_r != NULL)
			*why_r = g_strdup_printf("%s: %s", path,
			    g_strerror(errno));
	}
	close(fd);
out:
	g_free(path);
	return rc;
}
