#ifndef CASEREVIEW_TESTS_FUZZ_FUZZ_H
#define CASEREVIEW_TESTS_FUZZ_FUZZ_H
/*
 * The libFuzzer harnesses (tests/fuzz/fuzz_*.c). Each defines
 * LLVMFuzzerTestOneInput, which must accept any bytes: a crash, a sanitizer
 * report, a leak or a hang is a bug in the code it drives. Built two ways:
 *  - make fuzz: with clang's libFuzzer, run for FUZZ_SECONDS each on the
 *    seeds in tests/fuzz/<name>/;
 *  - make test: with tests/fuzz/driver.c, which runs every file of
 *    tests/fuzz/<name>/ (the seeds, and every input that once crashed it)
 *    through the harness once.
 */

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string, cut at its first NUL byte. New (free()). */
char *fuzz_str(const uint8_t *data, size_t size);

#endif
