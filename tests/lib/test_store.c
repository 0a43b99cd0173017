/* Tests of lib/store.c: content-addressed blobs, durability, verification. */

#include "tests/helpers.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/store.h"
#include "lib/xalloc.h"

static void test_store_same_bytes_one_blob(void **state)
{
    char *dir = th_tmpdir(), *a = xasprintf("%s/a.pdf", dir), *b = xasprintf("%s/b.pdf", dir);
    char *sdir = xasprintf("%s/store", dir), sha1[STORE_SHA_HEX], sha2[STORE_SHA_HEX];
    struct store *s = NULL;
    struct cr_err err;
    int was_new = -1;

    (void)state;
    th_write(a, "%PDF-1.4 same", 13);
    th_write(b, "%PDF-1.4 same", 13);
    assert_int_equal(store_open(&s, sdir, &err), 0);
    assert_int_equal(store_add_file(s, a, "pdf", sha1, &was_new, &err), 0);
    assert_int_equal(was_new, 1);
    assert_int_equal(store_add_file(s, b, "pdf", sha2, &was_new, &err), 0);
    assert_int_equal(was_new, 0);
    assert_string_equal(sha1, sha2);
    assert_int_equal(store_verify(s, sha1, "pdf", &err), 0);
    store_free(s);
    th_rm_rf(dir);
    free(dir), free(a), free(b), free(sdir);
}

static void test_store_known_digest(void **state)
{
    char sha[STORE_SHA_HEX];

    (void)state;
    store_hash_mem("abc", 3, sha);
    assert_string_equal(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_store_verify_detects_corruption(void **state)
{
    char *dir = th_tmpdir(), *a = xasprintf("%s/a.pdf", dir), *sdir = xasprintf("%s/s", dir);
    char sha[STORE_SHA_HEX], *path;
    struct store *s = NULL;
    struct cr_err err;
    int was_new;

    (void)state;
    th_write(a, "%PDF-1.4 original", 17);
    assert_int_equal(store_open(&s, sdir, &err), 0);
    assert_int_equal(store_add_file(s, a, "pdf", sha, &was_new, &err), 0);
    path = store_path(s, sha, "pdf");
    chmod(path, 0644);
    th_write(path, "%PDF-1.4 tampered", 17);
    assert_int_equal(store_verify(s, sha, "pdf", &err), CR_ECORRUPT);
    th_assert_contains(err.msg, "does not match its sha256");
    unlink(path);
    assert_int_equal(store_verify(s, sha, "pdf", &err), CR_ENOTFOUND);
    store_free(s);
    th_rm_rf(dir);
    free(dir), free(a), free(sdir), free(path);
}

static void test_store_path_refuses_bad_names(void **state)
{
    struct store *s = NULL;
    struct cr_err err;
    char *dir = th_tmpdir(), *sdir = xasprintf("%s/s", dir);

    (void)state;
    assert_int_equal(store_open(&s, sdir, &err), 0);
    assert_null(store_path(s, "../../etc/passwd", "pdf"));
    assert_null(store_path(s, "ABCDEF", "pdf"));
    assert_null(store_path(s, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                           "sh"));
    store_free(s);
    th_rm_rf(dir);
    free(dir), free(sdir);
}

static void test_store_write_failure_leaves_nothing(void **state)
{
    char *dir = th_tmpdir(), *a = xasprintf("%s/a.pdf", dir), *sdir = xasprintf("%s/s", dir);
    char sha[STORE_SHA_HEX];
    struct store *s = NULL;
    struct cr_err err;
    int was_new;

    (void)state;
    th_write(a, "%PDF-1.4 data", 13);
    setenv("CASEREVIEW_FAULT", "write:1", 1);
    assert_int_equal(store_open(&s, sdir, &err), 0);
    assert_int_equal(store_add_file(s, a, "pdf", sha, &was_new, &err), CR_EIO);
    th_assert_contains(err.msg, "No space left on device");
    th_assert_contains(err.msg, "/tmp/blob-");
    unsetenv("CASEREVIEW_FAULT");
    /* nothing but the empty tmp folder is left */
    assert_int_equal(th_sh("test -z \"$(find '%s' -type f)\"", sdir), 0);
    store_free(s);
    th_rm_rf(dir);
    free(dir), free(a), free(sdir);
}

static void test_store_writer_cap(void **state)
{
    char *dir = th_tmpdir(), *sdir = xasprintf("%s/s", dir);
    struct store *s = NULL;
    struct store_writer *w = NULL;
    struct cr_err err;

    (void)state;
    assert_int_equal(store_open(&s, sdir, &err), 0);
    assert_int_equal(store_writer_new(s, 10, &w, &err), 0);
    assert_int_equal(store_writer_write(w, "0123456789", 10, &err), 0);
    assert_int_equal(store_writer_write(w, "x", 1, &err), CR_ETOOBIG);
    store_writer_abort(w);
    store_free(s);
    th_rm_rf(dir);
    free(dir), free(sdir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_store_same_bytes_one_blob),
    cmocka_unit_test(test_store_known_digest),
    cmocka_unit_test(test_store_verify_detects_corruption),
    cmocka_unit_test(test_store_path_refuses_bad_names),
    cmocka_unit_test(test_store_write_failure_leaves_nothing),
    cmocka_unit_test(test_store_writer_cap),
};

TH_MAIN(tests)
