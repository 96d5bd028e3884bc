/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CRI container log files (the kubelet's /var/log/pods/NS_POD_UID/CONTAINER/N.log,
 * written by the runtime): one record per line, "<RFC3339Nano> <stream> <tag> <msg>", tag P
 * (partial, continued by the next record) or F (full); see k8s.io/cri-api's logs format and
 * the kubelet's pkg/kubelet/kuberuntime/logs parseCRILog.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cri/cri.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* The next space-delimited word from p to end, into ret_start and ret_len; p moves past its space. */
static bool word(const char **p, const char *end, const char **ret_start, size_t *ret_len)
{
	const char *sp = memchr(*p, ' ', (size_t)(end - *p));
	if (!sp || sp == *p)
		return false;
	*ret_start = *p;
	*ret_len = (size_t)(sp - *p);
	*p = sp + 1;
	return true;
}

int cri_log_line_parse(const char *line, size_t len, struct cri_log_line *ret)
{
	const char *p = line, *end = line + len, *ts, *st, *tag;
	size_t tsn, stn, tagn;
	if (memchr(line, '\0', len))
		return error_set(-EBADMSG, "CRI log line with a NUL byte");
	if (!word(&p, end, &ts, &tsn) || !word(&p, end, &st, &stn))
		return error_set(-EBADMSG, "not a CRI log line: no timestamp and stream");
	if (!((stn == 6 && (strneq(st, "stdout", 6) || strneq(st, "stderr", 6)))))
		return error_set(-EBADMSG, "not a CRI log line: unknown stream");
	/* the tag is followed by a space, or ends the line (an empty full record) */
	tag = p;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	tagn = sp ? (size_t)(sp - p) : (size_t)(end - p);
	if (tagn != 1 || (*tag != 'P' && *tag != 'F'))
		return error_set(-EBADMSG, "not a CRI log line: unknown tag");
	p = sp ? sp + 1 : end;
	/* RFC 3339 starts with a four-digit year and a dash */
	if (tsn < 20 || ts[4] != '-')
		return error_set(-EBADMSG, "not a CRI log line: bad timestamp");
	*ret = (struct cri_log_line){
		.time = xstrndup(ts, tsn),
		.stream = xstrndup(st, stn),
		.partial = *tag == 'P',
		.msg = xstrndup(p, (size_t)(end - p)),
	};
	return 0;
}

void cri_log_line_release(struct cri_log_line *l)
{
	free(l->time);
	free(l->stream);
	free(l->msg);
	*l = (struct cri_log_line){ 0 };
}

int cri_log_tail(int rootfd, const char *path, size_t max_lines, size_t max_bytes, char ***ret)
{
	_cleanup_close_ int fd = openat(rootfd, fs_path_at(rootfd, path), O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		return error_set(-e, "open %s: %s", path, go_strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return error_set(-EINVAL, "%s: not a regular file", path);
	off_t from = st.st_size > (off_t)max_bytes ? st.st_size - (off_t)max_bytes : 0;
	size_t want = (size_t)(st.st_size - from);
	_cleanup_free_ char *buf = xmalloc(want + 1);
	size_t got = 0;
	while (got < want) {
		ssize_t k = pread(fd, buf + got, want - got, from + (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			return error_set(-e, "read %s: %s", path, go_strerror(e));
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	buf[got] = '\0';
	const char *p = buf, *end = buf + got;
	if (from > 0) { /* the first line is cut: skip it */
		const char *nl = memchr(p, '\n', got);
		p = nl ? nl + 1 : end;
	}
	_cleanup_strv_free_ char **lines = xnew0(char *);
	size_t n = 0;
	_cleanup_strbuf_ struct strbuf pending = STRBUF_INIT;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		struct cri_log_line l;
		if (cri_log_line_parse(p, (size_t)(le - p), &l) >= 0) {
			strbuf_add(&pending, l.msg, strlen(l.msg));
			if (!l.partial) {
				strv_push(&lines, pending.buf);
				n++;
				strbuf_reset(&pending);
			}
			cri_log_line_release(&l);
		}
		p = nl ? nl + 1 : end;
	}
	if (pending.len) { /* a record still being written */
		strv_push(&lines, pending.buf);
		n++;
	}
	size_t skip = n > max_lines ? n - max_lines : 0;
	char **out = xnew0(char *);
	for (size_t i = skip; i < n; i++)
		strv_push(&out, lines[i]);
	*ret = out;
	return 0;
}
