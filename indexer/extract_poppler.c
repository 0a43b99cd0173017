/*
 * casereview-extract: the extraction worker for PDF, and the only file that
 * calls Poppler (through its glib API).
 *
 * Reads one file path per line on stdin; for each, writes the frames
 * described in indexer/extract.h on stdout. It runs under the limits its
 * parent sets on the command line: --mem MB (RLIMIT_AS, for the whole
 * process) and --cpu S (RLIMIT_CPU, re-armed before each file). A PDF that
 * crashes Poppler takes this process down, never the indexer.
 *
 * What it deliberately does not do: run a PDF's JavaScript, fill forms or
 * extract attachments (the glib API does none of these unless asked), or
 * write anything to disk. Before it reads a path it confines itself
 * (lib/sandbox.h): no file may grow, and where the kernel has Landlock none
 * may be created or changed, no program run and no TCP connection made, so
 * that even a PDF that subverts Poppler cannot change the machine.
 */

#include <errno.h>
#include <glib.h>
#include <poppler.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "indexer/extract.h"
#include "lib/caps.h"
#include "lib/isotime.h"
#include "lib/sandbox.h"
#include "lib/xalloc.h"

#define MAX_LAYOUT_LINES 300
#define MAX_META (16 * CR_MAX_TITLE) /* bytes kept of one info-dictionary string */

static int out_fd = STDOUT_FILENO;

static void emit(int type, const void *payload, size_t len)
{
    if (extract_write_frame(out_fd, type, payload, len) < 0)
        _exit(3); /* the parent has gone: nothing left to do */
}

static void emit_kv(const char *key, const char *value)
{
    size_t kl = strlen(key), vl = strlen(value);
    char *p = xmalloc(kl + 1 + vl);

    memcpy(p, key, kl + 1);
    memcpy(p + kl + 1, value, vl);
    emit(EXTRACT_META, p, kl + 1 + vl);
    free(p);
}

static void emit_error(const char *reason, const char *fmt, ...) CR_PRINTF(2, 3);
static void emit_error(const char *reason, const char *fmt, ...)
{
    char msg[1024], frame[1100];
    size_t rl = strlen(reason);
    va_list ap;
    int n;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    memcpy(frame, reason, rl + 1);
    n = snprintf(frame + rl + 1, sizeof(frame) - rl - 1, "%s", msg);
    emit(EXTRACT_ERROR, frame, rl + 1 + (size_t)(n < 0 ? 0 : n));
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/*
 * An info-dictionary string, valid UTF-8 and cut to MAX_META bytes at a
 * character boundary: a title of megabytes must cost its tail, not the
 * report (a frame past CR_MAX_WORKER_FRAME would fail the whole job).
 */
static void meta_str(const char *key, gchar *value)
{
    if (value) {
        gchar *valid = g_utf8_make_valid(value, -1);
        if (strlen(valid) > MAX_META) {
            gchar *end = g_utf8_find_prev_char(valid, valid + MAX_META + 1);
            if (end)
                *end = '\0';
        }
        if (*valid)
            emit_kv(key, valid);
        g_free(valid);
    }
    g_free(value);
}

static void meta_time(const char *key, time_t t)
{
    char iso[ISOTIME_LEN];

    if (t <= 0)
        return;
    isotime_format(t, iso);
    emit_kv(key, iso);
}

static void send_meta(PopplerDocument *doc, int pages)
{
    char n[32];

    snprintf(n, sizeof(n), "%d", pages);
    emit_kv("pages", n);
    meta_str("title", poppler_document_get_title(doc));
    meta_str("author", poppler_document_get_author(doc));
    meta_str("subject", poppler_document_get_subject(doc));
    meta_str("keywords", poppler_document_get_keywords(doc));
    meta_str("creator", poppler_document_get_creator(doc));
    meta_str("producer", poppler_document_get_producer(doc));
    meta_time("created", poppler_document_get_creation_date(doc));
    meta_time("modified", poppler_document_get_modification_date(doc));
}

static void send_line(int page, double size, const char *text, size_t len)
{
    unsigned char *f;

    while (len && (text[0] == ' ' || text[0] == '\t')) {
        text++;
        len--;
    }
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r'))
        len--;
    if (!len)
        return;
    f = xmalloc(8 + len);
    put_u32(f, (uint32_t)page);
    put_u32(f + 4, (uint32_t)(size * 100 + 0.5));
    memcpy(f + 8, text, len);
    emit(EXTRACT_LINE, f, 8 + len);
    free(f);
}

/*
 * The page's lines with the largest font size used on each, from the text
 * attributes (whose indices count characters of poppler_page_get_text()).
 */
static void send_layout(PopplerPage *page, int pageno, const char *text)
{
    GList *attrs = poppler_page_get_text_attributes(page), *l;
    glong nchars = g_utf8_strlen(text, -1);
    double *size = g_new0(double, (gsize)nchars + 1);
    const char *p = text, *line = text;
    glong ci = 0;
    double line_max = 0;
    int lines = 0;

    for (l = attrs; l; l = l->next) {
        PopplerTextAttributes *a = l->data;
        for (glong i = a->start_index; i <= a->end_index && i < nchars; i++)
            if (i >= 0)
                size[i] = a->font_size;
    }
    for (; *p && lines < MAX_LAYOUT_LINES; p = g_utf8_next_char(p), ci++) {
        if (*p == '\n') {
            send_line(pageno, line_max, line, (size_t)(p - line));
            lines++;
            line = p + 1;
            line_max = 0;
        } else if (size[ci] > line_max) {
            line_max = size[ci];
        }
    }
    if (lines < MAX_LAYOUT_LINES)
        send_line(pageno, line_max, line, (size_t)(p - line));
    g_free(size);
    poppler_page_free_text_attributes(attrs);
}

static void send_page(PopplerDocument *doc, int i)
{
    PopplerPage *page = poppler_document_get_page(doc, i);
    gchar *raw = page ? poppler_page_get_text(page) : NULL;
    gchar *text = g_utf8_make_valid(raw ? raw : "", -1);
    size_t len = strlen(text);
    unsigned char *f;

    if (i < EXTRACT_LAYOUT_PAGES && page)
        send_layout(page, i + 1, text);
    if (len > CR_MAX_PAGE_TEXT) {
        /* cut at a character boundary: keep valid UTF-8 */
        const char *end = g_utf8_find_prev_char(text, text + CR_MAX_PAGE_TEXT);
        len = end ? (size_t)(end - text) : 0;
    }
    f = xmalloc(4 + len);
    put_u32(f, (uint32_t)(i + 1));
    memcpy(f + 4, text, len);
    emit(EXTRACT_PAGE, f, 4 + len);
    free(f);
    g_free(text);
    g_free(raw);
    if (page)
        g_object_unref(page);
}

static void open_failed(GError *gerr)
{
    const char *msg = gerr ? gerr->message : "unknown error";

    if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
        emit_error(EXTRACT_R_ENCRYPTED, "the PDF is encrypted and needs a password to open");
    else
        emit_error(EXTRACT_R_DAMAGED, "poppler cannot open the PDF: %s", msg);
}

/*
 * The document, parsed from the file mapped into memory: from a file,
 * Poppler reads through a buffer of 256 bytes, one pread() each, which cost
 * a tenth of a worker's time on real PDFs. From the file itself when it
 * cannot be mapped.
 */
static PopplerDocument *open_document(const char *path, const char *uri, GError **gerr)
{
    GMappedFile *mf = g_mapped_file_new(path, FALSE, NULL);
    PopplerDocument *doc;
    GBytes *bytes;

    if (!mf)
        return poppler_document_new_from_file(uri, NULL, gerr);
    bytes = g_mapped_file_get_bytes(mf); /* holds the mapping */
    g_mapped_file_unref(mf);
    doc = poppler_document_new_from_bytes(bytes, NULL, gerr); /* holds the bytes */
    g_bytes_unref(bytes);
    return doc;
}

static void extract(const char *path)
{
    GError *gerr = NULL;
    gchar *uri = g_filename_to_uri(path, NULL, &gerr);
    PopplerDocument *doc = NULL;
    unsigned char done[4];
    int n;

    if (!uri) {
        emit_error(EXTRACT_R_MISSING, "bad file name '%s': %s", path, gerr->message);
        g_clear_error(&gerr);
        return;
    }
    if (access(path, R_OK) < 0) {
        emit_error(EXTRACT_R_MISSING, "cannot read '%s': %s", path, strerror(errno));
        g_free(uri);
        return;
    }
    doc = open_document(path, uri, &gerr);
    g_free(uri);
    if (!doc) {
        open_failed(gerr);
        g_clear_error(&gerr);
        return;
    }
    n = poppler_document_get_n_pages(doc);
    if (n <= 0) {
        emit_error(EXTRACT_R_DAMAGED, "the PDF has no pages");
    } else if (n > CR_MAX_PAGES) {
        emit_error(EXTRACT_R_TOOBIG, "the PDF declares %d pages (the limit is %d)", n,
                   CR_MAX_PAGES);
    } else {
        send_meta(doc, n);
        for (int i = 0; i < n; i++)
            send_page(doc, i);
        put_u32(done, (uint32_t)n);
        emit(EXTRACT_DONE, done, 4);
    }
    g_object_unref(doc);
}

/* Re-arms the CPU limit: this file may use cpu_s more seconds than used so far. */
static void arm_cpu(unsigned cpu_s)
{
    struct rusage ru;
    struct rlimit rl;
    rlim_t used;

    if (!cpu_s || getrusage(RUSAGE_SELF, &ru) < 0)
        return;
    used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1;
    rl.rlim_cur = used + cpu_s;
    rl.rlim_max = used + cpu_s + 5; /* SIGXCPU first, SIGKILL if ignored */
    (void)setrlimit(RLIMIT_CPU, &rl); /* a worker without a CPU cap still has the wall clock */
}

/*
 * What a subverted parser would try: create a file in $TMPDIR, and run a
 * program that creates another. Each attempt's outcome goes to stderr.
 */
static void try_escape(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    int status = 0;
    pid_t pid;
    FILE *f;

    snprintf(path, sizeof(path), "%s/casereview-worker-wrote", tmp && *tmp ? tmp : "/tmp");
    f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "escape: create denied: %s\n", strerror(errno));
    else if (fputs("escaped", f) < 0 || fclose(f) != 0)
        fprintf(stderr, "escape: write denied: %s\n", strerror(errno));
    else
        fprintf(stderr, "escape: wrote '%s'\n", path);
    pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "touch \"${TMPDIR:-/tmp}/casereview-worker-ran\"",
              (char *)NULL);
        _exit(126);
    }
    if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) != 126)
        fprintf(stderr, "escape: ran /bin/sh\n");
    else
        fprintf(stderr, "escape: exec denied\n");
}

/*
 * Test hook (CASEREVIEW_WORKER_FAULT="crash:NAME", "hang:NAME" or
 * "escape:NAME"): misbehave on files named so.
 */
static void test_fault(const char *path)
{
    const char *f = getenv("CASEREVIEW_WORKER_FAULT");

    if (!f || !*f)
        return;
    if (!strncmp(f, "escape:", 7) && strstr(path, f + 7))
        try_escape();
    if (!strncmp(f, "crash:", 6) && strstr(path, f + 6))
        raise(SIGSEGV);
    if (!strncmp(f, "hang:", 5) && strstr(path, f + 5))
        for (;;)
            pause();
}

int main(int argc, char **argv)
{
    unsigned mem_mb = CR_WORKER_MEM_MB, cpu_s = CR_WORKER_CPU_S;
    char line[4096];
    struct cr_err err;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--mem"))
            mem_mb = (unsigned)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--cpu"))
            cpu_s = (unsigned)strtoul(argv[i + 1], NULL, 10);
    }
    signal(SIGPIPE, SIG_IGN);
    if (sandbox_limit_memory(mem_mb, &err) < 0)
        fprintf(stderr, "casereview-extract: %s\n", err.msg);
    /* defence in depth: on failure the worker still runs, under its other limits */
    if (sandbox_no_writes(NULL, &err) < 0)
        fprintf(stderr, "casereview-extract: %s\n", err.msg);
    while (fgets(line, sizeof(line), stdin)) {
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        if (!len)
            continue;
        arm_cpu(cpu_s);
        test_fault(line);
        extract(line);
    }
    return 0;
}
