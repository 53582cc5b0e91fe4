/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Arm Live Firmware Activation (LFA, Arm DEN0147): internal API of lfa.ko.
 *
 * The files of the driver share this header; the KUnit suites under tests/
 * call the same entry points the sysfs store handlers call.
 */
#ifndef _LFA_H
#define _LFA_H

#include <linux/bits.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/uuid.h>

#include <kunit/visibility.h>

/*
 * Function ids of SMCCC LFA v1.0: fast calls, SMC64, owner "Standard
 * Secure Service", function numbers 0x2e0..0x2e6 (DEN0147 chapter 3).
 */
#define LFA_FN_VERSION		0xc40002e0
#define LFA_FN_FEATURES		0xc40002e1
#define LFA_FN_GET_INFO		0xc40002e2
#define LFA_FN_GET_INVENTORY	0xc40002e3
#define LFA_FN_PRIME		0xc40002e4
#define LFA_FN_ACTIVATE		0xc40002e5
#define LFA_FN_CANCEL		0xc40002e6

/* LFA return codes (x0). -1..-11 are contiguous; CALL_AGAIN is a flag. */
#define LFA_SUCCESS			0
#define LFA_NOT_SUPPORTED		-1
#define LFA_BUSY			-2
#define LFA_AUTH_ERROR			-3
#define LFA_NO_MEMORY			-4
#define LFA_CRITICAL_ERROR		-5
#define LFA_DEVICE_ERROR		-6
#define LFA_WRONG_STATE			-7
#define LFA_INVALID_PARAMETERS		-8
#define LFA_COMPONENT_WRONG_STATE	-9
#define LFA_INVALID_ADDRESS		-10
#define LFA_ACTIVATION_FAILED		-11

/* LFA_VERSION x0: major in bits [30:16], minor in bits [15:0]. */
#define LFA_VERSION_MAJOR	GENMASK(30, 16)
#define LFA_VERSION_MINOR	GENMASK(15, 0)

/* LFA_GET_INVENTORY x3 flags. */
#define LFA_INV_CAPABLE			BIT(0)
#define LFA_INV_PENDING			BIT(1)
#define LFA_INV_MAY_RESET_CPU		BIT(2)
#define LFA_INV_RENDEZVOUS_OPTIONAL	BIT(3)

/* x1 of a successful PRIME or ACTIVATE: the call is to be repeated. */
#define LFA_CALL_AGAIN		BIT(0)
/* x2 of ACTIVATE: activate on the calling CPU only. */
#define LFA_SKIP_RENDEZVOUS	BIT(0)

/* Inventory versions (x4, x5): major in the upper, minor in the lower half. */
#define LFA_VER_MAJOR(v)	((u32)((v) >> 32))
#define LFA_VER_MINOR(v)	((u32)(v))

/**
 * struct lfa_regs - the registers of one LFA call
 * @a0: x0: function id on entry, status on return
 * @a1: x1
 * @a2: x2
 * @a3: x3
 * @a4: x4
 * @a5: x5
 *
 * LFA uses x0..x5 of the SMCCC v1.2 convention. The driver's own struct,
 * because struct arm_smccc_1_2_regs exists only on arm64 and the core
 * builds on every architecture.
 */
struct lfa_regs {
	u64 a0;
	u64 a1;
	u64 a2;
	u64 a3;
	u64 a4;
	u64 a5;
};

/**
 * typedef lfa_invoke_fn - the one call site of every LFA call
 * @args: registers on entry
 * @res: registers on return; registers the agent does not write keep
 *	 the value they had in @args (TF-A leaves x4/x5 of GET_INVENTORY)
 *
 * The SMC/HVC conduit (lfa-smccc.c) or, in test builds, the simulated
 * agent. It may be called with interrupts disabled (ACTIVATE under
 * stop_machine()).
 */
typedef void (*lfa_invoke_fn)(const struct lfa_regs *args,
			      struct lfa_regs *res);

/**
 * struct lfa_conduit_ops - how the driver reaches an LFA agent
 * @name: for the log
 * @init: at module init, before discovery; NULL: nothing to do
 * @exit: at module exit, after the core is gone; NULL: nothing to do
 * @probe: at every lfa_core_init(): 0 when @invoke can be called, else
 *	   -ENODEV (it says why)
 * @invoke: the one call site of every LFA call
 */
struct lfa_conduit_ops {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	int (*probe)(void);
	lfa_invoke_fn invoke;
};

/*
 * The conduit of this build: lfa-smccc.c's SMC/HVC in the shipped module;
 * Kbuild links the simulated agent's (tests/) in its place in test builds.
 * The core never knows which.
 */
extern const struct lfa_conduit_ops lfa_conduit_ops;

/**
 * enum lfa_state - where a component is in its activation sequence
 * @LFA_STATE_IDLE: nothing in progress
 * @LFA_STATE_PRIMING: a PRIME call-again loop runs
 * @LFA_STATE_PRIMED: PRIME completed through lfa_prime(); no ACTIVATE yet
 * @LFA_STATE_ACTIVATING: ACTIVATE is being issued
 */
enum lfa_state {
	LFA_STATE_IDLE,
	LFA_STATE_PRIMING,
	LFA_STATE_PRIMED,
	LFA_STATE_ACTIVATING,
};

/**
 * enum lfa_event - the LFA_EVENT= value of a "change" uevent
 * @LFA_EVENT_STORE_UPDATED: a notification found the entry changed
 * @LFA_EVENT_PRIMED: lfa_prime() succeeded
 * @LFA_EVENT_ACTIVATED: lfa_activate() succeeded
 * @LFA_EVENT_FAILED: lfa_activate() or lfa_prime() failed
 * @LFA_EVENT_CHANGED: a refresh found the entry changed, or cancel changed
 *	the state
 */
enum lfa_event {
	LFA_EVENT_STORE_UPDATED,
	LFA_EVENT_PRIMED,
	LFA_EVENT_ACTIVATED,
	LFA_EVENT_FAILED,
	LFA_EVENT_CHANGED,
};

/**
 * enum lfa_call - which call a failure came from (last_error's CALL field)
 * @LFA_CALL_NONE: the kernel ended the sequence (timeout, cancel, refusal)
 * @LFA_CALL_PRIME: LFA_PRIME
 * @LFA_CALL_ACTIVATE: LFA_ACTIVATE
 * @LFA_CALL_CANCEL: LFA_CANCEL
 * @LFA_CALL_INVENTORY: LFA_GET_INFO or LFA_GET_INVENTORY
 */
enum lfa_call {
	LFA_CALL_NONE,
	LFA_CALL_PRIME,
	LFA_CALL_ACTIVATE,
	LFA_CALL_CANCEL,
	LFA_CALL_INVENTORY,
};

/**
 * struct lfa_error - the last failed action of a component
 * @err: negative errno the write returned; 0: no error recorded
 * @x0: x0 of the failed call; 0 when the kernel ended the sequence
 * @call: the failed call
 * @firmware: true when @x0 came from the firmware (LFA_CODE is not NONE)
 */
struct lfa_error {
	int err;
	s64 x0;
	enum lfa_call call;
	bool firmware;
};

/**
 * struct lfa_component - one firmware component, /sys/firmware/lfa/<uuid>/
 * @kobj: the directory; its release frees the component
 * @node: entry in the list of live components
 * @uuid: identity; never changes
 * @seq_id: current firmware sequence id
 * @flags: LFA_GET_INVENTORY x3
 * @current_version: x4 as reported (0: not reported)
 * @pending_version: x5 as reported (0: not reported)
 * @primed_version: @pending_version when its prime completed
 * @state: see enum lfa_state
 * @force_rendezvous: the force_cpu_rendezvous file
 * @auto_activate: the auto_activate file: the notification activates it
 * @removed: gone from the inventory, or the driver is unloading
 * @cancel: a cancel request for the running priming loop
 * @auto_gen: the notification that last tried to activate it
 * @last_error: see struct lfa_error
 * @event: refresh bookkeeping: the change uevent this refresh owes
 * @seen: refresh bookkeeping: found in the inventory being applied
 * @pending_changed: refresh bookkeeping: the pending flag changed, a
 *	sysfs_notify() of activation_pending is owed
 *
 * @seq_id, @flags, the versions (@primed_version too), @state, @force_rendezvous, @removed and
 * @last_error are read and written under the core's spinlock only, so
 * show() never waits for a PRIME/ACTIVATE sequence. @event and @seen belong
 * to the refresh, which holds the core's mutex.
 */
struct lfa_component {
	struct kobject kobj;
	struct list_head node;
	uuid_t uuid;
	u32 seq_id;
	u64 flags;
	u64 current_version;
	u64 pending_version;
	u64 primed_version;
	enum lfa_state state;
	bool force_rendezvous;
	bool auto_activate;
	bool removed;
	bool cancel;
	unsigned int auto_gen;
	struct lfa_error last_error;
	int event;
	bool seen;
	bool pending_changed;
};

/**
 * struct lfa_component_info - a consistent copy of a component's state
 * @uuid: see struct lfa_component
 * @seq_id: see struct lfa_component
 * @flags: see struct lfa_component
 * @current_version: see struct lfa_component
 * @pending_version: see struct lfa_component
 * @state: see struct lfa_component
 * @force_rendezvous: see struct lfa_component
 * @auto_activate: see struct lfa_component
 * @removed: see struct lfa_component
 * @last_error: see struct lfa_component
 */
struct lfa_component_info {
	uuid_t uuid;
	u32 seq_id;
	u64 flags;
	u64 current_version;
	u64 pending_version;
	enum lfa_state state;
	bool force_rendezvous;
	bool auto_activate;
	bool removed;
	struct lfa_error last_error;
};

/* Module parameters (lfa-activate.c); tests may lower them. */
extern unsigned int lfa_prime_budget_ms;
extern unsigned int lfa_activate_budget_ms;
extern unsigned int lfa_poll_interval_ms;

/* Module parameter "extensions" (lfa-core.c); tests may change it. */
extern bool lfa_extensions;

/* ---- lfa-core.c: discovery, inventory, refresh, uevents ---- */

/**
 * lfa_ext() - whether this driver instance offers its extensions
 *
 * The value of the "extensions" parameter when lfa_core_init() ran. Without
 * them the driver has only the files of Arm's lfa_fw, no top-level files,
 * sends no uevents and answers "activate" with lfa_fw's errnos.
 *
 * Return: true with the extensions.
 */
bool lfa_ext(void);

/**
 * lfa_stopping() - whether lfa_core_exit() asked every sequence to stop
 *
 * Return: true from the start of lfa_core_exit() until the next
 * lfa_core_init().
 */
bool lfa_stopping(void);

/**
 * lfa_set_notifier_bound() - a notification device was bound or unbound
 * @bound: true on probe, false on remove
 *
 * While none is bound, activation_pending and pending_version ask the
 * firmware on every read. Binding refreshes the inventory (as a
 * notification, without activating), so that a store update between the
 * first inventory read and the binding is not missed.
 */
void lfa_set_notifier_bound(bool bound);

/**
 * lfa_component_live() - ask the firmware for a component's entry
 * @info: a copy of the component's state; on success its flags and
 *	  versions are replaced by the firmware's answer
 *
 * One LFA_GET_INVENTORY of @info->seq_id, without the mutex (a read never
 * waits for a sequence). Does nothing while a notification device is bound
 * (the cache is current then) or when the entry at that sequence id is
 * another component's (ids moved; the next refresh puts them right).
 */
void lfa_component_live(struct lfa_component_info *info);

/**
 * lfa_core_init() - discover LFA and publish its components
 *
 * Probes the conduit of this build (lfa_conduit_ops), checks LFA_VERSION
 * (major 1) and LFA_FEATURES of every function used, creates
 * /sys/firmware/lfa and reads the inventory (one "add" uevent per
 * component with the extensions). Called by module init; KUnit calls it
 * again after lfa_core_exit() to start over against a freshly programmed
 * agent.
 *
 * Return: 0, -ENODEV when there is no usable LFA (one message says why),
 * -EEXIST when already initialised or when /sys/firmware/lfa belongs to
 * another driver (one message says so), or another negative errno.
 */
int lfa_core_init(void);

/**
 * lfa_core_exit() - remove every component and /sys/firmware/lfa
 *
 * Stops a running priming loop, waits for the running sequence, sends a
 * "remove" uevent per component and frees what nobody holds a reference
 * to. Components still referenced (lfa_component_find()) read as removed
 * and refuse every action with -ENODEV. Does nothing when not initialised.
 */
void lfa_core_exit(void);

/**
 * lfa_call() - issue one LFA call through the single call site
 * @args: registers on entry; x1..x5 the caller does not use must be zero
 * @res: registers on return
 */
void lfa_call(const struct lfa_regs *args, struct lfa_regs *res);

/**
 * lfa_refresh() - re-read the inventory and update the components in place
 * @why: LFA_EVENT_STORE_UPDATED for a platform notification,
 *	 LFA_EVENT_CHANGED for the "refresh" file and everything else
 *
 * Waits (interruptibly) for a running sequence. Updates components by UUID,
 * adds new ones ("add"), removes vanished ones ("remove", from a workqueue,
 * so that a store() handler may trigger it), and sends one "change" uevent
 * with LFA_EVENT=@why (store-updated only for a component that became
 * pending or whose pending version changed; "changed" otherwise) per
 * component whose entry changed. On a failed call the last good inventory
 * stays. A notification that arrived while this refresh waited for the
 * mutex turns @why into LFA_EVENT_STORE_UPDATED.
 *
 * Return: 0, -EINTR, -ENODEV when not initialised, or the errno that
 * Documentation/admin-guide/lfa.rst ("Errors") gives for the failed
 * LFA_GET_INFO / LFA_GET_INVENTORY.
 */
int lfa_refresh(enum lfa_event why);

/**
 * lfa_notify_store_updated() - the platform's "firmware store updated"
 *
 * What the platform IRQ thread and ACPI Notify (and the test agent's
 * "notify") call: lfa_refresh(LFA_EVENT_STORE_UPDATED), then, as Arm's
 * driver does, the activation of every capable and pending component whose
 * auto_activate is 1, one after another (each activation refreshes), each
 * tried once per notification. Nothing is activated while every
 * auto_activate is 0 (the default). Failures are logged.
 *
 * Return: as lfa_refresh().
 */
int lfa_notify_store_updated(void);

/**
 * lfa_flush_removals() - wait until vanished components are deleted
 *
 * Removal of vanished components runs on a workqueue; this waits for it,
 * so that their "remove" uevents have been sent. Must not be called from a
 * component's store() handler.
 */
void lfa_flush_removals(void);

/**
 * lfa_component_find() - look a live component up by UUID
 * @uuid: the component's UUID
 *
 * Return: the component with a reference the caller drops with
 * lfa_component_put(), or NULL. The reference keeps the memory valid across
 * refreshes and removal; a removed component refuses every action with
 * -ENODEV.
 */
struct lfa_component *lfa_component_find(const uuid_t *uuid);

/**
 * lfa_component_put() - drop a reference from lfa_component_find()
 * @comp: the component, or NULL
 */
void lfa_component_put(struct lfa_component *comp);

/**
 * lfa_component_get_info() - copy a component's state under the spinlock
 * @comp: the component
 * @info: where to copy it
 *
 * Never waits for a PRIME/ACTIVATE sequence (what show() reads).
 */
void lfa_component_get_info(struct lfa_component *comp,
			    struct lfa_component_info *info);

/**
 * lfa_find_primed() - the component in state "primed", other than one
 * @except: the component not to return
 *
 * Return: the primed component with a reference the caller drops with
 * lfa_component_put(), or NULL.
 */
struct lfa_component *lfa_find_primed(struct lfa_component *except);

/**
 * lfa_component_count() - the number of live components
 *
 * Return: the number of components in /sys/firmware/lfa.
 */
unsigned int lfa_component_count(void);

/**
 * lfa_version() - the LFA version found by lfa_core_init()
 *
 * Return: x0 of LFA_VERSION, 0 when not initialised.
 */
u32 lfa_version(void);

/**
 * lfa_send_event() - send a "change" uevent for a component
 * @comp: the component
 * @event: LFA_EVENT=
 * @action: LFA_ACTION= ("activate" or "prime"), or NULL
 * @err: negative errno for LFA_ERRNO= (with LFA_EVENT_FAILED), else 0
 */
void lfa_send_event(struct lfa_component *comp, enum lfa_event event,
		    const char *action, int err);

/**
 * lfa_read_entry() - LFA_GET_INVENTORY of one sequence id
 * @seq_id: the sequence id
 * @uuid: the UUID read
 * @res: all registers of the answer (x3 flags, x4/x5 versions)
 *
 * Passes zero in x2..x5, so a version the firmware does not write reads 0.
 *
 * Return: 0, or the errno of the errno table in
 * Documentation/admin-guide/lfa.rst for a non-zero x0 (@res->a0 keeps the
 * raw value).
 */
int lfa_read_entry(u32 seq_id, uuid_t *uuid, struct lfa_regs *res);

/**
 * lfa_refresh_locked() - lfa_refresh() for a caller holding the mutex
 * @why: as lfa_refresh()
 * @skip: a component that gets no "changed" uevent from this refresh
 *	  (the one just activated, whose "activated" follows), or NULL. If
 *	  its entry shows a new pending image (staged during its
 *	  activation), its @event is left LFA_EVENT_STORE_UPDATED: the
 *	  caller sends that after "activated".
 *
 * Return: as lfa_refresh() without -EINTR.
 */
int lfa_refresh_locked(enum lfa_event why, struct lfa_component *skip);

/**
 * lfa_lock_sequence() - take the mutex of PRIME/ACTIVATE sequences
 *
 * Return: 0, -EBUSY when another sequence or a refresh runs, -ENODEV when
 * the driver is not initialised or unloading.
 */
int lfa_lock_sequence(void);

/**
 * lfa_wait_sequence() - lfa_lock_sequence() that waits for the mutex
 *
 * Return: 0, or -ENODEV when the driver is not initialised or unloading.
 */
int lfa_wait_sequence(void);

/** lfa_unlock_sequence() - release the mutex taken by lfa_lock_sequence() */
void lfa_unlock_sequence(void);

/* ---- lfa-activate.c: the PRIME/ACTIVATE/CANCEL sequences ---- */

/**
 * lfa_activate() - prime (unless primed) and activate a component
 * @comp: the component
 *
 * The body of the "activate" file: see its description in
 * Documentation/ABI/testing/sysfs-firmware-lfa. Blocks until the sequence
 * ends; refreshes the inventory afterwards; sets last_error and sends the
 * "activated" or "failed" uevent.
 *
 * Return: 0 or a negative errno of the ABI file's tables.
 */
int lfa_activate(struct lfa_component *comp);

/**
 * lfa_prime() - prime a component ahead of its activation
 * @comp: the component
 *
 * The body of the "prime" file; leaves the component "primed".
 *
 * Return: 0, -EALREADY when already primed, or an errno as lfa_activate().
 */
int lfa_prime(struct lfa_component *comp);

/**
 * lfa_auto_activate() - an activation the notification starts
 * @comp: the component
 *
 * lfa_activate() that waits for a running sequence instead of returning
 * -EBUSY.
 *
 * Return: as lfa_activate().
 */
int lfa_auto_activate(struct lfa_component *comp);

/**
 * lfa_set_auto_activate() - the auto_activate file
 * @comp: the component
 * @on: the new value
 */
void lfa_set_auto_activate(struct lfa_component *comp, bool on);

/**
 * lfa_cancel_primed() - release a primed component in the firmware
 *
 * LFA_CANCEL for the component in state "primed", if any, which becomes
 * idle (no uevent). lfa_core_exit() calls it with the mutex held: a
 * driver that goes leaves no prime behind in the firmware.
 */
void lfa_cancel_primed(void);

/**
 * lfa_release_prime() - release a component's prime in the firmware
 * @comp: a component in state "primed"
 * @event: send a "changed" uevent
 *
 * LFA_CANCEL of its sequence id (a failure is logged); it becomes idle.
 * Called with the mutex of sequences held.
 */
void lfa_release_prime(struct lfa_component *comp, bool event);

/**
 * lfa_cancel() - the body of the "cancel" file
 * @comp: the component
 *
 * Priming: asks the loop to stop and returns at once (the loop issues
 * LFA_CANCEL). Activating: -EBUSY. Primed or idle: issues LFA_CANCEL
 * (-EBUSY at once if another sequence runs); primed becomes idle.
 *
 * Return: 0 or a negative errno.
 */
int lfa_cancel(struct lfa_component *comp);

/**
 * lfa_set_force_rendezvous() - the force_cpu_rendezvous file
 * @comp: the component
 * @force: the new value; read when an activation starts
 */
void lfa_set_force_rendezvous(struct lfa_component *comp, bool force);

/**
 * lfa_activate_forget() - forget the component last activated
 *
 * A driver instance starts knowing nothing of earlier activations, as a
 * freshly loaded module does. Called by lfa_core_init() with lfa_drv.mutex
 * held.
 */
void lfa_activate_forget(void);

/**
 * lfa_to_errno() - the errno of an LFA return code (admin-guide/lfa.rst)
 * @x0: x0 of a failed call, as a signed value
 *
 * Return: the negative errno; -EIO for a value that is no LFA code.
 */
int lfa_to_errno(s64 x0);

/**
 * lfa_code_name() - the name of an LFA return code without "LFA_"
 * @x0: x0, as a signed value
 *
 * Return: e.g. "AUTH_ERROR"; "UNKNOWN" for a value that is no LFA code.
 */
const char *lfa_code_name(s64 x0);

/**
 * lfa_errno_name() - the name of an errno the driver returns
 * @err: a negative errno
 *
 * Return: e.g. "EKEYREJECTED"; "EUNKNOWN" for one the driver never returns.
 */
const char *lfa_errno_name(int err);

/**
 * lfa_format_error() - last_error as the ABI file spells it
 * @e: the error
 * @buf: output, NUL-terminated
 * @size: size of @buf
 *
 * Writes "" for no error, else "<ERRNO> <LFA_CODE> <RAW_X0> <CALL>".
 *
 * Return: the number of characters written, without the NUL.
 */
int lfa_format_error(const struct lfa_error *e, char *buf, size_t size);

/* ---- lfa-sysfs.c: the kset and the attributes ---- */

/* The ktype of a component directory (its release frees the component). */
extern const struct kobj_type lfa_component_ktype;

/**
 * lfa_sysfs_init() - create the "lfa" kset under /sys/firmware
 *
 * With the extensions, also its "version" and "refresh" files.
 *
 * Return: the kset, ERR_PTR(-EEXIST) when another driver (Arm's lfa_fw)
 * has /sys/firmware/lfa, or another ERR_PTR().
 */
struct kset *lfa_sysfs_init(void);

/**
 * lfa_attr_changed() - a component's file reads differently now
 * @comp: the component
 * @attr: the file, "state" or "activation_pending"
 * @value: its new value (enum lfa_state, or 0/1), for the trace event
 *
 * sysfs_notify() of the file, so that poll() on it returns, and the
 * lfa_sysfs_notify trace event. Sleeps; call without the spinlock.
 */
void lfa_attr_changed(struct lfa_component *comp, const char *attr,
		      int value);

/**
 * lfa_sysfs_exit() - remove the kset created by lfa_sysfs_init()
 * @kset: the kset
 */
void lfa_sysfs_exit(struct kset *kset);

/**
 * lfa_component_name() - the known-image name of a UUID
 * @uuid: the UUID
 *
 * Return: e.g. "TF-A BL31 runtime", or NULL for an unknown image.
 */
const char *lfa_component_name(const uuid_t *uuid);

/* ---- lfa-platform.c: the optional notification device ---- */

/**
 * lfa_platform_init() - register the platform driver
 *
 * Return: 0 or a negative errno.
 */
int lfa_platform_init(void);

/**
 * lfa_platform_notify_async() - a notification from atomic or ACPI context
 *
 * Queues lfa_notify_store_updated() on the driver's own ordered workqueue
 * (never system_wq: it may wait for a whole activation).
 */
void lfa_platform_notify_async(void);

/** lfa_platform_notify_flush() - wait for a queued notification */
void lfa_platform_notify_flush(void);

/** lfa_platform_exit() - unregister the platform driver */
void lfa_platform_exit(void);

#endif /* _LFA_H */
