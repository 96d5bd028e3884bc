/* SPDX-License-Identifier: Apache-2.0 */
/* The Kubernetes REST client and kubeadm's dry-run client (see client.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "kube/client.h"
#include "kube/client-internal.h"
#include "util/error.h"
#include "util/events.h"
#include "util/fault.h"
#include "util/flags.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/yaml.h"

#define RES(var, g, v, r, k, ns, t)                                                                \
	const struct kube_resource var = { .group = g, .version = v, .resource = r, .kind = k,     \
					   .namespaced = ns, .go_type = t }
RES(kube_res_configmaps, "", "v1", "configmaps", "ConfigMap", true, "*v1.ConfigMap");
RES(kube_res_secrets, "", "v1", "secrets", "Secret", true, "*v1.Secret");
RES(kube_res_nodes, "", "v1", "nodes", "Node", false, "*v1.Node");
RES(kube_res_pods, "", "v1", "pods", "Pod", true, "*v1.Pod");
RES(kube_res_services, "", "v1", "services", "Service", true, "*v1.Service");
RES(kube_res_serviceaccounts, "", "v1", "serviceaccounts", "ServiceAccount", true,
    "*v1.ServiceAccount");
RES(kube_res_namespaces, "", "v1", "namespaces", "Namespace", false, "*v1.Namespace");
RES(kube_res_deployments, "apps", "v1", "deployments", "Deployment", true, "*v1.Deployment");
RES(kube_res_daemonsets, "apps", "v1", "daemonsets", "DaemonSet", true, "*v1.DaemonSet");
RES(kube_res_jobs, "batch", "v1", "jobs", "Job", true, "*v1.Job");
RES(kube_res_roles, "rbac.authorization.k8s.io", "v1", "roles", "Role", true, "*v1.Role");
RES(kube_res_rolebindings, "rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true,
    "*v1.RoleBinding");
RES(kube_res_clusterroles, "rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false,
    "*v1.ClusterRole");
RES(kube_res_clusterrolebindings, "rbac.authorization.k8s.io", "v1", "clusterrolebindings",
    "ClusterRoleBinding", false, "*v1.ClusterRoleBinding");

#define DEFAULT_BODY_CAP (16u << 20)

/* ---- small helpers ---- */

static int b64val(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+' || ch == '-')
		return 62;
	if (ch == '/' || ch == '_')
		return 63;
	return -1;
}

int kube_base64_decode(const char *s, char **ret, size_t *ret_len)
{
	struct strbuf out = STRBUF_INIT;
	uint32_t acc = 0;
	int bits = 0;
	for (; *s; s++) {
		if (*s == '=' || *s == '\n' || *s == '\r' || *s == ' ')
			continue;
		int v = b64val((unsigned char)*s);
		if (v < 0) {
			strbuf_release(&out);
			return -EINVAL;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			strbuf_addch(&out, (char)((acc >> bits) & 0xff));
		}
	}
	if (ret_len)
		*ret_len = out.len;
	*ret = strbuf_detach(&out, NULL);
	return 0;
}

static const char *obj_str(const json_t *o, const char *path)
{
	const json_t *v = json_get_path(o, path);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Go's os.PathError text ("open <path>: no such file or directory"; os.ReadFile opens a
 * directory and fails reading it: "read <path>: is a directory") */
static int open_error(int r, const char *path)
{
	_cleanup_free_ char *msg = xstrdup(strerror(-r));
	if (*msg >= 'A' && *msg <= 'Z')
		*msg = (char)(*msg - 'A' + 'a');
	return error_set(r, "%s %s: %s", r == -EISDIR ? "read" : "open", path, msg);
}

static const json_t *named_entry(const json_t *cfg, const char *list, const char *name,
				 const char *member)
{
	const json_t *arr = json_object_get(cfg, list);
	size_t i;
	const json_t *e;
	json_array_foreach(arr, i, e) {
		const char *n = obj_str(e, "name");
		if (n && name && streq(n, name))
			return json_object_get(e, member);
	}
	return NULL;
}

/* Reads a PEM/credential either from "<key>-data" (base64) or "<key>" (path). */
static int load_blob(const json_t *o, const char *key, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *datakey = xasprintf("%s-data", key);
	const char *data = obj_str(o, datakey);
	if (data && *data) {
		if (kube_base64_decode(data, ret, ret_len) < 0)
			return error_set(-EINVAL, "illegal base64 data in %s", datakey);
		return 1;
	}
	const char *path = obj_str(o, key);
	if (path && *path) {
		int r = fs_read_file(AT_FDCWD, path, 1 << 20, ret, ret_len);
		if (r < 0)
			return open_error(r, path);
		return 1;
	}
	*ret = NULL;
	*ret_len = 0;
	return 0;
}

/* ---- client lifecycle ---- */

static void client_release_creds(struct kube_client *c)
{
	if (c->key_pem) {
		explicit_bzero(c->key_pem, c->key_len);
		free(c->key_pem);
	}
	if (c->token) {
		explicit_bzero(c->token, strlen(c->token));
		free(c->token);
	}
	free(c->ca_pem);
	free(c->chain_pem);
	free(c->server_name);
	free(c->cert_pem);
	free(c->server);
}

struct kube_client *kube_client_free(struct kube_client *c)
{
	if (!c)
		return NULL;
	client_release_creds(c);
	http_conn_close(c->conn);
	json_decref(c->tracker);
	free(c);
	return NULL;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);

static struct kube_client *client_alloc(void)
{
	struct kube_client *c = xcalloc(1, sizeof(*c));
	c->api_timeout_ms = 60000;
	c->api_interval_ms = KUBE_RETRY_INTERVAL_MS;
	c->request_timeout_ms = 30000;
	c->body_cap = DEFAULT_BODY_CAP;
	return c;
}

static int client_load(struct kube_client *c, const json_t *cfg)
{
	const char *ctxname = obj_str(cfg, "current-context");
	if (!ctxname || !*ctxname)
		return error_set(-EINVAL, "invalid configuration: no configuration has been provided, "
					  "try setting KUBERNETES_MASTER environment variable");
	const json_t *ctx = named_entry(cfg, "contexts", ctxname, "context");
	if (!ctx)
		return error_set(-EINVAL, "invalid configuration: context was not found for specified "
					  "context: %s",
				 ctxname);
	const char *cluster_name = obj_str(ctx, "cluster");
	const char *user_name = obj_str(ctx, "user");
	const json_t *cluster = named_entry(cfg, "clusters", cluster_name, "cluster");
	if (!cluster)
		return error_set(-EINVAL, "invalid configuration: cluster \"%s\" was not found",
				 strempty(cluster_name));
	const char *server = obj_str(cluster, "server");
	if (!server || !*server)
		return error_set(-EINVAL, "invalid configuration: no server found for cluster \"%s\"",
				 strempty(cluster_name));
	c->server = xstrdup(server);
	size_t l = strlen(c->server);
	while (l && c->server[l - 1] == '/')
		c->server[--l] = 0;
	int r = load_blob(cluster, "certificate-authority", &c->ca_pem, &c->ca_len);
	if (r < 0)
		return r;
	c->insecure = json_is_true(json_object_get(cluster, "insecure-skip-tls-verify"));
	const char *sn = obj_str(cluster, "tls-server-name");
	c->server_name = sn && *sn ? xstrdup(sn) : NULL;
	const json_t *user = user_name ? named_entry(cfg, "users", user_name, "user") : NULL;
	if (user) {
		r = load_blob(user, "client-certificate", &c->cert_pem, &c->cert_len);
		if (r < 0)
			return r;
		r = load_blob(user, "client-key", &c->key_pem, &c->key_len);
		if (r < 0)
			return r;
		const char *tok = obj_str(user, "token");
		const char *tokfile = obj_str(user, "tokenFile");
		if (tok && *tok) {
			c->token = xstrdup(tok);
		} else if (tokfile && *tokfile) {
			char *t = NULL;
			size_t tl;
			r = fs_read_file(AT_FDCWD, tokfile, 64 << 10, &t, &tl);
			if (r < 0)
				return open_error(r, tokfile);
			while (tl && (t[tl - 1] == '\n' || t[tl - 1] == ' '))
				t[--tl] = 0;
			c->token = t;
		}
	}
	if (!!c->cert_pem != !!c->key_pem)
		return error_set(-EINVAL, "invalid configuration: client-cert-data and "
					  "client-key-data must be specified together");
	c->live = true;
	return 0;
}

int kube_client_new_from_config(const json_t *kubeconfig, struct kube_client **ret)
{
	_cleanup_(kube_client_freep) struct kube_client *c = client_alloc();
	int r = client_load(c, kubeconfig);
	if (r < 0)
		return r;
	/* kubeconfigutil.ToClientSet: ConfigOverrides{Timeout: "10s"} */
	c->request_timeout_ms = 10000;
	c->timeout_param = true;
	*ret = TAKE_PTR(c);
	return 0;
}

static int load_kubeconfig_file(const char *path, json_t **ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = fs_read_file(AT_FDCWD, path, 16 << 20, &data, &len);
	if (r < 0)
		return open_error(r, path);
	json_t *cfg = NULL;
	r = yaml_to_json(data, len, 0, &cfg);
	if (r < 0)
		return error_wrap(r, "error loading config file \"%s\"", path);
	if (!json_is_object(cfg)) {
		json_decref(cfg);
		return error_set(-EINVAL, "error loading config file \"%s\": not a kubeconfig", path);
	}
	*ret = cfg;
	return 0;
}

int kube_client_new_from_file(const char *path, struct kube_client **ret)
{
	_cleanup_json_ json_t *cfg = NULL;
	int r = load_kubeconfig_file(path, &cfg);
	if (r < 0)
		return r;
	return kube_client_new_from_config(cfg, ret);
}

int kube_client_new_dry_run(const json_t *kubeconfig, FILE *out, unsigned flags,
			    struct kube_client **ret)
{
	_cleanup_(kube_client_freep) struct kube_client *c = client_alloc();
	if (kubeconfig) {
		int r = client_load(c, kubeconfig);
		if (r < 0)
			return error_wrap(r, "failed to create API client configuration from "
					     "kubeconfig");
	}
	c->dry_run = true;
	c->out = out;
	c->flags = flags;
	c->tracker = json_object();
	*ret = TAKE_PTR(c);
	return 0;
}

int kube_client_new_dry_run_from_file(const char *path, FILE *out, unsigned flags,
				      struct kube_client **ret)
{
	_cleanup_json_ json_t *cfg = NULL;
	int r = load_kubeconfig_file(path, &cfg);
	if (r < 0)
		return error_wrap(r, "failed to load kubeconfig");
	return kube_client_new_dry_run(cfg, out, flags, ret);
}

bool kube_client_is_dry_run(const struct kube_client *c)
{
	return c->dry_run;
}

const char *kube_client_server(const struct kube_client *c)
{
	return c->server ? c->server : "";
}

void kube_client_set_api_call_timeout(struct kube_client *c, long timeout_ms, long interval_ms)
{
	if (timeout_ms >= 0)
		c->api_timeout_ms = timeout_ms;
	if (interval_ms > 0)
		c->api_interval_ms = interval_ms;
}

void kube_client_set_request_timeout(struct kube_client *c, long timeout_ms)
{
	c->request_timeout_ms = timeout_ms;
}

void kube_client_set_body_cap(struct kube_client *c, size_t max)
{
	c->body_cap = max;
}

static void *xmemdup(const void *p, size_t n);

void kube_client_set_tls_chain(struct kube_client *c, const char *pem, size_t len)
{
	free(c->chain_pem);
	c->chain_pem = len ? xmemdup(pem, len) : NULL;
	c->chain_len = len;
}

/* ---- HTTP ---- */

static const char *go_method(const char *m)
{
	if (streq(m, "GET"))
		return "Get";
	if (streq(m, "POST"))
		return "Post";
	if (streq(m, "PUT"))
		return "Put";
	if (streq(m, "PATCH"))
		return "Patch";
	if (streq(m, "DELETE"))
		return "Delete";
	return m;
}

int kube_transport_error(int r, const struct http_response *resp, const char *method,
			 const char *url)
{
	const char *m = go_method(method);
	/* Go's url.Error quotes the URL (%q): a control character in it is never printed raw */
	_cleanup_strbuf_ struct strbuf q = STRBUF_INIT;
	go_quote(url, &q);
	switch (resp->failure) {
	case HTTP_F_TLS_VERIFY:
		return error_set(r, "%s %s: tls: failed to verify certificate: %s", m, q.buf,
				 resp->error);
	default:
		return error_set(r, "%s %s: %s", m, q.buf, resp->error);
	}
}

/* client-go's errors.FromObject / newUnexpectedResponseError in short */
int kube_status_error(long status, const char *body, size_t len, const char *method,
		      const char *url)
{
	int code;
	if (status == 404)
		code = -ENOENT;
	else if (status == 409)
		code = -EEXIST;
	else if (status == 401)
		code = -EACCES;
	else if (status == 403)
		code = -EPERM;
	else if (status == 422 || status == 400)
		code = -EINVAL;
	else if (status == 408 || status == 504)
		code = -ETIMEDOUT;
	else
		code = -EIO;

	json_error_t jerr;
	_cleanup_json_ json_t *st = body ? json_loadb(body, len, 0, &jerr) : NULL;
	const char *kind = obj_str(st, "kind");
	const char *msg = obj_str(st, "message");
	if (kind && streq(kind, "Status") && msg) {
		const char *reason = obj_str(st, "reason");
		/* Conflict (optimistic concurrency) is not AlreadyExists: keep both as -EEXIST
		 * except that callers can tell them apart by kube_last_reason. */
		(void)reason;
		return error_set(code, "%s", msg);
	}
	switch (status) {
	case 401:
		return error_set(code, "Unauthorized");
	case 403:
		return error_set(code, "Forbidden");
	case 404:
		return error_set(code, "the server could not find the requested resource");
	case 409:
		return error_set(code, "the server reported a conflict");
	default:
		break;
	}
	if (status >= 500 || status == 429) {
		_cleanup_free_ char *b = xstrndup(body ? body : "", len > 1024 ? 1024 : len);
		return error_set(code, "an error on the server (\"%s\") has prevented the request "
				       "from succeeding (%s %s)",
				 *b ? b : "unknown", method, url);
	}
	return error_set(code, "the server responded with the status code %ld but did not return "
			       "more information (%s %s)",
			 status, method, url);
}

int kube_http_do(struct kube_client *c, const char *method, const char *path,
		 const char *content_type, const char *body, long timeout_ms, long *ret_status,
		 char **ret_body, size_t *ret_len)
{
	if (!c->live)
		return error_set(-ENOTSUP, "no API server configured");
	_cleanup_free_ char *url = xasprintf("%s%s", c->server, path);
	_cleanup_free_ char *ct = content_type ? xasprintf("Content-Type: %s", content_type) : NULL;
	_cleanup_free_ char *auth = c->token && !c->cert_pem
					    ? xasprintf("Authorization: Bearer %s", c->token)
					    : NULL;
	const char *headers[5];
	size_t nh = 0;
	headers[nh++] = "Accept: application/json, */*";
	headers[nh++] = "User-Agent: kubeadm/v1.37.2 (linux/amd64) kubernetes/ckubeadm";
	if (ct)
		headers[nh++] = ct;
	if (auth)
		headers[nh++] = auth;
	headers[nh] = NULL;
	const struct http_tls tls = { .ca_pem = c->ca_pem, .ca_len = c->ca_len,
				      .chain_pem = c->chain_pem, .chain_len = c->chain_len,
				      .server_name = c->server_name,
				      .cert_pem = c->cert_pem, .cert_len = c->cert_len,
				      .key_pem = c->key_pem, .key_len = c->key_len,
				      .insecure = c->insecure };
	const struct http_request req = {
		.method = method, .url = url, .headers = headers, .body = body,
		.body_len = body ? strlen(body) : 0,
		.timeout_ms = timeout_ms > 0 ? timeout_ms : c->request_timeout_ms,
		.connect_timeout_ms = 30000, .max_body = c->body_cap, .use_proxy = true,
		.tls = &tls,
	};
	int f = streq(method, "GET") || streq(method, "HEAD") ? 0
								 : fault_inject(FAULT_API, method, url);
	if (f < 0)
		return error_set(f, "%s \"%s\": %s", go_method(method), url, go_strerror(-f));
	if (f > 0) {
		*ret_status = f;
		*ret_body = xasprintf("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
				      "\"message\":\"injected fault: HTTP %d\",\"code\":%d}", f, f);
		*ret_len = strlen(*ret_body);
		return 0;
	}
	struct http_response resp;
	int r = http_perform(&c->conn, &req, &resp);
	if (auth)
		explicit_bzero(auth, strlen(auth));
	log_v(8, "%s %s %ld", method, url, resp.status);
	if (r == -EFBIG)
		return error_set(-EBADMSG, "%s \"%s\": response body larger than %zu bytes",
				 go_method(method), url, c->body_cap);
	if (r < 0)
		return kube_transport_error(r, &resp, method, url);
	*ret_status = resp.status;
	*ret_len = resp.len;
	*ret_body = resp.body;
	return 0;
}

/* One API request: JSON body in, decoded JSON out; Status errors mapped. */
static int api_request(struct kube_client *c, const char *method, const char *path,
		       const char *content_type, const json_t *body, json_t **ret)
{
	_cleanup_free_ char *payload = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER)
					    : NULL;
	_cleanup_free_ char *resp = NULL;
	size_t len = 0;
	long status = 0;
	int r = kube_http_do(c, method, path, content_type, payload, 0, &status, &resp, &len);
	if (r < 0)
		return r;
	if (status < 200 || status > 299) {
		_cleanup_free_ char *url = xasprintf("%s%s", c->server, path);
		return kube_status_error(status, resp, len, method, url);
	}
	if (!ret)
		return 0;
	json_error_t jerr;
	json_t *v = json_loadb(resp, len, 0, &jerr);
	if (!v)
		return error_set(-EBADMSG, "%s \"%s%s\": unexpected response body: %s",
				 go_method(method), c->server, path, jerr.text);
	*ret = v;
	return 0;
}

static void path_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("-._~:@", ch))
			strbuf_addch(sb, (char)ch);
		else
			strbuf_addf(sb, "%%%02X", ch);
	}
}

static char *res_path(const struct kube_resource *res, const char *ns, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	if (!*res->group)
		strbuf_addf(&sb, "/api/%s", res->version);
	else
		strbuf_addf(&sb, "/apis/%s/%s", res->group, res->version);
	if (res->namespaced && ns && *ns) {
		strbuf_addstr(&sb, "/namespaces/");
		path_escape(&sb, ns);
	}
	strbuf_addf(&sb, "/%s", res->resource);
	if (name) {
		strbuf_addch(&sb, '/');
		path_escape(&sb, name);
	}
	return strbuf_detach(&sb, NULL);
}

/* client-go sends the client's Timeout as ?timeout= on every request but lists (whose
 * generated code resets it from ListOptions.TimeoutSeconds) */
static char *timed(const struct kube_client *c, char *path)
{
	if (!c->timeout_param)
		return path;
	char buf[32];
	long ms = c->request_timeout_ms;
	if (ms % 1000)
		snprintf(buf, sizeof(buf), "%ldms", ms);
	else
		snprintf(buf, sizeof(buf), "%lds", ms / 1000);
	char *t = xasprintf("%s%ctimeout=%s", path, strchr(path, '?') ? '&' : '?', buf);
	free(path);
	return t;
}

static const char *meta_ns(const json_t *obj)
{
	return strempty(obj_str(obj, "metadata.namespace"));
}

static const char *meta_name(const json_t *obj)
{
	return strempty(obj_str(obj, "metadata.name"));
}

/*
 * The event stream's APIObject: every object the API server accepted a change of. Only the
 * resource and the name go out, never the object (Secrets are reported by name only).
 */
static void report(const struct kube_resource *res, const char *ns, const char *name,
		   const char *action)
{
	events_api_object(res->group, res->version, res->kind, res->namespaced ? ns : NULL, name,
			  action);
}

/* ---- the verbs ---- */

int kube_get(struct kube_client *c, const struct kube_resource *res, const char *ns,
	     const char *name, json_t **ret)
{
	if (c->dry_run)
		return kube_dry_get(c, res, ns, name, ret);
	_cleanup_free_ char *p = timed(c, res_path(res, ns, name));
	return api_request(c, "GET", p, NULL, NULL, ret);
}

static void query_add(struct strbuf *sb, const char *key, const char *val)
{
	if (!val || !*val)
		return;
	strbuf_addch(sb, strchr(sb->buf, '?') ? '&' : '?');
	strbuf_addf(sb, "%s=", key);
	for (const char *s = val; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("-._~", ch))
			strbuf_addch(sb, (char)ch);
		else
			strbuf_addf(sb, "%%%02X", ch);
	}
}

int kube_list(struct kube_client *c, const struct kube_resource *res, const char *ns,
	      const char *label_selector, const char *field_selector, json_t **ret)
{
	if (c->dry_run)
		return kube_dry_list(c, res, ns, label_selector, field_selector, ret);
	_cleanup_free_ char *p = res_path(res, ns, NULL);
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, p);
	query_add(&sb, "labelSelector", label_selector);
	query_add(&sb, "fieldSelector", field_selector);
	int r = api_request(c, "GET", sb.buf, NULL, NULL, ret);
	strbuf_release(&sb);
	return r;
}

int kube_create(struct kube_client *c, const struct kube_resource *res, const json_t *obj,
		json_t **ret)
{
	if (c->dry_run)
		return kube_dry_write(c, "create", res, obj, ret);
	_cleanup_free_ char *p = timed(c, res_path(res, meta_ns(obj), NULL));
	int r = api_request(c, "POST", p, "application/json", obj, ret);
	if (r >= 0)
		report(res, meta_ns(obj), meta_name(obj), "Created");
	return r;
}

int kube_update(struct kube_client *c, const struct kube_resource *res, const json_t *obj,
		json_t **ret)
{
	if (c->dry_run)
		return kube_dry_write(c, "update", res, obj, ret);
	_cleanup_free_ char *p = timed(c, res_path(res, meta_ns(obj), meta_name(obj)));
	int r = api_request(c, "PUT", p, "application/json", obj, ret);
	if (r >= 0)
		report(res, meta_ns(obj), meta_name(obj), "Updated");
	return r;
}

int kube_patch(struct kube_client *c, const struct kube_resource *res, const char *ns,
	       const char *name, enum kube_patch_type type, const json_t *patch, json_t **ret)
{
	if (c->dry_run)
		return kube_dry_patch(c, res, ns, name, type, patch, ret);
	static const char *const ct[] = {
		[KUBE_PATCH_JSON] = "application/json-patch+json",
		[KUBE_PATCH_MERGE] = "application/merge-patch+json",
		[KUBE_PATCH_STRATEGIC] = "application/strategic-merge-patch+json",
	};
	_cleanup_free_ char *p = timed(c, res_path(res, ns, name));
	int r = api_request(c, "PATCH", p, ct[type], patch, ret);
	if (r >= 0)
		report(res, ns, name, "Patched");
	return r;
}

int kube_delete(struct kube_client *c, const struct kube_resource *res, const char *ns,
		const char *name, bool foreground)
{
	if (c->dry_run)
		return kube_dry_delete(c, res, ns, name);
	_cleanup_free_ char *p = timed(c, res_path(res, ns, name));
	_cleanup_json_ json_t *opts = json_pack("{s:s,s:s}", "kind", "DeleteOptions", "apiVersion",
						"v1");
	if (foreground)
		json_object_set_new(opts, "propagationPolicy", json_string("Foreground"));
	int r = api_request(c, "DELETE", p, "application/json", opts, NULL);
	if (r >= 0)
		report(res, ns, name, "Deleted");
	return r;
}

int kube_get_raw(struct kube_client *c, const char *path, long timeout_ms, long *ret_status,
		 char **ret_body)
{
	if (c->dry_run && !c->live)
		return error_set(-ENOTSUP, "no API server in dry-run");
	size_t len;
	/* RESTClient().Get().AbsPath(path): the client's ?timeout= too */
	_cleanup_free_ char *p = timed(c, xstrdup(path));
	return kube_http_do(c, "GET", p, NULL, NULL, timeout_ms, ret_status, ret_body, &len);
}

/* ---- retrying helpers ---- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * wait.PollUntilContextTimeout(interval, timeout, immediate=true): attempt() returns 1 done,
 * 0 retry (last error kept in the error message), < 0 stop with that error.
 */
int kube_poll(long interval_ms, long timeout_ms, int (*attempt)(void *), void *userdata)
{
	int64_t deadline = now_ms() + timeout_ms;
	int last = -ETIMEDOUT;
	bool have_error = false;
	for (;;) {
		int r = attempt(userdata);
		if (r > 0)
			return 0;
		if (r < 0 && r != -EAGAIN)
			return r;
		if (r == -EAGAIN) {
			have_error = true;
			last = kube_last_error_code();
		}
		int64_t left = deadline - now_ms();
		if (left <= 0)
			break;
		sleep_ms(left < interval_ms ? (long)left : interval_ms);
		if (now_ms() >= deadline)
			break;
	}
	if (!have_error)
		return error_set(-ETIMEDOUT, "context deadline exceeded");
	return last;
}

static _Thread_local int last_code;

int kube_last_error_code(void)
{
	return last_code;
}

/* Records err as the attempt's error and asks to retry. */
static int retry_with(int err)
{
	last_code = err;
	return -EAGAIN;
}

struct cou {
	struct kube_client *c;
	const struct kube_resource *res;
	const json_t *obj;
	kube_mutate_fn mutate;
	void *userdata;
};

static int cou_attempt(void *p)
{
	struct cou *a = p;
	int r = kube_create(a->c, a->res, a->obj, NULL);
	if (r >= 0)
		return 1;
	if (r != -EEXIST)
		return retry_with(error_wrap(r, "unable to create %s", a->res->go_type));
	r = kube_update(a->c, a->res, a->obj, NULL);
	if (r < 0)
		return retry_with(error_wrap(r, "unable to update %s", a->res->go_type));
	return 1;
}

int kube_create_or_update(struct kube_client *c, const struct kube_resource *res,
			  const json_t *obj)
{
	struct cou a = { .c = c, .res = res, .obj = obj };
	return kube_poll(c->api_interval_ms, c->api_timeout_ms, cou_attempt, &a);
}

static int cor_attempt(void *p)
{
	struct cou *a = p;
	_cleanup_json_ json_t *live = NULL;
	int r = kube_get(a->c, a->res, meta_ns(a->obj), meta_name(a->obj), &live);
	if (r >= 0)
		return 1;
	if (r != -ENOENT)
		return retry_with(error_wrap(r, "unable to get %s", a->res->go_type));
	r = kube_create(a->c, a->res, a->obj, NULL);
	if (r < 0)
		return retry_with(error_wrap(r, "unable to create %s", a->res->go_type));
	return 1;
}

int kube_create_or_retain(struct kube_client *c, const struct kube_resource *res,
			  const json_t *obj)
{
	struct cou a = { .c = c, .res = res, .obj = obj };
	return kube_poll(c->api_interval_ms, c->api_timeout_ms, cor_attempt, &a);
}

static int com_attempt(void *p)
{
	struct cou *a = p;
	int r = kube_create(a->c, a->res, a->obj, NULL);
	if (r >= 0)
		return 1;
	if (r != -EEXIST)
		return retry_with(r);
	_cleanup_json_ json_t *live = NULL;
	r = kube_get(a->c, a->res, meta_ns(a->obj), meta_name(a->obj), &live);
	if (r < 0)
		return retry_with(error_wrap(r, "unable to get %s", a->res->go_type));
	r = a->mutate(live, a->userdata);
	if (r < 0)
		return retry_with(error_wrap(r, "unable to mutate %s", a->res->go_type));
	r = kube_update(a->c, a->res, live, NULL);
	if (r < 0)
		return retry_with(r);
	return 1;
}

int kube_create_or_mutate(struct kube_client *c, const struct kube_resource *res,
			  const json_t *obj, kube_mutate_fn mutate, void *userdata)
{
	struct cou a = { .c = c, .res = res, .obj = obj, .mutate = mutate, .userdata = userdata };
	return kube_poll(c->api_interval_ms, c->api_timeout_ms, com_attempt, &a);
}

/* CreateTwoWayMergePatch for maps: members of new differing from old; removed ones null. */
json_t *kube_two_way_merge_patch(const json_t *old, const json_t *new)
{
	json_t *patch = json_object();
	const char *k;
	json_t *nv;
	json_object_foreach((json_t *)new, k, nv) {
		json_t *ov = json_object_get(old, k);
		if (ov && json_equal(ov, nv))
			continue;
		if (ov && json_is_object(ov) && json_is_object(nv)) {
			json_t *sub = kube_two_way_merge_patch(ov, nv);
			if (json_object_size(sub))
				json_object_set_new(patch, k, sub);
			else
				json_decref(sub);
		} else {
			json_object_set_new(patch, k, json_deep_copy(nv));
		}
	}
	json_t *ov;
	json_object_foreach((json_t *)old, k, ov) {
		if (!json_object_get(new, k))
			json_object_set_new(patch, k, json_null());
	}
	return patch;
}

struct pn {
	struct kube_client *c;
	const char *node;
	kube_mutate_fn mutate;
	void *userdata;
};

static int pn_attempt(void *p)
{
	struct pn *a = p;
	_cleanup_json_ json_t *n = NULL;
	int r = kube_get(a->c, &kube_res_nodes, NULL, a->node, &n);
	if (r < 0)
		return retry_with(r);
	if (!json_object_get(json_get_path(n, "metadata.labels"), "kubernetes.io/hostname"))
		return 0; /* kubeadm waits silently for the kubelet to label its Node */
	_cleanup_json_ json_t *mod = json_deep_copy(n);
	r = a->mutate(mod, a->userdata);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *patch = kube_two_way_merge_patch(n, mod);
	r = kube_patch(a->c, &kube_res_nodes, NULL, meta_name(n), KUBE_PATCH_STRATEGIC, patch,
		       NULL);
	if (r < 0)
		return retry_with(error_wrap(r, "error patching Node \"%s\"", meta_name(n)));
	return 1;
}

int kube_patch_node(struct kube_client *c, const char *node_name, kube_mutate_fn mutate,
		    void *userdata)
{
	struct pn a = { .c = c, .node = node_name, .mutate = mutate, .userdata = userdata };
	return kube_poll(c->api_interval_ms, c->api_timeout_ms, pn_attempt, &a);
}

struct gcm {
	struct kube_client *c;
	const char *ns, *name;
	json_t *cm;
};

static int gcm_attempt(void *p)
{
	struct gcm *a = p;
	int r = kube_get(a->c, &kube_res_configmaps, a->ns, a->name, &a->cm);
	return r < 0 ? retry_with(r) : 1;
}

int kube_get_configmap_short_retry(struct kube_client *c, const char *ns, const char *name,
				   json_t **ret)
{
	struct gcm a = { .c = c, .ns = ns, .name = name };
	int r = kube_poll(50, 350, gcm_attempt, &a);
	if (r < 0)
		return r;
	*ret = a.cm;
	return 0;
}

static void *xmemdup(const void *p, size_t n)
{
	if (!p)
		return NULL;
	void *d = xmalloc(n + 1);
	memcpy(d, p, n);
	((char *)d)[n] = 0;
	return d;
}

/* A client of its own for another thread: same server, credentials and settings. */
static struct kube_client *client_clone(const struct kube_client *c)
{
	struct kube_client *n = xcalloc(1, sizeof(*n));
	*n = *c;
	n->server = xstrdup(c->server);
	n->ca_pem = xmemdup(c->ca_pem, c->ca_len);
	n->chain_pem = xmemdup(c->chain_pem, c->chain_len);
	n->server_name = c->server_name ? xstrdup(c->server_name) : NULL;
	n->cert_pem = xmemdup(c->cert_pem, c->cert_len);
	n->key_pem = xmemdup(c->key_pem, c->key_len);
	n->token = c->token ? xstrdup(c->token) : NULL;
	n->tracker = NULL;
	n->conn = NULL;
	return n;
}

struct apply_job {
	struct kube_client *c;
	struct kube_op *op;
	char *error; /* the worker's message, carried to the caller's thread */
	pthread_t thr;
};

static void *apply_one(void *p)
{
	struct apply_job *j = p;
	int r = j->op->kind == KUBE_OP_CREATE_OR_RETAIN
			? kube_create_or_retain(j->c, j->op->res, j->op->obj)
			: kube_create_or_update(j->c, j->op->res, j->op->obj);
	j->op->result = r;
	if (r < 0)
		j->error = xstrdup(error_message(r));
	error_clear(); /* the thread-local message dies with the thread */
	return NULL;
}

int kube_apply_all(struct kube_client *c, struct kube_op *ops, size_t n)
{
	int first = 0;
	if (c->dry_run || n < 2 || !c->live) {
		/* the dry-run printout is kubeadm's sequence */
		for (size_t i = 0; i < n; i++) {
			int r = ops[i].kind == KUBE_OP_CREATE_OR_RETAIN
					? kube_create_or_retain(c, ops[i].res, ops[i].obj)
					: kube_create_or_update(c, ops[i].res, ops[i].obj);
			ops[i].result = r;
			if (r < 0 && !first)
				first = r;
		}
		return first;
	}
	struct apply_job *jobs = xcalloc(n, sizeof(*jobs));
	for (size_t i = 0; i < n; i++) {
		jobs[i].c = i ? client_clone(c) : c;
		jobs[i].op = &ops[i];
		if (pthread_create(&jobs[i].thr, NULL, apply_one, &jobs[i]) != 0)
			apply_one(&jobs[i]), jobs[i].thr = 0;
	}
	const char *msg = NULL;
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].thr)
			pthread_join(jobs[i].thr, NULL);
		if (ops[i].result < 0 && !first) {
			first = ops[i].result;
			msg = jobs[i].error;
		}
	}
	if (first < 0)
		error_set(first, "%s", msg ? msg : "");
	for (size_t i = 0; i < n; i++) {
		if (i)
			kube_client_free(jobs[i].c);
		free(jobs[i].error);
	}
	free(jobs);
	return first;
}
