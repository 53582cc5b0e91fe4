/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * liblfa-sim-preload: makes a write to the simulated sysfs behave like a
 * write to the kernel's (tests/sim/README.md, "Writes").
 *
 * umockdev's /sys is a directory of plain files: a write() there would
 * return at once, whatever the driver would have answered. This library,
 * preloaded into every process of the simulated platform (before
 * libumockdev-preload), interposes write(), pwrite(), pwrite64(), writev(),
 * pwritev() and, for stdio, fflush() and fclose(). A write to a regular file
 * whose real path lies under $UMOCKDEV_DIR/sys/firmware/lfa/ or
 * $UMOCKDEV_DIR/sys/module/ is not made to the file: it is sent to lfa-sim
 * over the SOCK_SEQPACKET socket $LFA_SIM_SYSFS (one message: the path
 * relative to $UMOCKDEV_DIR, a NUL, the bytes written) and the call blocks
 * until lfa-sim answers with what the kernel's store() returns (the count,
 * or -errno) — for "activate" and "prime", when the sequence has ended.
 * Everything else goes to the next definition (umockdev's, then libc's).
 *
 * open(), open64(), openat() and openat64() of such a file behave as on
 * kernfs: O_TRUNC is ignored, and opening a file without read permission
 * bits for reading, or without write bits for writing, fails with -EACCES
 * (root included).
 *
 * Like kernfs: one call is one store() of at most 4096 bytes (-E2BIG
 * beyond), a write of 0 bytes returns 0 without a store(), the offset of
 * pwrite() is ignored, and a signal does not interrupt the wait (the
 * writer's death does: lfa-sim sees the connection close).
 */
#define _GNU_SOURCE
/* pwrite() and pwrite64() are both defined here. */
#undef _FILE_OFFSET_BITS
/* open() and friends are defined here, not fortified. */
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define STORE_MAX 4096

#define EXPORT __attribute__((visibility("default")))

static char root[PATH_MAX];
static size_t root_len;
static struct sockaddr_un sim_addr;
static int active;

__attribute__((constructor)) static void init(void)
{
        const char *dir = getenv("UMOCKDEV_DIR");
        const char *sock = getenv("LFA_SIM_SYSFS");

        if (!dir || !sock || strlen(sock) >= sizeof(sim_addr.sun_path))
                return;
        if (!realpath(dir, root))
                return;
        root_len = strlen(root);
        sim_addr.sun_family = AF_UNIX;
        strcpy(sim_addr.sun_path, sock);
        active = 1;
}

static void *next(const char *name)
{
        return dlsym(RTLD_NEXT, name);
}

/* The path of fd relative to the testbed root if lfa-sim owns it, in
 * rel (PATH_MAX); else 0. Raw syscalls: umockdev's readlink is not for us. */
static int sim_file(int fd, char *rel)
{
        char proc[64], buf[PATH_MAX];
        const char *r;
        ssize_t n;
        size_t len;

        if (!active || fd < 0)
                return 0;
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        n = syscall(SYS_readlinkat, AT_FDCWD, proc, buf, sizeof(buf) - 1);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        len = (size_t) n;
        /* A file lfa-sim replaced (a new value) or removed (its component
         * vanished) after this fd was opened: still the same attribute. */
        if (len > 10 && strcmp(buf + len - 10, " (deleted)") == 0)
                buf[len - 10] = '\0';
        if (strncmp(buf, root, root_len) != 0 || buf[root_len] != '/')
                return 0;
        r = buf + root_len + 1;
        if (strncmp(r, "sys/firmware/lfa/", 17) != 0 && strncmp(r, "sys/module/", 11) != 0)
                return 0;
        strcpy(rel, r);
        return 1;
}

/* Whether the directory dirfd (AT_FDCWD: the working directory) lies in
 * the testbed's sys/firmware/lfa or sys/module. */
static int dir_under_sim(int dirfd)
{
        char proc[64], buf[PATH_MAX];
        const char *r;
        ssize_t n;

        if (dirfd == AT_FDCWD)
                snprintf(proc, sizeof(proc), "/proc/self/cwd");
        else
                snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dirfd);
        n = syscall(SYS_readlinkat, AT_FDCWD, proc, buf, sizeof(buf) - 1);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        if (strncmp(buf, root, root_len) != 0 || buf[root_len] != '/')
                return 0;
        r = buf + root_len + 1;
        return (strncmp(r, "sys/firmware/lfa", 16) == 0 && (r[16] == '/' || r[16] == '\0')) ||
                (strncmp(r, "sys/module", 10) == 0 && (r[10] == '/' || r[10] == '\0'));
}

/* Whether path (relative to dirfd) may name a file lfa-sim owns. */
static int under_sim(int dirfd, const char *path)
{
        if (!active || !path)
                return 0;
        if (path[0] == '/')
                return strncmp(path, "/sys/firmware/lfa/", 18) == 0 || strncmp(path, "/sys/module/", 12) == 0;
        return dir_under_sim(dirfd);
}

/* kernfs_fop_open()'s permission check, on the file just opened. The mode
 * first: only a refusal needs the file's path, and a read of an attribute
 * then costs one fstat() here, not two readlinks of /proc. */
static int checked(int fd, int flags)
{
        char rel[PATH_MAX];
        struct stat st;
        int acc = flags & O_ACCMODE;

        if (fd < 0 || !active || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return fd;
        if (!((acc == O_RDONLY || acc == O_RDWR) && !(st.st_mode & 0444)) &&
            !((acc == O_WRONLY || acc == O_RDWR) && !(st.st_mode & 0222)))
                return fd;
        if (!sim_file(fd, rel))
                return fd;
        close(fd);
        errno = EACCES;
        return -1;
}

static mode_t mode_arg(int flags, va_list ap)
{
        return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t) va_arg(ap, int) : 0;
}

#define OPEN(name)                                                              \
        EXPORT int name(const char *path, int flags, ...)                       \
        {                                                                       \
                static int (*real)(const char *, int, ...);                     \
                va_list ap;                                                     \
                mode_t mode;                                                    \
                va_start(ap, flags);                                            \
                mode = mode_arg(flags, ap);                                     \
                va_end(ap);                                                     \
                if (!real)                                                      \
                        real = next(#name);                                     \
                if ((flags & O_TRUNC) && under_sim(AT_FDCWD, path))             \
                        flags &= ~O_TRUNC;                                      \
                return checked(real(path, flags, mode), flags);                 \
        }

#define OPENAT(name)                                                            \
        EXPORT int name(int dirfd, const char *path, int flags, ...)            \
        {                                                                       \
                static int (*real)(int, const char *, int, ...);                \
                va_list ap;                                                     \
                mode_t mode;                                                    \
                va_start(ap, flags);                                            \
                mode = mode_arg(flags, ap);                                     \
                va_end(ap);                                                     \
                if (!real)                                                      \
                        real = next(#name);                                     \
                if ((flags & O_TRUNC) && under_sim(dirfd, path))                \
                        flags &= ~O_TRUNC;                                      \
                return checked(real(dirfd, path, flags, mode), flags);          \
        }

OPEN(open)
OPEN(open64)
OPENAT(openat)
OPENAT(openat64)

/* One store(): the count or -errno lfa-sim answers. */
static ssize_t sim_store(const char *rel, const void *data, size_t count)
{
        char msg[PATH_MAX + 1 + STORE_MAX], reply[32];
        size_t rl = strlen(rel) + 1;
        ssize_t n;
        long v;
        int s;

        if (count == 0)
                return 0;
        if (count > STORE_MAX)
                return -E2BIG;
        memcpy(msg, rel, rl);
        memcpy(msg + rl, data, count);
        s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (s < 0)
                return -errno;
        if (connect(s, (struct sockaddr *) &sim_addr, sizeof(sim_addr)) < 0) {
                /* lfa-sim is gone: as if the driver had been unloaded. */
                close(s);
                return -ENODEV;
        }
        do
                n = send(s, msg, rl + count, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
                close(s);
                return -ENODEV;
        }
        do
                n = recv(s, reply, sizeof(reply) - 1, 0);
        while (n < 0 && errno == EINTR);
        close(s);
        if (n <= 0)
                return -ENODEV;
        reply[n] = '\0';
        v = strtol(reply, NULL, 10);
        if (v > (long) count)
                return -EIO;
        return v;
}

static ssize_t finish(ssize_t r)
{
        if (r < 0) {
                errno = (int) -r;
                return -1;
        }
        return r;
}

EXPORT ssize_t write(int fd, const void *buf, size_t count)
{
        static ssize_t (*real)(int, const void *, size_t);
        char rel[PATH_MAX];

        if (sim_file(fd, rel))
                return finish(sim_store(rel, buf, count));
        if (!real)
                real = next("write");
        return real(fd, buf, count);
}

EXPORT ssize_t pwrite(int fd, const void *buf, size_t count, off_t off)
{
        static ssize_t (*real)(int, const void *, size_t, off_t);
        char rel[PATH_MAX];

        if (sim_file(fd, rel))
                return finish(sim_store(rel, buf, count));
        if (!real)
                real = next("pwrite");
        return real(fd, buf, count, off);
}

EXPORT ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t off)
{
        static ssize_t (*real)(int, const void *, size_t, off64_t);
        char rel[PATH_MAX];

        if (sim_file(fd, rel))
                return finish(sim_store(rel, buf, count));
        if (!real)
                real = next("pwrite64");
        return real(fd, buf, count, off);
}

/* kernfs makes one store() of the whole vector. */
static ssize_t store_iov(const char *rel, const struct iovec *iov, int iovcnt)
{
        char data[STORE_MAX];
        size_t len = 0;
        int i;

        if (iovcnt < 0)
                return -EINVAL;
        for (i = 0; i < iovcnt; i++) {
                if (iov[i].iov_len > STORE_MAX - len)
                        return -E2BIG;
                memcpy(data + len, iov[i].iov_base, iov[i].iov_len);
                len += iov[i].iov_len;
        }
        return sim_store(rel, data, len);
}

EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
        static ssize_t (*real)(int, const struct iovec *, int);
        char rel[PATH_MAX];

        if (sim_file(fd, rel))
                return finish(store_iov(rel, iov, iovcnt));
        if (!real)
                real = next("writev");
        return real(fd, iov, iovcnt);
}

EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
        static ssize_t (*real)(int, const struct iovec *, int, off_t);
        char rel[PATH_MAX];

        if (sim_file(fd, rel))
                return finish(store_iov(rel, iov, iovcnt));
        if (!real)
                real = next("pwritev");
        return real(fd, iov, iovcnt, off);
}

/*
 * stdio writes through libc's internal write(), which no preload sees. What
 * a stream on a simulated file holds is sent when the program flushes or
 * closes it, and the stream's error flag and errno say what the store
 * returned, as they would on sysfs: the bytes still in its buffer (glibc's
 * public FILE fields, bits/types/struct_FILE.h), and the bytes a
 * line-buffered stream (a shell's "echo 1 > activate": bash line-buffers
 * stdout) already wrote into the plain file, which the file offset tells
 * (a store through this library never moves it).
 */
static ssize_t recover_written(int fd, const char *rel)
{
        char proc[64], data[STORE_MAX];
        off_t off = lseek(fd, 0, SEEK_CUR);
        ssize_t n;
        int rfd;

        if (off <= 0)
                return 0;
        if (off > STORE_MAX)
                return -E2BIG;
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        rfd = (int) syscall(SYS_openat, AT_FDCWD, proc, O_RDONLY | O_CLOEXEC);
        if (rfd < 0)
                return -EIO;
        n = pread(rfd, data, (size_t) off, 0);
        close(rfd);
        if (n < 0 || ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
                return -EIO;
        return sim_store(rel, data, (size_t) n);
}

static int flush_stream(FILE *f)
{
        char rel[PATH_MAX];
        ssize_t r = 0;
        int fd;

        if (!f)
                return 0;
        fd = fileno(f);
        if (!sim_file(fd, rel))
                return 0;
        if (f->_IO_write_ptr > f->_IO_write_base) {
                r = sim_store(rel, f->_IO_write_base, (size_t) (f->_IO_write_ptr - f->_IO_write_base));
                f->_IO_write_ptr = f->_IO_write_base;
        }
        if (r >= 0)
                r = recover_written(fd, rel);
        if (r < 0) {
                f->_flags |= _IO_ERR_SEEN;
                errno = (int) -r;
                return EOF;
        }
        return 0;
}

EXPORT int fflush(FILE *f)
{
        static int (*real)(FILE *);
        int saved;

        if (!real)
                real = next("fflush");
        if (flush_stream(f) == EOF) {
                saved = errno;
                (void) real(f);
                errno = saved;
                return EOF;
        }
        return real(f);
}

EXPORT int fclose(FILE *f)
{
        static int (*real)(FILE *);
        int saved;

        if (!real)
                real = next("fclose");
        if (flush_stream(f) == EOF) {
                saved = errno;
                (void) real(f);
                errno = saved;
                return EOF;
        }
        return real(f);
}
