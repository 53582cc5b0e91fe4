/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <errno.h>
#include <stdlib.h>

#include "request.h"

struct ManagerRequest {
        unsigned n_ref;
        ManagerRequestFn cb;            /* NULL once cancelled or completed */
        void *userdata;
        bool done;
};

int manager_request_new(ManagerRequestFn cb, void *userdata, ManagerRequest **ret) {
        ManagerRequest *req = calloc(1, sizeof(*req));

        if (!req)
                return -ENOMEM;
        *req = (ManagerRequest) {
                .n_ref = 1,
                .cb = cb,
                .userdata = userdata,
        };
        *ret = req;
        return 0;
}

ManagerRequest *manager_request_ref(ManagerRequest *req) {
        if (req)
                req->n_ref++;
        return req;
}

ManagerRequest *manager_request_unref(ManagerRequest *req) {
        if (!req)
                return NULL;
        if (--req->n_ref == 0)
                free(req);
        return NULL;
}

void manager_request_cancel(ManagerRequest *req) {
        if (!req)
                return;
        req->cb = NULL;
        req->userdata = NULL;
}

ManagerRequest *manager_request_cancel_unref(ManagerRequest *req) {
        manager_request_cancel(req);
        return manager_request_unref(req);
}

bool manager_request_is_done(const ManagerRequest *req) {
        return req->done;
}

void manager_request_complete(ManagerRequest *req, const ActivationResult *r) {
        ManagerRequestFn cb;
        void *userdata;

        if (!req || req->done)
                return;
        req->done = true;
        cb = req->cb;
        userdata = req->userdata;
        req->cb = NULL;
        req->userdata = NULL;
        /* The callback may drop the caller's reference: hold one until it
         * returns. */
        manager_request_ref(req);
        if (cb)
                cb(req, r, userdata);
        manager_request_unref(req);
}
