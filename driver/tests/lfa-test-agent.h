/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated LFA agent of lfa.ko's test builds (CONFIG_LFA_TEST_AGENT).
 *
 * It stands behind the driver's single call site and answers like TF-A's
 * services/std_svc/lfa (see research/tfa-lfa-observed.md): x4/x5 are not
 * written unless the scenario gives a version, the pending flag is
 * refreshed only by GET_INVENTORY, ACTIVATE before PRIME answers
 * INVALID_PARAMETERS, half primed COMPONENT_WRONG_STATE, a skipped
 * rendezvous where it is required INVALID_PARAMETERS, PRIME of a second
 * component while one is half primed WRONG_STATE, while one is fully
 * primed SUCCESS with the first prime gone (INVALID_PARAMETERS from either
 * ACTIVATE until CANCEL of the first), CANCEL of CPUs waiting in the
 * rendezvous pen ACTIVATION_FAILED, and the stale in-progress record.
 * It is programmed with the scenario language of tests/scenarios/FORMAT.md,
 * whose fault keys (agent missing=, info_error=, info_skew=; component
 * inventory_error=, inventory_uuid=, reserved_flags=, reserved_x1=;
 * set-agent) make it answer badly as the user-space simulation does.
 */
#ifndef _LFA_TEST_AGENT_H
#define _LFA_TEST_AGENT_H

#include <linux/kobject.h>
#include <linux/types.h>
#include <linux/uuid.h>

#include "../lfa.h"

/* The most components a scenario may describe. */
#define LFA_AGENT_MAX_COMPONENTS	64
/* Calls and uevents kept; older records are dropped (and counted). */
#define LFA_AGENT_MAX_RECORDS		1024
/* Room for a parse error: "line N: what is wrong". */
#define LFA_AGENT_ERR_LEN		128

/**
 * struct lfa_agent_call - the record of one call the agent answered
 * @fid: the function id (LFA_FN_*)
 * @seq_id: x1 on entry (the fw_seq_id, or the queried fid of FEATURES)
 * @flags: x2 on entry (ACTIVATE: LFA_SKIP_RENDEZVOUS)
 * @x0: x0 returned, as a signed value
 * @x1: x1 returned (LFA_CALL_AGAIN for PRIME/ACTIVATE)
 * @cpus: ACTIVATE only: the CPUs that issued this round's ACTIVATE
 * @online: ACTIVATE only: num_online_cpus() at the time
 * @stopped: ACTIVATE only: every online CPU issued it with interrupts
 *	     disabled, i.e. all were gathered inside stop_machine()
 *
 * A rendezvous round (every CPU calls ACTIVATE) is one record, written by
 * the CPU that performs the activation.
 */
struct lfa_agent_call {
	u32 fid;
	u64 seq_id;
	u64 flags;
	s64 x0;
	u64 x1;
	unsigned int cpus;
	unsigned int online;
	bool stopped;
};

/**
 * struct lfa_agent_uevent - the record of one uevent the driver sent
 * @action: KOBJ_ADD, KOBJ_REMOVE or KOBJ_CHANGE
 * @uuid: the component
 * @env: the LFA_* variables, space-separated, in the order sent, e.g.
 *	 "LFA_EVENT=failed LFA_UUID=... LFA_ACTION=activate LFA_ERRNO=EIO";
 *	 empty for add and remove
 */
struct lfa_agent_uevent {
	enum kobject_action action;
	uuid_t uuid;
	char env[160];
};

/**
 * lfa_agent_invoke() - answer one LFA call (the driver's lfa_invoke_fn)
 * @args: registers on entry
 * @res: registers on return
 *
 * May be called with interrupts disabled, on every CPU at once (ACTIVATE
 * under stop_machine()). Never blocks forever: a CPU waiting in the
 * rendezvous pen for CPUs that never come gives up after one second with
 * ACTIVATION_FAILED; "hang" behaviours answer CALL_AGAIN on every call.
 */
void lfa_agent_invoke(const struct lfa_regs *args, struct lfa_regs *res);

/**
 * lfa_agent_load() - replace the simulated platform with a scenario
 * @text: scenario text (tests/scenarios/FORMAT.md); need not be
 *	  NUL-terminated
 * @len: its length
 * @err: on failure, "line N: what is wrong" (NUL-terminated), or NULL
 * @errlen: size of @err
 *
 * Parses the whole text first; on any error the platform is unchanged.
 * On success the components, their behaviours, the in-progress record and
 * the call and uevent records start afresh. It does not touch the driver:
 * callers re-run lfa_core_exit() + lfa_core_init() (as the debugfs
 * "scenario" file does) or lfa_refresh().
 *
 * Return: 0, -EINVAL for a bad scenario, -ENOMEM.
 */
int lfa_agent_load(const char *text, size_t len, char *err, size_t errlen);

/**
 * lfa_agent_control() - play the firmware at run time
 * @text: control statements (FORMAT.md "Verbs that play the firmware":
 *	  store-update, notify, component, remove, set), one per line
 * @len: its length
 * @err: on failure, "line N: what is wrong", or NULL
 * @errlen: size of @err
 *
 * Statements run in order; a bad one stops there. "store-update" and
 * "notify" raise the notification: they call lfa_notify_store_updated()
 * synchronously, the path the platform IRQ thread takes, so they must not
 * be issued while holding anything that path takes.
 *
 * Return: 0, -EINVAL for a bad statement, or the notification's error.
 */
int lfa_agent_control(const char *text, size_t len, char *err,
		      size_t errlen);

/**
 * lfa_agent_reset() - the default platform: LFA 1.0, no components
 *
 * Also clears the records. What module init starts with.
 */
void lfa_agent_reset(void);

/**
 * lfa_agent_calls() - copy the recorded calls, oldest first
 * @buf: where to copy, or NULL to only count
 * @max: room in @buf
 *
 * Return: the number of records held (may exceed @max).
 */
unsigned int lfa_agent_calls(struct lfa_agent_call *buf, unsigned int max);

/**
 * lfa_agent_uevents() - copy the recorded uevents, oldest first
 * @buf: where to copy, or NULL to only count
 * @max: room in @buf
 *
 * Return: the number of records held (may exceed @max).
 */
unsigned int lfa_agent_uevents(struct lfa_agent_uevent *buf,
			       unsigned int max);

/**
 * lfa_agent_restage() - a store update during the next activation
 * @version: pending version (major << 32 | minor) the store holds for the
 *	     component after its next successful activation, seen at the
 *	     next inventory read; no notification is raised
 *
 * For KUnit only: the scenario language has no such effect.
 */
void lfa_agent_restage(u64 version);

/** lfa_agent_clear_records() - forget the recorded calls and uevents */
void lfa_agent_clear_records(void);

/**
 * lfa_agent_count_calls() - count recorded calls of one function
 * @fid: LFA_FN_*
 *
 * Return: how many calls of @fid were recorded.
 */
unsigned int lfa_agent_count_calls(u32 fid);

/**
 * lfa_agent_entered() - count calls of one function that entered the agent
 * @fid: LFA_FN_*
 *
 * A call counts on entry, before the agent answers (and, for PRIME and
 * ACTIVATE, before it takes its call_delay_ms): a test waits on it to know
 * a call is under way. Cleared with the records.
 *
 * Return: how many calls of @fid entered the agent.
 */
unsigned int lfa_agent_entered(u32 fid);

/**
 * lfa_agent_pen_waiting() - CPUs waiting in the rendezvous pen
 *
 * Return: how many CPUs issued this round's ACTIVATE and wait for the
 * others (0 when no round is open).
 */
unsigned int lfa_agent_pen_waiting(void);

/**
 * lfa_agent_wait() - wait until @cond(@arg) holds
 * @cond: the condition, read again at every event of the agent and driver
 * @arg: its argument
 * @timeout_ms: how long at most
 *
 * The events: a call entering the agent, a CPU entering the pen, a
 * component's attribute changing (the driver's lfa_sysfs_notify trace
 * event: "state", "activation_pending"). A condition that only those can
 * make true is waited for without polling.
 *
 * Return: true if @cond held at an event (or at once), false if it did not
 * by @timeout_ms. It is not read again at the timeout: a condition that
 * became true without one of those events fails the wait.
 */
bool lfa_agent_wait(bool (*cond)(void *arg), void *arg,
		    unsigned int timeout_ms);

/**
 * lfa_agent_note_change() - the probe of the lfa_sysfs_notify trace event
 * @data: unused
 * @uuid: the component
 * @attr: the attribute
 * @value: its new value
 */
void lfa_agent_note_change(void *data, const uuid_t *uuid, const char *attr,
			   int value);

/**
 * lfa_agent_record_uevent() - the probe of the lfa_uevent trace event
 * @data: unused
 * @uuid: the component
 * @action: the kobject action
 * @envp: NULL-terminated LFA_* variables, or NULL
 */
void lfa_agent_record_uevent(void *data, const uuid_t *uuid, int action,
			     char **envp);

/**
 * lfa_agent_fn_name() - the name of a function id, for the calls file
 * @fid: a function id
 *
 * Return: e.g. "PRIME", or "UNKNOWN".
 */
const char *lfa_agent_fn_name(u32 fid);

/**
 * lfa_agent_init() - the conduit's init: reset, probe, debugfs
 *
 * Resets the platform, probes the driver's lfa_uevent trace event (the
 * uevent records) and creates /sys/kernel/debug/lfa-agent.
 *
 * Files: "scenario" (write: lfa_agent_load() then re-initialise the
 * driver; read: the scenario last loaded), "control" (write:
 * lfa_agent_control()), "calls" (read: one line per call; write anything:
 * clear), "uevents" (read: one line per uevent). A failed write returns
 * -EINVAL and logs "line N: ..." with the "lfa-agent:" prefix.
 *
 * Return: 0, or the error of the trace event's registration.
 */
int lfa_agent_init(void);

/** lfa_agent_exit() - remove the debugfs directory and the probe */
void lfa_agent_exit(void);

#endif /* _LFA_TEST_AGENT_H */
