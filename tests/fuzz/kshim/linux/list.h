#pragma once
#include <linux/kernel.h>
struct list_head {
        struct list_head *next, *prev;
};
