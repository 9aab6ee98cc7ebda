/* log.h: Redis-style log lines to stderr or a file, filtered by level. */
#ifndef MODIS_LOG_H
#define MODIS_LOG_H

enum { LOG_DEBUG = 0, LOG_VERBOSE, LOG_NOTICE, LOG_WARNING };

/* Sets the minimum level and the destination (NULL or "" = stderr).
 * Returns 0, or -1 when the file cannot be opened (errno set). */
int log_open(int level, const char *path);
void log_set_level(int level);
int log_level(void);
/* Parses "debug|verbose|notice|warning"; -1 when unknown. */
int log_level_parse(const char *name);
const char *log_level_name(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *prefix, const char *fmt, __builtin_va_list ap);
/* Writes raw text to the log with no formatting (async-signal-safe). */
void log_raw_fd(const char *s);
int log_fd(void);

#endif
