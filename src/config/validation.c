/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/duration.h"
#include "config/net.h"
#include "config/validation.h"
#include "util/error.h"
#include "util/match.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* ---- field.ErrorList ---- */

struct errlist {
	char **msgs;
};

static void add(struct errlist *l, char *msg)
{
	strv_consume(&l->msgs, msg);
}

char *cfg_go_quote(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addch(&sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			strbuf_addstr(&sb, "\\\"");
			break;
		case '\\':
			strbuf_addstr(&sb, "\\\\");
			break;
		case '\n':
			strbuf_addstr(&sb, "\\n");
			break;
		case '\t':
			strbuf_addstr(&sb, "\\t");
			break;
		case '\r':
			strbuf_addstr(&sb, "\\r");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				strbuf_addf(&sb, "\\x%02x", *p);
			else
				strbuf_addch(&sb, (char)*p);
		}
	}
	strbuf_addch(&sb, '"');
	return strbuf_detach(&sb, NULL);
}

/* field.Invalid with a string BadValue (%q). */
static void invalid_str(struct errlist *l, const char *path, const char *value, const char *detail)
{
	_cleanup_free_ char *q = cfg_go_quote(value ? value : "");
	add(l, xasprintf("%s: Invalid value: %s%s%s", path, q, detail && *detail ? ": " : "",
			 detail ? detail : ""));
}

/* field.Invalid with a BadValue rendered as JSON (typed strings, slices, maps) or %v. */
static void invalid_raw(struct errlist *l, const char *path, const char *repr, const char *detail)
{
	add(l, xasprintf("%s: Invalid value: %s%s%s", path, repr, detail && *detail ? ": " : "",
			 detail ? detail : ""));
}

static void required(struct errlist *l, const char *path, const char *detail)
{
	add(l, xasprintf("%s: Required value: %s", path, detail));
}

static char *json_repr_strv(char *const *v)
{
	if (!v)
		return xstrdup("null");
	json_t *a = json_array();
	STRV_FOREACH(s, v)
		json_array_append_new(a, json_string(*s));
	char *r = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(a);
	return r;
}

static char *json_repr_str(const char *s)
{
	json_t *j = json_string(s ? s : "");
	char *r = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	return r;
}

static int aggregate(struct errlist *l)
{
	size_t n = strv_length(l->msgs);
	if (n == 0)
		return 0;
	_cleanup_strv_free_ char **uniq = NULL;
	STRV_FOREACH(m, l->msgs)
		if (!strv_contains(uniq, *m))
			strv_push(&uniq, *m);
	strv_free(l->msgs);
	l->msgs = NULL;
	if (strv_length(uniq) == 1)
		return error_set(-EINVAL, "%s", uniq[0]);
	_cleanup_free_ char *j = strv_join(uniq, ", ");
	return error_set(-EINVAL, "[%s]", j);
}

/* ---- primitive checks ---- */


#define DNS1123_LABEL "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define DNS1123_SUBDOMAIN DNS1123_LABEL "(\\." DNS1123_LABEL ")*"

char **cfg_dns1123_subdomain_errors(const char *value)
{
	char **errs = NULL;
	if (strlen(value) > 253)
		strv_push(&errs, "must be no more than 253 characters");
	if (!regex_matches("^" DNS1123_SUBDOMAIN "$", value))
		strv_push(&errs, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
				 "characters, '-' or '.', and must start and end with an alphanumeric "
				 "character (e.g. 'example.com', regex used for validation is "
				 "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
	return errs;
}

static char **wildcard_dns1123_errors(const char *value)
{
	char **errs = NULL;
	if (strlen(value) > 253)
		strv_push(&errs, "must be no more than 253 characters");
	if (!regex_matches("^\\*\\." DNS1123_SUBDOMAIN "$", value))
		strv_push(&errs,
			  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS "
			  "subdomain, which must consist of lower case alphanumeric characters, '-' or "
			  "'.' and end with an alphanumeric character (e.g. '*.example.com', regex used "
			  "for validation is "
			  "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
	return errs;
}

static bool is_abs(const char *p)
{
	return p && p[0] == '/';
}

static void validate_abs(struct errlist *l, const char *path, const char *field)
{
	if (!is_abs(path))
		invalid_str(l, field, path, "path is not absolute");
}

/* netutils.ParsePort(port, true) plus kubeadm's 1..65535 range. */
static bool parse_port(const char *s, int *ret)
{
	if (!s || !*s || strlen(s) > 5)
		return false;
	int v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*ret = v;
	return true;
}

int cfg_parse_host_port(const char *hostport, char **ret_host, char **ret_port)
{
	_cleanup_free_ char *host = NULL, *port = NULL, *err = NULL;
	if (!net_split_host_port(hostport, &host, &port, &err)) {
		host = xstrdup(hostport);
		port = xstrdup("");
	}
	int p;
	if (*port && !parse_port(port, &p))
		return error_set(-EINVAL,
				 "hostport %s: port %s must be a valid number between 1 and 65535, inclusive",
				 hostport, port);
	struct cfg_ip ip;
	_cleanup_strv_free_ char **errs = NULL;
	if (!net_parse_ip(host, &ip) && (errs = cfg_dns1123_subdomain_errors(host)))
		return error_set(-EINVAL,
				 "hostport %s: host '%s' must be a valid IP address or a valid RFC-1123 DNS "
				 "subdomain",
				 hostport, host);
	*ret_host = TAKE_PTR(host);
	*ret_port = TAKE_PTR(port);
	return 0;
}

static void validate_ip(struct errlist *l, const char *ip, const char *field)
{
	struct cfg_ip x;
	if (!net_parse_ip(ip ? ip : "", &x))
		invalid_str(l, field, ip, "ip address is not valid");
}

static void validate_port(struct errlist *l, int64_t port, const char *field)
{
	char buf[32];
	int p;
	snprintf(buf, sizeof(buf), "%lld", (long long)port);
	if (!parse_port(buf, &p))
		invalid_raw(l, field, buf, "port number is not valid");
}

static void validate_extra_args(struct errlist *l, const struct cfg_list *args, const char *field)
{
	for (size_t i = 0; i < args->n; i++) {
		const struct cfg_arg *a = CFG_LIST_AT(args, struct cfg_arg, i);
		char idx[32];
		snprintf(idx, sizeof(idx), "index %zu", i);
		if (!a->name || !*a->name)
			invalid_str(l, field, idx, "argument has no name");
		if (a->merge_method && *a->merge_method && !streq(a->merge_method, "append") &&
		    !streq(a->merge_method, "prepend"))
			invalid_str(l, field, idx, "argument has an invalid merge method");
	}
}

static const char *get_arg(const struct cfg_list *args, const char *name, bool *found)
{
	*found = false;
	for (size_t i = args->n; i-- > 0;) {
		const struct cfg_arg *a = CFG_LIST_AT(args, struct cfg_arg, i);
		if (a->name && streq(a->name, name)) {
			*found = true;
			return a->value ? a->value : "";
		}
	}
	return "";
}

static void validate_image_pull_policy(struct errlist *l, const char *p, const char *field)
{
	if (!p || !*p || streq(p, "Always") || streq(p, "IfNotPresent") || streq(p, "Never"))
		return;
	_cleanup_free_ char *r = json_repr_str(p);
	invalid_raw(l, field, r, "invalid pull policy");
}

static void validate_socket(struct errlist *l, const char *socket, const char *field)
{
	if (!socket || !*socket) {
		invalid_str(l, field, "", "empty CRI socket");
		return;
	}
	_cleanup_free_ char *scheme = NULL, *err = NULL;
	if (!net_url_scheme(socket, &scheme, &err)) {
		_cleanup_free_ char *d = xasprintf("URL parsing error: %s", err);
		invalid_str(l, field, socket, d);
		return;
	}
	if (!streq(scheme, "unix")) {
		_cleanup_free_ char *d =
			xasprintf("only URL scheme \"unix\" is supported, got \"%s\"", scheme);
		invalid_str(l, field, socket, d);
	}
}

static void validate_image_repository(struct errlist *l, const char *repo, const char *field)
{
#define ALNUM "[a-z0-9]+"
#define SEP "([._]|__|-+)"
#define COMP ALNUM "(" SEP ALNUM ")*"
#define DOMCOMP "([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
#define DOMAIN "((" DOMCOMP "(\\." DOMCOMP ")*)|(\\[[a-fA-F0-9:]+\\]))(:[0-9]+)?"
#define TAG "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
#define DIGEST "[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
	static const char ref[] = "^(" DOMAIN "/)?" COMP "(/" COMP ")*(:" TAG ")?(@" DIGEST ")?$";
	_cleanup_free_ char *image = xasprintf("%s/name:tag", repo ? repo : "");
	if (!regex_matches(ref, image))
		invalid_str(l, field, repo, "invalid image repository format");
}

static void validate_cert_sans(struct errlist *l, char *const *sans, const char *field)
{
	STRV_FOREACH(s, sans) {
		_cleanup_strv_free_ char **e1 = cfg_dns1123_subdomain_errors(*s);
		if (!e1)
			continue;
		_cleanup_strv_free_ char **e2 = wildcard_dns1123_errors(*s);
		if (!e2)
			continue;
		struct cfg_ip ip;
		if (net_parse_ip(*s, &ip))
			continue;
		_cleanup_free_ char *j1 = strv_join(e1, "; ");
		_cleanup_free_ char *j2 = strv_join(e2, "; ");
		_cleanup_free_ char *d = xasprintf("altname is not a valid IP address, DNS label or a DNS "
						   "label with subdomain wildcards: %s; %s",
						   j1, j2);
		invalid_str(l, field, *s, d);
	}
}

static bool valid_token(const char *t)
{
	if (!t || strlen(t) != 23 || t[6] != '.')
		return false;
	for (int i = 0; i < 23; i++)
		if (i != 6 && !((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9')))
			return false;
	return true;
}

static void validate_token(struct errlist *l, const char *t, const char *field)
{
	if (!valid_token(t))
		invalid_str(l, field, t, "the bootstrap token is invalid");
}

static void validate_certificate_key(struct errlist *l, const char *key, const char *field)
{
	if (!key || !*key)
		return;
	size_t n = strlen(key);
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
			/* encoding/hex: InvalidByteError */
			char d[96];
			snprintf(d, sizeof(d),
				 "certificate key decoding error: encoding/hex: invalid byte: U+%04X %s",
				 (unsigned char)c, "");
			_cleanup_free_ char *q = xasprintf("'%c'", c);
			snprintf(d, sizeof(d),
				 "certificate key decoding error: encoding/hex: invalid byte: U+%04X %s",
				 (unsigned char)c, q);
			invalid_str(l, field, key, d);
			return;
		}
	}
	if (n % 2) {
		invalid_str(l, field, key,
			    "certificate key decoding error: encoding/hex: odd length hex string");
		return;
	}
	if (n / 2 != 32) {
		char d[128];
		snprintf(d, sizeof(d),
			 "invalid certificate key size %zu, the key must be an AES key of size 32", n / 2);
		invalid_str(l, field, key, d);
	}
}

static void validate_api_endpoint(struct errlist *l, const struct cfg_api_endpoint *e,
				  const char *prefix)
{
	_cleanup_free_ char *a = xasprintf("%s.advertiseAddress", prefix);
	_cleanup_free_ char *p = xasprintf("%s.bindPort", prefix);
	validate_ip(l, e->advertise_address, a);
	validate_port(l, e->bind_port, p);
}

static void validate_node_registration(struct errlist *l, const struct cfg_node_registration *nr,
				       const char *prefix)
{
	if (!nr->name || !*nr->name) {
		required(l, prefix,
			 "--node-name or .nodeRegistration.name in the config file is a required value. It "
			 "seems like this value couldn't be automatically detected in your environment, "
			 "please specify the desired value using the CLI or config file.");
	} else {
		_cleanup_free_ char *f = xasprintf("%s.name", prefix);
		_cleanup_strv_free_ char **errs = cfg_dns1123_subdomain_errors(nr->name);
		STRV_FOREACH(e, errs)
			invalid_str(l, f, nr->name, *e);
	}
	_cleanup_free_ char *cri = xasprintf("%s.criSocket", prefix);
	validate_socket(l, nr->cri_socket, cri);
	_cleanup_free_ char *kea = xasprintf("%s.kubeletExtraArgs", prefix);
	validate_extra_args(l, &nr->kubelet_extra_args, kea);
	_cleanup_free_ char *ipp = xasprintf("%s.imagePullPolicy", prefix);
	validate_image_pull_policy(l, nr->image_pull_policy, ipp);
}

/*
 * bootstrapapi.BootstrapGroupPattern, \Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\z, by
 * hand: glibc compiles the bounded repetition into a 600 KiB automaton, in 0.6 ms.
 */
static bool bootstrap_group_valid(const char *g)
{
	static const char prefix[] = "system:bootstrappers:";
	if (strncmp(g, prefix, sizeof(prefix) - 1) != 0)
		return false;
	const char *rest = g + sizeof(prefix) - 1;
	size_t n = strlen(rest);
	if (n < 1 || n > 256)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = rest[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == n - 1 || (c != ':' && c != '-')))
			return false;
	}
	return true;
}

static void validate_bootstrap_tokens(struct errlist *l, const struct cfg_list *tokens)
{
	for (size_t i = 0; i < tokens->n; i++) {
		const struct cfg_token *t = CFG_LIST_AT(tokens, struct cfg_token, i);
		_cleanup_free_ char *base = xasprintf("bootstrapTokens.%zu", i);
		_cleanup_free_ char *ft = xasprintf("%s.token", base);
		validate_token(l, t->token, ft);

		_cleanup_free_ char *fu = xasprintf("%s.usages", base);
		_cleanup_strv_free_ char **bad = NULL;
		STRV_FOREACH(u, t->usages)
			if (!streq(*u, "signing") && !streq(*u, "authentication") &&
			    !strv_contains(bad, *u))
				strv_push(&bad, *u);
		if (bad) {
			strv_sort(bad);
			_cleanup_free_ char *j = strv_join(bad, ",");
			_cleanup_free_ char *r = json_repr_strv(t->usages);
			_cleanup_free_ char *d = xasprintf("invalid bootstrap token usage string: %s, valid "
							   "usage options: signing,authentication",
							   j);
			invalid_raw(l, fu, r, d);
		}

		_cleanup_free_ char *fg = xasprintf("%s.groups", base);
		if (strv_length(t->groups) > 0 && !strv_contains(t->usages, "authentication")) {
			_cleanup_free_ char *r = json_repr_strv(t->groups);
			invalid_raw(l, fg, r,
				    "token groups cannot be specified unless --usages includes "
				    "\"authentication\"");
		}
		STRV_FOREACH(g, t->groups) {
			if (bootstrap_group_valid(*g))
				continue;
			_cleanup_free_ char *r = json_repr_strv(t->groups);
			_cleanup_free_ char *d = xasprintf(
				"bootstrap group \"%s\" is invalid (must match "
				"\\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\\z)",
				*g);
			invalid_raw(l, fg, r, d);
		}
		if (t->expires && *t->expires && t->ttl.set)
			invalid_str(l, base, "",
				    "the BootstrapToken .TTL and .Expires fields are mutually exclusive");
	}
}

/* ---- networking ---- */

static uint64_t range_size(const struct cfg_cidr *c)
{
	int host = c->bits - c->ones;
	if (host >= 63)
		return INT64_MAX;
	return UINT64_C(1) << host;
}

static bool parse_cidrs(const char *list, struct cfg_cidr **ret, size_t *ret_n)
{
	_cleanup_strv_free_ char **parts = strv_split(list, ',', false);
	size_t n = strv_length(parts);
	struct cfg_cidr *c = xcalloc(n + 1, sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		if (!net_parse_cidr(parts[i], &c[i])) {
			free(c);
			return false;
		}
	}
	*ret = c;
	*ret_n = n;
	return true;
}

static void validate_ipnet(struct errlist *l, const char *subnets, int64_t min, const char *field)
{
	_cleanup_free_ struct cfg_cidr *c = NULL;
	size_t n;
	if (!parse_cidrs(subnets, &c, &n)) {
		invalid_str(l, field, subnets, "couldn't parse subnet");
		return;
	}
	const char *dual = "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for "
			   "dual-stack networking";
	if (n > 2)
		invalid_str(l, field, subnets, dual);
	else if (n == 2 && c[0].ip.v6 == c[1].ip.v6)
		invalid_str(l, field, subnets, dual);
	for (size_t i = 0; i < n; i++) {
		uint64_t size = range_size(&c[i]);
		char s[80];
		net_cidr_string(&c[i], s, sizeof(s));
		if (size < (uint64_t)min) {
			char d[128];
			snprintf(d, sizeof(d),
				 "subnet with %llu address(es) is too small, the minimum is %lld",
				 (unsigned long long)size, (long long)min);
			invalid_str(l, field, s, d);
		}
		/* fec0::/10 site-local */
		if (c[i].ip.v6) {
			bool inside = (c[i].ip.a[0] == 0xfe && (c[i].ip.a[1] & 0xc0) == 0xc0);
			bool contains = c[i].ones <= 10 && !inside &&
					((0xfec0 >> (16 - c[i].ones)) ==
					 (((c[i].ip.a[0] << 8) | c[i].ip.a[1]) >> (16 - c[i].ones)));
			if (inside || contains)
				log_warning("the subnet %s contains IPv6 site-local addresses that belong "
					    "to fec0::/10 which has been deprecated by rfc3879",
					    s);
		}
	}
}

static void validate_service_subnet_size(struct errlist *l, const char *subnets,
					 const char *field)
{
	_cleanup_free_ struct cfg_cidr *c = NULL;
	size_t n;
	if (!parse_cidrs(subnets, &c, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (c[i].bits - c[i].ones > 20) {
			char s[80], d[128];
			net_cidr_string(&c[i], s, sizeof(s));
			snprintf(d, sizeof(d),
				 "specified service subnet is too large; for %d-bit addresses, the mask "
				 "must be >= %d",
				 c[i].bits, c[i].bits - 20);
			invalid_str(l, field, s, d);
		}
	}
}

static void validate_pod_subnet_node_mask(struct errlist *l, const char *subnets,
					  const struct cfg_cluster_configuration *cc,
					  const char *field)
{
	_cleanup_free_ struct cfg_cidr *c = NULL;
	size_t n;
	if (!parse_cidrs(subnets, &c, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		char s[80];
		net_cidr_string(&c[i], s, sizeof(s));
		const char *arg = c[i].ip.v6 ? "node-cidr-mask-size-ipv6" : "node-cidr-mask-size-ipv4";
		bool found;
		const char *v = get_arg(&cc->controller_manager.extra_args, arg, &found);
		int node_mask = c[i].ip.v6 ? 64 : 24;
		if (*v) {
			int64_t m;
			const char *p = v;
			bool neg = *p == '-' || *p == '+';
			bool ok = *p != '\0';
			for (const char *q = neg ? p + 1 : p; *q; q++)
				if (*q < '0' || *q > '9')
					ok = false;
			if (!ok || (neg && !p[1])) {
				_cleanup_free_ char *d = xasprintf(
					"could not parse the value of the kube-controller-manager flag %s as "
					"an integer: strconv.Atoi: parsing \"%s\": invalid syntax",
					arg, v);
				invalid_str(l, field, s, d);
				continue;
			}
			m = strtoll(v, NULL, 10);
			node_mask = (int)m;
		}
		char d[160];
		if (c[i].ones > node_mask) {
			snprintf(d, sizeof(d),
				 "the size of pod subnet with mask %d is smaller than the size of node "
				 "subnet with mask %d",
				 c[i].ones, node_mask);
			invalid_str(l, field, s, d);
		} else if (node_mask - c[i].ones > 16) {
			snprintf(d, sizeof(d),
				 "pod subnet mask (%d) and node-mask (%d) difference is greater than 16",
				 c[i].ones, node_mask);
			invalid_str(l, field, s, d);
		}
	}
}

static void validate_networking(struct errlist *l, const struct cfg_cluster_configuration *c)
{
	const char *domain = c->networking.dns_domain ? c->networking.dns_domain : "";
	_cleanup_strv_free_ char **errs = cfg_dns1123_subdomain_errors(domain);
	STRV_FOREACH(e, errs)
		invalid_str(l, "networking.dnsDomain", domain, *e);
	const char *svc = c->networking.service_subnet;
	if (svc && *svc) {
		validate_ipnet(l, svc, 10, "networking.serviceSubnet");
		validate_service_subnet_size(l, svc, "networking.serviceSubnet");
	}
	const char *pod = c->networking.pod_subnet;
	if (pod && *pod) {
		validate_ipnet(l, pod, 14, "networking.podSubnet");
		bool found;
		const char *v = get_arg(&c->controller_manager.extra_args, "allocate-node-cidrs", &found);
		if (!streq(v, "false"))
			validate_pod_subnet_node_mask(l, pod, c, "networking.podSubnet");
	}
}

static void validate_urls(struct errlist *l, char *const *urls, bool https, const char *field)
{
	STRV_FOREACH(u, urls) {
		_cleanup_free_ char *scheme = NULL, *err = NULL;
		if (!net_url_scheme(*u, &scheme, &err)) {
			_cleanup_free_ char *d = xasprintf("URL parse error: %s", err);
			invalid_str(l, field, *u, d);
			continue;
		}
		if (https && !streq(scheme, "https"))
			invalid_str(l, field, *u, "the URL must be using the HTTPS scheme");
		if (!*scheme)
			invalid_str(l, field, *u, "the URL without scheme is not allowed");
	}
}

static void validate_etcd(struct errlist *l, const struct cfg_cluster_configuration *c)
{
	if (!c->etcd.local && !c->etcd.external) {
		invalid_str(l, "etcd", "", "either .Etcd.Local or .Etcd.External is required");
		return;
	}
	if (c->etcd.local && c->etcd.external) {
		invalid_str(l, "etcd", "", ".Etcd.Local and .Etcd.External are mutually exclusive");
		return;
	}
	if (c->etcd.local) {
		const struct cfg_local_etcd *e = c->etcd.local;
		validate_abs(l, e->data_dir ? e->data_dir : "", "etcd.local.dataDir");
		validate_cert_sans(l, e->server_cert_sans, "etcd.local.serverCertSANs");
		validate_cert_sans(l, e->peer_cert_sans, "etcd.local.peerCertSANs");
		if (e->image_repository && *e->image_repository)
			validate_image_repository(l, e->image_repository, "etcd.local.imageRepository");
		validate_extra_args(l, &e->extra_args, "etcd.local.extraArgs");
	}
	if (c->etcd.external) {
		const struct cfg_external_etcd *e = c->etcd.external;
		const char *ca = e->ca_file ? e->ca_file : "";
		const char *cert = e->cert_file ? e->cert_file : "";
		const char *key = e->key_file ? e->key_file : "";
		bool https = *ca || *cert || *key;
		if ((!*cert && *key) || (*cert && !*key))
			invalid_str(l, "etcd.external", "",
				    "either both or none of .Etcd.External.CertFile and "
				    ".Etcd.External.KeyFile must be set");
		if (*cert && *key && !*ca)
			invalid_str(l, "etcd.external", "",
				    "setting .Etcd.External.CertFile and .Etcd.External.KeyFile requires "
				    ".Etcd.External.CAFile");
		if (strv_length(e->endpoints) == 0)
			invalid_str(l, "etcd.external.endpoints", "",
				    "at least one endpoint must be specified");
		else
			validate_urls(l, e->endpoints, https, "etcd.external.endpoints");
		validate_urls(l, e->http_endpoints, false, "etcd.external.httpEndpoints");
		if (*ca)
			validate_abs(l, ca, "etcd.external.caFile");
		if (*cert)
			validate_abs(l, cert, "etcd.external.certFile");
		if (*key)
			validate_abs(l, key, "etcd.external.keyFile");
	}
}

static void validate_cert_validity(const struct cfg_cluster_configuration *c)
{
	const int64_t cert = INT64_C(365) * 24 * 3600 * 1000000000;
	const int64_t ca = 10 * cert;
	char a[DURATION_BUF], b[DURATION_BUF];
	if (c->certificate_validity_period.set && c->certificate_validity_period.ns > cert)
		log_warning("WARNING: certificateValidityPeriod: the value %s is more than the "
			    "recommended default for certificate expiration: %s",
			    duration_format(c->certificate_validity_period.ns, a, sizeof(a)),
			    duration_format(cert, b, sizeof(b)));
	if (c->ca_certificate_validity_period.set && c->ca_certificate_validity_period.ns > ca)
		log_warning("WARNING: caCertificateValidityPeriod: the value %s is more than the "
			    "recommended default for CA certificate expiration: %s",
			    duration_format(c->ca_certificate_validity_period.ns, a, sizeof(a)),
			    duration_format(ca, b, sizeof(b)));
	if (c->certificate_validity_period.set && c->ca_certificate_validity_period.set &&
	    c->certificate_validity_period.ns > c->ca_certificate_validity_period.ns)
		log_warning("WARNING: certificateValidityPeriod: the value %s is more than the "
			    "caCertificateValidityPeriod: %s",
			    duration_format(c->certificate_validity_period.ns, a, sizeof(a)),
			    duration_format(c->ca_certificate_validity_period.ns, b, sizeof(b)));
}

static void validate_cluster(struct errlist *l, const struct cfg_cluster_configuration *c)
{
	if (c->dns.image_repository && *c->dns.image_repository)
		validate_image_repository(l, c->dns.image_repository, "dns.imageRepository");
	validate_networking(l, c);
	validate_cert_sans(l, c->api_server.cert_sans, "apiServer.certSANs");
	validate_extra_args(l, &c->api_server.c.extra_args, "apiServer.extraArgs");
	validate_extra_args(l, &c->controller_manager.extra_args, "controllerManager.extraArgs");
	validate_extra_args(l, &c->scheduler.extra_args, "scheduler.extraArgs");
	validate_abs(l, c->certificates_dir ? c->certificates_dir : "", "certificatesDir");
	if (c->feature_gates) {
		const char *k;
		json_t *v;
		_cleanup_free_ char *repr = json_dumps(c->feature_gates, JSON_COMPACT | JSON_SORT_KEYS);
		json_object_foreach(c->feature_gates, k, v) {
			if (streq(k, "RootlessControlPlane"))
				continue;
			_cleanup_free_ char *d = xasprintf("%s is not a valid feature name.", k);
			invalid_raw(l, "featureGates", repr, d);
		}
	}
	if (c->control_plane_endpoint && *c->control_plane_endpoint) {
		_cleanup_free_ char *h = NULL, *p = NULL;
		if (cfg_parse_host_port(c->control_plane_endpoint, &h, &p) < 0)
			invalid_str(l, "controlPlaneEndpoint", c->control_plane_endpoint,
				    "endpoint is not valid");
	}
	validate_image_repository(l, c->image_repository, "imageRepository");
	validate_etcd(l, c);
	const char *alg = c->encryption_algorithm ? c->encryption_algorithm : "";
	if (!streq(alg, "ECDSA-P256") && !streq(alg, "ECDSA-P384") && !streq(alg, "RSA-2048") &&
	    !streq(alg, "RSA-3072") && !streq(alg, "RSA-4096")) {
		_cleanup_free_ char *r = json_repr_str(alg);
		_cleanup_free_ char *d = xasprintf("Invalid encryption algorithm \"%s\". Must be one of "
						   "[ECDSA-P256 ECDSA-P384 RSA-2048 RSA-3072 RSA-4096]",
						   alg);
		invalid_raw(l, "encryptionAlgorithm", r, d);
	}
	validate_cert_validity(c);
}

int cfg_validate_init(const struct cfg_init_configuration *init,
		      const struct cfg_cluster_configuration *cluster)
{
	struct errlist l = { 0 };
	validate_node_registration(&l, &init->node_registration, "nodeRegistration");
	validate_bootstrap_tokens(&l, &init->bootstrap_tokens);
	validate_cluster(&l, cluster);
	validate_api_endpoint(&l, &init->local_api_endpoint, "localAPIEndpoint");
	validate_certificate_key(&l, init->certificate_key, "certificateKey");
	return aggregate(&l);
}

int cfg_validate_join(const struct cfg_join_configuration *c)
{
	struct errlist l = { 0 };
	const struct cfg_bootstrap_token_discovery *bt = c->discovery.bootstrap_token;
	const struct cfg_file_discovery *f = c->discovery.file;
	const char *tls = c->discovery.tls_bootstrap_token ? c->discovery.tls_bootstrap_token : "";

	if (!bt && !f)
		invalid_str(&l, "discovery", "", "bootstrapToken or file must be set");
	if (bt && f)
		invalid_str(&l, "discovery", "", "bootstrapToken and file cannot both be set");
	if (bt) {
		const char *ep = bt->api_server_endpoint ? bt->api_server_endpoint : "";
		if (!*ep)
			required(&l, "discovery.bootstrapToken", "APIServerEndpoint is not set");
		if (strv_length(bt->ca_cert_hashes) == 0 && !bt->unsafe_skip_ca_verification)
			invalid_str(&l, "discovery.bootstrapToken.caCertHashes", "",
				    "using token-based discovery without caCertHashes can be unsafe. Set "
				    "unsafeSkipCAVerification as true in your kubeadm config file or pass "
				    "--discovery-token-unsafe-skip-ca-verification flag to continue");
		validate_token(&l, bt->token ? bt->token : "", "discovery.bootstrapToken.token");
		_cleanup_free_ char *h = NULL, *p = NULL, *err = NULL;
		if (!net_split_host_port(ep, &h, &p, &err))
			invalid_str(&l, "discovery.bootstrapToken.apiServerEndpoint", ep, err);
		validate_token(&l, tls, "discovery.tlsBootstrapToken");
	}
	if (f) {
		const char *path = f->kube_config_path ? f->kube_config_path : "";
		_cleanup_free_ char *scheme = NULL, *err = NULL;
		if (!net_url_scheme(path, &scheme, &err))
			invalid_str(&l, "discovery.file.kubeConfigPath", path,
				    "not a valid HTTPS URL or a file on disk");
		else if (!*scheme) {
			if (access(path, F_OK) < 0 && errno == ENOENT)
				invalid_str(&l, "discovery.file.kubeConfigPath", path,
					    "not a valid HTTPS URL or a file on disk");
		} else if (!streq(scheme, "https"))
			invalid_str(&l, "discovery.file.kubeConfigPath", path,
				    "if a URL is used, the scheme must be https");
		if (*tls)
			validate_token(&l, tls, "discovery.tlsBootstrapToken");
	}
	validate_node_registration(&l, &c->node_registration, "nodeRegistration");
	if (c->control_plane) {
		validate_api_endpoint(&l, &c->control_plane->local_api_endpoint,
				      "controlPlane.localAPIEndpoint");
		validate_certificate_key(&l, c->control_plane->certificate_key,
					 "controlPlane.certificateKey");
	}
	const char *ca = c->ca_cert_path ? c->ca_cert_path : "";
	size_t n = strlen(ca);
	if (!is_abs(ca) || n < 4 || !streq(ca + n - 4, ".crt"))
		invalid_str(&l, "caCertPath", ca, "the ca certificate path must be an absolute path");
	return aggregate(&l);
}

int cfg_validate_reset(const struct cfg_reset_configuration *c)
{
	struct errlist l = { 0 };
	validate_socket(&l, c->cri_socket, "criSocket");
	validate_abs(&l, c->certificates_dir ? c->certificates_dir : "", "certificatesDir");
	size_t i = 0;
	STRV_FOREACH(f, c->unmount_flags) {
		if (!streq(*f, "MNT_FORCE") && !streq(*f, "MNT_DETACH") && !streq(*f, "MNT_EXPIRE") &&
		    !streq(*f, "UMOUNT_NOFOLLOW")) {
			char idx[32];
			snprintf(idx, sizeof(idx), "index %zu", i);
			_cleanup_free_ char *d = xasprintf("unknown unmount flag %s", *f);
			invalid_str(&l, "unmountFlags", idx, d);
		}
		i++;
	}
	return aggregate(&l);
}

int cfg_validate_upgrade(const struct cfg_upgrade_configuration *c)
{
	struct errlist l = { 0 };
	if (c->apply.patches)
		validate_abs(&l, c->apply.patches->directory ? c->apply.patches->directory : "",
			     "apply.patches.directory");
	if (c->node.patches)
		validate_abs(&l, c->node.patches->directory ? c->node.patches->directory : "",
			     "node.patches.directory");
	validate_image_pull_policy(&l, c->apply.image_pull_policy, "apply.imagePullPolicy");
	validate_image_pull_policy(&l, c->node.image_pull_policy, "node.imagePullPolicy");
	return aggregate(&l);
}
