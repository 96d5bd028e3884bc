/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the Corefile reader of the addons (src/addons/corefile.c): an existing
 * CoreDNS ConfigMap's Corefile comes from the API server and goes through migration.Default's
 * lexer, parser and matcher, and through Unsupported/Migrate during upgrade. Invariants: no
 * crash, no leak, the Default answer does not depend on trailing whitespace, and a migrated
 * Corefile migrates again to itself in place.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addons/corefile.h"
#include "util/error.h"

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
	json_t *notices = NULL;
	if (corefile_unsupported("1.1.3", "1.14.6", s, &notices) >= 0) {
		for (size_t i = 0; i < json_array_size(notices); i++)
			free(corefile_notice_string(json_array_get(notices, i)));
		json_decref(notices);
	}
	char *out = NULL;
	if (corefile_migrate("1.1.3", "1.14.6", s, size & 1, &out) >= 0) {
		char *again = NULL;
		if (corefile_migrate("1.14.6", "1.14.6", out, false, &again) < 0 || strcmp(again, out))
			abort();
		free(again);
		free(out);
	}
	error_clear();
	free(s);
	return 0;
}
