#ifndef CASEREVIEW_LIB_VERSION_H
#define CASEREVIEW_LIB_VERSION_H
/* The version of casereview, shown by --version and sent in the crawler's User-Agent. */

#define CASEREVIEW_VERSION "0.1.0"

#endif
