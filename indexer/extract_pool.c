#include "indexer/extract.h"

/*
 * The parent side of extraction: a pool of casereview-extract processes fed
 * through pipes and read with poll(). Each worker has one job at a time; its
 * deadline is enforced here (SIGKILL), its memory and CPU limits by the worker
 * itself (setrlimit). A worker that dies mid-job fails that job with the
 * reason its death suggests, and a fresh worker takes the next job.
 *
 * The last bytes a worker wrote to stderr (Poppler's complaints) are kept
 * and added to a failed job's message.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/caps.h"
#include "lib/log.h"
#include "lib/progress.h"
#include "lib/sandbox.h"
#include "lib/xalloc.h"

#define ERR_TAIL 512
#define NO_JOB ((size_t)-1)

struct worker {
    pid_t pid;           /* 0 when not running */
    int to_fd;           /* its stdin */
    int from_fd;         /* its stdout (frames) */
    int err_fd;          /* its stderr */
    size_t job;          /* index of the job under way, NO_JOB when idle */
    double deadline;     /* progress_now() after which the job is killed */
    unsigned served;     /* jobs given to this process */
    int killed;          /* we sent SIGKILL (deadline) */
    int oom;             /* its stderr said an allocation failed, during this job */
    struct buf rx;       /* frame bytes not yet parsed (capped) */
    char tail[ERR_TAIL]; /* last stderr bytes, NUL-terminated */
};

struct extract_pool {
    struct extract_pool_opts o;
    char *worker;        /* owned copy of o.worker */
    struct worker *w;    /* o.workers of them */
};

int extract_write_frame(int fd, int type, const void *payload, size_t len)
{
    unsigned char h[5];
    const unsigned char *p = payload;
    size_t off = 0;

    h[0] = (unsigned char)type;
    h[1] = (unsigned char)len;
    h[2] = (unsigned char)(len >> 8);
    h[3] = (unsigned char)(len >> 16);
    h[4] = (unsigned char)(len >> 24);
    while (off < 5) {
        ssize_t n = write(fd, h + off, 5 - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        off += (size_t)n;
    }
    for (off = 0; off < len;) {
        ssize_t n = write(fd, p + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

char *extract_worker_path(void)
{
    const char *e = getenv("CASEREVIEW_EXTRACT");
    char self[4096];
    ssize_t n;
    char *slash;

    if (e && *e)
        return xstrdup(e);
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return xstrdup("casereview-extract");
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash)
        slash[1] = '\0';
    return xasprintf("%scasereview-extract", slash ? self : "");
}

int extract_pool_new(struct extract_pool **out, const struct extract_pool_opts *opts,
                     struct cr_err *err)
{
    struct extract_pool *p;

    *out = NULL;
    if (access(opts->worker, X_OK) < 0)
        return cr_error(err, CR_EIO, "cannot run the extraction worker '%s': %s", opts->worker,
                        strerror(errno));
    p = xcalloc(1, sizeof(*p));
    p->o = *opts;
    if (!p->o.workers)
        p->o.workers = 1;
    if (!p->o.mem_mb)
        p->o.mem_mb = CR_WORKER_MEM_MB;
    if (!p->o.cpu_s)
        p->o.cpu_s = CR_WORKER_CPU_S;
    if (!p->o.wall_s)
        p->o.wall_s = CR_WORKER_WALL_S;
    if (!p->o.recycle)
        p->o.recycle = 25;
    p->worker = xstrdup(opts->worker);
    p->o.worker = p->worker;
    p->w = xcalloc(p->o.workers, sizeof(*p->w));
    for (unsigned i = 0; i < p->o.workers; i++) {
        p->w[i].job = NO_JOB;
        p->w[i].to_fd = p->w[i].from_fd = p->w[i].err_fd = -1;
        buf_init(&p->w[i].rx, CR_MAX_WORKER_FRAME + 5);
    }
    /* a worker that dies while we write its next path must not kill us */
    signal(SIGPIPE, SIG_IGN);
    *out = p;
    return 0;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Stops a worker (kill if needed) and returns its wait status. */
static int reap(struct worker *w, int force)
{
    int status = 0;

    close_fd(&w->to_fd);
    if (force && w->pid > 0)
        kill(w->pid, SIGKILL);
    if (w->pid > 0)
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
            ;
    close_fd(&w->from_fd);
    close_fd(&w->err_fd);
    w->pid = 0;
    w->served = 0;
    w->killed = 0;
    buf_reset(&w->rx);
    return status;
}

void extract_pool_free(struct extract_pool *p)
{
    if (!p)
        return;
    for (unsigned i = 0; i < p->o.workers; i++) {
        reap(&p->w[i], 1);
        buf_release(&p->w[i].rx);
    }
    free(p->w);
    free(p->worker);
    free(p);
}

static int spawn(struct extract_pool *p, struct worker *w, struct cr_err *err)
{
    int in[2], out[2], er[2];
    char mem[32], cpu[32];
    pid_t pid, parent = getpid();

    if (pipe2(in, O_CLOEXEC) < 0)
        return cr_error(err, CR_EIO, "cannot create a pipe: %s", strerror(errno));
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(er, O_CLOEXEC) < 0)
        return cr_error(err, CR_EIO, "cannot create a pipe: %s", strerror(errno));
    snprintf(mem, sizeof(mem), "%u", p->o.mem_mb);
    snprintf(cpu, sizeof(cpu), "%u", p->o.cpu_s);
    pid = fork();
    if (pid < 0)
        return cr_error(err, CR_EIO, "cannot start a worker: %s", strerror(errno));
    if (pid == 0) {
        /* a killed indexer must not leave workers burning CPU on a hostile file */
        (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127); /* the parent died before the line above */
        sandbox_asan_options(p->o.mem_mb);
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(er[1], STDERR_FILENO);
        execl(p->worker, "casereview-extract", "--mem", mem, "--cpu", cpu, (char *)NULL);
        fprintf(stderr, "cannot run '%s': %s\n", p->worker, strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(er[1]);
    w->pid = pid;
    w->to_fd = in[1];
    w->from_fd = out[0];
    w->err_fd = er[0];
    w->served = 0;
    w->killed = 0;
    w->tail[0] = '\0';
    (void)fcntl(w->from_fd, F_SETPIPE_SZ, 1 << 20); /* fewer wake-ups; the default works too */
    fcntl(w->from_fd, F_SETFL, O_NONBLOCK);
    fcntl(w->err_fd, F_SETFL, O_NONBLOCK);
    return 0;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The last line the worker wrote on stderr, for messages ("" if none). */
static void last_line(const struct worker *w, char *out, size_t n)
{
    char t[ERR_TAIL];
    size_t len;
    char *nl;

    snprintf(t, sizeof(t), "%s", w->tail);
    len = strlen(t);
    while (len && (t[len - 1] == '\n' || t[len - 1] == '\r'))
        t[--len] = '\0';
    nl = strrchr(t, '\n');
    snprintf(out, n, "%s", nl ? nl + 1 : t);
}

static void finish(struct worker *w, const struct extract_job *jobs,
                   const struct extract_events *ev, int pages, const char *reason,
                   const char *detail)
{
    size_t j = w->job;

    w->job = NO_JOB;
    ev->finished(jobs[j].job, pages, reason, detail);
}

/* Dispatches one frame. Returns 1 when the job is over. */
static int frame(struct worker *w, const struct extract_job *jobs, const struct extract_events *ev,
                 int type, const unsigned char *pl, size_t len)
{
    void *job = jobs[w->job].job;
    const char *key, *second;
    size_t kl;

    switch (type) {
    case EXTRACT_META:
    case EXTRACT_ERROR:
        key = (const char *)pl;
        kl = strnlen(key, len);
        if (kl == len)
            return 0; /* malformed: no separator */
        {
            char *k = xstrndup(key, kl), *v = xstrndup(key + kl + 1, len - kl - 1);
            second = v;
            if (type == EXTRACT_META)
                ev->meta(job, k, second);
            else
                finish(w, jobs, ev, 0, k, second);
            free(k);
            free(v);
        }
        return type == EXTRACT_ERROR;
    case EXTRACT_LINE:
        if (len >= 8)
            ev->line(job, (int)get_u32(pl), get_u32(pl + 4) / 100.0, (const char *)pl + 8,
                     len - 8);
        return 0;
    case EXTRACT_PAGE:
        if (len >= 4)
            ev->page(job, (int)get_u32(pl), (const char *)pl + 4, len - 4);
        return 0;
    case EXTRACT_DONE:
        finish(w, jobs, ev, len >= 4 ? (int)get_u32(pl) : 0, NULL, NULL);
        return 1;
    default:
        return 0;
    }
}

/* Parses the complete frames in w->rx. Returns -1 on a protocol violation. */
static int parse_frames(struct worker *w, const struct extract_job *jobs,
                        const struct extract_events *ev)
{
    size_t off = 0;
    int rc = 0;

    while (w->rx.len - off >= 5) {
        const unsigned char *h = (const unsigned char *)w->rx.data + off;
        uint32_t len = get_u32(h + 1);
        if (len > CR_MAX_WORKER_FRAME) {
            rc = -1;
            break;
        }
        if (w->rx.len - off < 5 + (size_t)len)
            break;
        if (w->job != NO_JOB)
            frame(w, jobs, ev, h[0], h + 5, len);
        off += 5 + (size_t)len;
    }
    if (off) {
        memmove(w->rx.data, w->rx.data + off, w->rx.len - off);
        buf_truncate(&w->rx, w->rx.len - off);
    }
    return rc;
}

static int out_of_memory(const char *text, size_t len);

/*
 * Keeps the last ERR_TAIL bytes of the worker's stderr, and notes a failed
 * allocation as it passes (ASan follows its report with a long memory map).
 */
static void read_stderr(struct worker *w)
{
    char chunk[1024];
    ssize_t n;

    while ((n = read(w->err_fd, chunk, sizeof(chunk))) > 0) {
        size_t have = strlen(w->tail), add = (size_t)n;
        if (out_of_memory(chunk, add))
            w->oom = 1;
        if (add >= ERR_TAIL - 1) {
            memcpy(w->tail, chunk + add - (ERR_TAIL - 1), ERR_TAIL - 1);
            w->tail[ERR_TAIL - 1] = '\0';
            continue;
        }
        if (have + add >= ERR_TAIL) {
            size_t drop = have + add - (ERR_TAIL - 1);
            memmove(w->tail, w->tail + drop, have - drop);
            have -= drop;
        }
        memcpy(w->tail + have, chunk, add);
        w->tail[have + add] = '\0';
        if (out_of_memory(w->tail, strlen(w->tail)))
            w->oom = 1; /* a sign split between two reads */
    }
}

/*
 * 1 when what the worker last wrote says an allocation failed: under its
 * address-space limit that is how an over-large PDF ends (C++'s bad_alloc,
 * GLib's "failed to allocate", Poppler's "Out of memory"; ASan's "hard rss
 * limit exhausted" in make asan).
 */
static int out_of_memory(const char *text, size_t len)
{
    static const char *const signs[] = {"bad_alloc", "failed to allocate", "Out of memory",
                                        "out of memory", "Cannot allocate memory",
                                        "rss limit exhausted", NULL};

    for (int i = 0; signs[i]; i++)
        if (memmem(text, len, signs[i], strlen(signs[i])))
            return 1;
    return 0;
}

/* Why a worker died mid-job, in words. */
static void death(struct extract_pool *p, struct worker *w, int status, int killed,
                  const char **reason, char *detail, size_t n)
{
    char last[ERR_TAIL];

    last_line(w, last, sizeof(last));
    *reason = EXTRACT_R_CRASHED;
    if (!killed && w->oom) {
        *reason = EXTRACT_R_TOOBIG;
        snprintf(detail, n,
                 "reading this PDF needed more than the memory limit of %u MB and was stopped",
                 p->o.mem_mb);
    } else if (killed) {
        *reason = EXTRACT_R_TIMEOUT;
        snprintf(detail, n, "extraction took longer than %u seconds and was stopped",
                 p->o.wall_s);
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
        *reason = EXTRACT_R_TIMEOUT;
        snprintf(detail, n, "extraction used more than %u seconds of CPU and was stopped",
                 p->o.cpu_s);
    } else if (WIFSIGNALED(status)) {
        snprintf(detail, n, "the extraction worker crashed (signal %d, %s) reading this PDF%s%s",
                 WTERMSIG(status), strsignal(WTERMSIG(status)), *last ? ": " : "", last);
    } else {
        snprintf(detail, n, "the extraction worker stopped with status %d%s%s",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, *last ? ": " : "", last);
    }
}

/* Reads what a worker sent; on EOF or a protocol violation, fails its job and reaps it. */
static void pump(struct extract_pool *p, struct worker *w, const struct extract_job *jobs,
                 const struct extract_events *ev)
{
    char chunk[1 << 16];
    const char *reason;
    char detail[1024];
    int status, bad = 0, killed;
    ssize_t n;

    for (;;) {
        n = read(w->from_fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (buf_append(&w->rx, chunk, (size_t)n, NULL) < 0 || parse_frames(w, jobs, ev) < 0) {
            bad = 1;
            break;
        }
    }
    if (!bad && n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return; /* more later */
    read_stderr(w);
    killed = w->killed;
    status = reap(w, 1);
    if (w->job == NO_JOB)
        return;
    if (bad) {
        finish(w, jobs, ev, 0, EXTRACT_R_CRASHED, "the extraction worker sent malformed output");
        return;
    }
    death(p, w, status, killed, &reason, detail, sizeof(detail));
    finish(w, jobs, ev, 0, reason, detail);
}

static int assign(struct extract_pool *p, struct worker *w, const struct extract_job *jobs,
                  size_t j, const struct extract_events *ev, struct cr_err *err)
{
    size_t len = strlen(jobs[j].path);
    char *line;
    ssize_t n;
    int rc;

    if (w->pid > 0 && w->served >= p->o.recycle)
        reap(w, 0); /* recycled: its stdin closes and it exits */
    if (w->pid <= 0 && (rc = spawn(p, w, err)) < 0)
        return rc;
    line = xasprintf("%s\n", jobs[j].path);
    do {
        n = write(w->to_fd, line, len + 1);
    } while (n < 0 && errno == EINTR);
    free(line);
    w->job = j;
    w->oom = 0;
    w->served++;
    w->deadline = progress_now() + p->o.wall_s;
    if (n != (ssize_t)(len + 1))
        pump(p, w, jobs, ev); /* dead already: pump fails the job */
    return 0;
}

static int busy(const struct extract_pool *p)
{
    for (unsigned i = 0; i < p->o.workers; i++)
        if (p->w[i].job != NO_JOB)
            return 1;
    return 0;
}

static void check_deadlines(struct extract_pool *p, const struct extract_job *jobs,
                            const struct extract_events *ev)
{
    double now = progress_now();

    for (unsigned i = 0; i < p->o.workers; i++) {
        struct worker *w = &p->w[i];
        if (w->job == NO_JOB || now < w->deadline)
            continue;
        w->killed = 1;
        kill(w->pid, SIGKILL);
        pump(p, w, jobs, ev);
    }
}

static void wait_events(struct extract_pool *p, const struct extract_job *jobs,
                        const struct extract_events *ev)
{
    struct pollfd fds[2 * 64];
    struct worker *owner[2 * 64];
    nfds_t n = 0;

    for (unsigned i = 0; i < p->o.workers && n + 2 <= 2 * 64; i++) {
        if (p->w[i].pid <= 0)
            continue;
        fds[n] = (struct pollfd){p->w[i].from_fd, POLLIN, 0};
        owner[n++] = &p->w[i];
        fds[n] = (struct pollfd){p->w[i].err_fd, POLLIN, 0};
        owner[n++] = &p->w[i];
    }
    if (poll(fds, n, 200) <= 0)
        return;
    for (nfds_t i = 0; i < n; i++) {
        if (!fds[i].revents)
            continue;
        if (i % 2 == 1) {
            read_stderr(owner[i]);
            continue;
        }
        if (owner[i]->pid > 0)
            pump(p, owner[i], jobs, ev);
    }
}

int extract_pool_run(struct extract_pool *p, const struct extract_job *jobs, size_t n,
                     const struct extract_events *ev, volatile int *stop, struct cr_err *err)
{
    size_t next = 0;
    int rc;

    if (p->o.workers > 64)
        p->o.workers = 64;
    while (next < n || busy(p)) {
        if (stop && *stop) {
            for (unsigned i = 0; i < p->o.workers; i++) {
                reap(&p->w[i], 1);
                p->w[i].job = NO_JOB;
            }
            return cr_error(err, CR_EINTR, "interrupted");
        }
        for (unsigned i = 0; i < p->o.workers && next < n; i++) {
            if (p->w[i].job != NO_JOB)
                continue;
            rc = assign(p, &p->w[i], jobs, next++, ev, err);
            if (rc < 0)
                return rc;
        }
        wait_events(p, jobs, ev);
        check_deadlines(p, jobs, ev);
    }
    return 0;
}
