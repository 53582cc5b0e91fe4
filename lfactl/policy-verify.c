/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfactl policy verify: runs `lfad --verify` (the one policy parser there is)
 * with the options given after it, e.g. --policy-dir=DIR. Without --json its
 * output passes through; with --json it is captured into one JSON object.
 * Which lfad: lfad_path(), shared with lfactl metrics.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "lfactl.h"

extern char **environ;

/*
 * Run from a meson build tree (<build>/lfactl/lfactl, <build>/meson-info
 * beside it), the lfad built with it: a build's policy is checked by that
 * build's parser, and nothing needs installing first. The lfad found is in
 * the same tree as the lfactl running, so whoever could plant it could
 * replace lfactl itself; an installed lfactl (/usr/bin: no /usr/meson-info)
 * never looks there. NULL when not in a build tree.
 */
static char *build_tree_lfad(void) {
        _cleanup_free_ char *exe = NULL, *lfad = NULL, *marker = NULL;
        char *slash;
        ssize_t n;

        exe = calloc(PATH_MAX, 1);
        if (!exe)
                return NULL;
        n = readlink("/proc/self/exe", exe, PATH_MAX - 1);
        if (n <= 0)
                return NULL;

        /* <build>/lfactl/lfactl -> <build> */
        slash = strrchr(exe, '/');
        if (!slash || strcmp(slash, "/lfactl") != 0)
                return NULL;
        *slash = '\0';
        slash = strrchr(exe, '/');
        if (!slash || strcmp(slash, "/lfactl") != 0)
                return NULL;
        *slash = '\0';

        if (asprintf(&marker, "%s/meson-info", exe) < 0 || asprintf(&lfad, "%s/daemon/lfad", exe) < 0)
                return NULL;
        if (access(marker, F_OK) < 0 || access(lfad, X_OK) < 0)
                return NULL;
        return TAKE_PTR(lfad);
}

/* $LFACTL_LFAD, else the build tree's lfad, else the installed one. */
const char *lfad_path(void) {
        static const char *found;
        const char *p;

        if (found)
                return found;
        p = getenv("LFACTL_LFAD");
        if (p && *p)
                return found = p;
        return found = build_tree_lfad() ?: LFAD_PATH;
}

/* Reads everything from fd into a NUL-terminated buffer. */
static int read_all(int fd, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, len = 0;

        for (;;) {
                ssize_t n;

                if (len + 4096 + 1 > size) {
                        char *t = realloc(buf, size = len + 4096 + 1);

                        if (!t)
                                return -ENOMEM;
                        buf = t;
                }
                n = read(fd, buf + len, size - len - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        return 0;
}

static int spawn_verify(char **lfad_args, int out_fd, pid_t *ret) {
        _cleanup_free_ char **argv = NULL;
        posix_spawn_file_actions_t actions;
        size_t n = 0;
        int r;

        while (lfad_args[n])
                n++;
        argv = calloc(n + 3, sizeof(char *));
        if (!argv)
                return -ENOMEM;
        argv[0] = (char *) lfad_path();
        argv[1] = (char *) "--verify";
        memcpy(argv + 2, lfad_args, n * sizeof(char *));

        r = posix_spawn_file_actions_init(&actions);
        if (r != 0)
                return -r;
        if (out_fd >= 0) {
                r = posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
                if (r == 0)
                        r = posix_spawn_file_actions_adddup2(&actions, out_fd, STDERR_FILENO);
        }
        if (r == 0)
                r = posix_spawn(ret, argv[0], &actions, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        return -r;
}

static int wait_exit_status(pid_t pid, int *ret) {
        int status;

        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        /* A crash of lfad counts as an invalid verdict, never as valid. */
        *ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return 0;
}

int policy_verify(Context *c, char **lfad_args) {
        _cleanup_json_ json_object *o = NULL;
        _cleanup_free_ char *output = NULL;
        _cleanup_close_ int rfd = -EBADF, wfd = -EBADF;
        int fds[2], status, r;
        pid_t pid;

        if (!c->json) {
                r = spawn_verify(lfad_args, -EBADF, &pid);
                if (r < 0)
                        return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed",
                                            "cannot run %s: %s", lfad_path(), strerror(-r));
                r = wait_exit_status(pid, &status);
                if (r < 0)
                        return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed",
                                            "waiting for %s: %s", lfad_path(), strerror(-r));
                return status == 0 ? EXIT_OK : EXIT_FAILURE_;
        }

        if (pipe2(fds, O_CLOEXEC) < 0)
                return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed", "pipe: %s",
                                    strerror(errno));
        rfd = fds[0];
        wfd = fds[1];

        r = spawn_verify(lfad_args, wfd, &pid);
        if (r < 0)
                return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed",
                                    "cannot run %s: %s", lfad_path(), strerror(-r));
        wfd = safe_close(wfd);

        r = read_all(rfd, &output);
        if (r >= 0)
                r = wait_exit_status(pid, &status);
        if (r < 0)
                return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed",
                                    "reading from %s: %s", lfad_path(), strerror(-r));

        o = json_object_new_object();
        if (!o)
                return output_bus_error(c, NULL, -ENOMEM, "policy verify");
        json_object_object_add(o, "valid", json_object_new_boolean(status == 0));
        json_object_object_add(o, "exit_status", json_object_new_int(status));
        json_object_object_add(o, "output", json_object_new_string(output));
        r = output_json(c, o);
        if (r < 0)
                return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed", "stdout: %s",
                                    strerror(-r));
        return status == 0 ? EXIT_OK : EXIT_FAILURE_;
}
