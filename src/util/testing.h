/* SPDX-License-Identifier: Apache-2.0 */
/* cmocka needs these headers first, in this order. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static inline int testing_rm_entry(const char *path, const struct stat *st, int flag,
				   struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf of a test's temporary directory, without a shell. Returns 0 or -1. */
static inline int testing_rm_rf(const char *dir)
{
	return nftw(dir, testing_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
