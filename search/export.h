#ifndef CASEREVIEW_SEARCH_EXPORT_H
#define CASEREVIEW_SEARCH_EXPORT_H
/*
 * A learning pack for a trainer: the reports a search selects, copied from
 * the store under readable names ("2022-05 Manchester - Jacob - SCR full
 * report.pdf"), with index.md and index.html listing them with their
 * metadata and themes, and citations.ris for a reference manager.
 *
 * Every copy is checked against its sha256 after it is written: a pack
 * holds exactly the selected files, intact, or the export fails naming the
 * file. Files are written durably (temporary file, fsync, rename).
 */

#include <stddef.h>

#include "lib/catalog.h"
#include "lib/cr_err.h"
#include "lib/xdb.h"
#include "search/filter.h"
#include "search/query.h"

struct result_export_opts {
    const char *store_dir;            /* the repository's store/ */
    const char *out_dir;              /* created if missing; must hold no files */
    const struct filter_vocab *vocab; /* labels; borrowed, may be NULL */
    const char *what;                 /* how the selection was asked, for the index pages */
    struct catalog *cat;              /* for recommendations (meta_items); may be NULL */
};

/*
 * Exports every report o selects (o->limit caps them; 0 = all) into
 * e->out_dir. *n gets the number of reports written. A report whose blob is
 * missing or damaged fails the export (CR_ENOTFOUND / CR_ECORRUPT with its
 * name); files already written stay.
 */
int result_export(struct xdb *db, const struct query_opts *o, const struct result_export_opts *e,
                  size_t *n, struct cr_err *err) CR_MUST_CHECK;

#endif
