/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for kube/transport's HTTP/1.1 response parser (http_read_response): status
 * line, headers, informational answers, chunked / Content-Length / to-the-end bodies, caps.
 * The input is what a server sends: it is written to one end of a socketpair that is then
 * shut, and parsed from the other as a response to a GET (first byte odd: to a HEAD), with a
 * 4 KiB body cap so the cap paths run too. Checks: an answer has a NUL-terminated body within
 * the cap and a status in 0..999; a failure has no body and says why.
 *
 * Built by fuzz/meson.build under -Dfuzzing=true (fuzz/run.sh).
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kube/transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	const char *method = data[0] & 1 ? "HEAD" : "GET";
	data++, size--;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	int buf = 1 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	size_t off = 0;
	while (off < size) {
		ssize_t k = send(sv[0], data + off, size - off, MSG_NOSIGNAL);
		if (k <= 0)
			abort();
		off += (size_t)k;
	}
	shutdown(sv[0], SHUT_WR);
	struct http_response resp;
	const size_t max = 4096;
	int r = http_read_response(sv[1], method, max, 1000, &resp);
	if (r == 0) {
		assert(resp.body && resp.len <= max && resp.body[resp.len] == 0);
		assert(resp.status >= 0 && resp.status <= 999);
		assert(resp.failure == HTTP_F_NONE);
	} else {
		assert(r < 0 && !resp.body && resp.failure != HTTP_F_NONE && resp.error[0]);
		assert(r != -ETIMEDOUT); /* the whole input is there: never a wait */
	}
	http_response_release(&resp);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
