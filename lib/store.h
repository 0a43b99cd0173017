#ifndef CASEREVIEW_LIB_STORE_H
#define CASEREVIEW_LIB_STORE_H
/*
 * The content store: every fetched or added file, by the sha256 of its bytes,
 * at store/ab/abcdef….<ext>. A blob is written once and never rewritten; the
 * same report found at two URLs or under two names is one blob.
 *
 * Writes are durable and atomic: bytes go to a temporary file in store/tmp/,
 * are fsync'ed, renamed into place and the directory fsync'ed. A kill at any
 * moment leaves either no blob or a whole one; leftovers in store/tmp/ are
 * removed by store_open().
 *
 * What the store deliberately is not: it keeps no metadata (the catalogue
 * does) and never takes a path from outside: blob paths are built from a
 * validated hex digest and a known extension only.
 */

#include <stddef.h>
#include <stdint.h>

#include "lib/cr_err.h"

#define STORE_SHA_HEX 65 /* 64 hex digits and a NUL */

struct store;
struct store_writer;

/* Opens (creating if needed) the store at dir. *out is new: store_free(). */
int store_open(struct store **out, const char *dir, struct cr_err *err) CR_MUST_CHECK;
void store_free(struct store *s);

/*
 * The blob's path: new string (free()). sha must be 64 lowercase hex digits
 * and ext one of the known formats (see store_ext_ok); otherwise NULL.
 */
char *store_path(const struct store *s, const char *sha, const char *ext);

/*
 * The same path from the store's directory alone, for readers that must not
 * open the store (store_open() sweeps store/tmp/, which a concurrent writer
 * may be using): the web server. NULL under the same conditions.
 */
char *store_blob_path(const char *dir, const char *sha, const char *ext);

/* 1 if ext is an extension the store accepts ("pdf", "docx", "doc", "odt", "html", "bin"). */
int store_ext_ok(const char *ext);
/* 1 if s is 64 lowercase hex digits. */
int store_sha_ok(const char *s);

/*
 * Streams a new blob: store_writer_new(), any number of store_writer_write(),
 * then store_writer_commit() or store_writer_abort(); both free the writer.
 * max_bytes (0 = no cap) fails a write past it with CR_ETOOBIG.
 */
int store_writer_new(struct store *s, uint64_t max_bytes, struct store_writer **out,
                     struct cr_err *err) CR_MUST_CHECK;
int store_writer_write(struct store_writer *w, const void *data, size_t len,
                       struct cr_err *err) CR_MUST_CHECK;
/* The first bytes written so far (up to 4096), for sniffing the format. Borrowed. */
const unsigned char *store_writer_head(const struct store_writer *w, size_t *len);
uint64_t store_writer_bytes(const struct store_writer *w);
/*
 * Finishes the blob as <sha>.<ext>: out-parameters sha (hex, STORE_SHA_HEX
 * bytes) and *was_new (0 when the store already held these bytes). Frees w,
 * whatever the result.
 */
int store_writer_commit(struct store_writer *w, const char *ext, char *sha, int *was_new,
                        struct cr_err *err) CR_MUST_CHECK;
void store_writer_abort(struct store_writer *w);

/* Copies the file at src into the store (the streaming writer over a file). */
int store_add_file(struct store *s, const char *src, const char *ext, char *sha, int *was_new,
                   struct cr_err *err) CR_MUST_CHECK;

/*
 * Checks a blob: 0 if present and its bytes hash to sha, CR_ENOTFOUND if
 * missing, CR_ECORRUPT if the bytes differ.
 */
int store_verify(const struct store *s, const char *sha, const char *ext,
                 struct cr_err *err) CR_MUST_CHECK;

/* Removes a blob (a user's explicit removal only). Missing is not an error. */
int store_remove(const struct store *s, const char *sha, const char *ext,
                 struct cr_err *err) CR_MUST_CHECK;

/* sha256 of a whole file, as hex; *bytes gets its size (may be NULL). */
int store_hash_file(const char *path, char *sha, uint64_t *bytes, struct cr_err *err) CR_MUST_CHECK;

/* sha256 of a memory block, as hex. */
void store_hash_mem(const void *data, size_t len, char *sha);

#endif
