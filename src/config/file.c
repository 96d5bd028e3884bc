/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "config/file.h"
#include "util/macro.h"
#include "util/strbuf.h"

int cfg_read_file(const char *path, size_t max, char **ret_data, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct strbuf sb = STRBUF_INIT;
	for (;;) {
		strbuf_grow(&sb, 8192);
		ssize_t n = read(fd, sb.buf + sb.len, sb.alloc - sb.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;
			strbuf_release(&sb);
			return e;
		}
		if (n == 0)
			break;
		strbuf_setlen(&sb, sb.len + (size_t)n);
		if (sb.len > max) {
			strbuf_release(&sb);
			return -EFBIG;
		}
	}
	*ret_data = strbuf_detach(&sb, ret_len);
	return 0;
}
