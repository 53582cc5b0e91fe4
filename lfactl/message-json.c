/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * D-Bus values to JSON, whatever their signature: lfactl prints properties,
 * plans, history and signal arguments without a hand-written converter per
 * type, so a property added to the XML shows up in --json by itself.
 * Structs become arrays, dictionaries objects, variants their content.
 */

#include <errno.h>
#include <stdbool.h>

#include "lfactl.h"

static int read_basic(sd_bus_message *m, char type, json_object **ret) {
        union {
                uint8_t u8;
                int16_t s16;
                uint16_t u16;
                int32_t s32;
                uint32_t u32;
                int64_t s64;
                uint64_t u64;
                double d;
                int b;
                const char *s;
                int fd;
        } v;
        json_object *o;
        int r;

        r = sd_bus_message_read_basic(m, type, &v);
        if (r < 0)
                return r;

        switch (type) {
        case SD_BUS_TYPE_BYTE:
                o = json_object_new_int(v.u8);
                break;
        case SD_BUS_TYPE_INT16:
                o = json_object_new_int(v.s16);
                break;
        case SD_BUS_TYPE_UINT16:
                o = json_object_new_int(v.u16);
                break;
        case SD_BUS_TYPE_INT32:
                o = json_object_new_int(v.s32);
                break;
        case SD_BUS_TYPE_UNIX_FD:
                o = json_object_new_int(v.fd);
                break;
        case SD_BUS_TYPE_UINT32:
                o = json_object_new_int64(v.u32);
                break;
        case SD_BUS_TYPE_INT64:
                o = json_object_new_int64(v.s64);
                break;
        case SD_BUS_TYPE_UINT64:
                o = json_object_new_uint64(v.u64);
                break;
        case SD_BUS_TYPE_DOUBLE:
                o = json_object_new_double(v.d);
                break;
        case SD_BUS_TYPE_BOOLEAN:
                o = json_object_new_boolean(v.b);
                break;
        case SD_BUS_TYPE_STRING:
        case SD_BUS_TYPE_OBJECT_PATH:
        case SD_BUS_TYPE_SIGNATURE:
                o = json_object_new_string(v.s);
                break;
        default:
                return -EBADMSG;
        }
        if (!o)
                return -ENOMEM;
        *ret = o;
        return 0;
}

/* The dictionary key as a JSON object key: strings as they are, numbers printed. */
static int read_key(sd_bus_message *m, char **ret) {
        _cleanup_json_ json_object *k = NULL;
        char type;
        int r;

        r = sd_bus_message_peek_type(m, &type, NULL);
        if (r < 0)
                return r;
        if (r == 0)
                return -EBADMSG;
        r = read_basic(m, type, &k);
        if (r < 0)
                return r;
        *ret = strdup(json_object_is_type(k, json_type_string) ? json_object_get_string(k)
                                                                : json_object_to_json_string(k));
        return *ret ? 0 : -ENOMEM;
}

/*
 * An array, struct or dictionary: dictionaries (arrays of dict entries)
 * become JSON objects, arrays and structs JSON arrays of their members.
 */
static int read_container(sd_bus_message *m, char type, const char *contents, json_object **ret) {
        bool dict = type == SD_BUS_TYPE_ARRAY && contents[0] == SD_BUS_TYPE_DICT_ENTRY_BEGIN;
        _cleanup_json_ json_object *o = dict ? json_object_new_object() : json_object_new_array();
        /* A dictionary's contents is "{kv}": the entry's signature is inside the braces. */
        _cleanup_free_ char *entry = dict ? strndup(contents + 1, strlen(contents) - 2) : NULL;
        int r;

        if (!o || (dict && !entry))
                return -ENOMEM;

        r = sd_bus_message_enter_container(m, type, contents);
        if (r < 0)
                return r;

        for (;;) {
                _cleanup_json_ json_object *value = NULL;
                _cleanup_free_ char *key = NULL;

                if (dict)
                        r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, entry);
                else
                        r = sd_bus_message_peek_type(m, NULL, NULL);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;

                if (dict) {
                        r = read_key(m, &key);
                        if (r < 0)
                                return r;
                }
                r = message_read_json(m, &value);
                if (r < 0)
                        return r;

                if (dict) {
                        r = sd_bus_message_exit_container(m);
                        if (r < 0)
                                return r;
                        r = json_object_object_add(o, key, TAKE_PTR(value));
                } else
                        r = json_object_array_add(o, TAKE_PTR(value));
                if (r < 0)
                        return -ENOMEM;
        }

        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(o);
        return 0;
}

/* Reads the next complete value of m into *ret. */
int message_read_json(sd_bus_message *m, json_object **ret) {
        const char *contents;
        char type;
        int r;

        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r < 0)
                return r;
        if (r == 0)
                return -EBADMSG;

        switch (type) {
        case SD_BUS_TYPE_ARRAY:
        case SD_BUS_TYPE_STRUCT:
                return read_container(m, type, contents, ret);
        case SD_BUS_TYPE_VARIANT:
                r = sd_bus_message_enter_container(m, type, contents);
                if (r < 0)
                        return r;
                r = message_read_json(m, ret);
                if (r < 0)
                        return r;
                return sd_bus_message_exit_container(m);
        default:
                return read_basic(m, type, ret);
        }
}

/* An a{sv} of properties (GetAll, PropertiesChanged) as one JSON object. */
int message_read_properties_json(sd_bus_message *m, json_object **ret) {
        const char *contents;
        char type;
        int r;

        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r < 0)
                return r;
        if (r == 0 || type != SD_BUS_TYPE_ARRAY || strcmp(contents, "{sv}") != 0)
                return -EBADMSG;

        return read_container(m, type, contents, ret);
}
