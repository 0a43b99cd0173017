#ifndef CASEREVIEW_LIB_CAPS_H
#define CASEREVIEW_LIB_CAPS_H
/*
 * Caps on memory and work grown by outside input (PDFs, web pages, queries,
 * HTTP requests). Every buffer filled from outside is created with one of
 * these, and fails with CR_ETOOBIG at the cap instead of growing without end.
 */

#define CR_MAX_PAGE_TEXT (4u << 20)        /* bytes of text kept from one PDF page */
#define CR_MAX_REPORT_TEXT (64u << 20)     /* bytes of text kept from one report */
#define CR_MAX_PAGES 5000                  /* pages in one report; more = refused */
#define CR_MAX_TITLE 512                   /* bytes of a title */
#define CR_MAX_HTML (16u << 20)            /* bytes of one HTML page parsed */
#define CR_MAX_LINKS_PER_PAGE 20000        /* links taken from one HTML page */
#define CR_MAX_URL 4096                    /* bytes of one URL */
#define CR_MAX_QUERY 4096                  /* bytes of one search query */
#define CR_MAX_DOWNLOAD (100ull << 20)     /* default --max-size of one fetched file */
#define CR_MAX_LINE 65536                  /* bytes of one line of a data file */
#define CR_MAX_WORKER_FRAME (8u << 20)     /* bytes of one frame from an extraction worker */

#define CR_WORKER_MEM_MB 1024              /* address space of one extraction worker */
#define CR_WORKER_CPU_S 120                /* CPU seconds for one PDF in a worker */
#define CR_WORKER_WALL_S 180               /* wall-clock seconds for one PDF */

#endif
