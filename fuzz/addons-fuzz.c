/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the Corefile reader of the addons (src/addons/corefile.c): an existing
 * CoreDNS ConfigMap's Corefile comes from the API server and goes through migration.Default's
 * lexer, parser and matcher. Invariants: no crash, no leak, and the answer does not depend on
 * trailing whitespace.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addons/corefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	char *s = malloc(size + 2);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	size_t len = strlen(s); /* a Go string may hold NULs; a ConfigMap value cannot */
	bool a = corefile_is_default(s);
	s[len] = '\n';
	s[len + 1] = '\0';
	bool b = corefile_is_default(s);
	/* a trailing newline only ends the last line (outside a quoted token) */
	if (a != b && !memchr(s, '"', len))
		abort();
	free(s);
	return 0;
}
