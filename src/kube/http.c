/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <string.h>

#include <curl/curl.h>

#include "kube/client-internal.h"
#include "kube/http.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct sink {
	struct strbuf body;
	size_t max;
	bool overflow;
};

static size_t on_data(char *p, size_t size, size_t n, void *userdata)
{
	struct sink *s = userdata;
	size_t len = size * n;
	if (s->body.len + len > s->max) {
		s->overflow = true;
		return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
	}
	strbuf_add(&s->body, p, len);
	return len;
}

static char *trimmed(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

int kube_http_get(const char *url, long timeout_ms, size_t max, char **ret_body, char **ret_err)
{
	CURL *c = curl_easy_init();
	if (!c) {
		*ret_err = xasprintf("unable to get URL \"%s\": libcurl could not start", url);
		return -EIO;
	}
	struct sink s = { .body = STRBUF_INIT, .max = max };
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);

	if (s.overflow) {
		strbuf_release(&s.body);
		*ret_err = xasprintf("unable to read content of URL \"%s\": larger than %zu bytes", url,
				     max);
		return -EFBIG;
	}
	if (rc != CURLE_OK) {
		strbuf_release(&s.body);
		*ret_err = xasprintf("unable to get URL \"%s\": Get \"%s\": %s", url, url,
				     *errbuf ? errbuf : curl_easy_strerror(rc));
		return rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EHOSTUNREACH;
	}
	char *body = trimmed(s.body.buf, s.body.len);
	strbuf_release(&s.body);
	if (status != 200) {
		free(body);
		*ret_err = xasprintf("unable to fetch file. URL: \"%s\", status: %ld", url, status);
		return -EIO;
	}
	*ret_body = body;
	return 0;
}

int kube_version_fetch(const char *url, char **ret_body, char **ret_err)
{
	return kube_http_get(url, 10000, 1 << 20, ret_body, ret_err);
}

int kube_http_probe(const char *url, bool insecure, long timeout_ms, long *ret_status)
{
	CURL *c = curl_easy_init();
	if (!c)
		return error_set(-EIO, "libcurl could not start");
	struct sink s = { .body = STRBUF_INIT, .max = 64 << 10 };
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, insecure ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, insecure ? 0L : 2L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode rc = curl_easy_perform(c);
	long status = 0, os_errno = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_cleanup(c);
	strbuf_release(&s.body);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && s.overflow))
		return kube_transport_error(rc, os_errno, "GET", url, errbuf);
	*ret_status = status;
	return 0;
}
