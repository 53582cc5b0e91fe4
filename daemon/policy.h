/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Admin policy: *.conf in the lfa.d directories (man/lfa.d.5). A file in an
 * earlier directory replaces a file of the same name in a later one; the
 * surviving files are read in lexical order of their names, later settings
 * overriding earlier ones key by key.
 *
 *   [Defaults]
 *   AutoActivate=never|immediate|window
 *   CpuRendezvous=force|skip
 *   PrimeAhead=yes|no
 *   RetryLimit=0..100          automatic retries after a failure
 *   RetryDelaySec=1..86400     first backoff, doubled per retry
 *
 *   [Component 47d4086d-4cfe-9846-9b95-2950cbbd5a00]
 *   (the same keys, for that UUID only)
 *
 *   [Manager]
 *   PollIntervalSec=0..86400   poll of activation_pending where the driver
 *                              sends no component uevents; 0: no poll
 */

#include <stdbool.h>
#include <stddef.h>

#include "decision.h"
#include "inventory.h"
#include "macro.h"

#define POLICY_DIRS_DEFAULT "/etc/lfa.d", "/run/lfa.d", "/usr/lib/lfa.d"

typedef enum AutoActivate {
        AUTO_ACTIVATE_NEVER,
        AUTO_ACTIVATE_IMMEDIATE,
        AUTO_ACTIVATE_WINDOW,
        _AUTO_ACTIVATE_MAX,
        _AUTO_ACTIVATE_INVALID = -EINVAL,
} AutoActivate;

typedef enum CpuRendezvous {
        CPU_RENDEZVOUS_FORCE,
        CPU_RENDEZVOUS_SKIP,
        _CPU_RENDEZVOUS_MAX,
        _CPU_RENDEZVOUS_INVALID = -EINVAL,
} CpuRendezvous;

/* The settings of a section, in PolicyKey's bit order. */
typedef enum PolicySetting {
        POLICY_SETTING_AUTO_ACTIVATE,
        POLICY_SETTING_CPU_RENDEZVOUS,
        POLICY_SETTING_PRIME_AHEAD,
        POLICY_SETTING_RETRY_LIMIT,
        POLICY_SETTING_RETRY_DELAY,
        _POLICY_SETTING_MAX,
} PolicySetting;

typedef struct PolicySettings {
        AutoActivate auto_activate;
        CpuRendezvous cpu_rendezvous;
        bool prime_ahead;
        unsigned retry_limit;
        usec_t retry_delay;
        /* Where each setting was read, "file:line" (owned by the Policy),
         * so that a decision cites the line that made it; NULL: built in. */
        const char *origin[_POLICY_SETTING_MAX];
} PolicySettings;

typedef enum PolicyKey {
        POLICY_KEY_AUTO_ACTIVATE  = 1U << 0,
        POLICY_KEY_CPU_RENDEZVOUS = 1U << 1,
        POLICY_KEY_PRIME_AHEAD    = 1U << 2,
        POLICY_KEY_RETRY_LIMIT    = 1U << 3,
        POLICY_KEY_RETRY_DELAY    = 1U << 4,
        POLICY_KEY_POLL_INTERVAL  = 1U << 5,
} PolicyKey;

#define POLICY_RETRY_LIMIT_DEFAULT 3
#define POLICY_RETRY_LIMIT_MAX 100
#define POLICY_RETRY_DELAY_DEFAULT (60 * USEC_PER_SEC)
#define POLICY_RETRY_DELAY_MAX (86400 * USEC_PER_SEC)
#define POLICY_POLL_INTERVAL_DEFAULT (60 * USEC_PER_SEC)
#define POLICY_POLL_INTERVAL_MAX (86400 * USEC_PER_SEC)
/* inih's line buffer: 200 bytes with the newline and the NUL. */
#define POLICY_LINE_MAX 198

/* One [Component UUID] section after merging all files. */
typedef struct PolicyComponent {
        char uuid[UUID_STRING_MAX];
        PolicySettings settings;
        unsigned set;                   /* POLICY_KEY_* bits given in a file */
} PolicyComponent;

/* The merged policy in force: immutable once loaded; read it through the
 * functions below. */
typedef struct Policy Policy;

Policy *policy_free(Policy *p);
DEFINE_POINTER_CLEANUP_FUNC_FREE(Policy, policy_free);

/* The full paths of the files in force, in read order (never NULL). */
char * const *policy_get_files(const Policy *p) _pure_;
/* When it was loaded, CLOCK_REALTIME µs. */
usec_t policy_get_loaded_at(const Policy *p) _pure_;
/* [Manager] PollIntervalSec=, 0: no poll. */
usec_t policy_get_poll_interval(const Policy *p) _pure_;
/* Whether this is the built-in policy standing in for files that do not load. */
bool policy_is_safe_defaults(const Policy *p) _pure_;
/* The [Defaults] settings after merging all files. */
const PolicySettings *policy_get_defaults(const Policy *p) _pure_;
/* The [Component UUID] sections, sorted by uuid; *ret_n gets their number. */
const PolicyComponent *policy_get_components(const Policy *p, size_t *ret_n);

/* The built-in policy: nothing automatic, rendezvous forced, no priming. */
int policy_new_default(Policy **ret);

/* The built-in policy standing in for files that do not load (lfad's start):
 * loaded_at is now, and every decision's reason says why. */
int policy_new_safe_defaults(Policy **ret);

/*
 * Read every *.conf under dirs (NULL-terminated, highest precedence first).
 * Missing directories are fine. On error returns -EBADMSG (bad content),
 * -EPERM (a file or directory writable by a non-root user) or another
 * negative errno, and *ret_error (if non-NULL) gets "file:line: what".
 */
int policy_load(char * const *dirs, Policy **ret, char **ret_error);

/* Parse one stream as if it were file `name` into p (tests, fuzzing). */
int policy_parse_stream(Policy *p, FILE *f, const char *name, char **ret_error);

/* The settings for uuid: its section merged over the defaults, key by key,
 * each with its origin. *ret_source (if non-NULL) gets AutoActivate='s
 * "file:line", NULL where it is built in. */
void policy_lookup(const Policy *p, const char *uuid, PolicySettings *ret,
                   const char **ret_source);

/*
 * The decision table: policy x firmware flags. may_reset_cpu, not capable
 * or a parse error -> REFUSED whatever the policy says; not pending ->
 * NOTHING_PENDING (the would-be action is still named in the reason);
 * CpuRendezvous=skip is honoured only where cpu_rendezvous is 0, elsewhere
 * rendezvous_overridden is set and the rendezvous is used. PrimeAhead=yes
 * where the component has no `prime` file (upstream's driver) is said in
 * the reason and not done.
 */
int policy_decide(const Policy *p, const Component *c, Decision **ret);

const char *auto_activate_to_string(AutoActivate a) _pure_;
AutoActivate auto_activate_from_string(const char *s) _pure_;
const char *cpu_rendezvous_to_string(CpuRendezvous r) _pure_;
CpuRendezvous cpu_rendezvous_from_string(const char *s) _pure_;
