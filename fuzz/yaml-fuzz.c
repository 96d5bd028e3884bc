/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for util/yaml and util/json: every input goes through yaml_to_json (plain
 * and strict) and yaml_split_documents; whatever converts is printed back with
 * yaml_from_json and json_dump_go, and the printed YAML must read back to the same tree; the
 * tree also goes through json_merge_patch_new and json_patch_apply.
 *
 * Build (from the repository root, after `meson setup build`):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc -Ibuild \
 *     fuzz/yaml-fuzz.c src/util/{yaml,json,error,xalloc,strbuf,strv,log,fs,parse}.c \
 *     -lyaml -ljansson -lpthread -lm -o yaml-fuzz && ./yaml-fuzz -max_total_time=60
 * Without -fsanitize=fuzzer, define YAML_FUZZ_MAIN to get a driver that runs the files given
 * on the command line (regression inputs).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Strings that go-yaml itself does not round-trip: a key "<<" (prints plainly, reads back as a
 * merge key) and U+0085 (folded to a space on the way out, as Kubernetes does). */
static int round_trips_in_go(const char *yaml, const char *json)
{
	return !strstr(yaml, "<<") && !strstr(json, "\xc2\x85");
}

/* json_equal, except that numbers compare by value: -0.0 prints as "-0", which reads back as
 * the integer 0 (go-yaml resolves "-0" as an int, as Go does). */
static int same(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_typeof(a) != json_typeof(b))
		return 0;
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	}
	if (json_is_object(a)) {
		const char *k;
		size_t kl;
		json_t *v;
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_keylen_foreach((json_t *)a, k, kl, v) {
			const json_t *w = json_object_getn(b, k, kl);
			if (!w || !same(v, w))
				return 0;
		}
		return 1;
	}
	return json_equal(a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	for (unsigned flags = 0; flags <= YAML_STRICT; flags += YAML_STRICT) {
		json_t *j = NULL;
		if (yaml_to_json(in, size, flags, &j) < 0) {
			error_clear();
			continue;
		}
		char *s = json_dump_go(j, "", "  ");
		char *y = yaml_from_json(j);
		if (!y)
			abort();
		json_t *back = NULL;
		if (round_trips_in_go(y, s)) {
			if (yaml_to_json(y, strlen(y), YAML_STRICT, &back) < 0) {
				fprintf(stderr, "printed YAML does not read back: %s\n%s", error_message(-EINVAL), y);
				abort();
			}
			if (!same(j, back)) {
				fprintf(stderr, "round trip changed the tree:\n%s", y);
				abort();
			}
			json_decref(back);
		}
		free(y);
		free(s);
		/* the same tree as a merge patch and (when an array) a JSON patch of itself and of a
		 * fixed document */
		json_t *m = NULL;
		if (json_merge_patch_new(j, j, &m) >= 0)
			json_decref(m);
		error_clear();
		json_t *doc = json_pack("{s:[s,{s:i}],s:{s:n}}", "a", "x", "b", 1, "c", "d");
		if (json_patch_apply(&doc, j) < 0)
			error_clear();
		json_decref(doc);
		json_t *self = json_deep_copy(j);
		if (json_patch_apply(&self, j) < 0)
			error_clear();
		json_decref(self);
		json_decref(j);
	}
	char **docs = NULL;
	if (yaml_split_documents(in, size, &docs) >= 0)
		strv_free(docs);
	error_clear();
	return 0;
}

#ifdef YAML_FUZZ_MAIN
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		static uint8_t buf[1 << 20];
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
