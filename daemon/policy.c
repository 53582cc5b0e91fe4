/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <ini.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "log.h"
#include "policy.h"

static const char *const auto_activate_table[_AUTO_ACTIVATE_MAX] = {
        [AUTO_ACTIVATE_NEVER] = "never",
        [AUTO_ACTIVATE_IMMEDIATE] = "immediate",
        [AUTO_ACTIVATE_WINDOW] = "window",
};

static const char *const cpu_rendezvous_table[_CPU_RENDEZVOUS_MAX] = {
        [CPU_RENDEZVOUS_FORCE] = "force",
        [CPU_RENDEZVOUS_SKIP] = "skip",
};

static const char *const decision_action_table[_DECISION_ACTION_MAX] = {
        [DECISION_NOTHING_PENDING] = "nothing-pending",
        [DECISION_REFUSED] = "refused",
        [DECISION_NEVER] = "never",
        [DECISION_IMMEDIATE] = "immediate",
        [DECISION_WINDOW] = "window",
};

const char *auto_activate_to_string(AutoActivate a) {
        return a >= 0 && a < _AUTO_ACTIVATE_MAX ? auto_activate_table[a] : NULL;
}

AutoActivate auto_activate_from_string(const char *s) {
        return (AutoActivate) string_table_lookup(auto_activate_table, _AUTO_ACTIVATE_MAX, s);
}

const char *cpu_rendezvous_to_string(CpuRendezvous r) {
        return r >= 0 && r < _CPU_RENDEZVOUS_MAX ? cpu_rendezvous_table[r] : NULL;
}

CpuRendezvous cpu_rendezvous_from_string(const char *s) {
        return (CpuRendezvous) string_table_lookup(cpu_rendezvous_table, _CPU_RENDEZVOUS_MAX, s);
}

const char *decision_action_to_string(DecisionAction a) {
        return a >= 0 && a < _DECISION_ACTION_MAX ? decision_action_table[a] : NULL;
}

static const PolicySettings settings_default = {
        .auto_activate = AUTO_ACTIVATE_NEVER,
        .cpu_rendezvous = CPU_RENDEZVOUS_FORCE,
        .prime_ahead = false,
        .retry_limit = POLICY_RETRY_LIMIT_DEFAULT,
        .retry_delay = POLICY_RETRY_DELAY_DEFAULT,
};

struct Policy {
        PolicySettings defaults;
        PolicyComponent *components;    /* sorted by uuid */
        size_t n_components;
        usec_t poll_interval;           /* [Manager] PollIntervalSec=, 0: no poll */
        char **files;                   /* full paths of the files in force, in read order */
        usec_t loaded_at;               /* CLOCK_REALTIME µs */
        char **origins;                 /* the "file:line" strings settings point to */
        size_t n_origins;
        /* The built-in policy stands in for files that do not load: the
         * reasons say so. */
        bool safe_defaults;
};

Policy *policy_free(Policy *p) {
        if (!p)
                return NULL;
        free(p->components);
        strv_free(p->files);
        for (size_t i = 0; i < p->n_origins; i++)
                free(p->origins[i]);
        free(p->origins);
        free(p);
        return NULL;
}

int policy_new_default(Policy **ret) {
        Policy *p;

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->defaults = settings_default;
        p->poll_interval = POLICY_POLL_INTERVAL_DEFAULT;
        p->files = calloc(1, sizeof(char *));
        if (!p->files)
                return policy_free(p), -ENOMEM;
        *ret = p;
        return 0;
}

int policy_new_safe_defaults(Policy **ret) {
        int r;

        r = policy_new_default(ret);
        if (r < 0)
                return r;
        (*ret)->safe_defaults = true;
        (*ret)->loaded_at = now_usec(CLOCK_REALTIME);
        return 0;
}

Decision *decision_free(Decision *d) {
        if (!d)
                return NULL;
        free(d->reason);
        free(d);
        return NULL;
}

/* The parser state shared by the line reader and the key handler. */
typedef struct ParseState {
        Policy *policy;
        FILE *f;
        const char *name;
        unsigned line;
        char *buf;                      /* getline() buffer */
        size_t buf_size;
        char *error;                    /* the first error, "file:line: what" */
        char **sections;                /* section headers seen in this file */
        size_t n_sections;
        char section[64];               /* the current section */
        unsigned section_keys;          /* POLICY_KEY_* seen in it */
} ParseState;

_printf_(2, 3) static void parse_error(ParseState *s, const char *format, ...) {
        char *msg = NULL;
        va_list ap;

        if (s->error)
                return; /* report the first problem, it explains the rest */
        va_start(ap, format);
        if (vasprintf(&msg, format, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (asprintf(&s->error, "%s:%u: %s", s->name, s->line, msg ?: "out of memory") < 0)
                s->error = NULL;
        free(msg);
}

static char *strip(char *s) {
        char *e;

        while (isspace((unsigned char) *s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1]))
                *--e = 0;
        return s;
}

static PolicyComponent *policy_find_component(const Policy *p, const char *uuid) {
        for (size_t i = 0; i < p->n_components; i++)
                if (strcmp(p->components[i].uuid, uuid) == 0)
                        return &p->components[i];
        return NULL;
}

static int cmp_component(const void *a, const void *b) {
        return strcmp(((const PolicyComponent *) a)->uuid, ((const PolicyComponent *) b)->uuid);
}

/* Checks a section header line; returns false after recording an error. */
static bool check_section(ParseState *s, char *l) {
        char *name, *end = strchr(l, ']');
        char uuid[UUID_STRING_MAX];

        if (!end || end[1] != 0) {
                parse_error(s, "malformed section header (expected [Defaults], [Manager] or [Component UUID])");
                return false;
        }
        *end = 0;
        name = strip(l + 1);

        if (strcmp(name, "Defaults") != 0 && strcmp(name, "Manager") != 0) {
                if (strncmp(name, "Component", 9) != 0 || !isspace((unsigned char) name[9])) {
                        char esc[ESCAPE_VALUE_MAX];

                        parse_error(s, "unknown section [%s] (expected [Defaults], [Manager] or [Component UUID])",
                                    escape_value(name, esc));
                        return false;
                }
                if (uuid_normalize(strip(name + 10), uuid) < 0) {
                        char esc[ESCAPE_VALUE_MAX];

                        parse_error(s, "invalid UUID '%s' in section header", escape_value(strip(name + 10), esc));
                        return false;
                }
                snprintf(s->section, sizeof(s->section), "Component %s", uuid);
        } else
                snprintf(s->section, sizeof(s->section), "%s", name);

        for (size_t i = 0; i < s->n_sections; i++)
                if (strcmp(s->sections[i], s->section) == 0) {
                        parse_error(s, "section [%s] repeated in the same file", s->section);
                        return false;
                }
        char **t = realloc(s->sections, (s->n_sections + 1) * sizeof(char *));
        if (!t) {
                parse_error(s, "out of memory");
                return false;
        }
        s->sections = t;
        s->sections[s->n_sections] = strdup(s->section);
        if (!s->sections[s->n_sections]) {
                parse_error(s, "out of memory");
                return false;
        }
        s->n_sections++;
        s->section_keys = 0;
        return true;
}

/*
 * inih's line reader. inih splits long lines and treats an indented line as
 * the continuation of the previous value; both would silently change what
 * the admin wrote, so they are errors here. It also counts lines, which
 * inih (built without INI_HANDLER_LINENO) does not tell the handler.
 */
static char *policy_reader(char *str, int num, void *stream) {
        ParseState *s = stream;
        ssize_t n;
        char *l;

        if (s->error)
                return NULL;
        n = getline(&s->buf, &s->buf_size, s->f);
        if (n < 0)
                return NULL;
        s->line++;

        if (memchr(s->buf, 0, (size_t) n)) {
                parse_error(s, "line contains a NUL byte");
                return NULL;
        }
        if (n > 0 && s->buf[n - 1] == '\n')
                s->buf[--n] = 0;
        if (n > 0 && s->buf[n - 1] == '\r')
                s->buf[--n] = 0;
        if (n > POLICY_LINE_MAX || n + 2 > num) {
                parse_error(s, "line longer than %d bytes", POLICY_LINE_MAX);
                return NULL;
        }

        l = s->buf;
        if (s->line == 1 && strncmp(l, "\xEF\xBB\xBF", 3) == 0)
                l += 3;
        if (isspace((unsigned char) l[0]) && *strip(l) != 0) {
                parse_error(s, "indented line (continuation lines are not supported)");
                return NULL;
        }
        l = strip(l);

        if (l[0] == '[') {
                char copy[POLICY_LINE_MAX + 1];

                snprintf(copy, sizeof(copy), "%s", l);
                if (!check_section(s, copy))
                        return NULL;
        } else if (l[0] != 0 && l[0] != '#' && l[0] != ';') {
                size_t k = strcspn(l, "=:");

                /* inih also accepts "Key: value"; we document only "=". */
                if (l[k] != '=') {
                        parse_error(s, "expected Key=Value");
                        return NULL;
                }
        }

        snprintf(str, (size_t) num, "%s\n", s->buf);
        return str;
}

static int parse_bool(const char *v, bool *ret) {
        static const char *const yes[] = { "yes", "true", "on", "1" };
        static const char *const no[] = { "no", "false", "off", "0" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcmp(v, yes[i]) == 0)
                        return *ret = true, 0;
                if (strcmp(v, no[i]) == 0)
                        return *ret = false, 0;
        }
        return -EINVAL;
}

static int parse_uint_range(const char *v, uint64_t min, uint64_t max, uint64_t *ret) {
        unsigned long long x;
        char *end;

        if (!isdigit((unsigned char) v[0]))
                return -EINVAL;
        errno = 0;
        x = strtoull(v, &end, 10);
        if (*end != 0)
                return -EINVAL;
        if (errno == ERANGE || x < min || x > max)
                return -ERANGE;
        *ret = x;
        return 0;
}

/* Apply one key to settings; returns the POLICY_KEY_* bit or 0 after
 * recording an error. */
static unsigned apply_key(ParseState *s, PolicySettings *st, const char *key, const char *raw) {
        char value_esc[ESCAPE_VALUE_MAX], key_esc[ESCAPE_VALUE_MAX];
        const char *value = raw;
        uint64_t u;
        bool b;
        int r;

        /* For the messages: the file's bytes, made printable. */
        escape_value(raw, value_esc);
        escape_value(key, key_esc);

        if (value[0] == 0) {
                parse_error(s, "%s= has an empty value", key_esc);
                return 0;
        }
        if (strcmp(key, "AutoActivate") == 0) {
                AutoActivate a = auto_activate_from_string(value);

                if (a < 0) {
                        parse_error(s, "invalid AutoActivate= value '%s' (expected never, immediate or window)",
                                    value_esc);
                        return 0;
                }
                st->auto_activate = a;
                return POLICY_KEY_AUTO_ACTIVATE;
        }
        if (strcmp(key, "CpuRendezvous") == 0) {
                CpuRendezvous c = cpu_rendezvous_from_string(value);

                if (c < 0) {
                        parse_error(s, "invalid CpuRendezvous= value '%s' (expected force or skip)", value_esc);
                        return 0;
                }
                st->cpu_rendezvous = c;
                return POLICY_KEY_CPU_RENDEZVOUS;
        }
        if (strcmp(key, "PrimeAhead") == 0) {
                if (parse_bool(value, &b) < 0) {
                        parse_error(s, "invalid PrimeAhead= value '%s' (expected yes or no)", value_esc);
                        return 0;
                }
                st->prime_ahead = b;
                return POLICY_KEY_PRIME_AHEAD;
        }
        if (strcmp(key, "RetryLimit") == 0) {
                r = parse_uint_range(value, 0, POLICY_RETRY_LIMIT_MAX, &u);
                if (r < 0) {
                        parse_error(s, "invalid RetryLimit= value '%s' (expected 0..%d)", value_esc,
                                    POLICY_RETRY_LIMIT_MAX);
                        return 0;
                }
                st->retry_limit = (unsigned) u;
                return POLICY_KEY_RETRY_LIMIT;
        }
        if (strcmp(key, "RetryDelaySec") == 0) {
                r = parse_uint_range(value, 1, POLICY_RETRY_DELAY_MAX / USEC_PER_SEC, &u);
                if (r < 0) {
                        parse_error(s, "invalid RetryDelaySec= value '%s' (expected 1..%" PRIu64 ")",
                                    value_esc, (uint64_t) (POLICY_RETRY_DELAY_MAX / USEC_PER_SEC));
                        return 0;
                }
                st->retry_delay = u * USEC_PER_SEC;
                return POLICY_KEY_RETRY_DELAY;
        }
        parse_error(s, "unknown key '%s' in [%s]", key_esc, s->section);
        return 0;
}

/* [Manager]: how lfad itself runs, not what it activates. */
static unsigned apply_manager_key(ParseState *s, const char *key, const char *value) {
        char value_esc[ESCAPE_VALUE_MAX], key_esc[ESCAPE_VALUE_MAX];
        uint64_t u;

        escape_value(value, value_esc);
        escape_value(key, key_esc);
        if (strcmp(key, "PollIntervalSec") != 0) {
                parse_error(s, "unknown key '%s' in [Manager]", key_esc);
                return 0;
        }
        if (value[0] == 0 ||
            parse_uint_range(value, 0, POLICY_POLL_INTERVAL_MAX / USEC_PER_SEC, &u) < 0) {
                parse_error(s, "invalid PollIntervalSec= value '%s' (expected 0..%" PRIu64 ", 0: no poll)",
                            value_esc, (uint64_t) (POLICY_POLL_INTERVAL_MAX / USEC_PER_SEC));
                return 0;
        }
        s->policy->poll_interval = u * USEC_PER_SEC;
        return POLICY_KEY_POLL_INTERVAL;
}

/* Remembers where the key just read was, for the decision's reason. */
static const char *record_origin(ParseState *s) {
        Policy *p = s->policy;
        char **t, *o;

        if (asprintf(&o, "%s:%u", s->name, s->line) < 0) {
                parse_error(s, "out of memory");
                return NULL;
        }
        t = realloc(p->origins, (p->n_origins + 1) * sizeof(char *));
        if (!t) {
                free(o);
                parse_error(s, "out of memory");
                return NULL;
        }
        p->origins = t;
        p->origins[p->n_origins++] = o;
        return o;
}

/* Whether the key (its POLICY_KEY_* bit, 0 after an error) is the first of
 * its kind in the section; records an error otherwise. */
static bool key_once(ParseState *s, unsigned bit, const char *name) {
        if (bit == 0)
                return false;
        if (s->section_keys & bit) {
                parse_error(s, "%s= set twice in [%s]", name, s->section);
                return false;
        }
        s->section_keys |= bit;
        return true;
}

static int policy_handler(void *user, const char *section, const char *name, const char *value) {
        ParseState *s = user;
        PolicySettings st;
        PolicyComponent *pc = NULL;
        unsigned bit;

        if (s->error)
                return 0;
        if (section[0] == 0 || s->section[0] == 0) {
                char esc[ESCAPE_VALUE_MAX];

                parse_error(s, "%s= outside of a section", escape_value(name, esc));
                return 0;
        }
        if (strcmp(s->section, "Manager") == 0)
                return key_once(s, apply_manager_key(s, name, value), name);

        if (strcmp(s->section, "Defaults") == 0)
                st = s->policy->defaults;
        else {
                const char *uuid = s->section + strlen("Component ");

                pc = policy_find_component(s->policy, uuid);
                if (!pc) {
                        PolicyComponent *t = realloc(s->policy->components,
                                                     (s->policy->n_components + 1) * sizeof(*t));
                        if (!t) {
                                parse_error(s, "out of memory");
                                return 0;
                        }
                        s->policy->components = t;
                        pc = &t[s->policy->n_components++];
                        *pc = (PolicyComponent) { .settings = settings_default };
                        memcpy(pc->uuid, uuid, UUID_STRING_MAX);
                }
                st = pc->settings;
        }

        bit = apply_key(s, &st, name, value);
        if (!key_once(s, bit, name))
                return 0;
        /* Each setting its own line: a later key of the section, or of
         * another file, must not take the credit. */
        st.origin[__builtin_ctz(bit)] = record_origin(s);
        if (s->error)
                return 0;

        if (!pc) {
                s->policy->defaults = st;
                return 1;
        }
        pc->settings = st;
        pc->set |= bit;
        return 1;
}

int policy_parse_stream(Policy *p, FILE *f, const char *name, char **ret_error) {
        ParseState s = {
                .policy = p,
                .f = f,
                .name = name,
        };
        int r;

        r = ini_parse_stream(policy_reader, &s, policy_handler, &s);
        if (r > 0 && !s.error) {
                /* inih found a line it could not parse before the handler
                 * ran; our reader already checked sections and Key=Value,
                 * so this is its remaining complaint. */
                s.line = (unsigned) r;
                parse_error(&s, "syntax error");
        } else if (r < 0 && !s.error) {
                s.line = 0;
                parse_error(&s, "cannot parse: %s", r == -2 ? "out of memory" : "read error");
        }
        if (!s.error && ferror(f)) {
                parse_error(&s, "read error");
        }

        free(s.buf);
        for (size_t i = 0; i < s.n_sections; i++)
                free(s.sections[i]);
        free(s.sections);

        if (s.error) {
                if (ret_error)
                        *ret_error = s.error;
                else
                        free(s.error);
                return -EBADMSG;
        }
        if (p->n_components > 1)
                qsort(p->components, p->n_components, sizeof(PolicyComponent), cmp_component);
        return 0;
}

/* Only root may be able to change what lfad activates. */
static int check_owner(const struct stat *st, const char *path, char **ret_error) {
        if (st->st_uid == 0 && !(st->st_mode & S_IWOTH) && (st->st_gid == 0 || !(st->st_mode & S_IWGRP)))
                return 0;
        if (ret_error && asprintf(ret_error, "%s: refused: writable by a user other than root "
                                  "(owner %u, group %u, mode %04o)", path, (unsigned) st->st_uid,
                                  (unsigned) st->st_gid, (unsigned) (st->st_mode & 07777)) < 0)
                *ret_error = NULL;
        return -EPERM;
}

/* An ancestor: root's and writable by root alone, or root's and sticky
 * (/tmp): there no one else can rename or remove what lies in it. */
static int check_ancestor(const char *path, const char *ancestor, char **ret_error) {
        struct stat st;

        if (stat(ancestor, &st) < 0) {
                int r = -errno;

                if (ret_error && asprintf(ret_error, "%s: cannot check %s: %s", path, ancestor, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        if (st.st_uid == 0 && (st.st_mode & S_ISVTX))
                return 0;
        if (st.st_uid == 0 && !(st.st_mode & S_IWOTH) && (st.st_gid == 0 || !(st.st_mode & S_IWGRP)))
                return 0;
        if (ret_error && asprintf(ret_error, "%s: refused: the directory %s above it is writable by a user other "
                                  "than root (owner %u, group %u, mode %04o)", path, ancestor,
                                  (unsigned) st.st_uid, (unsigned) st.st_gid, (unsigned) (st.st_mode & 07777)) < 0)
                *ret_error = NULL;
        return -EPERM;
}

/* Every directory above p up to /, p itself excluded. */
static int check_prefixes(const char *path, const char *p, char **ret_error) {
        _cleanup_free_ char *copy = strdup(p);
        char *slash;
        int r;

        if (!copy)
                return -ENOMEM;
        while ((slash = strrchr(copy, '/'))) {
                if (slash == copy) {
                        if (copy[1] == 0)
                                break;
                        slash[1] = 0;   /* "/" itself */
                } else
                        *slash = 0;
                r = check_ancestor(path, copy, ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}

/*
 * As OpenSSH's StrictModes: whoever can write a directory above a policy
 * file or directory can replace it. Checked along the path as given (a
 * symlink in it lives in the directory above it) and along the real path.
 */
static int check_ancestors(const char *path, char **ret_error) {
        _cleanup_free_ char *real = realpath(path, NULL);
        int r;

        if (!real) {
                r = -errno;
                if (ret_error && asprintf(ret_error, "%s: cannot resolve: %s", path, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        if (path[0] == '/') {
                r = check_prefixes(path, path, ret_error);
                if (r < 0)
                        return r;
        }
        return check_prefixes(path, real, ret_error);
}

static bool has_conf_suffix(const char *n) {
        size_t l = strlen(n);

        return l > 5 && strcmp(n + l - 5, ".conf") == 0 && n[0] != '.';
}

typedef struct ConfFile {
        char *name;
        char *path;
} ConfFile;

static int cmp_conf(const void *a, const void *b) {
        return strcmp(((const ConfFile *) a)->name, ((const ConfFile *) b)->name);
}

static void conf_files_free(ConfFile *f, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(f[i].name);
                free(f[i].path);
        }
        free(f);
}

/* systemd's override order: the first directory naming a file wins. */
static int collect_files(char * const *dirs, ConfFile **ret, size_t *ret_n, char **ret_error) {
        ConfFile *files = NULL;
        size_t n = 0;
        int r = 0;

        for (char * const *d = dirs; d && *d && r >= 0; d++) {
                struct dirent *de;
                struct stat st;
                DIR *dir;

                dir = opendir(*d);
                if (!dir) {
                        if (errno == ENOENT)
                                continue;
                        r = -errno;
                        if (ret_error && asprintf(ret_error, "%s: cannot open: %s", *d, strerror(errno)) < 0)
                                *ret_error = NULL;
                        break;
                }
                if (fstat(dirfd(dir), &st) < 0) {
                        r = -errno;
                        closedir(dir);
                        break;
                }
                r = check_owner(&st, *d, ret_error);
                if (r >= 0)
                        r = check_ancestors(*d, ret_error);
                if (r < 0) {
                        closedir(dir);
                        break;
                }

                while ((de = readdir(dir))) {
                        bool seen = false;

                        if (!has_conf_suffix(de->d_name))
                                continue;
                        for (size_t i = 0; i < n; i++)
                                if (strcmp(files[i].name, de->d_name) == 0)
                                        seen = true;
                        if (seen)
                                continue;
                        ConfFile *t = realloc(files, (n + 1) * sizeof(*t));
                        if (!t) {
                                r = -ENOMEM;
                                break;
                        }
                        files = t;
                        files[n].name = strdup(de->d_name);
                        if (asprintf(&files[n].path, "%s/%s", *d, de->d_name) < 0)
                                files[n].path = NULL;
                        n++;
                        if (!files[n - 1].name || !files[n - 1].path) {
                                r = -ENOMEM;
                                break;
                        }
                }
                closedir(dir);
        }
        if (r < 0) {
                conf_files_free(files, n);
                return r;
        }
        if (n > 1)
                qsort(files, n, sizeof(ConfFile), cmp_conf);
        *ret = files;
        *ret_n = n;
        return 0;
}

static int load_file(Policy *p, const char *path, bool *ret_masked, char **ret_error) {
        _cleanup_fclose_ FILE *f = NULL;
        struct stat st;
        int fd, r;

        *ret_masked = false;
        /* A symlink to /dev/null masks the file of that name, as in systemd. */
        if (stat(path, &st) >= 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
                *ret_masked = true;
                return 0;
        }

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                r = -errno;
                if (ret_error && asprintf(ret_error, "%s: cannot open: %s", path, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        f = fdopen(fd, "r");
        if (!f) {
                safe_close(fd);
                return -ENOMEM;
        }
        /* Checked on the open file, so a swap after the check changes nothing. */
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode)) {
                if (ret_error && asprintf(ret_error, "%s: not a regular file", path) < 0)
                        *ret_error = NULL;
                return -EBADMSG;
        }
        r = check_owner(&st, path, ret_error);
        if (r < 0)
                return r;
        /* A symlink may lead out of the checked directory. */
        r = check_ancestors(path, ret_error);
        if (r < 0)
                return r;
        return policy_parse_stream(p, f, path, ret_error);
}

int policy_load(char * const *dirs, Policy **ret, char **ret_error) {
        _cleanup_(policy_freep) Policy *p = NULL;
        ConfFile *files = NULL;
        size_t n = 0, n_used = 0;
        int r;

        if (ret_error)
                *ret_error = NULL;
        r = policy_new_default(&p);
        if (r < 0)
                return r;
        r = collect_files(dirs, &files, &n, ret_error);
        if (r < 0)
                return r;

        free(p->files);
        p->files = calloc(n + 1, sizeof(char *));
        if (!p->files) {
                conf_files_free(files, n);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                bool masked;

                r = load_file(p, files[i].path, &masked, ret_error);
                if (r < 0)
                        break;
                if (masked)
                        continue;
                p->files[n_used++] = TAKE_PTR(files[i].path);
        }
        conf_files_free(files, n);
        if (r < 0)
                return r;

        p->loaded_at = now_usec(CLOCK_REALTIME);
        *ret = TAKE_PTR(p);
        return 0;
}

void policy_lookup(const Policy *p, const char *uuid, PolicySettings *ret, const char **ret_source) {
        const PolicyComponent *pc = policy_find_component(p, uuid);
        PolicySettings s = p->defaults;

        if (pc) {
                if (pc->set & POLICY_KEY_AUTO_ACTIVATE)
                        s.auto_activate = pc->settings.auto_activate;
                if (pc->set & POLICY_KEY_CPU_RENDEZVOUS)
                        s.cpu_rendezvous = pc->settings.cpu_rendezvous;
                if (pc->set & POLICY_KEY_PRIME_AHEAD)
                        s.prime_ahead = pc->settings.prime_ahead;
                if (pc->set & POLICY_KEY_RETRY_LIMIT)
                        s.retry_limit = pc->settings.retry_limit;
                if (pc->set & POLICY_KEY_RETRY_DELAY)
                        s.retry_delay = pc->settings.retry_delay;
                for (PolicySetting i = 0; i < _POLICY_SETTING_MAX; i++)
                        if (pc->set & (1U << i))
                                s.origin[i] = pc->settings.origin[i];
        }
        *ret = s;
        if (ret_source)
                *ret_source = s.origin[POLICY_SETTING_AUTO_ACTIVATE];
}

static const char *action_phrase(AutoActivate a) {
        switch (a) {
        case AUTO_ACTIVATE_IMMEDIATE:
                return "activate as soon as pending";
        case AUTO_ACTIVATE_WINDOW:
                return "activate in the maintenance window";
        default:
                return "activate only on request";
        }
}

/* PolicySettings.origin follows PolicyKey's bits. */
_Static_assert(POLICY_KEY_AUTO_ACTIVATE == 1U << POLICY_SETTING_AUTO_ACTIVATE, "bit order");
_Static_assert(POLICY_KEY_CPU_RENDEZVOUS == 1U << POLICY_SETTING_CPU_RENDEZVOUS, "bit order");
_Static_assert(POLICY_KEY_PRIME_AHEAD == 1U << POLICY_SETTING_PRIME_AHEAD, "bit order");
_Static_assert(POLICY_KEY_RETRY_LIMIT == 1U << POLICY_SETTING_RETRY_LIMIT, "bit order");
_Static_assert(POLICY_KEY_RETRY_DELAY == 1U << POLICY_SETTING_RETRY_DELAY, "bit order");

#define CITE_MAX (PATH_MAX + 128)

/* "AutoActivate=window at /etc/lfa.d/50-site.conf:3": the setting that
 * decided and the line it was read from, or that it is built in. */
static const char *cite(char buf[static CITE_MAX], const Policy *p, const PolicySettings *s, PolicySetting which,
                        const char *key, const char *value) {
        if (s->origin[which])
                snprintf(buf, CITE_MAX, "%s=%s at %s", key, value, s->origin[which]);
        else if (p->safe_defaults)
                snprintf(buf, CITE_MAX, "%s=%s, built-in safe default: the policy files do not load, "
                         "see PolicyError", key, value);
        else
                snprintf(buf, CITE_MAX, "%s=%s, built-in default", key, value);
        return buf;
}

int policy_decide(const Policy *p, const Component *c, Decision **ret) {
        _cleanup_(decision_freep) Decision *d = NULL;
        _cleanup_free_ char *rv = NULL, *pa = NULL;
        char aa_cite[CITE_MAX], rv_cite[CITE_MAX], pa_cite[CITE_MAX];
        const char *aa;
        PolicySettings s;
        int k;

        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;

        policy_lookup(p, c->uuid, &s, NULL);
        aa = cite(aa_cite, p, &s, POLICY_SETTING_AUTO_ACTIVATE, "AutoActivate",
                  auto_activate_to_string(s.auto_activate));
        cite(rv_cite, p, &s, POLICY_SETTING_CPU_RENDEZVOUS, "CpuRendezvous",
             cpu_rendezvous_to_string(s.cpu_rendezvous));
        cite(pa_cite, p, &s, POLICY_SETTING_PRIME_AHEAD, "PrimeAhead", s.prime_ahead ? "yes" : "no");

        d->retry_limit = s.retry_limit;
        d->retry_delay = s.retry_delay;

        /* Safety first: these hold whatever the policy says. */
        if (c->parse_error) {
                d->action = DECISION_REFUSED;
                d->force_cpu_rendezvous = true;
                if (asprintf(&d->reason, "never activated automatically: its sysfs data is invalid (%s)",
                             c->parse_error) < 0)
                        d->reason = NULL;
                goto done;
        }
        if (c->may_reset_cpu) {
                d->action = DECISION_REFUSED;
                d->force_cpu_rendezvous = true;
                d->reason = strdup("never activated: it may reset a CPU, which the driver does not support");
                goto done;
        }
        if (!c->activation_capable) {
                d->action = DECISION_REFUSED;
                d->force_cpu_rendezvous = true;
                d->reason = strdup("never activated: the firmware cannot activate it live");
                goto done;
        }

        if (s.cpu_rendezvous == CPU_RENDEZVOUS_SKIP && c->cpu_rendezvous) {
                d->force_cpu_rendezvous = true;
                d->rendezvous_overridden = true;
                k = asprintf(&rv, "; CpuRendezvous=skip ignored: the firmware requires the CPU rendezvous (%s)",
                             rv_cite);
        } else if (s.cpu_rendezvous == CPU_RENDEZVOUS_SKIP) {
                d->force_cpu_rendezvous = false;
                k = asprintf(&rv, "; without CPU rendezvous (%s, firmware allows it)", rv_cite);
        } else {
                d->force_cpu_rendezvous = true;
                k = asprintf(&rv, "; with CPU rendezvous (%s)", rv_cite);
        }
        if (k < 0)
                return rv = NULL, -ENOMEM; /* asprintf() leaves it undefined */

        switch (s.auto_activate) {
        case AUTO_ACTIVATE_IMMEDIATE:
                d->action = DECISION_IMMEDIATE;
                break;
        case AUTO_ACTIVATE_WINDOW:
                d->action = DECISION_WINDOW;
                break;
        default:
                d->action = DECISION_NEVER;
                break;
        }
        /* Priming ahead only helps when the activation is not immediate. */
        d->prime_ahead = s.prime_ahead && d->action != DECISION_IMMEDIATE;
        k = 0;
        /* Upstream's driver primes and activates in one write: say so
         * rather than drop the setting silently. */
        if (d->prime_ahead && !(c->features & DRIVER_FEATURE_PRIME)) {
                d->prime_ahead = false;
                k = asprintf(&pa, "; PrimeAhead=yes not possible on this driver (it primes and activates "
                             "in one step; %s)", pa_cite);
        } else if (d->prime_ahead && c->activation_pending)
                k = asprintf(&pa, "; primed ahead (%s)", pa_cite);
        if (k < 0)
                return pa = NULL, -ENOMEM;

        if (!c->activation_pending) {
                d->action = DECISION_NOTHING_PENDING;
                d->prime_ahead = false;
                if (asprintf(&d->reason, "no new image pending; when one is, policy says: %s (%s)%s%s",
                             action_phrase(s.auto_activate), aa, rv, strempty(pa)) < 0)
                        d->reason = NULL;
                goto done;
        }
        if (asprintf(&d->reason, "policy says: %s (%s)%s%s", action_phrase(s.auto_activate), aa, rv,
                     strempty(pa)) < 0)
                d->reason = NULL;

done:
        if (!d->reason)
                return -ENOMEM;
        *ret = TAKE_PTR(d);
        return 0;
}

char * const *policy_get_files(const Policy *p) {
        return p->files;
}

usec_t policy_get_loaded_at(const Policy *p) {
        return p->loaded_at;
}

usec_t policy_get_poll_interval(const Policy *p) {
        return p->poll_interval;
}

bool policy_is_safe_defaults(const Policy *p) {
        return p->safe_defaults;
}

const PolicySettings *policy_get_defaults(const Policy *p) {
        return &p->defaults;
}

const PolicyComponent *policy_get_components(const Policy *p, size_t *ret_n) {
        *ret_n = p->n_components;
        return p->components;
}
