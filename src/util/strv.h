/* SPDX-License-Identifier: Apache-2.0 */
/* NULL-terminated vectors of owned strings (argv, env, lists of names). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/macro.h"

size_t strv_length(char *const *v);
/* Appends an owned copy of s; *v may be NULL. */
void strv_push(char ***v, const char *s);
/* Appends s and takes ownership of it. */
void strv_consume(char ***v, char *s);
/* Appends every string of add that *v does not hold yet, and frees add. */
void strv_merge_unique(char ***v, char **add);
/* Frees every string and the vector; returns NULL. */
char **strv_free(char **v);
bool strv_contains(char *const *v, const char *s);
/* Splits s at every sep; empty fields are kept unless skip_empty. Returns an owned vector. */
char **strv_split(const char *s, char sep, bool skip_empty);
/* Returns an owned string of the elements joined by sep. */
char *strv_join(char *const *v, const char *sep);
char **strv_copy(char *const *v);
void strv_sort(char **v);
/* The qsort(3) comparator of strv_sort, for any array of C strings (byte order, as Go's
 * sort.Strings). */
int strv_qsort_cmp(const void *a, const void *b);

DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

#define STRV_FOREACH(s, v) for (char *const *s = (v); s && *s; s++)
