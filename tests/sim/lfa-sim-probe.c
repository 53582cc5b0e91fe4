/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfa-sim-probe: a minimal libudev client for the simulator's own tests.
 *
 * It sees the simulated platform the way lfad does (through
 * libumockdev-preload and lfa-sim's preload library): a udev monitor
 * filtered on the subsystems given as arguments (default lfa), and plain
 * file reads and writes. Each received uevent is printed as one line;
 * commands come on stdin, one per line:
 *   write PATH VALUE   in a thread of its own (a write blocks like the
 *                      kernel's): open PATH write-only, write VALUE, close;
 *                      print "wrote PATH N" or "failed PATH ERRNONAME"
 *   read PATH          print the file's first line
 *   device PATH        udev_device_new_from_syspath(): print its subsystem
 *   pause MS           read nothing for MS milliseconds, then print "resumed"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const props[] = {
        "SUBSYSTEM", "LFA_UUID", "LFA_EVENT", "LFA_ACTION", "LFA_ERRNO", "DRIVER", "MODALIAS",
};

static void print_event(struct udev_device *d)
{
        size_t i;

        /* One line, not interleaved with a writer thread's. */
        flockfile(stdout);
        printf("event %s %s", udev_device_get_action(d), udev_device_get_devpath(d));
        for (i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
                const char *v = udev_device_get_property_value(d, props[i]);

                if (v)
                        printf(" %s=%s", props[i], v);
        }
        printf("\n");
        funlockfile(stdout);
}

static void *write_thread(void *arg)
{
        char *path = arg, *val = path + strlen(path) + 1;
        ssize_t n;
        int fd;

        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
                printf("failed %s %s\n", path, strerrorname_np(errno));
        } else {
                n = write(fd, val, strlen(val));
                if (n < 0)
                        printf("failed %s %s\n", path, strerrorname_np(errno));
                else
                        printf("wrote %s %zd\n", path, n);
                close(fd);
        }
        free(path);
        return NULL;
}

static void cmd_write(char *arg)
{
        char *val = strchr(arg, ' '), *copy;
        size_t len = strlen(arg);
        pthread_t t;

        if (!val) {
                printf("error write needs PATH VALUE\n");
                return;
        }
        *val = '\0';
        copy = malloc(len + 1);
        if (!copy) {
                printf("error out of memory\n");
                return;
        }
        memcpy(copy, arg, len + 1);
        if (pthread_create(&t, NULL, write_thread, copy) != 0) {
                printf("error pthread_create\n");
                free(copy);
                return;
        }
        pthread_detach(t);
}

static void cmd_read(const char *path)
{
        char buf[512];
        FILE *f = fopen(path, "re");

        if (!f) {
                printf("error open %s: %s\n", path, strerror(errno));
                return;
        }
        if (!fgets(buf, sizeof(buf), f))
                buf[0] = '\0';
        fclose(f);
        buf[strcspn(buf, "\n")] = '\0';
        printf("read %s [%s]\n", path, buf);
}

static void cmd_device(struct udev *udev, const char *path)
{
        struct udev_device *d = udev_device_new_from_syspath(udev, path);

        if (!d) {
                printf("error device %s: %s\n", path, strerror(errno));
                return;
        }
        printf("device %s subsystem=%s\n", path,
               udev_device_get_subsystem(d) ? udev_device_get_subsystem(d) : "(none)");
        udev_device_unref(d);
}

int main(int argc, char **argv)
{
        struct udev *udev = udev_new();
        struct udev_monitor *mon;
        struct pollfd p[2];
        char line[1024];
        int i;

        setvbuf(stdout, NULL, _IOLBF, 0);
        if (!udev)
                return 1;
        mon = udev_monitor_new_from_netlink(udev, "udev");
        if (!mon)
                return 1;
        for (i = 1; i < argc; i++)
                if (udev_monitor_filter_add_match_subsystem_devtype(mon, argv[i], NULL) < 0)
                        return 1;
        if ((argc < 2 && udev_monitor_filter_add_match_subsystem_devtype(mon, "lfa", NULL) < 0) ||
            udev_monitor_enable_receiving(mon) < 0) {
                fprintf(stderr, "lfa-sim-probe: cannot set up the udev monitor\n");
                return 1;
        }
        printf("ready\n");
        p[0].fd = udev_monitor_get_fd(mon);
        p[0].events = POLLIN;
        p[1].fd = STDIN_FILENO;
        p[1].events = POLLIN;
        for (;;) {
                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return 1;
                }
                if (p[0].revents & POLLIN) {
                        struct udev_device *d = udev_monitor_receive_device(mon);

                        if (d) {
                                print_event(d);
                                udev_device_unref(d);
                        }
                }
                if (p[1].revents & (POLLIN | POLLHUP)) {
                        if (!fgets(line, sizeof(line), stdin))
                                break;
                        line[strcspn(line, "\n")] = '\0';
                        if (strncmp(line, "write ", 6) == 0)
                                cmd_write(line + 6);
                        else if (strncmp(line, "read ", 5) == 0)
                                cmd_read(line + 5);
                        else if (strncmp(line, "device ", 7) == 0)
                                cmd_device(udev, line + 7);
                        else if (strncmp(line, "pause ", 6) == 0) {
                                poll(NULL, 0, atoi(line + 6));
                                printf("resumed\n");
                        }
                        else
                                printf("error unknown command %s\n", line);
                }
        }
        udev_monitor_unref(mon);
        udev_unref(udev);
        return 0;
}
