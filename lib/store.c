#include "lib/store.h"

/*
 * Content-addressed blob store. SHA-256 comes from nettle. The rename into
 * place is the commit point: a blob that exists is complete, because only
 * whole, fsync'ed files are ever renamed into the fan-out directories.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fault.h"
#include "lib/home.h"
#include "lib/xalloc.h"

#define HEAD_MAX 4096

struct store {
    char *dir; /* absolute path of store/; owned */
    char *tmp; /* store/tmp; owned */
};

struct store_writer {
    struct store *s;          /* borrowed */
    struct sha256_ctx ctx;
    int fd;                   /* the temporary file */
    char *tmp_path;           /* owned */
    uint64_t bytes;           /* written so far */
    uint64_t max;             /* 0 = no cap */
    unsigned char head[HEAD_MAX];
    size_t head_len;
};

static const char *const exts[] = {"pdf", "docx", "doc", "odt", "html", "bin", NULL};

int store_ext_ok(const char *ext)
{
    for (int i = 0; exts[i]; i++)
        if (!strcmp(ext, exts[i]))
            return 1;
    return 0;
}

int store_sha_ok(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[64] == '\0';
}

static void clean_tmp(const char *tmp)
{
    DIR *d = opendir(tmp);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "blob-", 5))
            continue;
        /* a leftover of a killed process: never renamed, so never committed */
        (void)unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

int store_open(struct store **out, const char *dir, struct cr_err *err)
{
    struct store *s;
    int rc;

    *out = NULL;
    s = xcalloc(1, sizeof(*s));
    s->dir = xstrdup(dir);
    s->tmp = xasprintf("%s/tmp", dir);
    rc = home_mkdirs(s->tmp, err);
    if (rc < 0) {
        store_free(s);
        return rc;
    }
    clean_tmp(s->tmp);
    *out = s;
    return 0;
}

void store_free(struct store *s)
{
    if (!s)
        return;
    free(s->dir);
    free(s->tmp);
    free(s);
}

char *store_blob_path(const char *dir, const char *sha, const char *ext)
{
    if (!store_sha_ok(sha) || !store_ext_ok(ext))
        return NULL;
    return xasprintf("%s/%.2s/%s.%s", dir, sha, sha, ext);
}

char *store_path(const struct store *s, const char *sha, const char *ext)
{
    return store_blob_path(s->dir, sha, ext);
}

static void hex(const uint8_t *d, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[64] = '\0';
}

void store_hash_mem(const void *data, size_t len, char *sha)
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];

    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof(d), d);
    hex(d, sha);
}

int store_writer_new(struct store *s, uint64_t max_bytes, struct store_writer **out,
                     struct cr_err *err)
{
    struct store_writer *w = xcalloc(1, sizeof(*w));

    *out = NULL;
    w->s = s;
    w->max = max_bytes;
    w->tmp_path = xasprintf("%s/blob-XXXXXX", s->tmp);
    w->fd = mkostemp(w->tmp_path, O_CLOEXEC);
    if (w->fd < 0) {
        int rc = cr_error(err, CR_EIO, "cannot create '%s': %s", w->tmp_path, strerror(errno));
        free(w->tmp_path);
        free(w);
        return rc;
    }
    sha256_init(&w->ctx);
    *out = w;
    return 0;
}

static int write_all(int fd, const void *data, size_t len, const char *path, struct cr_err *err)
{
    const char *p = data;

    while (len) {
        ssize_t n;
        if (fault_hit(FAULT_WRITE)) {
            errno = ENOSPC;
            n = -1;
        } else {
            n = write(fd, p, len);
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return cr_error(err, CR_EIO, "cannot write '%s': %s", path, strerror(errno));
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int store_writer_write(struct store_writer *w, const void *data, size_t len, struct cr_err *err)
{
    int rc;

    if (w->max && w->bytes + len > w->max)
        return cr_error(err, CR_ETOOBIG, "larger than the limit of %llu bytes",
                        (unsigned long long)w->max);
    if (w->head_len < HEAD_MAX) {
        size_t n = HEAD_MAX - w->head_len;
        if (n > len)
            n = len;
        memcpy(w->head + w->head_len, data, n);
        w->head_len += n;
    }
    rc = write_all(w->fd, data, len, w->tmp_path, err);
    if (rc < 0)
        return rc;
    sha256_update(&w->ctx, len, data);
    w->bytes += len;
    return 0;
}

const unsigned char *store_writer_head(const struct store_writer *w, size_t *len)
{
    *len = w->head_len;
    return w->head;
}

uint64_t store_writer_bytes(const struct store_writer *w)
{
    return w->bytes;
}

void store_writer_abort(struct store_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    (void)unlink(w->tmp_path); /* best effort: store_open() sweeps leftovers */
    free(w->tmp_path);
    free(w);
}

static int fsync_dir(const char *dir, struct cr_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;

    if (fd < 0)
        return cr_error(err, CR_EIO, "cannot open '%s': %s", dir, strerror(errno));
    if (fsync(fd) < 0)
        rc = cr_error(err, CR_EIO, "cannot fsync '%s': %s", dir, strerror(errno));
    close(fd);
    return rc;
}

int store_writer_commit(struct store_writer *w, const char *ext, char *sha, int *was_new,
                        struct cr_err *err)
{
    uint8_t d[SHA256_DIGEST_SIZE];
    char *path = NULL, *fan = NULL;
    struct stat st;
    int rc = 0;

    *was_new = 0;
    sha256_digest(&w->ctx, sizeof(d), d);
    hex(d, sha);
    path = store_path(w->s, sha, ext);
    if (!path) {
        rc = cr_error(err, CR_EINVAL, "unknown file format '%s'", ext);
        goto out;
    }
    if (stat(path, &st) == 0)
        goto out; /* already held: the same bytes, whatever their name */
    if (fault_hit(FAULT_FSYNC) ? (errno = EIO) != 0 : fsync(w->fd) < 0) {
        rc = cr_error(err, CR_EIO, "cannot fsync '%s': %s", w->tmp_path, strerror(errno));
        goto out;
    }
    fan = xasprintf("%s/%.2s", w->s->dir, sha);
    if (mkdir(fan, 0755) < 0 && errno != EEXIST) {
        rc = cr_error(err, CR_EIO, "cannot create directory '%s': %s", fan, strerror(errno));
        goto out;
    }
    if (rename(w->tmp_path, path) < 0) {
        rc = cr_error(err, CR_EIO, "cannot rename '%s' to '%s': %s", w->tmp_path, path,
                      strerror(errno));
        goto out;
    }
    rc = fsync_dir(fan, err);
    if (rc == 0)
        *was_new = 1;
out:
    store_writer_abort(w); /* unlinks the temporary file if it was not renamed */
    free(path);
    free(fan);
    return rc;
}

int store_add_file(struct store *s, const char *src, const char *ext, char *sha, int *was_new,
                   struct cr_err *err)
{
    struct store_writer *w = NULL;
    char block[1 << 16];
    int fd = -1, rc;

    fd = open(src, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cr_error(err, CR_EIO, "cannot open '%s': %s", src, strerror(errno));
    rc = store_writer_new(s, 0, &w, err);
    if (rc < 0)
        goto out;
    for (;;) {
        ssize_t n = read(fd, block, sizeof(block));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = cr_error(err, CR_EIO, "cannot read '%s': %s", src, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        rc = store_writer_write(w, block, (size_t)n, err);
        if (rc < 0)
            goto out;
    }
    rc = store_writer_commit(w, ext, sha, was_new, err);
    w = NULL;
out:
    store_writer_abort(w);
    if (fd >= 0)
        close(fd);
    return rc;
}

int store_hash_file(const char *path, char *sha, uint64_t *bytes, struct cr_err *err)
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    char block[1 << 16];
    uint64_t total = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

    if (fd < 0) {
        if (errno == ENOENT)
            return cr_error(err, CR_ENOTFOUND, "'%s' is missing", path);
        return cr_error(err, CR_EIO, "cannot open '%s': %s", path, strerror(errno));
    }
    sha256_init(&ctx);
    for (;;) {
        ssize_t n = read(fd, block, sizeof(block));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = cr_error(err, CR_EIO, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        sha256_update(&ctx, (size_t)n, (const uint8_t *)block);
        total += (uint64_t)n;
    }
    close(fd);
    if (rc < 0)
        return rc;
    sha256_digest(&ctx, sizeof(d), d);
    hex(d, sha);
    if (bytes)
        *bytes = total;
    return 0;
}

int store_verify(const struct store *s, const char *sha, const char *ext, struct cr_err *err)
{
    char got[STORE_SHA_HEX];
    char *path = store_path(s, sha, ext);
    int rc;

    if (!path)
        return cr_error(err, CR_EINVAL, "bad blob name '%s.%s'", sha, ext);
    rc = store_hash_file(path, got, NULL, err);
    if (rc == 0 && strcmp(got, sha))
        rc = cr_error(err, CR_ECORRUPT, "'%s' does not match its sha256 (its bytes hash to %s)",
                      path, got);
    free(path);
    return rc;
}

int store_remove(const struct store *s, const char *sha, const char *ext, struct cr_err *err)
{
    char *path = store_path(s, sha, ext);
    int rc = 0;

    if (!path)
        return cr_error(err, CR_EINVAL, "bad blob name '%s.%s'", sha, ext);
    if (unlink(path) < 0 && errno != ENOENT)
        rc = cr_error(err, CR_EIO, "cannot remove '%s': %s", path, strerror(errno));
    free(path);
    return rc;
}
