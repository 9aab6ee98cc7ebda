/* log.c: Redis-style log lines ("pid:M 24 Nov 2026 10:00:00.123 * text"). */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int min_level = LOG_NOTICE;
static int out_fd = 2;

static const char *names[] = {"debug", "verbose", "notice", "warning"};

int log_open(int level, const char *path)
{
    min_level = level;
    if (path && *path) {
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0)
            return -1;
        if (out_fd != 2)
            close(out_fd);
        out_fd = fd;
    }
    return 0;
}

void log_set_level(int level)
{
    min_level = level;
}

int log_level(void)
{
    return min_level;
}

int log_fd(void)
{
    return out_fd;
}

int log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcasecmp(name, names[i]) == 0)
            return i;
    return -1;
}

const char *log_level_name(int level)
{
    return (level >= 0 && level < 4) ? names[level] : "notice";
}

void log_vmsg(int level, const char *prefix, const char *fmt, va_list ap)
{
    if (level < min_level)
        return;
    char line[8192];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    size_t off = (size_t)snprintf(line, sizeof line, "%d:M ", (int)getpid());
    off += strftime(line + off, sizeof line - off, "%d %b %Y %H:%M:%S", &tm);
    off += (size_t)snprintf(line + off, sizeof line - off, ".%03d %c %s", (int)(tv.tv_usec / 1000),
                            ".-*#"[level & 3], prefix ? prefix : "");
    if (off < sizeof line)
        off += (size_t)vsnprintf(line + off, sizeof line - off, fmt, ap);
    if (off > sizeof line - 2)
        off = sizeof line - 2;
    line[off++] = '\n';
    ssize_t w = write(out_fd, line, off);
    (void)w;
}

void log_msg(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, NULL, fmt, ap);
    va_end(ap);
}

void log_raw_fd(const char *s)
{
    ssize_t w = write(out_fd, s, strlen(s));
    (void)w;
}
