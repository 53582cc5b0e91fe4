/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inventory.h"
#include "log.h"

/* Sysfs values are short; a longer file is garbage, not something to keep. */
#define EAGAIN_RETRIES 5

static const char *const component_state_table[_COMPONENT_STATE_MAX] = {
        [COMPONENT_STATE_IDLE] = "idle",
        [COMPONENT_STATE_PRIMING] = "priming",
        [COMPONENT_STATE_PRIMED] = "primed",
        [COMPONENT_STATE_ACTIVATING] = "activating",
};

const char *component_state_to_string(ComponentState s) {
        if (s < 0 || s >= _COMPONENT_STATE_MAX)
                return NULL;
        return component_state_table[s];
}

ComponentState component_state_from_string(const char *s) {
        return (ComponentState) string_table_lookup(component_state_table, _COMPONENT_STATE_MAX, s);
}

Component *component_free(Component *c) {
        if (!c)
                return NULL;
        free(c->name);
        free(c->last_error_raw);
        free(c->parse_error);
        free(c);
        return NULL;
}

size_t uuid_array_index(const void *base, size_t n, size_t size, const char *uuid, bool *ret_found) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int k = strcmp((const char *) base + mid * size, uuid);

                if (k == 0) {
                        *ret_found = true;
                        return mid;
                }
                if (k < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *ret_found = false;
        return lo;
}

void *uuid_array_find(const void *base, size_t n, size_t size, const char *uuid) {
        bool found;
        size_t i = uuid_array_index(base, n, size, uuid, &found);

        return found ? (char *) base + i * size : NULL;
}

void *uuid_array_get(void **base, size_t *n, size_t size, const char *uuid) {
        bool found;
        size_t at = uuid_array_index(*base, *n, size, uuid, &found);
        char *t;

        if (found)
                return (char *) *base + at * size;
        t = realloc(*base, (*n + 1) * size);
        if (!t)
                return NULL;
        *base = t;
        memmove(t + (at + 1) * size, t + at * size, (*n - at) * size);
        memset(t + at * size, 0, size);
        memcpy(t + at * size, uuid, UUID_STRING_MAX);
        (*n)++;
        return t + at * size;
}

void uuid_array_remove(void *base, size_t *n, size_t size, size_t at) {
        char *t = base;

        memmove(t + at * size, t + (at + 1) * size, (*n - at - 1) * size);
        (*n)--;
}

bool uuid_is_valid(const char *s) {
        if (!s || strlen(s) != 36)
                return false;
        for (size_t i = 0; i < 36; i++) {
                if (i == 8 || i == 13 || i == 18 || i == 23) {
                        if (s[i] != '-')
                                return false;
                } else if (!isxdigit((unsigned char) s[i]))
                        return false;
        }
        return true;
}

int uuid_normalize(const char *s, char ret[static UUID_STRING_MAX]) {
        if (!uuid_is_valid(s))
                return -EINVAL;
        for (size_t i = 0; i < 36; i++)
                ret[i] = (char) tolower((unsigned char) s[i]);
        ret[36] = 0;
        return 0;
}

/* Strip the one newline every sysfs read ends in; anything else stays and
 * makes the value fail to parse. */
static void strip_newline(char *s) {
        size_t n = strlen(s);

        if (n > 0 && s[n - 1] == '\n')
                s[n - 1] = 0;
}

int parse_lfa_bool(const char *s, bool *ret) {
        if (!s)
                return -EINVAL;
        if (strcmp(s, "0") == 0)
                *ret = false;
        else if (strcmp(s, "1") == 0)
                *ret = true;
        else
                return -EINVAL;
        return 0;
}

int parse_lfa_u64(const char *s, uint64_t *ret) {
        unsigned long long v;
        char *end;

        /* strtoull() accepts leading blanks and signs; the ABI prints neither. */
        if (!s || !isdigit((unsigned char) s[0]))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end != 0)
                return -EINVAL;
        *ret = (uint64_t) v;
        return 0;
}

static int parse_u32(const char *s, size_t len, uint32_t *ret) {
        char buf[16];
        uint64_t v;
        int r;

        if (len == 0 || len >= sizeof(buf))
                return len == 0 ? -EINVAL : -ERANGE;
        memcpy(buf, s, len);
        buf[len] = 0;
        r = parse_lfa_u64(buf, &v);
        if (r < 0)
                return r;
        if (v > UINT32_MAX)
                return -ERANGE;
        *ret = (uint32_t) v;
        return 0;
}

int parse_lfa_version(const char *s, LfaVersion *ret) {
        LfaVersion v = { .known = true };
        const char *dot;
        int r;

        if (!s)
                return -EINVAL;
        if (strcmp(s, "N/A") == 0) {
                *ret = (LfaVersion) {};
                return 0;
        }
        dot = strchr(s, '.');
        if (!dot)
                return -EINVAL;
        r = parse_u32(s, (size_t) (dot - s), &v.major);
        if (r < 0)
                return r;
        r = parse_u32(dot + 1, strlen(dot + 1), &v.minor);
        if (r < 0)
                return r;
        *ret = v;
        return 0;
}

static bool is_upper_name(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (!isupper((unsigned char) *s) && !isdigit((unsigned char) *s) && *s != '_')
                        return false;
        return true;
}

int parse_lfa_last_error(const char *s, LfaLastError *ret) {
        LfaLastError e = { .set = true };
        char errname[32], code[32], raw[32], call[16], extra[2];
        long long x0;
        char *end;
        int n, er;

        if (!s)
                return -EINVAL;
        if (*s == 0) {
                *ret = (LfaLastError) {};
                return 0;
        }
        if (strlen(s) > 120)
                return -ERANGE;
        n = sscanf(s, "%31s %31s %31s %15s %1s", errname, code, raw, call, extra);
        if (n != 4)
                return -EINVAL;
        /* Exactly one space between fields, as the ABI prints it. */
        if ((size_t) snprintf(NULL, 0, "%s %s %s %s", errname, code, raw, call) != strlen(s))
                return -EINVAL;
        er = errno_from_name(errname);
        if (er < 0 || !is_upper_name(code) || !is_upper_name(call))
                return -EINVAL;
        errno = 0;
        x0 = strtoll(raw, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end != 0 || end == raw)
                return -EINVAL;

        e.error = er;
        e.raw_x0 = x0;
        snprintf(e.lfa_code, sizeof(e.lfa_code), "%s", code);
        snprintf(e.call, sizeof(e.call), "%s", call);
        *ret = e;
        return 0;
}

const char *lfa_version_to_string(const LfaVersion *v, char buf[static 24]) {
        if (!v->known)
                return "N/A";
        snprintf(buf, 24, "%" PRIu32 ".%" PRIu32, v->major, v->minor);
        return buf;
}

/* Relative to the component's directory: one path walk per component, not
 * one per attribute, which is most of a coldplug's cost. */
static int read_attribute(int dir_fd, const char *attr, char buf[static INVENTORY_ATTR_MAX]) {
        for (unsigned attempt = 0;; attempt++) {
                _cleanup_close_ int fd = -EBADF;
                ssize_t n;

                fd = openat(dir_fd, attr, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (fd < 0)
                        return -errno;
                n = read(fd, buf, INVENTORY_ATTR_MAX);
                if (n < 0) {
                        /* The ABI allows EAGAIN while a refresh swaps the
                         * cached values; a few retries are enough. */
                        if (errno == EAGAIN && attempt < EAGAIN_RETRIES) {
                                (void) nanosleep(&(struct timespec) { .tv_nsec = 1000000 }, NULL);
                                continue;
                        }
                        return -errno;
                }
                if (n >= INVENTORY_ATTR_MAX)
                        return -EFBIG;
                buf[n] = 0;
                if (memchr(buf, 0, (size_t) n))
                        return -EBADMSG;
                strip_newline(buf);
                return 0;
        }
}

static int set_parse_error(Component *c, const char *attr, const char *value, int r) {
        char esc[ESCAPE_VALUE_MAX];
        int k;

        if (c->parse_error)
                return 0; /* the first problem is the one reported */
        if (value) {
                escape_value(value, esc);
                k = asprintf(&c->parse_error, "%s: invalid value '%s'%s", attr, esc,
                             r == -ERANGE ? " (out of range)" : "");
        } else {
                /* %m, not strerror(): this may run on a reader thread. */
                errno = -r;
                k = asprintf(&c->parse_error, "%s: cannot read: %m", attr);
        }
        if (k < 0) {
                c->parse_error = NULL;
                return -ENOMEM;
        }
        return 0;
}

typedef enum AttrKind {
        ATTR_STRING,
        ATTR_U64,
        ATTR_BOOL,
        ATTR_VERSION,
        ATTR_STATE,
        ATTR_LAST_ERROR,
} AttrKind;

static int read_one(Component *c, int dir_fd, const char *attr, AttrKind kind, unsigned feature,
                    void *dest) {
        char buf[INVENTORY_ATTR_MAX];
        int r;

        r = read_attribute(dir_fd, attr, buf);
        if (r == -ENOENT && feature != 0)
                return 0;
        /* The ABI: a vanished component's files give -ENODEV until its
         * directory goes. A removal, not garbage with made-up values. */
        if (r == -ENODEV)
                return -ENOENT;
        if (r < 0)
                return set_parse_error(c, attr, NULL, r);
        c->features |= feature;

        switch (kind) {
        case ATTR_STRING:
        case ATTR_LAST_ERROR:
                if (kind == ATTR_LAST_ERROR) {
                        r = parse_lfa_last_error(buf, &c->last_error);
                        if (r < 0)
                                (void) set_parse_error(c, attr, buf, r);
                }
                r = free_and_strdup((char **) dest, buf);
                if (r < 0)
                        return r;
                return 0;
        case ATTR_U64:
                r = parse_lfa_u64(buf, dest);
                break;
        case ATTR_BOOL:
                r = parse_lfa_bool(buf, dest);
                break;
        case ATTR_VERSION:
                r = parse_lfa_version(buf, dest);
                break;
        case ATTR_STATE: {
                ComponentState s = component_state_from_string(buf);

                r = s < 0 ? -EINVAL : 0;
                if (r == 0)
                        *(ComponentState *) dest = s;
                break;
        }
        }
        if (r < 0)
                return set_parse_error(c, attr, buf, r);
        return 0;
}

/* Every attribute lfad reads; `refresh`: one read again after the driver
 * refreshed its inventory: what a refresh may change (the entry as the
 * firmware reports it, and the state: a refresh releases a prime whose
 * image was replaced), and auto_activate, which lfad keeps 0 whenever it
 * reads the component. A feature bit marks an extension, read where it
 * exists. */
static const struct {
        const char *attr;
        AttrKind kind;
        unsigned feature;
        size_t offset;
        bool refresh;
} attr_specs[] = {
        { "name", ATTR_STRING, 0, offsetof(Component, name), false },
        { "seq_id", ATTR_U64, DRIVER_FEATURE_SEQ_ID, offsetof(Component, seq_id), true },
        { "current_version", ATTR_VERSION, 0, offsetof(Component, current_version), true },
        { "pending_version", ATTR_VERSION, 0, offsetof(Component, pending_version), true },
        { "activation_capable", ATTR_BOOL, 0, offsetof(Component, activation_capable), true },
        { "activation_pending", ATTR_BOOL, 0, offsetof(Component, activation_pending), true },
        { "may_reset_cpu", ATTR_BOOL, 0, offsetof(Component, may_reset_cpu), true },
        { "cpu_rendezvous", ATTR_BOOL, 0, offsetof(Component, cpu_rendezvous), true },
        { "force_cpu_rendezvous", ATTR_BOOL, 0, offsetof(Component, force_cpu_rendezvous), false },
        { "auto_activate", ATTR_BOOL, DRIVER_FEATURE_AUTO_ACTIVATE, offsetof(Component, auto_activate), true },
        { "state", ATTR_STATE, DRIVER_FEATURE_STATE, offsetof(Component, state), true },
        { "last_error", ATTR_LAST_ERROR, DRIVER_FEATURE_LAST_ERROR, offsetof(Component, last_error_raw), false },
};

/* known's values, which a partial read then overwrites. */
static int component_copy(const Component *known, Component **ret) {
        _cleanup_(component_freep) Component *c = NULL;

        c = malloc(sizeof(*c));
        if (!c)
                return -ENOMEM;
        *c = *known;
        c->name = c->last_error_raw = c->parse_error = NULL;
        c->name = strdup(known->name);
        c->last_error_raw = strdup(known->last_error_raw);
        if (!c->name || !c->last_error_raw)
                return -ENOMEM;
        *ret = TAKE_PTR(c);
        return 0;
}

/* known NULL: every attribute; else those a refresh may change. */
static int component_read(const char *root, const char *uuid, const Component *known, Component **ret) {
        _cleanup_(component_freep) Component *c = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        char dir[PATH_MAX];
        int r;

        if (known) {
                r = component_copy(known, &c);
                if (r < 0)
                        return r;
        } else {
                c = calloc(1, sizeof(*c));
                if (!c)
                        return -ENOMEM;
                r = uuid_normalize(uuid, c->uuid);
                if (r < 0)
                        return r;
                /* The safe values until proven otherwise: rendezvous
                 * required and forced, activation risky. */
                c->cpu_rendezvous = true;
                c->force_cpu_rendezvous = true;
                c->may_reset_cpu = true;
        }
        if ((size_t) snprintf(dir, sizeof(dir), "%s/%s", root, uuid) >= sizeof(dir))
                return -ENAMETOOLONG;
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return -errno;

        for (size_t i = 0; i < ELEMENTSOF(attr_specs); i++) {
                if (known && !attr_specs[i].refresh)
                        continue;
                r = read_one(c, dir_fd, attr_specs[i].attr, attr_specs[i].kind, attr_specs[i].feature,
                             (uint8_t *) c + attr_specs[i].offset);
                if (r < 0)
                        return r;
        }
        /* A write-only file cannot be read: its existence is the feature. */
        if (!known && faccessat(dir_fd, "prime", F_OK, 0) >= 0)
                c->features |= DRIVER_FEATURE_PRIME;
        /* Unreadable because the component went away while we read it:
         * that is a removal, not garbage. */
        if (c->parse_error && access(dir, F_OK) < 0)
                return -ENOENT;
        if (!c->name) {
                c->name = strdup(c->uuid);
                if (!c->name)
                        return -ENOMEM;
        }
        if (!c->last_error_raw) {
                c->last_error_raw = strdup("");
                if (!c->last_error_raw)
                        return -ENOMEM;
        }

        *ret = TAKE_PTR(c);
        return 0;
}

int inventory_read_component(const char *root, const char *uuid, Component **ret) {
        return component_read(root, uuid, NULL, ret);
}

int inventory_reread_component(const char *root, const Component *known, Component **ret) {
        /* What made known invalid may lie outside what a refresh changes. */
        return component_read(root, known->uuid, known->parse_error ? NULL : known, ret);
}

/* Below this many components one thread reads them: starting threads
 * costs more than it saves. */
#define READ_PARALLEL_MIN 256
#define READ_THREADS_MAX 8

typedef struct ReadBatch {
        const char *root;
        char *const *uuids;
        size_t n;
        size_t next; /* the next index to take, shared by the readers */
        Component **components;
        int *errors;
} ReadBatch;

static void *read_batch_run(void *userdata) {
        ReadBatch *b = userdata;

        for (;;) {
                size_t i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED);

                if (i >= b->n)
                        return NULL;
                b->errors[i] = inventory_read_component(b->root, b->uuids[i], &b->components[i]);
                if (b->errors[i] < 0)
                        b->components[i] = NULL;
        }
}

static size_t read_threads_for(size_t n) {
        long cpus;

        if (n < READ_PARALLEL_MIN)
                return 1;
        /* glibc reads /sys/devices/system/cpu/online for this. */
        cpus = sysconf(_SC_NPROCESSORS_ONLN);
        if (cpus <= 1)
                return 1;
        return cpus < READ_THREADS_MAX ? (size_t) cpus : READ_THREADS_MAX;
}

void inventory_read_components(const char *root, char *const *uuids, size_t n, Component **components,
                               int *errors) {
        ReadBatch b = { .root = root, .uuids = uuids, .n = n, .components = components, .errors = errors };
        pthread_t threads[READ_THREADS_MAX];
        size_t want = read_threads_for(n), started = 0;

        /* This thread reads too; a thread that cannot start leaves its
         * share to the others. */
        for (; started + 1 < want; started++)
                if (pthread_create(&threads[started], NULL, read_batch_run, &b) != 0)
                        break;
        (void) read_batch_run(&b);
        for (size_t i = 0; i < started; i++)
                (void) pthread_join(threads[i], NULL);
}

static int strcmp_ptr(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int inventory_list(const char *root, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        DIR *d;
        size_t n = 0, allocated = 0;
        struct dirent *de;
        int r = 0;

        d = opendir(root);
        if (!d) {
                if (errno != ENOENT)
                        return -errno;
                l = calloc(1, sizeof(char *));
                if (!l)
                        return -ENOMEM;
                *ret = TAKE_PTR(l);
                return 0;
        }

        while ((errno = 0, de = readdir(d))) {
                char uuid[UUID_STRING_MAX];

                /* Only directories named by a UUID are components; version
                 * and refresh live in the same directory. */
                if (uuid_normalize(de->d_name, uuid) < 0)
                        continue;
                if (n + 2 > allocated) {
                        size_t a = allocated ? allocated * 2 : 16;
                        char **t = realloc(l, a * sizeof(char *));

                        if (!t) {
                                r = -ENOMEM;
                                break;
                        }
                        l = t;
                        allocated = a;
                }
                l[n] = strdup(uuid);
                if (!l[n]) {
                        l[n] = NULL;
                        r = -ENOMEM;
                        break;
                }
                l[++n] = NULL;
        }
        if (r == 0 && errno != 0)
                r = -errno;
        closedir(d);
        if (r < 0)
                return r;

        if (!l) {
                l = calloc(1, sizeof(char *));
                if (!l)
                        return -ENOMEM;
        }
        if (n > 1)
                qsort(l, n, sizeof(char *), strcmp_ptr);
        *ret = TAKE_PTR(l);
        return 0;
}

int inventory_read_abi_version(const char *root, char **ret) {
        _cleanup_close_ int dir_fd = -EBADF;
        char buf[INVENTORY_ATTR_MAX];
        LfaVersion v;
        char *s;
        int r;

        dir_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return -errno;
        r = read_attribute(dir_fd, "version", buf);
        if (r < 0)
                return r;
        r = parse_lfa_version(buf, &v);
        if (r < 0 || !v.known)
                return -EBADMSG;
        s = strdup(buf);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int inventory_read_attribute(const char *root, const char *uuid, const char *attr,
                             char buf[static INVENTORY_ATTR_MAX]) {
        char path[PATH_MAX];

        if ((size_t) snprintf(path, sizeof(path), "%s/%s/%s", root, uuid, attr) >= sizeof(path))
                return -ENAMETOOLONG;
        return read_attribute(AT_FDCWD, path, buf);
}

int inventory_read_bool_attribute(const char *root, const char *uuid, const char *attr, bool *ret) {
        char buf[INVENTORY_ATTR_MAX];
        int r;

        r = inventory_read_attribute(root, uuid, attr, buf);
        if (r < 0)
                return r;
        return parse_lfa_bool(buf, ret);
}

int inventory_write_attribute(const char *root, const char *uuid, const char *attr,
                              const char *value) {
        _cleanup_close_ int fd = -EBADF;
        char path[PATH_MAX];
        size_t len = strlen(value);
        ssize_t n;
        int k;

        if (uuid)
                k = snprintf(path, sizeof(path), "%s/%s/%s", root, uuid, attr);
        else
                k = snprintf(path, sizeof(path), "%s/%s", root, attr);
        if (k < 0 || (size_t) k >= sizeof(path))
                return -ENAMETOOLONG;

        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        n = write(fd, value, len);
        if (n < 0)
                return -errno;
        if ((size_t) n != len)
                return -EIO;
        return 0;
}

int inventory_refresh(const char *root) {
        int r;

        r = inventory_write_attribute(root, NULL, "refresh", "1");
        if (r < 0)
                /* Nothing was applied (lfa.ko reads everything before it
                 * changes anything): what we show is still the last good
                 * read, and the next good one brings the news. */
                return log_warning_errno(r, "%s/refresh: the driver could not re-read the inventory from the "
                                         "firmware: %m (%s); keeping the last good inventory.",
                                         root, strna(errno_name(r)));
        return 0;
}

static bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return strcmp(a, b) == 0;
}

static bool version_eq(const LfaVersion *a, const LfaVersion *b) {
        return a->known == b->known && (!a->known || (a->major == b->major && a->minor == b->minor));
}

bool component_activation_unconfirmed(const Component *before, const Component *after) {
        return before->activation_pending && after->activation_pending &&
               version_eq(&before->pending_version, &after->pending_version) &&
               version_eq(&before->current_version, &after->current_version);
}

unsigned component_diff(const Component *a, const Component *b) {
        unsigned m = 0;

        if (!streq_ptr(a->name, b->name))
                m |= COMPONENT_CHANGED_NAME;
        if (a->seq_id != b->seq_id)
                m |= COMPONENT_CHANGED_SEQ_ID;
        if (!version_eq(&a->current_version, &b->current_version))
                m |= COMPONENT_CHANGED_CURRENT_VERSION;
        if (!version_eq(&a->pending_version, &b->pending_version))
                m |= COMPONENT_CHANGED_PENDING_VERSION;
        if (a->activation_capable != b->activation_capable)
                m |= COMPONENT_CHANGED_ACTIVATION_CAPABLE;
        if (a->activation_pending != b->activation_pending)
                m |= COMPONENT_CHANGED_ACTIVATION_PENDING;
        if (a->may_reset_cpu != b->may_reset_cpu)
                m |= COMPONENT_CHANGED_MAY_RESET_CPU;
        if (a->cpu_rendezvous != b->cpu_rendezvous)
                m |= COMPONENT_CHANGED_CPU_RENDEZVOUS;
        if (a->force_cpu_rendezvous != b->force_cpu_rendezvous)
                m |= COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS;
        if (a->auto_activate != b->auto_activate)
                m |= COMPONENT_CHANGED_AUTO_ACTIVATE;
        if (a->state != b->state)
                m |= COMPONENT_CHANGED_STATE;
        if (!streq_ptr(a->last_error_raw, b->last_error_raw))
                m |= COMPONENT_CHANGED_LAST_ERROR;
        if (!streq_ptr(a->parse_error, b->parse_error))
                m |= COMPONENT_CHANGED_PARSE_ERROR;
        return m;
}

void component_update_from(Component *dst, Component *src) {
        free(dst->name);
        dst->name = TAKE_PTR(src->name);
        dst->seq_id = src->seq_id;
        dst->current_version = src->current_version;
        dst->pending_version = src->pending_version;
        dst->activation_capable = src->activation_capable;
        dst->activation_pending = src->activation_pending;
        dst->may_reset_cpu = src->may_reset_cpu;
        dst->cpu_rendezvous = src->cpu_rendezvous;
        dst->force_cpu_rendezvous = src->force_cpu_rendezvous;
        dst->auto_activate = src->auto_activate;
        dst->features = src->features;
        dst->state = src->state;
        free(dst->last_error_raw);
        dst->last_error_raw = TAKE_PTR(src->last_error_raw);
        dst->last_error = src->last_error;
        free(dst->parse_error);
        dst->parse_error = TAKE_PTR(src->parse_error);
}
