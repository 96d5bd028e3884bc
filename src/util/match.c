/* SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "util/macro.h"
#include "util/match.h"

/*
 * Compiled patterns by address. Validation checks the same few patterns for every name and
 * SAN; compiling one is ~40 us (glibc builds its DFA), more than all the matching. Patterns
 * with a bounded repetition ("{0,127}") are not kept: glibc expands them into automata of
 * hundreds of KiB (the image reference's is 660 KiB), which would stay in the heap.
 */
static struct {
	const char *pattern;
	regex_t re;
	bool ok;
} compiled[32];
static size_t n_compiled;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

bool regex_matches(const char *pattern, const char *s)
{
	pthread_mutex_lock(&lock);
	size_t i = 0;
	while (i < n_compiled && compiled[i].pattern != pattern)
		i++;
	regex_t local, *re = &local;
	bool ok, cached = i < n_compiled;
	if (cached) {
		re = &compiled[i].re;
		ok = compiled[i].ok;
	} else if (n_compiled < ARRAY_SIZE(compiled) && !strchr(pattern, '{')) {
		compiled[i].pattern = pattern;
		re = &compiled[i].re;
		ok = compiled[i].ok = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB) == 0;
		n_compiled++;
		cached = true;
	} else {
		ok = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB) == 0;
	}
	/* regexec on one regex_t from several threads is safe in glibc; the lock keeps it simple */
	bool m = ok && regexec(re, s, 0, NULL, 0) == 0;
	if (ok && !cached)
		regfree(re);
	pthread_mutex_unlock(&lock);
	return m;
}
