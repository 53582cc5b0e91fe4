/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

/* A copy of an ActivationResult: its pointers point at the fields below. */
typedef struct RequestResult {
        ActivationResult result;
        LfaLastError last_error;
        char *uuid;
        char *name;
        char *lfa_code;
        char *detail;
        char *message;
} RequestResult;

struct ManagerRequest {
        unsigned n_ref;
        ManagerRequestFn cb;            /* NULL once cancelled or completed */
        void *userdata;
        bool done;
        RequestResult **results;        /* a window run's outcomes, in the order they ended */
        size_t n_results;
};

static RequestResult *request_result_free(RequestResult *c) {
        if (!c)
                return NULL;
        free(c->uuid);
        free(c->name);
        free(c->lfa_code);
        free(c->detail);
        free(c->message);
        free(c);
        return NULL;
}
DEFINE_POINTER_CLEANUP_FUNC_FREE(RequestResult, request_result_free);

static int request_result_copy(const ActivationResult *r, RequestResult **ret) {
        _cleanup_(request_result_freep) RequestResult *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;
        if (free_and_strdup(&c->uuid, r->uuid) < 0 || free_and_strdup(&c->name, r->name) < 0 ||
            free_and_strdup(&c->lfa_code, r->lfa_code) < 0 || free_and_strdup(&c->detail, r->detail) < 0 ||
            free_and_strdup(&c->message, r->message) < 0)
                return -ENOMEM;
        c->result = *r;
        c->result.uuid = c->uuid;
        c->result.name = c->name;
        c->result.lfa_code = c->lfa_code;
        c->result.detail = c->detail;
        c->result.message = c->message;
        if (r->last_error) {
                c->last_error = *r->last_error;
                c->result.last_error = &c->last_error;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

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
        if (--req->n_ref > 0)
                return NULL;
        for (size_t i = 0; i < req->n_results; i++)
                request_result_free(req->results[i]);
        free(req->results);
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

int manager_request_add_result(ManagerRequest *req, const ActivationResult *r) {
        RequestResult **t, *c = NULL;
        int k;

        if (!req)
                return 0;
        t = realloc(req->results, (req->n_results + 1) * sizeof(*t));
        if (!t)
                return -ENOMEM;
        req->results = t;
        k = request_result_copy(r, &c);
        if (k < 0)
                return k;
        t[req->n_results++] = c;
        return 0;
}

size_t manager_request_n_results(const ManagerRequest *req) {
        return req->n_results;
}

const ActivationResult *manager_request_result_at(const ManagerRequest *req, size_t i) {
        return i < req->n_results ? &req->results[i]->result : NULL;
}
