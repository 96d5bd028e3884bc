/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <string.h>

#include "kube/client-internal.h"
#include "kube/http.h"
#include "kube/transport.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static char *trimmed(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

int kube_http_fetch(const char *url, const struct http_tls *tls, long timeout_ms, size_t max,
		    struct http_response *resp)
{
	const struct http_request req = { .method = "GET", .url = url, .timeout_ms = timeout_ms,
					  .max_body = max, .max_redirects = 10, .use_proxy = true,
					  .tls = tls };
	int r = http_perform(NULL, &req, resp);
	if (r < 0)
		return kube_transport_error(r, resp, "GET", url);
	return 0;
}

int kube_http_get(const char *url, long timeout_ms, size_t max, char **ret_body, char **ret_err)
{
	/* Go's http.Get: the system's roots, redirects (10 at most), the environment's proxy */
	struct http_response resp;
	int r = kube_http_fetch(url, NULL, timeout_ms, max, &resp);
	if (r == -EFBIG) {
		error_clear();
		*ret_err = xasprintf("unable to read content of URL \"%s\": larger than %zu bytes", url,
				     max);
		return -EFBIG;
	}
	if (r < 0) {
		*ret_err = xasprintf("unable to get URL \"%s\": %s", url, error_message(r));
		error_clear();
		return r == -ETIMEDOUT ? -ETIMEDOUT : -EHOSTUNREACH;
	}
	char *body = trimmed(resp.body, resp.len);
	http_response_release(&resp);
	if (resp.status != 200) {
		free(body);
		*ret_err = xasprintf("unable to fetch file. URL: \"%s\", status: %ld", url, resp.status);
		return -EIO;
	}
	*ret_body = body;
	return 0;
}

int kube_version_fetch(const char *url, char **ret_body, char **ret_err)
{
	return kube_http_get(url, 10000, 1 << 20, ret_body, ret_err);
}

int kube_http_probe(struct http_conn **conn, const char *url, bool insecure, long timeout_ms,
		    long *ret_status)
{
	const struct http_tls tls = { .insecure = insecure };
	const struct http_request req = { .method = "GET", .url = url, .timeout_ms = timeout_ms,
					  .max_body = 64 << 10, .tls = &tls };
	struct http_response resp;
	int r = http_perform(conn, &req, &resp);
	http_response_release(&resp);
	if (r < 0 && r != -EFBIG)
		return kube_transport_error(r, &resp, "GET", url);
	*ret_status = resp.status;
	return 0;
}
