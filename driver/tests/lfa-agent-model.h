/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated LFA agent's model of the platform, shared by its engine
 * (lfa-test-agent.c), its scenario parser (lfa-agent-scenario.c) and its
 * debugfs files (lfa-agent-debugfs.c). Test builds only.
 */
#ifndef _LFA_AGENT_MODEL_H
#define _LFA_AGENT_MODEL_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/uuid.h>

#include "lfa-test-agent.h"

/* The most "add:UUID" effects one component's after_activate may list. */
#define LFA_AGENT_MAX_ADDS	4

/**
 * struct lfa_agent_cfg - one component as a scenario describes it
 * @uuid: "uuid"
 * @capable: "capable"
 * @pending: "pending": the platform's answer, seen at the next inventory
 * @may_reset_cpu: "may_reset_cpu"
 * @rendezvous_optional: "rendezvous=optional"
 * @current_version: "current" (0: not reported, x4 left untouched)
 * @pending_version: "pending_version" (0: not reported)
 * @prime_rounds: "prime_rounds"
 * @activate_rounds: "activate_rounds"
 * @prime_busy: "prime_busy"
 * @activate_busy: "activate_busy"
 * @prime_error: "prime_error" (0: none)
 * @activate_error: "activate_error" (0: none)
 * @cancel_error: "cancel_error" (0: none)
 * @prime_hang: "prime_hang"
 * @activate_hang: "activate_hang"
 * @call_delay_ms: "call_delay_ms"
 * @resets_record: "resets_record"
 * @inventory_error: "inventory_error": GET_INVENTORY of its sequence id
 *		     fails with this code (0: none)
 * @inventory_uuid: "inventory_uuid": GET_INVENTORY of its sequence id
 *		    answers this UUID instead of its own (null: none)
 * @reserved_flags: "reserved_flags": reserved bits of GET_INVENTORY's x3
 * @reserved_x1: "reserved_x1": reserved bits of x1 in every PRIME and
 *		 ACTIVATE answer whose x0 is 0
 * @vanish: after_activate "vanish"
 * @reverse: after_activate "reverse"
 * @nr_adds: how many after_activate "add:UUID"
 * @adds: their UUIDs
 */
struct lfa_agent_cfg {
	uuid_t uuid;
	bool capable;
	bool pending;
	bool may_reset_cpu;
	bool rendezvous_optional;
	u64 current_version;
	u64 pending_version;
	u32 prime_rounds;
	u32 activate_rounds;
	u32 prime_busy;
	u32 activate_busy;
	s64 prime_error;
	s64 activate_error;
	s64 cancel_error;
	bool prime_hang;
	bool activate_hang;
	u32 call_delay_ms;
	bool resets_record;
	s64 inventory_error;
	uuid_t inventory_uuid;
	u64 reserved_flags;
	u64 reserved_x1;
	bool vanish;
	bool reverse;
	unsigned int nr_adds;
	uuid_t adds[LFA_AGENT_MAX_ADDS];
};

/**
 * struct lfa_agent_comp - a component: its scenario and its run-time state
 * @cfg: what the scenario says
 * @seen_pending: the pending flag as the last GET_INVENTORY evaluated it
 *		  (TF-A caches it there; PRIME/ACTIVATE check this copy)
 * @prime_done: CALL_AGAIN answers PRIME gave in the current priming
 * @prime_busy_done: BUSY answers PRIME gave
 * @activate_done: CALL_AGAIN answers ACTIVATE gave
 * @activate_busy_done: BUSY answers ACTIVATE gave
 */
struct lfa_agent_comp {
	struct lfa_agent_cfg cfg;
	bool seen_pending;
	u32 prime_done;
	u32 prime_busy_done;
	u32 activate_done;
	u32 activate_busy_done;
};

/* The functions "agent missing=" may name (FEATURES answers NOT_SUPPORTED). */
#define LFA_AGENT_FN_BIT(fid)	BIT((fid) - LFA_FN_VERSION)
#define LFA_AGENT_MISSABLE	(LFA_AGENT_FN_BIT(LFA_FN_GET_INFO) | \
				 LFA_AGENT_FN_BIT(LFA_FN_GET_INVENTORY) | \
				 LFA_AGENT_FN_BIT(LFA_FN_PRIME) | \
				 LFA_AGENT_FN_BIT(LFA_FN_ACTIVATE) | \
				 LFA_AGENT_FN_BIT(LFA_FN_CANCEL))

/**
 * struct lfa_agent_faults - the agent's own faults (FORMAT.md "agent";
 * "set-agent" changes @info_error and @info_skew at run time)
 * @missing: "missing": LFA_AGENT_FN_BIT() of each function the firmware
 *	     lacks (FEATURES of it and any call of it answer NOT_SUPPORTED)
 * @info_error: "info_error": GET_INFO fails with this code (0: none)
 * @info_skew: "info_skew": added to the count GET_INFO reports (never
 *	       below 0)
 */
struct lfa_agent_faults {
	u32 missing;
	s64 info_error;
	s32 info_skew;
};

enum lfa_agent_prime {
	LFA_AGENT_PRIME_STARTED = 1,
	LFA_AGENT_PRIME_COMPLETE,
};

/**
 * struct lfa_agent_platform - the whole simulated firmware
 * @present: "agent present"
 * @version: "agent version", as LFA_VERSION's x0
 * @stale_record: "agent stale_record"
 * @faults: the agent's faults
 * @count: number of components; a component's sequence id is its index
 * @comps: the components
 * @rec_valid: an activation is in progress (TF-A's current_activation)
 * @rec_uuid: the component it is bound to
 * @rec_seq: that component's sequence id when it was bound (TF-A's
 *	     current_activation.component_id, all its CANCEL compares)
 * @rec_prime: how far its priming got
 * @rec_stale: the record outlived a successful activation (the quirk)
 * @fx_pending: after_activate effects wait for the next inventory read
 * @fx: the activated component's configuration (its effects)
 * @restage: KUnit only (lfa_agent_restage()): after the next activation,
 *	     the store holds this version for the activated component
 *	     (0: nothing), seen at the next inventory read
 */
struct lfa_agent_platform {
	bool present;
	u32 version;
	bool stale_record;
	struct lfa_agent_faults faults;
	unsigned int count;
	struct lfa_agent_comp comps[LFA_AGENT_MAX_COMPONENTS];
	bool rec_valid;
	uuid_t rec_uuid;
	u64 rec_seq;
	enum lfa_agent_prime rec_prime;
	bool rec_stale;
	bool fx_pending;
	struct lfa_agent_cfg fx;
	u64 restage;
};

/**
 * lfa_agent_cfg_defaults() - a component with FORMAT.md's defaults
 * @cfg: the configuration to fill
 */
void lfa_agent_cfg_defaults(struct lfa_agent_cfg *cfg);

/**
 * lfa_agent_parse() - parse a scenario into a new platform
 * @text: the scenario
 * @len: its length
 * @plat: filled on success (zeroed by the caller)
 * @err: "line N: ..." on failure
 * @errlen: size of @err
 *
 * Return: 0 or -EINVAL.
 */
int lfa_agent_parse(const char *text, size_t len,
		    struct lfa_agent_platform *plat, char *err, size_t errlen);

/**
 * lfa_agent_install() - make a parsed platform the live one
 * @plat: the new platform (the agent takes ownership)
 * @text: its source, kept for the debugfs "scenario" file
 * @len: length of @text
 *
 * Return: 0 or -ENOMEM (then @plat is freed and nothing changed).
 */
int lfa_agent_install(struct lfa_agent_platform *plat, const char *text,
		      size_t len);

/**
 * lfa_agent_scenario_text() - the scenario last installed
 * @buf: where to copy it, or NULL to only measure
 * @size: room in @buf
 *
 * Return: its length.
 */
size_t lfa_agent_scenario_text(char *buf, size_t size);

/** lfa_agent_release() - free the live platform (module unload) */
void lfa_agent_release(void);

/*
 * Run-time edits of the live platform, under the agent's lock. They return
 * 0, -ENOENT (no such UUID), -EEXIST (UUID already present) or -ENOSPC.
 */
int lfa_agent_add_component(const struct lfa_agent_cfg *cfg);
int lfa_agent_remove_component(const uuid_t *uuid);
int lfa_agent_get_cfg(const uuid_t *uuid, struct lfa_agent_cfg *cfg);
int lfa_agent_set_cfg(const struct lfa_agent_cfg *cfg);
void lfa_agent_get_faults(struct lfa_agent_faults *faults);
void lfa_agent_set_faults(const struct lfa_agent_faults *faults);

#endif /* _LFA_AGENT_MODEL_H */
