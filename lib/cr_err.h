#ifndef CASEREVIEW_LIB_CR_ERR_H
#define CASEREVIEW_LIB_CR_ERR_H
/*
 * Errors: codes plus a one-line message with context.
 *
 * A function that can fail returns int: 0 on success or a negative CR_E…
 * code, and takes `struct cr_err *err` as its last parameter, which it fills
 * with a message such as
 *     cannot open 'northshire-child-t.pdf': No such file or directory
 * Each layer adds its context on the way up with cr_err_prefix(), so that the
 * user reads "index: 'x.pdf': page 12: poppler: document is damaged".
 *
 * `err` may be NULL everywhere: the code is still returned. "Not found" is an
 * answer, not an error. Messages start lowercase, carry no full stop, and put
 * paths, URLs and names in single quotes.
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CR_MUST_CHECK __attribute__((warn_unused_result))
#define CR_PRINTF(f, a) __attribute__((format(printf, f, a)))

enum cr_code {
    CR_OK = 0,
    CR_EINVAL = -1,   /* bad argument or malformed input */
    CR_EIO = -2,      /* a read, write, open or rename failed */
    CR_ETOOBIG = -3,  /* input over one of the caps in lib/caps.h */
    CR_EFORMAT = -4,  /* a file is not what it claims to be */
    CR_EDB = -5,      /* SQLite said no */
    CR_EXAPIAN = -6,  /* Xapian said no */
    CR_ENET = -7,     /* network or HTTP failure */
    CR_EBUSY = -8,    /* someone else holds a lock */
    CR_ECORRUPT = -9, /* stored data does not match what it should be */
    CR_EQUERY = -10,  /* the user's query cannot be parsed */
    CR_EUSAGE = -11,  /* bad command-line usage */
    CR_ETIMEOUT = -12,/* something took longer than allowed */
    CR_EINTR = -13,   /* interrupted by the user (Ctrl-C) */
    CR_ECHILD = -14,  /* a worker process failed */
    CR_ENOTFOUND = -15/* a thing the user named does not exist */
};

#define CR_ERR_MSG_MAX 1024

struct cr_err {
    int code;                  /* last code set, CR_OK when none */
    char msg[CR_ERR_MSG_MAX];  /* NUL-terminated, truncated at the end if long */
};

/* Resets err to "no error". err may be NULL. */
void cr_err_clear(struct cr_err *err);

/*
 * Formats the message into err (if not NULL) and returns code, so that a
 * failure is one line: `return cr_error(err, CR_EIO, "cannot stat '%s'", p);`
 */
int cr_error(struct cr_err *err, int code, const char *fmt, ...) CR_PRINTF(3, 4);

/*
 * Prepends "<context>: " to the message already in err. err may be NULL.
 * Use on the way up: cr_err_prefix(err, "page %d", n).
 */
void cr_err_prefix(struct cr_err *err, const char *fmt, ...) CR_PRINTF(2, 3);

/* A short description of a code ("input too large"). Never NULL. Borrowed. */
const char *cr_strerror(int code);

/* Aborts with file and line: for programmer errors only, never for input. */
#define CR_BUG(...) cr_bug(__FILE__, __LINE__, __VA_ARGS__)
__attribute__((noreturn)) void cr_bug(const char *file, int line, const char *fmt, ...) CR_PRINTF(3, 4);

#ifdef __cplusplus
}
#endif

#endif
