#pragma once
#include <linux/list.h>
struct kobject {
        const char *name;
};
struct kset;
struct kobj_type;
enum kobject_action { KOBJ_ADD, KOBJ_REMOVE, KOBJ_CHANGE, KOBJ_MOVE, KOBJ_ONLINE, KOBJ_OFFLINE, KOBJ_BIND, KOBJ_UNBIND };
