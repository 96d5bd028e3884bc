/* SPDX-License-Identifier: Apache-2.0 */
/* kubeadm's discovery (discovery.go, token/token.go, file/file.go, https/https.go, pubkeypin). */
#include <ctype.h>
#include <stdarg.h>
#include <strings.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "discovery/discovery.h"
#include "kube/http.h"
#include "kube/transport.h"
#include "kubeconfig/kubeconfig.h"
#include "util/error.h"
#include "util/events.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static void json_decrefp_(json_t **p)
{
	if (*p)
		json_decref(*p);
}
#define _cleanup_json_ _cleanup_(json_decrefp_)

static void kube_client_freep_(struct kube_client **p)
{
	kube_client_free(*p);
}

static const char supported_formats[] = "sha256";

/* Go's hex.DecodeString error text for s ("" when it decodes). */
static const char *hex_error(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isxdigit(c)) {
			if (c < 0x80)
				snprintf(buf, size, "encoding/hex: invalid byte: U+%04X '%c'", c, c);
			else
				snprintf(buf, size, "encoding/hex: invalid byte: U+%04X", c);
			return buf;
		}
	}
	if (n % 2)
		return "encoding/hex: odd length hex string";
	return "";
}

int discovery_pins_validate(char *const *pins)
{
	STRV_FOREACH(p, pins) {
		const char *colon = strchr(*p, ':');
		if (!colon || strchr(colon + 1, ':'))
			return error_set(-EINVAL, "invalid hash, expected \"format:hex-value\". Known format(s) are: %s",
					 supported_formats);
		_cleanup_free_ char *format = xstrndup(*p, (size_t)(colon - *p));
		const char *value = colon + 1;
		if (strcasecmp(format, "sha256") != 0)
			return error_set(-EINVAL, "unknown hash format \"%s\". Known format(s) are: %s",
					 format, supported_formats);
		size_t dl = strlen(value) / 2;
		if (dl != 32)
			return error_set(-EINVAL, "invalid hash \"%s\", expected a 32 byte SHA-256 hash, found %zu bytes",
					 *p, dl);
		char buf[64];
		const char *he = hex_error(value, buf, sizeof(buf));
		if (*he)
			return error_set(-EINVAL, "invalid hash \"%s\", could not decode SHA-256 from hex: %s",
					 *p, he);
	}
	return 0;
}

/* the lower-case hex of the pin, or NULL */
static bool pinned(char *const *pins, const char *hash_hex)
{
	STRV_FOREACH(p, pins) {
		const char *v = strchr(*p, ':');
		if (v && strcasecmp(v + 1, hash_hex) == 0)
			return true;
	}
	return false;
}

int discovery_pins_check(char *const *pins, const char *ca_pem, size_t len)
{
	return discovery_pins_split(pins, ca_pem, len, NULL, NULL);
}

int discovery_pins_split(char *const *pins, const char *ca_pem, size_t len, char **ret_pinned,
			 char **ret_others)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	_cleanup_free_ char *pem = xstrndup(ca_pem, len);
	_cleanup_strv_free_ char **hashes = NULL;
	_cleanup_strbuf_ struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	const char *s = pem;
	size_t ncerts = 0;
	for (;;) {
		const char *b = strstr(s, begin);
		if (!b)
			break;
		const char *e = strstr(b, end);
		if (!e)
			break;
		e += sizeof(end) - 1;
		_cleanup_free_ char *one = xasprintf("%.*s\n", (int)(e - b), b);
		s = e;
		char *h = NULL;
		if (token_ca_pin(one, strlen(one), &h) < 0) {
			error_clear();
			continue;
		}
		ncerts++;
		if (pinned(pins, h + strlen("sha256:"))) {
			free(h);
			strbuf_addstr(&in, one);
			if (!ret_pinned)
				return 0;
			continue;
		}
		strbuf_addstr(&out, one);
		strv_consume(&hashes, h);
	}
	if (!ncerts)
		return error_set(-EINVAL, "data does not contain any valid RSA or ECDSA certificates");
	if (!in.len) {
		_cleanup_free_ char *j = strv_join(hashes, ":");
		return error_set(-EPERM, "none of the public keys \"%s\" are pinned", j);
	}
	if (ret_pinned)
		*ret_pinned = strbuf_detach(&in, NULL);
	if (ret_others)
		*ret_others = strbuf_detach(&out, NULL);
	return 0;
}

int discovery_cluster_info_verify(const json_t *cm, const struct token *t, char **ret)
{
	const json_t *data = json_object_get(cm, "data");
	const char *kc = json_string_value(json_object_get(data, "kubeconfig"));
	if (!kc || !*kc)
		return error_set(-EINVAL, "there is no %s key in the %s ConfigMap. This API Server isn't set up for token bootstrapping, can't connect",
				 "kubeconfig", "cluster-info");
	_cleanup_free_ char *key = xasprintf("jws-kubeconfig-%s", t->id);
	const char *sig = json_string_value(json_object_get(data, key));
	if (!sig || !*sig)
		return error_set(-EINVAL, "token id \"%s\" is invalid for this cluster or it has expired. Use \"kubeadm token create\" on the control-plane node to create a new valid token",
				 t->id);
	if (!token_jws_verify(sig, kc, strlen(kc), t->id, t->secret))
		return error_set(-EPERM, "failed to verify JWS signature of received cluster info object, can't trust this API Server");
	*ret = xstrdup(kc);
	return 0;
}

static json_t *named(const json_t *cfg, const char *list, const char *name, const char *field)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(cfg, list), i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));
		if (n && streq(n, name))
			return json_object_get(e, field);
	}
	return NULL;
}

int discovery_kubeconfig_cluster(const json_t *cfg, const char **ret_name, json_t **ret_cluster)
{
	json_t *unnamed = named(cfg, "clusters", "", "cluster");
	if (unnamed) {
		*ret_name = "";
		*ret_cluster = unnamed;
		return 0;
	}
	const char *cur = strempty(json_string_value(json_object_get(cfg, "current-context")));
	json_t *ctx = named(cfg, "contexts", cur, "context");
	if (!ctx)
		return error_set(-EINVAL, "the current context is invalid: %s", cur);
	const char *cn = strempty(json_string_value(json_object_get(ctx, "cluster")));
	json_t *cl = named(cfg, "clusters", cn, "cluster");
	if (!cl)
		return error_set(-EINVAL, "no matching cluster for the current context: %s", cur);
	*ret_name = cn;
	*ret_cluster = cl;
	return 0;
}

/* the CA PEM of a cluster entry (certificate-authority-data); *ret owned, NULL if none */
static int cluster_ca(const json_t *cluster, char **ret, size_t *ret_len)
{
	const char *d = json_string_value(json_object_get(cluster, "certificate-authority-data"));
	*ret = NULL;
	*ret_len = 0;
	if (!d || !*d)
		return 0;
	unsigned char *b = NULL;
	size_t bl = 0;
	int r = token_base64_decode(d, &b, &bl);
	if (r < 0)
		return error_set(-EINVAL, "illegal base64 data in certificate-authority-data");
	*ret = (char *)b;
	*ret_len = bl;
	return 0;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000);
}

static void sleep_ms(long ms)
{
	if (ms <= 0)
		return;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * wait.PollUntilContextTimeout(interval, timeout, immediate=true): attempt() returns 1 done,
 * 0 retry, < 0 abort. Returns 1, the abort, or -ETIMEDOUT.
 */
static int poll_until(long interval_ms, long timeout_ms, int (*attempt)(void *), void *ud)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int r = attempt(ud);
		if (r != 0)
			return r;
		long el = elapsed_ms(&t0);
		if (el + interval_ms >= timeout_ms) {
			sleep_ms(timeout_ms - el);
			return -ETIMEDOUT;
		}
		sleep_ms(interval_ms);
	}
}

static json_t *insecure_bootstrap_config(const char *endpoint)
{
	_cleanup_free_ char *server = xasprintf("https://%s", endpoint);
	json_t *cfg = kubeconfig_build(server, "kubernetes", DISCOVERY_BOOTSTRAP_USER, NULL, NULL,
				       NULL, NULL);
	json_t *cl = named(cfg, "clusters", "kubernetes", "cluster");
	json_object_set_new(cl, "insecure-skip-tls-verify", json_true());
	return cfg;
}

struct get_info {
	struct events_waiter ew;
	struct kube_client *client;
	struct cfg_join_configuration *cfg;
	bool dry_run;
	json_t *cm;             /* result */
	char *last_error;       /* owned */
	int last_code;
};

static void set_last(struct get_info *g, int code, const char *fmt, ...) _printf_(3, 4);
static void set_last(struct get_info *g, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct strbuf sb = STRBUF_INIT;
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(g->last_error);
	g->last_error = strbuf_detach(&sb, NULL);
	g->last_code = code;
}

/* mutateTokenDiscoveryForDryRun */
static void mutate_for_dry_run(struct cfg_join_configuration *cfg)
{
	static const char token[] = "abcdef.abcdef0123456789";
	static const char ca_hash[] =
		"sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a";
	static const char endpoint[] = "https://192.168.0.101:6443";
	log_warning("[dryrun] Mutating the JoinConfiguration.Discovery.BootstrapToken to satisfy the dry-run without a real cluster-info ConfigMap:\n  Token: %s\n  CACertHash: %s\n  APIServerEndpoint: %s\n",
		    token, ca_hash, endpoint);
	if (!cfg->discovery.bootstrap_token)
		cfg->discovery.bootstrap_token = xnew0(struct cfg_bootstrap_token_discovery);
	struct cfg_bootstrap_token_discovery *bt = cfg->discovery.bootstrap_token;
	free(bt->token);
	bt->token = xstrdup(token);
	strv_push(&bt->ca_cert_hashes, ca_hash);
	free(bt->api_server_endpoint);
	bt->api_server_endpoint = xstrdup(endpoint);
}

static int get_info_attempt(void *ud)
{
	struct get_info *g = ud;
	const char *tok = strempty(g->cfg->discovery.bootstrap_token->token);
	struct token t;
	int r = token_parse(tok, &t);
	if (r < 0) {
		set_last(g, r, "could not construct token string for token: %s: %s", tok,
			 error_message(r));
		error_clear();
		return r;
	}
	log_v(1, "[discovery] Waiting for the cluster-info ConfigMap to receive a JWS signature for token ID \"%s\"",
	      t.id);
	json_decref(g->cm);
	g->cm = NULL;
	r = kube_get(g->client, &kube_res_configmaps, "kube-public", "cluster-info", &g->cm);
	if (r < 0) {
		set_last(g, r, "failed to request the cluster-info ConfigMap: %s", error_message(r));
		error_clear();
		log_v(1, "[discovery] Retrying due to error: %s", g->last_error);
		events_wait_retry(&g->ew, g->last_error);
		token_wipe(&t);
		return 0;
	}
	_cleanup_free_ char *key = xasprintf("jws-kubeconfig-%s", t.id);
	if (!json_object_get(json_object_get(g->cm, "data"), key)) {
		set_last(g, -EINVAL,
			 "could not find a JWS signature in the cluster-info ConfigMap for token ID \"%s\"",
			 t.id);
		token_wipe(&t);
		if (g->dry_run) {
			mutate_for_dry_run(g->cfg);
			return 0;
		}
		log_v(1, "[discovery] Retrying due to error: %s", g->last_error);
		events_wait_retry(&g->ew, g->last_error);
		return 0;
	}
	token_wipe(&t);
	return 1;
}

/* getClusterInfo */
static int get_cluster_info(struct kube_client *c, struct cfg_join_configuration *cfg,
			    long interval_ms, long timeout_ms, bool dry_run, json_t **ret)
{
	struct get_info g = { .client = c, .cfg = cfg, .dry_run = dry_run };
	/* the event stream's Wait: discovery waits for a JWS-signed cluster-info */
	_cleanup_free_ char *url = xasprintf(
		"https://%s/api/v1/namespaces/kube-public/configmaps/cluster-info",
		strempty(cfg->discovery.bootstrap_token->api_server_endpoint));
	events_wait_begin(&g.ew, "discovery", url);
	int r = poll_until(interval_ms, timeout_ms, get_info_attempt, &g);
	events_wait_end(&g.ew, r >= 0, r == -ETIMEDOUT, g.last_error);
	if (r < 0) {
		if (g.last_error)
			r = error_set(g.last_code < 0 ? g.last_code : r, "%s", g.last_error);
		else
			r = error_set(r, "context deadline exceeded");
		free(g.last_error);
		json_decref(g.cm);
		return r;
	}
	free(g.last_error);
	*ret = g.cm;
	return 0;
}

int discovery_token_retrieve(struct kube_client *dry_run_client, struct cfg_join_configuration *d,
			     long interval_ms, long timeout_ms, json_t **ret)
{
	if (interval_ms > timeout_ms)
		interval_ms = timeout_ms;
	bool dry_run = dry_run_client != NULL;
	struct kube_client *client = dry_run_client;
	_cleanup_(kube_client_freep_) struct kube_client *own = NULL;
	_cleanup_free_ char *endpoint = xstrdup(strempty(d->discovery.bootstrap_token->api_server_endpoint));
	_cleanup_json_ json_t *insecure_bootstrap = insecure_bootstrap_config(endpoint);
	const char *cluster_name = "kubernetes";
	log_v(1, "[discovery] Created cluster-info discovery client, requesting info from \"%s\"",
	      endpoint);
	int r;
	if (!dry_run) {
		r = kube_client_new_from_config(insecure_bootstrap, &own);
		if (r < 0)
			return r;
		client = own;
	}
	_cleanup_json_ json_t *insecure_info = NULL;
	r = get_cluster_info(client, d, interval_ms, timeout_ms, dry_run, &insecure_info);
	if (r < 0)
		return r;

	struct cfg_bootstrap_token_discovery *bt = d->discovery.bootstrap_token;
	r = discovery_pins_validate(bt->ca_cert_hashes);
	if (r < 0)
		return error_wrap(r, "invalid discovery token CA certificate hash");
	struct token t;
	r = token_parse(strempty(bt->token), &t);
	if (r < 0)
		return r;
	_cleanup_free_ char *insecure_kc = NULL;
	r = discovery_cluster_info_verify(insecure_info, &t, &insecure_kc);
	token_wipe(&t);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *insecure_cfg = NULL;
	r = kubeconfig_parse(insecure_kc, strlen(insecure_kc), &insecure_cfg);
	if (r < 0)
		return error_wrap(r, "couldn't parse the kubeconfig file in the %s ConfigMap",
				  "cluster-info");
	const char *cn;
	json_t *cl;
	r = discovery_kubeconfig_cluster(insecure_cfg, &cn, &cl);
	if (r < 0)
		return error_wrap(r, "malformed kubeconfig in the %s ConfigMap", "cluster-info");

	if (!bt->ca_cert_hashes || !bt->ca_cert_hashes[0]) {
		log_v(1, "[discovery] Cluster info signature and contents are valid and no TLS pinning was specified, will use API Server \"%s\"",
		      endpoint);
		*ret = TAKE_PTR(insecure_cfg);
		return 0;
	}

	/* validateClusterCA: the CA of the last cluster entry */
	size_t i;
	json_t *e, *last = NULL;
	json_array_foreach(json_object_get(insecure_cfg, "clusters"), i, e)
		last = json_object_get(e, "cluster");
	_cleanup_free_ char *ca = NULL;
	size_t ca_len = 0;
	r = cluster_ca(last, &ca, &ca_len);
	if (r >= 0 && !ca)
		r = error_set(-EINVAL, "data does not contain any valid RSA or ECDSA certificates");
	if (r < 0)
		return error_wrap(r, "failed to parse cluster CA from the %s ConfigMap", "cluster-info");
	_cleanup_free_ char *pinned_pem = NULL, *other_pem = NULL;
	r = discovery_pins_split(bt->ca_cert_hashes, ca, ca_len, &pinned_pem, &other_pem);
	if (r == -EINVAL)
		return error_wrap(r, "failed to parse cluster CA from the %s ConfigMap", "cluster-info");
	if (r < 0)
		return error_wrap(r, "cluster CA found in %s ConfigMap is invalid", "cluster-info");

	/*
	 * Connect back trusting the pinned certificates only. Stricter than kubeadm, which trusts
	 * the whole bundle once one of its certificates is pinned: anyone holding the token could
	 * add a CA of their own to a cluster-info they sign and answer this fetch. The bundle's
	 * other certificates may still complete a chain to a pinned one.
	 */
	_cleanup_free_ char *server = xasprintf("https://%s", endpoint);
	_cleanup_json_ json_t *secure_bootstrap = kubeconfig_build(
		server, cluster_name, DISCOVERY_BOOTSTRAP_USER, pinned_pem, NULL, NULL, NULL);
	log_v(1, "[discovery] Requesting info from \"%s\" again to validate TLS against the pinned public key",
	      endpoint);
	if (!dry_run) {
		own = kube_client_free(own);
		r = kube_client_new_from_config(secure_bootstrap, &own);
		if (r < 0)
			return r;
		kube_client_set_tls_chain(own, other_pem, strlen(other_pem));
		client = own;
	}
	_cleanup_json_ json_t *secure_info = NULL;
	r = get_cluster_info(client, d, interval_ms, timeout_ms, dry_run, &secure_info);
	if (r < 0)
		return r;
	const char *secure_kc = strempty(json_string_value(
		json_object_get(json_object_get(secure_info, "data"), "kubeconfig")));
	if (!streq(secure_kc, insecure_kc))
		return error_set(-EPERM, "the second kubeconfig from the %s ConfigMap (using validated TLS) was different from the first",
				 "cluster-info");
	json_t *secure_cfg = NULL;
	r = kubeconfig_parse(secure_kc, strlen(secure_kc), &secure_cfg);
	if (r < 0)
		return error_wrap(r, "couldn't parse the kubeconfig file in the %s ConfigMap",
				  "cluster-info");
	log_v(1, "[discovery] Cluster info signature and contents are valid and TLS certificate validates against pinned roots, will use API Server \"%s\"",
	      endpoint);
	*ret = secure_cfg;
	return 0;
}

/* the current context's user entry, or NULL */
static json_t *current_user(const json_t *cfg)
{
	const char *cur = strempty(json_string_value(json_object_get(cfg, "current-context")));
	json_t *ctx = named(cfg, "contexts", cur, "context");
	if (!ctx)
		return NULL;
	const char *un = json_string_value(json_object_get(ctx, "user"));
	return un ? named(cfg, "users", un, "user") : NULL;
}

static bool has_field(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return v && (!json_is_string(v) || *json_string_value(v));
}

/* kubeconfigutil.HasAuthenticationCredentials */
static bool has_auth(const json_t *cfg)
{
	json_t *u = current_user(cfg);
	if (!u)
		return false;
	if ((has_field(u, "client-certificate") || has_field(u, "client-certificate-data")) &&
	    (has_field(u, "client-key") || has_field(u, "client-key-data")))
		return true;
	return has_field(u, "token") || has_field(u, "tokenFile") || has_field(u, "exec") ||
	       has_field(u, "auth-provider");
}

/* reads a referenced file into <key>-data (base64) and drops the path */
static int embed(json_t *o, const char *key)
{
	const char *path = json_string_value(json_object_get(o, key));
	if (!path || !*path)
		return 0;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, path, 16 << 20, &data, &len);
	if (r < 0)
		return error_set(r, "open %s: %s", path, strerror(-r));
	_cleanup_free_ char *key_data = xasprintf("%s-data", key);
	_cleanup_free_ char *b = token_base64_encode(data, len);
	json_object_set_new(o, key_data, json_string(b));
	json_object_del(o, key);
	return 0;
}

struct file_info {
	struct kube_client *client;
	json_t *cm;
	char *last_error;
	int last_code;
};

static int file_attempt(void *ud)
{
	struct file_info *f = ud;
	json_decref(f->cm);
	f->cm = NULL;
	int r = kube_get(f->client, &kube_res_configmaps, "kube-public", "cluster-info", &f->cm);
	if (r == -EPERM) {
		log_warning("[discovery] Could not access the %s ConfigMap for refreshing the cluster-info information, but the TLS cert is valid so proceeding...\n",
			    "cluster-info");
		error_clear();
		f->cm = NULL;
		return 1;
	}
	if (r < 0) {
		free(f->last_error);
		f->last_error = xstrdup(error_message(r));
		f->last_code = r;
		error_clear();
		log_v(1, "[discovery] Error reading the %s ConfigMap, will try again: %s\n",
		      "cluster-info", f->last_error);
		return 0;
	}
	return 1;
}

static void format_duration_ms(long ms, char *buf, size_t size)
{
	/* Go's time.Duration String for whole seconds and minutes, the usual timeouts */
	long s = ms / 1000;
	if (ms % 1000 == 0 && s >= 60 && s % 60 == 0 && s < 3600)
		snprintf(buf, size, "%ldm0s", s / 60);
	else if (ms % 1000 == 0 && s >= 60 && s < 3600)
		snprintf(buf, size, "%ldm%lds", s / 60, s % 60);
	else if (ms % 1000 == 0 && s >= 3600)
		snprintf(buf, size, "%ldh%ldm%lds", s / 3600, (s % 3600) / 60, s % 60);
	else if (ms % 1000 == 0)
		snprintf(buf, size, "%lds", s);
	else
		snprintf(buf, size, "%gs", (double)ms / 1000.0);
}

int discovery_file_validate(json_t *cfg, long timeout_ms, json_t **ret)
{
	if (json_array_size(json_object_get(cfg, "clusters")) < 1)
		return error_set(-EINVAL, "the provided kubeconfig file must have at least one Cluster defined");
	const char *cur_name;
	json_t *cur;
	int r = discovery_kubeconfig_cluster(cfg, &cur_name, &cur);
	if (r < 0)
		return error_wrap(r, "the provided kubeconfig file is malformed");
	r = embed(cur, "certificate-authority");
	if (r < 0)
		return r;
	if (has_auth(cfg)) {
		log_v(1, "[discovery] Using authentication credentials from the discovery file for validating TLS connection");
		json_t *u = current_user(cfg);
		r = embed(u, "client-certificate");
		if (r >= 0)
			r = embed(u, "client-key");
		/* EnsureAuthenticationInfoAreEmbedded: the file as is (a CR or LF in it is
		 * refused by the transport, as by Go's net/http), only without a token */
		if (r >= 0 && !has_field(u, "token") && has_field(u, "tokenFile")) {
			const char *tf = json_string_value(json_object_get(u, "tokenFile"));
			_cleanup_free_ char *tok = NULL;
			size_t tl = 0;
			r = fs_read_file(AT_FDCWD, tf, 1 << 20, &tok, &tl);
			if (r < 0)
				return error_set(r, "error while reading token file defined in kubeconfig: open %s: %s",
						 tf, go_strerror(-r));
			json_object_set_new(u, "token", json_string(tok));
			json_object_del(u, "tokenFile");
		}
		if (r < 0)
			return r;
	} else {
		log_v(1, "[discovery] Discovery file does not contains authentication credentials, using unauthenticated request for validating TLS connection");
	}
	_cleanup_(kube_client_freep_) struct kube_client *c = NULL;
	/* clientcmd's DirectClientConfig: without a current context, the unnamed cluster (and
	 * user) of the file; the client is given that selection explicitly */
	json_t *u = current_user(cfg);
	_cleanup_json_ json_t *empty_user = json_object();
	_cleanup_json_ json_t *sel = json_pack(
		"{s:s,s:[{s:s,s:O}],s:[{s:s,s:O}],s:[{s:s,s:{s:s,s:s}}],s:s}", "kind", "Config",
		"clusters", "name", "c", "cluster", cur, "users", "name", "u", "user",
		u ? u : empty_user, "contexts", "name", "x", "context", "cluster", "c", "user", "u",
		"current-context", "x");
	r = kube_client_new_from_config(sel, &c);
	if (r < 0)
		return r;
	const char *server = strempty(json_string_value(json_object_get(cur, "server")));
	log_v(1, "[discovery] Created cluster-info discovery client, requesting info from \"%s\"\n",
	      server);
	struct file_info f = { .client = c };
	r = poll_until(DISCOVERY_RETRY_INTERVAL_MS, timeout_ms, file_attempt, &f);
	if (r < 0) {
		char d[32];
		format_duration_ms(timeout_ms, d, sizeof(d));
		r = error_set(f.last_code ? f.last_code : r,
			      "Abort reading the %s ConfigMap after timeout of %s: %s",
			      "cluster-info", d, f.last_error ? f.last_error : "context deadline exceeded");
		free(f.last_error);
		json_decref(f.cm);
		return r;
	}
	free(f.last_error);
	_cleanup_json_ json_t *cm = f.cm;
	if (!cm) {
		*ret = json_incref(cfg);
		return 0;
	}
	const char *kc = json_string_value(json_object_get(json_object_get(cm, "data"), "kubeconfig"));
	_cleanup_json_ json_t *refreshed = NULL;
	if (!kc || !*kc) {
		log_v(1, "[discovery] The %s ConfigMap isn't set up properly (no %s key in ConfigMap), but the TLS cert is valid so proceeding...\n",
		      "cluster-info", "kubeconfig");
		*ret = json_incref(cfg);
		return 0;
	}
	r = kubeconfig_parse(kc, strlen(kc), &refreshed);
	if (r < 0) {
		log_v(1, "[discovery] The %s ConfigMap isn't set up properly (couldn't parse the kubeconfig file in the %s ConfigMap: %s), but the TLS cert is valid so proceeding...\n",
		      "cluster-info", "cluster-info", error_message(r));
		error_clear();
		*ret = json_incref(cfg);
		return 0;
	}
	const char *rn;
	json_t *rc;
	r = discovery_kubeconfig_cluster(refreshed, &rn, &rc);
	if (r < 0)
		return error_wrap(r, "malformed kubeconfig in the %s ConfigMap", "cluster-info");
	const char *rserver = strempty(json_string_value(json_object_get(rc, "server")));
	if (!streq(server, rserver))
		log_warning("[discovery] the API Server endpoint \"%s\" in use is different from the endpoint \"%s\" which defined in the %s ConfigMap",
			    server, rserver, "cluster-info");
	if (!has_field(cur, "certificate-authority-data") &&
	    has_field(rc, "certificate-authority-data")) {
		json_object_set(cur, "certificate-authority-data",
				json_object_get(rc, "certificate-authority-data"));
		log_v(1, "[discovery] Synced CertificateAuthorityData from the %s ConfigMap",
		      "cluster-info");
	}
	*ret = json_incref(cfg);
	return 0;
}

int discovery_file_retrieve(const char *path, long timeout_ms, json_t **ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, path, 16 << 20, &data, &len);
	if (r < 0)
		return error_set(r, "open %s: %s", path, strerror(-r));
	_cleanup_json_ json_t *cfg = NULL;
	r = kubeconfig_parse(data, len, &cfg);
	if (r < 0)
		return r;
	return discovery_file_validate(cfg, timeout_ms, ret);
}

int discovery_https_retrieve(const char *url, long timeout_ms, json_t **ret)
{
	/* net/http's default client has no timeout; the discovery timeout bounds it here. A
	 * redirect to http is not followed (stricter than kubeadm): the file is fetched over TLS
	 * or not at all. */
	struct http_response resp;
	int r = kube_http_fetch(url, NULL, timeout_ms, 16 << 20, &resp);
	if (r < 0)
		return r;
	if (resp.status != 200) {
		http_response_release(&resp);
		return error_set(-EIO, "error trying to fetch discovery kubeconfig over HTTPS from %s, received status %ld",
				 url, resp.status);
	}
	_cleanup_json_ json_t *cfg = NULL;
	r = kubeconfig_parse(resp.body, resp.len, &cfg);
	http_response_release(&resp);
	if (r < 0)
		return r;
	return discovery_file_validate(cfg, timeout_ms, ret);
}

static bool is_https_url(const char *s)
{
	return strncasecmp(s, "https://", 8) == 0;
}

static long discovery_timeout_ms(const struct cfg_join_configuration *cfg)
{
	if (cfg->timeouts && cfg->timeouts->discovery.set)
		return (long)(cfg->timeouts->discovery.ns / 1000000);
	return 5 * 60 * 1000L;
}

/* DiscoverValidatedKubeConfig */
static int discover(struct kube_client *dry, struct cfg_join_configuration *cfg, json_t **ret)
{
	long timeout = discovery_timeout_ms(cfg);
	if (cfg->discovery.file) {
		const char *p = strempty(cfg->discovery.file->kube_config_path);
		if (is_https_url(p))
			return discovery_https_retrieve(p, timeout, ret);
		return discovery_file_retrieve(p, timeout, ret);
	}
	if (cfg->discovery.bootstrap_token)
		return discovery_token_retrieve(dry, cfg, DISCOVERY_RETRY_INTERVAL_MS, timeout, ret);
	return error_set(-EINVAL, "couldn't find a valid discovery configuration");
}

char *discovery_format_ca_info(const char *ca_pem, size_t len)
{
	_cleanup_free_ char *h = NULL;
	if (token_ca_pin(ca_pem, len, &h) < 0) {
		error_clear();
		return xstrdup("CA Certificate: (unparsable)");
	}
	return xasprintf("CA Certificate:\n\tHash: %s", h);
}

int discovery_for(struct kube_client *dry_run_client, struct cfg_join_configuration *cfg,
		  json_t **ret)
{
	_cleanup_json_ json_t *config = NULL;
	int r = discover(dry_run_client, cfg, &config);
	if (r < 0)
		return error_wrap(r, "couldn't validate the identity of the API Server");
	bool skip_auth_check = false;
	const char *tbt = cfg->discovery.tls_bootstrap_token;
	if (tbt && *tbt) {
		log_v(1, "[discovery] Using provided TLSBootstrapToken as authentication credentials for the join process");
		const char *cn;
		json_t *cl;
		r = discovery_kubeconfig_cluster(config, &cn, &cl);
		if (r < 0)
			return error_wrap(r, "malformed kubeconfig in the %s ConfigMap", "cluster-info");
		_cleanup_free_ char *ca = NULL;
		size_t ca_len = 0;
		r = cluster_ca(cl, &ca, &ca_len);
		if (r < 0)
			return r;
		json_t *n = kubeconfig_build(strempty(json_string_value(json_object_get(cl, "server"))),
					     "kubernetes", DISCOVERY_TOKEN_USER, ca, NULL, NULL, tbt);
		json_decref(config);
		config = n;
		skip_auth_check = true;
	}
	if (!skip_auth_check && !has_auth(config))
		return error_set(-EINVAL, "could not find authentication credentials for the TLS bootstrap process. Please use Token discovery, a discovery file with embedded authentication credentials or a discovery file without authentication credentials but with the TLSBootstrapToken flag");
	const char *cn;
	json_t *cl;
	r = discovery_kubeconfig_cluster(config, &cn, &cl);
	_cleanup_free_ char *ca = NULL;
	size_t ca_len = 0;
	if (r >= 0)
		r = cluster_ca(cl, &ca, &ca_len);
	if (r >= 0 && !ca)
		r = error_set(-EINVAL, "no CA certificate found in CertificateAuthorityData");
	if (r >= 0) {
		_cleanup_free_ char *h = NULL;
		r = token_ca_pin(ca, ca_len, &h);
		if (r < 0)
			r = error_set(-EINVAL, "data does not contain any valid RSA or ECDSA certificates");
	}
	if (r < 0)
		return error_wrap(r, "could not get CA certificate from discovery kubeconfig");
	_cleanup_free_ char *info = discovery_format_ca_info(ca, ca_len);
	log_v(1, "[discovery] Using CA certificate from discovery kubeconfig:\n%s", info);
	*ret = TAKE_PTR(config);
	return 0;
}
