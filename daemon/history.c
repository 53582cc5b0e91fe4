/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "history.h"
#include "log.h"

#define HISTORY_FILE "history"
#define ATTEMPT_FILE "attempt"
#define HISTORY_MAGIC "lfa1"
#define HISTORY_FIELDS 13

struct History {
        char *dir;
        char *path;
        char *attempt_path;     /* the attempt in flight */
        int fd;                 /* O_APPEND */
        int attempt_fd;         /* attempt_path, kept: empty when none */
        bool attempt_empty;
        size_t max_entries;
        size_t n_lines;         /* records in the file, for the bound */
        HistoryEntry unsettled; /* found in flight at open */
        bool has_unsettled;
};

void history_entry_done(HistoryEntry *e) {
        if (!e)
                return;
        free(e->name);
        free(e->action);
        free(e->trigger);
        free(e->version_before);
        free(e->version_after);
        free(e->lfa_code);
        free(e->message);
        *e = (HistoryEntry) {};
}

void history_entries_free(HistoryEntry *e, size_t n) {
        for (size_t i = 0; i < n; i++)
                history_entry_done(&e[i]);
        free(e);
}

History *history_free(History *h) {
        if (!h)
                return NULL;
        safe_close(h->fd);
        safe_close(h->attempt_fd);
        history_entry_done(&h->unsettled);
        free(h->dir);
        free(h->path);
        free(h->attempt_path);
        free(h);
        return NULL;
}

/* Tabs and newlines separate fields and records; escape them in values.
 * NULL is written "-", so a literal '-' is escaped too. */
static void append_escaped(FILE *f, const char *s) {
        if (!s) {
                fputc('-', f);
                return;
        }
        for (; *s; s++) {
                switch (*s) {
                case '\t':
                        fputs("\\t", f);
                        break;
                case '\n':
                        fputs("\\n", f);
                        break;
                case '\\':
                        fputs("\\\\", f);
                        break;
                case '-':
                        fputs("\\-", f);
                        break;
                default:
                        fputc(*s, f);
                }
        }
}

int history_entry_format(const HistoryEntry *e, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, HISTORY_MAGIC "\t%s\t", e->uuid);
        append_escaped(f, e->name);
        fputc('\t', f);
        append_escaped(f, e->action);
        fputc('\t', f);
        append_escaped(f, e->trigger);
        fputc('\t', f);
        append_escaped(f, e->version_before);
        fputc('\t', f);
        append_escaped(f, e->version_after);
        fprintf(f, "\t%d\t%" PRIu64 "\t%" PRIu64 "\t%d\t", e->rendezvous ? 1 : 0, e->start, e->duration, e->error);
        append_escaped(f, e->lfa_code);
        fputc('\t', f);
        append_escaped(f, e->message);
        fputc('\n', f);
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}

/* Undo append_escaped() for one field; NULL for "-". */
static int unescape(const char *s, size_t len, char **ret) {
        char *out, *o;

        if (len == 1 && s[0] == '-') {
                *ret = NULL;
                return 0;
        }
        out = o = malloc(len + 1);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];

                if (c == '-')
                        goto bad; /* an unescaped '-' is only NULL */
                if (c == '\\') {
                        if (++i == len)
                                goto bad;
                        switch (s[i]) {
                        case 't':
                                c = '\t';
                                break;
                        case 'n':
                                c = '\n';
                                break;
                        case '\\':
                        case '-':
                                c = s[i];
                                break;
                        default:
                                goto bad;
                        }
                }
                *o++ = c;
        }
        *o = 0;
        *ret = out;
        return 0;
bad:
        free(out);
        return -EBADMSG;
}

static int parse_number(const char *s, size_t len, bool is_signed, int64_t min, int64_t max, int64_t *ret) {
        char buf[32], *end;
        long long v;

        if (len == 0 || len >= sizeof(buf))
                return -EBADMSG;
        memcpy(buf, s, len);
        buf[len] = 0;
        if (!is_signed && buf[0] == '-')
                return -EBADMSG;
        errno = 0;
        v = is_signed ? strtoll(buf, &end, 10) : (long long) strtoull(buf, &end, 10);
        if (errno != 0 || *end != 0 || v < min || v > max)
                return -EBADMSG;
        *ret = v;
        return 0;
}

int history_entry_parse(const char *line, HistoryEntry *ret) {
        HistoryEntry e = {};
        const char *f[HISTORY_FIELDS];
        size_t l[HISTORY_FIELDS], n = 0;
        const char *p = line, *end;
        int64_t v;
        int r;

        end = line + strcspn(line, "\n");
        while (n < HISTORY_FIELDS) {
                const char *t = memchr(p, '\t', (size_t) (end - p));

                f[n] = p;
                l[n] = t ? (size_t) (t - p) : (size_t) (end - p);
                n++;
                if (!t)
                        break;
                p = t + 1;
        }
        if (n != HISTORY_FIELDS || f[HISTORY_FIELDS - 1] + l[HISTORY_FIELDS - 1] != end)
                return -EBADMSG;
        if (l[0] != strlen(HISTORY_MAGIC) || memcmp(f[0], HISTORY_MAGIC, l[0]) != 0)
                return -EBADMSG;
        if (l[1] != 36)
                return -EBADMSG;
        char uuid[UUID_STRING_MAX];
        memcpy(uuid, f[1], 36);
        uuid[36] = 0;
        if (uuid_normalize(uuid, e.uuid) < 0)
                return -EBADMSG;

        if ((r = unescape(f[2], l[2], &e.name)) < 0 ||
            (r = unescape(f[3], l[3], &e.action)) < 0 ||
            (r = unescape(f[4], l[4], &e.trigger)) < 0 ||
            (r = unescape(f[5], l[5], &e.version_before)) < 0 ||
            (r = unescape(f[6], l[6], &e.version_after)) < 0 ||
            (r = unescape(f[11], l[11], &e.lfa_code)) < 0 ||
            (r = unescape(f[12], l[12], &e.message)) < 0)
                goto fail;

        r = -EBADMSG;
        if (l[7] != 1 || (f[7][0] != '0' && f[7][0] != '1'))
                goto fail;
        e.rendezvous = f[7][0] == '1';
        if (parse_number(f[8], l[8], false, 0, INT64_MAX, &v) < 0)
                goto fail;
        e.start = (usec_t) v;
        if (parse_number(f[9], l[9], false, 0, INT64_MAX, &v) < 0)
                goto fail;
        e.duration = (usec_t) v;
        if (parse_number(f[10], l[10], true, -4095, 0, &v) < 0)
                goto fail;
        e.error = (int) v;

        *ret = e;
        return 0;
fail:
        history_entry_done(&e);
        return r;
}

static int read_all(int fd, char **ret, size_t *ret_size) {
        struct stat st;
        char *buf;
        size_t n = 0;

        if (fstat(fd, &st) < 0)
                return -errno;
        buf = malloc((size_t) st.st_size + 1);
        if (!buf)
                return -ENOMEM;
        while (n < (size_t) st.st_size) {
                ssize_t k = pread(fd, buf + n, (size_t) st.st_size - n, (off_t) n);

                if (k < 0) {
                        free(buf);
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        buf[n] = 0;
        *ret = buf;
        *ret_size = n;
        return 0;
}

static size_t count_lines(const char *buf, size_t n) {
        size_t c = 0;

        for (size_t i = 0; i < n; i++)
                if (buf[i] == '\n')
                        c++;
        return c;
}

/* A kill -9 during a write leaves at most a partial last line: cut it. */
static int history_recover(History *h) {
        _cleanup_free_ char *buf = NULL;
        size_t n, keep;
        int r;

        r = read_all(h->fd, &buf, &n);
        if (r < 0)
                return r;
        keep = n;
        while (keep > 0 && buf[keep - 1] != '\n')
                keep--;
        if (keep != n) {
                log_warning("%s: cutting a torn last record (%zu bytes).", h->path, n - keep);
                if (ftruncate(h->fd, (off_t) keep) < 0)
                        return -errno;
                if (fsync(h->fd) < 0)
                        return -errno;
        }
        h->n_lines = count_lines(buf, keep);
        return 0;
}

static int history_load_attempt(History *h);

int history_open(const char *dir, size_t max_entries, History **ret) {
        _cleanup_(history_freep) History *h = NULL;
        int r;

        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        h->fd = h->attempt_fd = -EBADF;
        h->max_entries = max_entries > 0 ? max_entries : HISTORY_MAX_ENTRIES_DEFAULT;
        h->dir = strdup(dir);
        if (!h->dir || asprintf(&h->path, "%s/" HISTORY_FILE, dir) < 0 ||
            asprintf(&h->attempt_path, "%s/" ATTEMPT_FILE, dir) < 0)
                return -ENOMEM;

        /* lfad's alone (clients read it through History()), whatever the
         * umask; a file an older lfad left 0644 is made so too. */
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        h->fd = open(h->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
        if (h->fd < 0)
                return -errno;
        if (fchmod(h->fd, 0600) < 0)
                log_warning_errno(errno, "%s: cannot make it 0600, ignoring: %m", h->path);
        r = history_recover(h);
        if (r < 0)
                return r;
        h->attempt_fd = open(h->attempt_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
        if (h->attempt_fd < 0)
                return -errno;
        r = history_load_attempt(h);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(h);
        return 0;
}

static int fsync_dir(const char *dir) {
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        return fsync(fd) < 0 ? -errno : 0;
}

/* Write buf to <path>.tmp, fsync it and rename it over path: a crash leaves
 * either the old or the new file, never a part. */
static int write_replace(const char *dir, const char *path, const char *buf, size_t len) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (asprintf(&tmp, "%s.tmp", path) < 0)
                return -ENOMEM;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        for (size_t off = 0; off < len;) {
                ssize_t k = write(fd, buf + off, len - off);

                if (k < 0) {
                        r = -errno;
                        (void) unlink(tmp);
                        return r;
                }
                off += (size_t) k;
        }
        if (fsync(fd) < 0 || rename(tmp, path) < 0) {
                r = -errno;
                (void) unlink(tmp);
                return r;
        }
        (void) fsync_dir(dir);
        return 0;
}

/* Keep the newest max_entries, replaced whole (write_replace()). */
static int history_compact(History *h) {
        _cleanup_free_ char *buf = NULL;
        size_t n, lines, skip, start = 0;
        int r;

        r = read_all(h->fd, &buf, &n);
        if (r < 0)
                return r;
        lines = count_lines(buf, n);
        skip = lines > h->max_entries ? lines - h->max_entries : 0;
        for (size_t i = 0; i < n && skip > 0; i++)
                if (buf[i] == '\n') {
                        skip--;
                        start = i + 1;
                }

        r = write_replace(h->dir, h->path, buf + start, n - start);
        if (r < 0)
                return r;

        /* Switch the append descriptor to the new file. */
        safe_close(h->fd);
        h->fd = open(h->path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOCTTY);
        if (h->fd < 0)
                return -errno;
        h->n_lines = count_lines(buf + start, n - start);
        return 0;
}

int history_append(History *h, const HistoryEntry *e) {
        _cleanup_free_ char *line = NULL;
        size_t len, off = 0;
        int r;

        r = history_entry_format(e, &line);
        if (r < 0)
                return r;
        len = strlen(line);
        /* One write() of a whole line: with O_APPEND a crash tears at most
         * this record, which history_recover() cuts. */
        while (off < len) {
                ssize_t k = write(h->fd, line + off, len - off);

                if (k < 0)
                        return -errno;
                off += (size_t) k;
        }
        if (fdatasync(h->fd) < 0)
                return -errno;
        h->n_lines++;
        if (h->n_lines >= 2 * h->max_entries) {
                r = history_compact(h);
                if (r < 0)
                        return log_warning_errno(r, "Failed to compact %s, ignoring: %m", h->path), 0;
        }
        return 0;
}

int history_read(History *h, size_t max, HistoryEntry **ret, size_t *ret_n) {
        _cleanup_free_ char *buf = NULL;
        HistoryEntry *entries;
        size_t n, count = 0, end;
        int r;

        r = read_all(h->fd, &buf, &n);
        if (r < 0)
                return r;
        if (max == 0 || max > h->max_entries)
                max = h->max_entries;
        entries = calloc(max + 1, sizeof(HistoryEntry));
        if (!entries)
                return -ENOMEM;

        /* Walk the complete lines from the end: newest first. A partial
         * last line (a writer that died) is not a record. */
        end = n;
        while (end > 0 && buf[end - 1] != '\n')
                end--;
        while (end > 0 && count < max) {
                size_t start = end - 1;

                while (start > 0 && buf[start - 1] != '\n')
                        start--;
                buf[end - 1] = 0;
                if (history_entry_parse(buf + start, &entries[count]) >= 0)
                        count++;
                end = start;
        }
        *ret = entries;
        *ret_n = count;
        return 0;
}

/* No attempt in flight: an empty file. Not synced: lost by a crash, the
 * record is found again with its row in the log, and dropped. */
static int attempt_clear(History *h) {
        if (ftruncate(h->attempt_fd, 0) < 0)
                return -errno;
        h->attempt_empty = true;
        return 0;
}

int history_begin(History *h, const HistoryEntry *e) {
        _cleanup_free_ char *line = NULL;
        size_t len;
        ssize_t k;
        int r;

        r = history_entry_format(e, &line);
        if (r < 0)
                return r;
        len = strlen(line);
        /* Written into the empty file and synced once: a crash leaves it
         * empty, whole, or a prefix without the record's newline, which
         * the next open drops, rightly, since the write to the driver
         * follows this sync. A file left with a record (a failed append)
         * is emptied first, so no record is ever another's tail. */
        if (!h->attempt_empty) {
                r = attempt_clear(h);
                if (r < 0)
                        return r;
        }
        k = pwrite(h->attempt_fd, line, len, 0);
        if (k < 0)
                return -errno;
        h->attempt_empty = false;
        if ((size_t) k != len)
                return -EIO;
        if (fdatasync(h->attempt_fd) < 0)
                return -errno;
        return 0;
}

int history_finish(History *h, const HistoryEntry *e) {
        int r;

        r = history_append(h, e);
        /* Without the row, the record stays for the next start to settle. */
        if (r >= 0)
                r = attempt_clear(h);
        history_entry_done(&h->unsettled);
        h->has_unsettled = false;
        return r;
}

const HistoryEntry *history_unsettled(History *h) {
        return h->has_unsettled ? &h->unsettled : NULL;
}

/* The same attempt: lfad starts one at a time, each at its own µs. */
static bool entry_same_attempt(const HistoryEntry *a, const HistoryEntry *b) {
        return strcmp(a->uuid, b->uuid) == 0 && strcmp(strempty(a->action), strempty(b->action)) == 0 &&
               a->start == b->start;
}

/* Rows a dying lfad may have appended after its attempt's: a bound, not a
 * count, since only one job runs at a time. */
#define ATTEMPT_LOOKBACK 16

static int history_load_attempt(History *h) {
        _cleanup_free_ char *buf = NULL;
        HistoryEntry *rows = NULL;
        size_t size, n = 0;
        bool found = false;
        int r;

        r = read_all(h->attempt_fd, &buf, &size);
        if (r < 0)
                return r;
        if (size == 0) {
                h->attempt_empty = true;
                return 0;
        }
        /* One record and its newline, nothing else: anything less is a
         * write cut by a crash, before the attempt began. */
        if (strlen(buf) != size || buf[size - 1] != '\n' || memchr(buf, '\n', size - 1) ||
            history_entry_parse(buf, &h->unsettled) < 0) {
                log_warning("%s: not an attempt record, dropping it.", h->attempt_path);
                goto drop;
        }
        r = history_read(h, ATTEMPT_LOOKBACK, &rows, &n);
        if (r < 0) {
                history_entry_done(&h->unsettled);
                return r;
        }
        for (size_t i = 0; i < n && !found; i++)
                found = entry_same_attempt(&rows[i], &h->unsettled);
        history_entries_free(rows, n);
        if (!found) {
                h->has_unsettled = true;
                return 0;
        }
        log_debug("%s: its row is in the log already.", h->attempt_path);
drop:
        history_entry_done(&h->unsettled);
        return attempt_clear(h);
}
