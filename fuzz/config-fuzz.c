/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the config loader: every input is read as a kubeadm configuration file
 * (multi-document YAML, strict decoding, defaulting, validation, v1beta3 conversion); whatever
 * loads is marshalled back and must load again. Build and run: fuzz/run.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/error.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Skip CRI detection: the loader must not depend on this machine's sockets. */
	const struct config_load_options opts = { .skip_cri_detect = true };
	struct init_config *c = NULL;
	if (config_init_from_bytes((const char *)data, size, NULL, &opts, &c) < 0) {
		error_clear();
		return 0;
	}
	struct strbuf out = STRBUF_INIT;
	if (config_init_marshal(c, &out) < 0)
		abort(); /* a loaded configuration always prints */
	struct init_config *again = NULL;
	if (config_init_from_bytes(out.buf, out.len, NULL, &opts, &again) < 0)
		abort(); /* and what we print loads again */
	config_init_free(again);
	config_init_free(c);
	strbuf_release(&out);
	error_clear();
	return 0;
}
