/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "config/version.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define CLIENT_VERSION "v1.37.2"

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

int semver_parse(const char *s, struct semver *ret)
{
	const char *p = s;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == 'v')
		p++;
	if (!isdigit((unsigned char)*p))
		return error_set(-EINVAL, "could not parse \"%s\" as version", s);
	uint64_t comp[3] = { 0 };
	int n = 0;
	const char *start = p;
	for (;;) {
		const char *c = p;
		uint64_t v = 0;
		while (isdigit((unsigned char)*p))
			v = v * 10 + (uint64_t)(*p++ - '0');
		if (n < 3)
			comp[n] = v;
		n++;
		if (p - c > 1 && *c == '0')
			return error_set(-EINVAL, "illegal zero-prefixed version component \"%.*s\" in \"%s\"",
					 (int)(p - c), c, s);
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			p++;
			continue;
		}
		break;
	}
	(void)start;
	if (n != 3)
		return error_set(-EINVAL, "illegal version string \"%s\"", s);
	struct semver v = { comp[0], comp[1], comp[2], "" };
	const char *extra = p;
	if (*extra == '-') {
		const char *e = extra + 1;
		size_t len = 0;
		while (isalnum((unsigned char)e[len]) || e[len] == '-' || e[len] == '.')
			len++;
		if (len == 0 || len >= sizeof(v.pre))
			return error_set(-EINVAL, "could not parse pre-release/metadata (%s) in version \"%s\"",
					 extra, s);
		memcpy(v.pre, e, len);
		extra = e + len;
	}
	if (*extra == '+') {
		extra++;
		while (isalnum((unsigned char)*extra) || *extra == '-' || *extra == '.')
			extra++;
	}
	while (isspace((unsigned char)*extra))
		extra++;
	if (*extra)
		return error_set(-EINVAL, "could not parse pre-release/metadata (%s) in version \"%s\"",
				 p, s);
	*ret = v;
	return 0;
}

int semver_cmp(const struct semver *a, const struct semver *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	if (!*a->pre || !*b->pre) {
		if (!*a->pre && !*b->pre)
			return 0;
		return *a->pre ? -1 : 1;
	}
	/* Dot-separated identifiers: numeric ones compare numerically and sort first. */
	_cleanup_strv_free_ char **x = strv_split(a->pre, '.', false);
	_cleanup_strv_free_ char **y = strv_split(b->pre, '.', false);
	for (size_t i = 0;; i++) {
		if (!x[i] || !y[i])
			return x[i] ? 1 : y[i] ? -1 : 0;
		bool xn = strspn(x[i], "0123456789") == strlen(x[i]);
		bool yn = strspn(y[i], "0123456789") == strlen(y[i]);
		int c;
		if (xn && yn) {
			size_t lx = strlen(x[i]), ly = strlen(y[i]);
			c = lx != ly ? (lx < ly ? -1 : 1) : strcmp(x[i], y[i]);
		} else if (xn || yn)
			c = xn ? -1 : 1;
		else
			c = strcmp(x[i], y[i]);
		if (c)
			return c < 0 ? -1 : 1;
	}
}

/* ^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)([-\w.+]*)?$ */
static char *normalized_build_version(const char *v)
{
	const char *p = v;
	if (*p == 'v')
		p++;
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (*p != '.')
				return NULL;
			p++;
		}
		if (!isdigit((unsigned char)*p))
			return NULL;
		if (*p == '0' && isdigit((unsigned char)p[1]))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	for (; *p; p++)
		if (!(is_word(*p) || *p == '-' || *p == '.' || *p == '+'))
			return NULL;
	return *v == 'v' ? xstrdup(v) : xasprintf("v%s", v);
}

/* ^((latest|stable)+(-[1-9](\.[1-9](\d)?)?)?)\z */
static bool is_release_label(const char *s)
{
	const char *p = s;
	int words = 0;
	for (;;) {
		if (strneq(p, "latest", 6))
			p += 6;
		else if (strneq(p, "stable", 6))
			p += 6;
		else
			break;
		words++;
	}
	if (words == 0)
		return false;
	if (*p == '\0')
		return true;
	if (*p != '-' || !(p[1] >= '1' && p[1] <= '9'))
		return false;
	p += 2;
	if (*p == '\0')
		return true;
	if (*p != '.' || !(p[1] >= '1' && p[1] <= '9'))
		return false;
	p += 2;
	if (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

/* ^((release|ci)/)?([-\w.+]+)$ -> prefix group ("" / "release" / "ci...") and label. */
static bool bucket_split(const char *v, char **ret_prefix, const char **ret_label)
{
	const char *label = v;
	char *prefix = xstrdup("");
	if (strneq(v, "release/", 8)) {
		free(prefix);
		prefix = xstrdup("release");
		label = v + 8;
	} else if (strneq(v, "ci/", 3)) {
		free(prefix);
		prefix = xstrdup("ci");
		label = v + 3;
	}
	bool ok = *label != '\0';
	for (const char *p = label; *p; p++)
		if (!(is_word(*p) || *p == '-' || *p == '.' || *p == '+'))
			ok = false;
	if (!ok) {
		free(prefix);
		return false;
	}
	*ret_prefix = prefix;
	*ret_label = label;
	return true;
}

bool kube_is_ci_version(const char *v)
{
	_cleanup_free_ char *prefix = NULL;
	const char *label;
	return bucket_split(v, &prefix, &label) && strneq(prefix, "ci", 2);
}

/*
 * The fetcher until cmd/ installs the HTTP one (main.c does, with kube/http.c): the config layer
 * itself never talks to the network, so it says so instead of pretending to have tried.
 */
static int offline_fetcher(const char *url, char **ret_body, char **ret_err)
{
	*ret_body = NULL;
	*ret_err = xasprintf("unable to get URL \"%s\": no HTTP client in this program", url);
	return -ENETUNREACH;
}

static kube_version_fetcher fetcher = offline_fetcher;

void kube_version_set_fetcher(kube_version_fetcher f)
{
	fetcher = f ? f : offline_fetcher;
}

int kube_release_version(const char *version, char **ret)
{
	char *v = normalized_build_version(version);
	if (v) {
		*ret = v;
		return 0;
	}
	_cleanup_free_ char *prefix = NULL;
	const char *label;
	if (!bucket_split(version, &prefix, &label))
		return error_set(-EINVAL, "invalid version \"%s\"", version);
	v = normalized_build_version(label);
	if (v) {
		*ret = v;
		return 0;
	}
	if (is_release_label(label)) {
		_cleanup_free_ char *url =
			strneq(prefix, "ci", 2)
				? xasprintf("https://storage.googleapis.com/k8s-release-dev/%s/%s.txt",
					    prefix, label)
				: xasprintf("https://dl.k8s.io/release/%s.txt", label);
		_cleanup_free_ char *body = NULL, *err = NULL;
		/* fetchFromURL */
		log_v(2, "fetching Kubernetes version from URL: %s", url);
		int r = fetcher(url, &body, &err);
		if (r < 0) {
			log_warning("could not fetch a Kubernetes version from the internet: %s", err);
			log_warning("falling back to the local client version: %s", CLIENT_VERSION);
			return kube_release_version(CLIENT_VERSION, ret);
		}
		/* validateStableVersion: a remote release newer than the client is capped. */
		unsigned long long rmaj, rmin;
		const char *b = body[0] == 'v' ? body + 1 : body;
		if (sscanf(b, "%llu.%llu", &rmaj, &rmin) != 2)
			return error_set(-EINVAL, "remote version error: could not parse \"%s\" as version",
					 body);
		if (rmaj > 1 || (rmaj == 1 && rmin > 37)) {
			log_v(0, "remote version is much newer: %s; falling back to: stable-1.37", body);
			return kube_release_version("stable-1.37", ret);
		}
		return kube_release_version(body, ret);
	}
	return error_set(-EINVAL,
			 "version \"%s\" doesn't match patterns for neither semantic version nor labels "
			 "(stable, latest, ...)",
			 version);
}
