/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for everything the cri layer parses from a runtime: the gRPC message
 * framing, the protobuf wire reader, every CRI answer decoder, grpc-message percent-decoding
 * and endpoint parsing. The first byte selects the parser; the rest is its input.
 *
 * Build (from the repository root, after `meson setup build`):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc -Ibuild \
 *     fuzz/cri-fuzz.c src/cri/{proto,grpc,cri-codec,cri}.c src/util/{error,xalloc,strbuf,strv,log,fs,parse}.c \
 *     -lnghttp2 -ljansson -o cri-fuzz && ./cri-fuzz -max_total_time=60
 * Without -fsanitize=fuzzer, define CRI_FUZZ_MAIN to get a driver that runs files given on
 * the command line (regression inputs).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cri/cri-codec.h"
#include "cri/grpc.h"
#include "cri/proto.h"
#include "util/error.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const uint8_t *d, size_t n, int depth)
{
	struct pb_reader r;
	struct pb_field f;
	pb_reader_init(&r, d, n);
	while (pb_next(&r, &f) > 0) {
		if (f.type == PB_LEN && depth < 8) {
			char *s = NULL;
			if (pb_get_string(&f, &s) == 0)
				free(s);
			char *k = NULL, *v = NULL;
			if (pb_get_map_entry(&f, &k, &v) == 0) {
				free(k);
				free(v);
			}
			walk(f.data, f.len, depth + 1);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	const uint8_t *d = data + 1;
	size_t n = size - 1;
	switch (sel % 12) {
	case 0: {
		const uint8_t *msg;
		size_t len;
		int code;
		if (grpc_frame_decode(d, n, 1024, &msg, &len, &code) == 0 && len > n)
			abort();
		break;
	}
	case 1:
		walk(d, n, 0);
		break;
	case 2: {
		struct cri_version *v = NULL;
		if (cri_decode_version(d, n, &v) == 0)
			cri_version_free(v);
		break;
	}
	case 3: {
		struct cri_status *s = NULL;
		bool has;
		if (cri_decode_status(d, n, &s, &has) == 0) {
			cri_kv_get(s->info, s->n_info, "config");
			cri_status_free(s);
		}
		break;
	}
	case 4: {
		struct cri_runtime_config rc;
		cri_decode_runtime_config(d, n, &rc);
		break;
	}
	case 5: {
		struct cri_image *i = NULL;
		if (cri_decode_image_status(d, n, &i) == 0)
			cri_image_free(i);
		break;
	}
	case 6: {
		char *ref = NULL;
		if (cri_decode_pull_image(d, n, &ref) == 0)
			free(ref);
		break;
	}
	case 7: {
		struct cri_image *v = NULL;
		size_t cnt;
		if (cri_decode_list_images(d, n, &v, &cnt) == 0)
			cri_images_free(v, cnt);
		break;
	}
	case 8: {
		struct cri_sandbox *v = NULL;
		size_t cnt;
		if (cri_decode_list_sandboxes(d, n, &v, &cnt) == 0)
			cri_sandboxes_free(v, cnt);
		break;
	}
	case 9: {
		struct cri_container *v = NULL;
		size_t cnt;
		if (cri_decode_list_containers(d, n, &v, &cnt) == 0)
			cri_containers_free(v, cnt);
		break;
	}
	case 10: {
		char *m = grpc_message_decode((const char *)d, n);
		if (strlen(m) > n)
			abort();
		free(m);
		break;
	}
	case 11: {
		char *s = xstrndup((const char *)d, n);
		char *path = NULL;
		if (cri_endpoint_parse(s, &path) == 0)
			free(path);
		free(s);
		break;
	}
	}
	error_clear();
	return 0;
}

#ifdef CRI_FUZZ_MAIN
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f)
			continue;
		uint8_t *buf = xmalloc(1 << 20);
		size_t n = fread(buf, 1, 1 << 20, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	return 0;
}
#endif
