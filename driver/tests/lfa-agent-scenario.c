// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated LFA agent's reader of the scenario language
 * (tests/scenarios/FORMAT.md), shared with the user-space simulation:
 * one statement per line, a verb and key=value tokens. Every error names
 * its line; a scenario with an error changes nothing.
 */

#define pr_fmt(fmt) "lfa-agent: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "../lfa.h"
#include "lfa-agent-model.h"

#define LFA_LINE_MAX	512
#define LFA_TOKENS_MAX	(LFA_LINE_MAX / 2)
#define LFA_N_MAX	1000000

struct lfa_stmt {
	unsigned int line;
	char *verb;
	unsigned int n;
	char *keys[LFA_TOKENS_MAX];
	char *vals[LFA_TOKENS_MAX];
};

struct lfa_parse {
	char *err;
	size_t errlen;
};

/* Handles one statement: 0, or an errno with p->err filled. */
typedef int (*lfa_stmt_fn_t)(struct lfa_parse *p, const struct lfa_stmt *st,
			   void *data);

static __printf(3, 4) int lfa_fail(struct lfa_parse *p, unsigned int line,
				   const char *fmt, ...)
{
	size_t off;
	va_list ap;

	if (!p->err || !p->errlen)
		return -EINVAL;
	off = scnprintf(p->err, p->errlen, "line %u: ", line);
	va_start(ap, fmt);
	vscnprintf(p->err + off, p->errlen - off, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void lfa_agent_cfg_defaults(struct lfa_agent_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->capable = true;
	cfg->resets_record = true;
}

/* ---- values ---- */

static int lfa_parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "0") || !strcmp(v, "1")) {
		*out = v[0] == '1';
		return 0;
	}
	return -EINVAL;
}

static bool lfa_all_digits(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (*v < '0' || *v > '9')
			return false;
	return true;
}

static int lfa_parse_n(const char *v, u32 *out)
{
	u32 n;

	if (!lfa_all_digits(v) || kstrtou32(v, 10, &n) || n > LFA_N_MAX)
		return -EINVAL;
	*out = n;
	return 0;
}

static int lfa_parse_version(const char *v, u64 *out)
{
	char major[16], *dot;
	u32 hi, lo;

	dot = strchr(v, '.');
	if (!dot || dot - v >= sizeof(major))
		return -EINVAL;
	memcpy(major, v, dot - v);
	major[dot - v] = '\0';
	if (!lfa_all_digits(major) || !lfa_all_digits(dot + 1) ||
	    kstrtou32(major, 10, &hi) || kstrtou32(dot + 1, 10, &lo))
		return -EINVAL;
	*out = (u64)hi << 32 | lo;
	return 0;
}

static const char * const lfa_code_names[] = {
	"NOT_SUPPORTED", "BUSY", "AUTH_ERROR", "NO_MEMORY", "CRITICAL_ERROR",
	"DEVICE_ERROR", "WRONG_STATE", "INVALID_PARAMETERS",
	"COMPONENT_WRONG_STATE", "INVALID_ADDRESS", "ACTIVATION_FAILED",
};

static int lfa_parse_code(const char *v, s64 *out)
{
	unsigned int i;
	s64 n;

	for (i = 0; i < ARRAY_SIZE(lfa_code_names); i++) {
		if (!strcmp(v, lfa_code_names[i])) {
			*out = -(s64)(i + 1);
			return 0;
		}
	}
	/* A raw value, e.g. TF-A's leaked -EAGAIN (-35); 0 is no error. */
	if ((v[0] != '-' || !lfa_all_digits(v + 1)) && !lfa_all_digits(v))
		return -EINVAL;
	if (kstrtos64(v, 10, &n) || !n)
		return -EINVAL;
	*out = n;
	return 0;
}

/* A CODE, or 0: none (how a run-time statement clears a fault). */
static int lfa_parse_optional_code(const char *v, s64 *out)
{
	if (!strcmp(v, "0")) {
		*out = 0;
		return 0;
	}
	return lfa_parse_code(v, out);
}

/* A signed count, as "info_skew": -N_MAX to N_MAX. */
static int lfa_parse_signed(const char *v, s32 *out)
{
	bool neg = v[0] == '-';
	u32 n;

	if (lfa_parse_n(v + neg, &n))
		return -EINVAL;
	*out = neg ? -(s32)n : (s32)n;
	return 0;
}

/*
 * A register's reserved bits, decimal or 0x hex; none of @defined (the
 * bits that have a meaning) may be set.
 */
static int lfa_parse_reserved(const char *v, u64 defined, u64 *out)
{
	bool hex = v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
	const char *digits = hex ? v + 2 : v;
	const char *c;
	u64 n;

	if (!hex && !lfa_all_digits(v))
		return -EINVAL;
	for (c = digits; hex && *c; c++)
		if (!(*c >= '0' && *c <= '9') && !(*c >= 'a' && *c <= 'f') &&
		    !(*c >= 'A' && *c <= 'F'))
			return -EINVAL;
	if (!*digits || kstrtou64(digits, hex ? 16 : 10, &n) || (n & defined))
		return -EINVAL;
	*out = n;
	return 0;
}

static const u32 lfa_missable_fids[] = {
	LFA_FN_GET_INFO, LFA_FN_GET_INVENTORY, LFA_FN_PRIME, LFA_FN_ACTIVATE,
	LFA_FN_CANCEL,
};

static const char * const lfa_missable_names[] = {
	"GET_INFO", "GET_INVENTORY", "PRIME", "ACTIVATE", "CANCEL",
};

/* "missing": comma-separated function names, into LFA_AGENT_FN_BIT()s. */
static int lfa_parse_functions(const char *v, u32 *out)
{
	char buf[LFA_LINE_MAX + 1], *cur = buf, *tok;
	unsigned int i;

	strscpy(buf, v, sizeof(buf));
	*out = 0;
	while ((tok = strsep(&cur, ","))) {
		for (i = 0; i < ARRAY_SIZE(lfa_missable_names); i++)
			if (!strcmp(tok, lfa_missable_names[i]))
				break;
		if (i == ARRAY_SIZE(lfa_missable_names))
			return -EINVAL;
		*out |= LFA_AGENT_FN_BIT(lfa_missable_fids[i]);
	}
	return 0;
}

static int lfa_parse_uuid(const char *v, uuid_t *out)
{
	if (strlen(v) != UUID_STRING_LEN || uuid_parse(v, out))
		return -EINVAL;
	return 0;
}

static int lfa_parse_after(const char *v, struct lfa_agent_cfg *cfg)
{
	char buf[LFA_LINE_MAX + 1], *cur = buf, *tok;

	strscpy(buf, v, sizeof(buf));
	cfg->vanish = false;
	cfg->reverse = false;
	cfg->nr_adds = 0;
	while ((tok = strsep(&cur, ","))) {
		if (!strcmp(tok, "vanish")) {
			cfg->vanish = true;
		} else if (!strcmp(tok, "reverse")) {
			cfg->reverse = true;
		} else if (str_has_prefix(tok, "add:") &&
			   cfg->nr_adds < LFA_AGENT_MAX_ADDS) {
			if (lfa_parse_uuid(tok + 4, &cfg->adds[cfg->nr_adds]))
				return -EINVAL;
			cfg->nr_adds++;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- keys of "component" and "set" ---- */

enum lfa_key_type {
	LFA_KEY_BOOL,
	LFA_KEY_N,
	LFA_KEY_VERSION,
	LFA_KEY_UUID,
	LFA_KEY_OPTIONAL_UUID,
	LFA_KEY_NAME,
	LFA_KEY_RENDEZVOUS,
	LFA_KEY_AFTER,
	LFA_KEY_OPTIONAL_CODE,
	LFA_KEY_RESERVED_FLAGS,
	LFA_KEY_RESERVED_X1,
};

#define LFA_KEY(_name, _type, _field) \
	{ _name, _type, offsetof(struct lfa_agent_cfg, _field) }

static const struct {
	const char *name;
	enum lfa_key_type type;
	size_t offset;
} lfa_component_keys[] = {
	LFA_KEY("uuid", LFA_KEY_UUID, uuid),
	LFA_KEY("name", LFA_KEY_NAME, uuid),
	LFA_KEY("capable", LFA_KEY_BOOL, capable),
	LFA_KEY("pending", LFA_KEY_BOOL, pending),
	LFA_KEY("may_reset_cpu", LFA_KEY_BOOL, may_reset_cpu),
	LFA_KEY("rendezvous", LFA_KEY_RENDEZVOUS, rendezvous_optional),
	LFA_KEY("current", LFA_KEY_VERSION, current_version),
	LFA_KEY("pending_version", LFA_KEY_VERSION, pending_version),
	LFA_KEY("prime_rounds", LFA_KEY_N, prime_rounds),
	LFA_KEY("activate_rounds", LFA_KEY_N, activate_rounds),
	LFA_KEY("prime_busy", LFA_KEY_N, prime_busy),
	LFA_KEY("activate_busy", LFA_KEY_N, activate_busy),
	LFA_KEY("prime_error", LFA_KEY_OPTIONAL_CODE, prime_error),
	LFA_KEY("activate_error", LFA_KEY_OPTIONAL_CODE, activate_error),
	LFA_KEY("cancel_error", LFA_KEY_OPTIONAL_CODE, cancel_error),
	LFA_KEY("prime_hang", LFA_KEY_BOOL, prime_hang),
	LFA_KEY("activate_hang", LFA_KEY_BOOL, activate_hang),
	LFA_KEY("call_delay_ms", LFA_KEY_N, call_delay_ms),
	LFA_KEY("resets_record", LFA_KEY_BOOL, resets_record),
	LFA_KEY("after_activate", LFA_KEY_AFTER, vanish),
	LFA_KEY("inventory_error", LFA_KEY_OPTIONAL_CODE, inventory_error),
	LFA_KEY("inventory_uuid", LFA_KEY_OPTIONAL_UUID, inventory_uuid),
	LFA_KEY("reserved_flags", LFA_KEY_RESERVED_FLAGS, reserved_flags),
	LFA_KEY("reserved_x1", LFA_KEY_RESERVED_X1, reserved_x1),
};

static int lfa_set_key(struct lfa_agent_cfg *cfg, const char *key,
		       const char *val, bool *known)
{
	unsigned int i;
	void *field;

	*known = false;
	for (i = 0; i < ARRAY_SIZE(lfa_component_keys); i++) {
		if (strcmp(key, lfa_component_keys[i].name))
			continue;
		*known = true;
		field = (char *)cfg + lfa_component_keys[i].offset;
		switch (lfa_component_keys[i].type) {
		case LFA_KEY_BOOL:
			return lfa_parse_bool(val, field);
		case LFA_KEY_N:
			return lfa_parse_n(val, field);
		case LFA_KEY_VERSION:
			return lfa_parse_version(val, field);
		case LFA_KEY_UUID:
			return lfa_parse_uuid(val, field);
		case LFA_KEY_OPTIONAL_UUID:
			/* "0": none, as the optional codes. */
			if (!strcmp(val, "0")) {
				memset(field, 0, sizeof(uuid_t));
				return 0;
			}
			return lfa_parse_uuid(val, field);
		case LFA_KEY_NAME:
			/* For the user-space simulation's log only. */
			return *val ? 0 : -EINVAL;
		case LFA_KEY_RENDEZVOUS:
			if (!strcmp(val, "required") ||
			    !strcmp(val, "optional")) {
				*(bool *)field = !strcmp(val, "optional");
				return 0;
			}
			return -EINVAL;
		case LFA_KEY_AFTER:
			return lfa_parse_after(val, cfg);
		case LFA_KEY_OPTIONAL_CODE:
			return lfa_parse_optional_code(val, field);
		case LFA_KEY_RESERVED_FLAGS:
			return lfa_parse_reserved(val, LFA_INV_CAPABLE |
						  LFA_INV_PENDING |
						  LFA_INV_MAY_RESET_CPU |
						  LFA_INV_RENDEZVOUS_OPTIONAL,
						  field);
		case LFA_KEY_RESERVED_X1:
			return lfa_parse_reserved(val, LFA_CALL_AGAIN, field);
		}
	}
	return -EINVAL;
}

/* Apply every key but "uuid" (handled by the caller) to @cfg. */
static int lfa_apply_keys(struct lfa_parse *p, const struct lfa_stmt *st,
			  struct lfa_agent_cfg *cfg)
{
	unsigned int i;
	bool known;
	int ret;

	for (i = 0; i < st->n; i++) {
		if (!strcmp(st->keys[i], "uuid"))
			continue;
		ret = lfa_set_key(cfg, st->keys[i], st->vals[i], &known);
		if (!known)
			return lfa_fail(p, st->line, "unknown key '%s' for '%s'",
					st->keys[i], st->verb);
		if (ret)
			return lfa_fail(p, st->line, "bad value '%s' for '%s'",
					st->vals[i], st->keys[i]);
	}
	return 0;
}

static const char *lfa_stmt_get(const struct lfa_stmt *st, const char *key)
{
	unsigned int i;

	for (i = 0; i < st->n; i++)
		if (!strcmp(st->keys[i], key))
			return st->vals[i];
	return NULL;
}

/* Only @allowed keys (NULL-terminated) may appear. */
static int lfa_only_keys(struct lfa_parse *p, const struct lfa_stmt *st,
			 const char * const *allowed)
{
	const char * const *a;
	unsigned int i;

	for (i = 0; i < st->n; i++) {
		for (a = allowed; *a; a++)
			if (!strcmp(st->keys[i], *a))
				break;
		if (!*a)
			return lfa_fail(p, st->line, "unknown key '%s' for '%s'",
					st->keys[i], st->verb);
	}
	return 0;
}

static int lfa_stmt_uuid(struct lfa_parse *p, const struct lfa_stmt *st,
			 uuid_t *uuid)
{
	const char *v = lfa_stmt_get(st, "uuid");

	if (!v)
		return lfa_fail(p, st->line, "'%s' needs uuid=", st->verb);
	if (lfa_parse_uuid(v, uuid))
		return lfa_fail(p, st->line, "bad value '%s' for 'uuid'", v);
	return 0;
}

/* A "component" statement into @cfg. */
static int lfa_component_stmt(struct lfa_parse *p, const struct lfa_stmt *st,
			      struct lfa_agent_cfg *cfg)
{
	int ret;

	lfa_agent_cfg_defaults(cfg);
	ret = lfa_stmt_uuid(p, st, &cfg->uuid);
	if (ret)
		return ret;
	return lfa_apply_keys(p, st, cfg);
}

/*
 * Split one line (comment already cut) into verb and key=value tokens.
 * Returns 0 with st->verb NULL for an empty line.
 */
static int lfa_tokenize(struct lfa_parse *p, char *line, struct lfa_stmt *st)
{
	char *tok, *eq;
	unsigned int i;

	st->verb = NULL;
	st->n = 0;
	while ((tok = strsep(&line, " \t\r"))) {
		if (!*tok)
			continue;
		if (!st->verb) {
			st->verb = tok;
			continue;
		}
		eq = strchr(tok, '=');
		if (!eq || eq == tok)
			return lfa_fail(p, st->line, "'%s' is not key=value",
					tok);
		*eq = '\0';
		for (i = 0; i < st->n; i++)
			if (!strcmp(st->keys[i], tok))
				return lfa_fail(p, st->line,
						"key '%s' repeated", tok);
		st->keys[st->n] = tok;
		st->vals[st->n] = eq + 1;
		st->n++;
	}
	return 0;
}

/* Call @fn for every statement of @text, stopping at the first error. */
static int lfa_parse_stmts(struct lfa_parse *p, const char *text, size_t len,
			   lfa_stmt_fn_t fn, void *data)
{
	char *copy, *cur, *line, *hash;
	struct lfa_stmt *st;
	int ret = 0;

	copy = kmemdup_nul(text, len, GFP_KERNEL);
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!copy || !st) {
		ret = -ENOMEM;
		goto out;
	}
	cur = copy;
	while ((line = strsep(&cur, "\n"))) {
		st->line++;
		if (strlen(line) > LFA_LINE_MAX) {
			ret = lfa_fail(p, st->line, "longer than %d bytes",
				       LFA_LINE_MAX);
			break;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		ret = lfa_tokenize(p, line, st);
		if (ret)
			break;
		if (!st->verb)
			continue;
		ret = fn(p, st, data);
		if (ret)
			break;
	}
out:
	kfree(st);
	kfree(copy);
	return ret;
}

/* ---- scenario files ---- */

struct lfa_load {
	struct lfa_agent_platform *plat;
	bool agent_seen;
	struct lfa_agent_cfg cfg;
};

static int lfa_agent_stmt(struct lfa_parse *p, const struct lfa_stmt *st,
			  struct lfa_load *ld)
{
	struct lfa_agent_platform *plat = ld->plat;
	unsigned int i;
	u64 version;
	int ret = 0;

	if (ld->agent_seen)
		return lfa_fail(p, st->line, "'agent' given twice");
	if (plat->count)
		return lfa_fail(p, st->line,
				"'agent' must come before any 'component'");
	ld->agent_seen = true;
	for (i = 0; i < st->n; i++) {
		const char *k = st->keys[i], *v = st->vals[i];

		if (!strcmp(k, "present")) {
			ret = lfa_parse_bool(v, &plat->present);
		} else if (!strcmp(k, "stale_record")) {
			ret = lfa_parse_bool(v, &plat->stale_record);
		} else if (!strcmp(k, "missing")) {
			ret = lfa_parse_functions(v, &plat->faults.missing);
		} else if (!strcmp(k, "info_error")) {
			ret = lfa_parse_optional_code(v,
						      &plat->faults.info_error);
		} else if (!strcmp(k, "info_skew")) {
			ret = lfa_parse_signed(v, &plat->faults.info_skew);
		} else if (!strcmp(k, "version")) {
			/* LFA_VERSION: major in [30:16], minor in [15:0]. */
			ret = lfa_parse_version(v, &version);
			if (!ret && (version >> 32 > 0x7fff ||
				     (u32)version > 0xffff))
				ret = -EINVAL;
			plat->version = (version >> 32) << 16 | (u32)version;
		} else {
			return lfa_fail(p, st->line,
					"unknown key '%s' for 'agent'", k);
		}
		if (ret)
			return lfa_fail(p, st->line, "bad value '%s' for '%s'",
					v, k);
	}
	return 0;
}

static int lfa_load_stmt(struct lfa_parse *p, const struct lfa_stmt *st,
			 void *data)
{
	struct lfa_load *ld = data;
	struct lfa_agent_platform *plat = ld->plat;
	unsigned int i;
	int ret;

	if (!strcmp(st->verb, "agent"))
		return lfa_agent_stmt(p, st, ld);
	if (strcmp(st->verb, "component"))
		return lfa_fail(p, st->line, "unknown verb '%s'", st->verb);
	ret = lfa_component_stmt(p, st, &ld->cfg);
	if (ret)
		return ret;
	for (i = 0; i < plat->count; i++)
		if (uuid_equal(&plat->comps[i].cfg.uuid, &ld->cfg.uuid))
			return lfa_fail(p, st->line, "uuid %pUb given twice",
					&ld->cfg.uuid);
	if (plat->count >= LFA_AGENT_MAX_COMPONENTS)
		return lfa_fail(p, st->line, "more than %d components",
				LFA_AGENT_MAX_COMPONENTS);
	plat->comps[plat->count++].cfg = ld->cfg;
	return 0;
}

int lfa_agent_parse(const char *text, size_t len,
		    struct lfa_agent_platform *plat, char *err, size_t errlen)
{
	struct lfa_parse p = { .err = err, .errlen = errlen };
	struct lfa_load *ld;
	int ret;

	ld = kzalloc(sizeof(*ld), GFP_KERNEL);
	if (!ld)
		return -ENOMEM;
	plat->present = true;
	plat->version = 1 << 16;
	plat->stale_record = true;
	ld->plat = plat;
	ret = lfa_parse_stmts(&p, text, len, lfa_load_stmt, ld);
	kfree(ld);
	return ret;
}

int lfa_agent_load(const char *text, size_t len, char *err, size_t errlen)
{
	struct lfa_agent_platform *plat;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	plat = kzalloc(sizeof(*plat), GFP_KERNEL);
	if (!plat)
		return -ENOMEM;
	ret = lfa_agent_parse(text, len, plat, err, errlen);
	if (ret) {
		kfree(plat);
		return ret;
	}
	return lfa_agent_install(plat, text, len);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_load);

void lfa_agent_reset(void)
{
	if (lfa_agent_load("", 0, NULL, 0))
		pr_err("cannot reset the simulated platform\n");
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_reset);

/* ---- run-time control ---- */

static int lfa_store_update(struct lfa_parse *p, const struct lfa_stmt *st)
{
	static const char * const keys[] = { "uuid", "pending_version", NULL };
	struct lfa_agent_cfg cfg;
	const char *v;
	uuid_t uuid;
	int ret;

	ret = lfa_only_keys(p, st, keys);
	if (!ret)
		ret = lfa_stmt_uuid(p, st, &uuid);
	if (ret)
		return ret;
	if (lfa_agent_get_cfg(&uuid, &cfg))
		return lfa_fail(p, st->line, "no component %pUb", &uuid);
	v = lfa_stmt_get(st, "pending_version");
	if (v && lfa_parse_version(v, &cfg.pending_version))
		return lfa_fail(p, st->line,
				"bad value '%s' for 'pending_version'", v);
	cfg.pending = true;
	if (lfa_agent_set_cfg(&cfg))
		return lfa_fail(p, st->line, "no component %pUb", &uuid);
	return lfa_notify_store_updated();
}

/* "set-agent": the faults of GET_INFO; "missing" is read at start only. */
static int lfa_set_agent(struct lfa_parse *p, const struct lfa_stmt *st)
{
	struct lfa_agent_faults faults;
	unsigned int i;
	int ret = 0;

	if (!st->n)
		return lfa_fail(p, st->line,
				"'set-agent' needs info_error= or info_skew=");
	lfa_agent_get_faults(&faults);
	for (i = 0; i < st->n; i++) {
		const char *k = st->keys[i], *v = st->vals[i];

		if (!strcmp(k, "info_error"))
			ret = lfa_parse_optional_code(v, &faults.info_error);
		else if (!strcmp(k, "info_skew"))
			ret = lfa_parse_signed(v, &faults.info_skew);
		else
			return lfa_fail(p, st->line,
					"unknown key '%s' for 'set-agent'", k);
		if (ret)
			return lfa_fail(p, st->line, "bad value '%s' for '%s'",
					v, k);
	}
	lfa_agent_set_faults(&faults);
	return 0;
}

static int lfa_control_stmt(struct lfa_parse *p, const struct lfa_stmt *st,
			    void *data)
{
	static const char * const uuid_only[] = { "uuid", NULL };
	static const char * const none[] = { NULL };
	struct lfa_agent_cfg cfg;
	uuid_t uuid;
	int ret;

	if (!strcmp(st->verb, "store-update"))
		return lfa_store_update(p, st);
	if (!strcmp(st->verb, "notify")) {
		ret = lfa_only_keys(p, st, none);
		return ret ? ret : lfa_notify_store_updated();
	}
	if (!strcmp(st->verb, "component")) {
		ret = lfa_component_stmt(p, st, &cfg);
		if (ret)
			return ret;
		ret = lfa_agent_add_component(&cfg);
		if (ret == -EEXIST)
			return lfa_fail(p, st->line, "uuid %pUb given twice",
					&cfg.uuid);
		if (ret)
			return lfa_fail(p, st->line, "more than %d components",
					LFA_AGENT_MAX_COMPONENTS);
		return 0;
	}
	if (!strcmp(st->verb, "remove")) {
		ret = lfa_only_keys(p, st, uuid_only);
		if (!ret)
			ret = lfa_stmt_uuid(p, st, &uuid);
		if (!ret && lfa_agent_remove_component(&uuid))
			ret = lfa_fail(p, st->line, "no component %pUb", &uuid);
		return ret;
	}
	if (!strcmp(st->verb, "set-agent"))
		return lfa_set_agent(p, st);
	if (!strcmp(st->verb, "set")) {
		ret = lfa_stmt_uuid(p, st, &uuid);
		if (ret)
			return ret;
		if (lfa_agent_get_cfg(&uuid, &cfg))
			return lfa_fail(p, st->line, "no component %pUb", &uuid);
		ret = lfa_apply_keys(p, st, &cfg);
		if (!ret && lfa_agent_set_cfg(&cfg))
			ret = lfa_fail(p, st->line, "no component %pUb", &uuid);
		return ret;
	}
	return lfa_fail(p, st->line, "unknown verb '%s'", st->verb);
}

int lfa_agent_control(const char *text, size_t len, char *err, size_t errlen)
{
	struct lfa_parse p = { .err = err, .errlen = errlen };

	if (err && errlen)
		err[0] = '\0';
	return lfa_parse_stmts(&p, text, len, lfa_control_stmt, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_control);
