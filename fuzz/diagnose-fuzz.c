/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the parsers of the diagnosis (beyond-kubeadm.md §2.4 D7): a CRI
 * container log line, /proc/net/tcp and /proc/net/tcp6, /proc/swaps and a klog line's time.
 * The first byte selects the parser; the rest is its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cri/cri.h"
#include "diagnose/diagnose.h"
#include "util/error.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = xstrndup((const char *)data + 1, size - 1); /* the /proc readers get C strings */
	switch (data[0] % 5) {
	case 0: {
		struct cri_log_line l;
		if (cri_log_line_parse((const char *)data + 1, size - 1, &l) == 0) {
			if (strlen(l.msg) > size)
				abort();
			cri_log_line_release(&l);
		}
		break;
	}
	case 1:
	case 2: {
		struct diag_tcp_listen *v = NULL;
		size_t n = 0;
		(void)diag_parse_proc_net_tcp(s, data[0] % 5 == 2, &v, &n);
		for (size_t i = 0; i < n; i++)
			if (v[i].port > 65535 || !memchr(v[i].addr, '\0', sizeof(v[i].addr)))
				abort();
		free(v);
		break;
	}
	case 3: {
		uint64_t kb;
		(void)diag_parse_swaps(s, &kb);
		break;
	}
	default:
		(void)diag_klog_time(s, 1796702400);
	}
	free(s);
	error_clear();
	return 0;
}
