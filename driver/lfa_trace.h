/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace events of lfa.ko (events/lfa/ in tracefs; perf and trace-cmd -e
 * lfa). What they measure: how long a prime or an activation took, how
 * long stop_machine() held every CPU for an ACTIVATE round (the pause the
 * machine saw), and how long each CPU spent in the firmware's ACTIVATE.
 * The test build observes the driver through them too, by probes on the
 * same tracepoints.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lfa

#if !defined(_LFA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LFA_TRACE_H

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/uuid.h>

#ifndef _LFA_TRACE_ENV
#define _LFA_TRACE_ENV
/* A uevent's variables, space-separated, as the event records them. */
static inline void lfa_trace_env(char *buf, size_t size, char **envp)
{
	size_t off = 0;

	buf[0] = '\0';
	for (; envp && *envp; envp++)
		off += scnprintf(buf + off, size - off, "%s%s",
				 off ? " " : "", *envp);
}
#endif

TRACE_DEFINE_ENUM(KOBJ_ADD);
TRACE_DEFINE_ENUM(KOBJ_REMOVE);
TRACE_DEFINE_ENUM(KOBJ_CHANGE);

/* A prime or an activation (the "prime" or "activate" file) begins. */
TRACE_EVENT(lfa_sequence_start,
	    TP_PROTO(const uuid_t *uuid, u32 seq_id, const char *action),
	    TP_ARGS(uuid, seq_id, action),
	    TP_STRUCT__entry(__array(u8, uuid, UUID_SIZE)
			     __field(u32, seq_id)
			     __array(char, action, 12)),
	    TP_fast_assign(memcpy(__entry->uuid, uuid->b, UUID_SIZE);
			   __entry->seq_id = seq_id;
			   strscpy(__entry->action, action,
				   sizeof(__entry->action));),
	    TP_printk("%pUb seq_id=%u action=%s", __entry->uuid, __entry->seq_id,
		      __entry->action)
);

/*
 * It ended: @result is what the write returns (0 or a negative errno),
 * @duration_ns the time since lfa_sequence_start, waits for the mutex
 * excluded.
 */
TRACE_EVENT(lfa_sequence_end,
	    TP_PROTO(const uuid_t *uuid, u32 seq_id, const char *action,
		     int result, u64 duration_ns),
	    TP_ARGS(uuid, seq_id, action, result, duration_ns),
	    TP_STRUCT__entry(__array(u8, uuid, UUID_SIZE)
			     __field(u32, seq_id)
			     __array(char, action, 12)
			     __field(int, result)
			     __field(u64, duration_ns)),
	    TP_fast_assign(memcpy(__entry->uuid, uuid->b, UUID_SIZE);
			   __entry->seq_id = seq_id;
			   strscpy(__entry->action, action,
				   sizeof(__entry->action));
			   __entry->result = result;
			   __entry->duration_ns = duration_ns;),
	    TP_printk("%pUb seq_id=%u action=%s result=%d duration_ns=%llu",
		      __entry->uuid, __entry->seq_id, __entry->action,
		      __entry->result, __entry->duration_ns)
);

/* stop_machine() is called for one ACTIVATE round on @cpus online CPUs. */
TRACE_EVENT(lfa_rendezvous_enter,
	    TP_PROTO(u32 seq_id, unsigned int cpus),
	    TP_ARGS(seq_id, cpus),
	    TP_STRUCT__entry(__field(u32, seq_id)
			     __field(unsigned int, cpus)),
	    TP_fast_assign(__entry->seq_id = seq_id;
			   __entry->cpus = cpus;),
	    TP_printk("seq_id=%u cpus=%u", __entry->seq_id, __entry->cpus)
);

/*
 * That stop_machine() returned: @duration_ns from its call to its return,
 * the longest any CPU can have stood stopped; @x0 the round's first
 * failure (0: none), @again whether the firmware asked for another round.
 */
TRACE_EVENT(lfa_rendezvous_exit,
	    TP_PROTO(u32 seq_id, unsigned int cpus, s64 x0, bool again,
		     u64 duration_ns),
	    TP_ARGS(seq_id, cpus, x0, again, duration_ns),
	    TP_STRUCT__entry(__field(u32, seq_id)
			     __field(unsigned int, cpus)
			     __field(s64, x0)
			     __field(bool, again)
			     __field(u64, duration_ns)),
	    TP_fast_assign(__entry->seq_id = seq_id;
			   __entry->cpus = cpus;
			   __entry->x0 = x0;
			   __entry->again = again;
			   __entry->duration_ns = duration_ns;),
	    TP_printk("seq_id=%u cpus=%u x0=%lld again=%d duration_ns=%llu",
		      __entry->seq_id, __entry->cpus, __entry->x0, __entry->again,
		      __entry->duration_ns)
);

/*
 * One CPU's ACTIVATE call, inside the stop_machine() window unless @skip:
 * @duration_ns is the time the CPU spent in the firmware (the holding pen
 * included), its timestamp when it left.
 */
TRACE_EVENT(lfa_activate_call,
	    TP_PROTO(u32 seq_id, unsigned int cpu, bool skip, s64 x0, u64 x1,
		     u64 duration_ns),
	    TP_ARGS(seq_id, cpu, skip, x0, x1, duration_ns),
	    TP_STRUCT__entry(__field(u32, seq_id)
			     __field(unsigned int, cpu)
			     __field(bool, skip)
			     __field(s64, x0)
			     __field(u64, x1)
			     __field(u64, duration_ns)),
	    TP_fast_assign(__entry->seq_id = seq_id;
			   __entry->cpu = cpu;
			   __entry->skip = skip;
			   __entry->x0 = x0;
			   __entry->x1 = x1;
			   __entry->duration_ns = duration_ns;),
	    TP_printk("seq_id=%u cpu=%u skip=%d x0=%lld x1=0x%llx duration_ns=%llu",
		      __entry->seq_id, __entry->cpu, __entry->skip, __entry->x0,
		      __entry->x1, __entry->duration_ns)
);

/* A uevent of a component; @envp its LFA_* variables (NULL: none). */
TRACE_EVENT(lfa_uevent,
	    TP_PROTO(const uuid_t *uuid, int action, char **envp),
	    TP_ARGS(uuid, action, envp),
	    TP_STRUCT__entry(__array(u8, uuid, UUID_SIZE)
			     __field(int, action)
			     __array(char, env, 160)),
	    TP_fast_assign(memcpy(__entry->uuid, uuid->b, UUID_SIZE);
			   __entry->action = action;
			   lfa_trace_env(__entry->env, sizeof(__entry->env),
					 envp);),
	    TP_printk("%pUb %s %s", __entry->uuid,
		      __print_symbolic(__entry->action,
				       { KOBJ_ADD, "add" },
				       { KOBJ_REMOVE, "remove" },
				       { KOBJ_CHANGE, "change" }),
		      __entry->env)
);

/*
 * sysfs_notify() of a component's @attr ("state", "activation_pending"),
 * whose value became @value (enum lfa_state, or 0/1).
 */
TRACE_EVENT(lfa_sysfs_notify,
	    TP_PROTO(const uuid_t *uuid, const char *attr, int value),
	    TP_ARGS(uuid, attr, value),
	    TP_STRUCT__entry(__array(u8, uuid, UUID_SIZE)
			     __array(char, attr, 20)
			     __field(int, value)),
	    TP_fast_assign(memcpy(__entry->uuid, uuid->b, UUID_SIZE);
			   strscpy(__entry->attr, attr, sizeof(__entry->attr));
			   __entry->value = value;),
	    TP_printk("%pUb %s=%d", __entry->uuid, __entry->attr, __entry->value)
);

#endif /* _LFA_TRACE_H */

/* Out of tree: Kbuild puts this directory on the include path. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE lfa_trace
#include <trace/define_trace.h>
