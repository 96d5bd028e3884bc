/* SPDX-License-Identifier: Apache-2.0 */
/* Static Pod manifests: kubeadm's control-plane and local etcd Pods. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/net.h"
#include "manifests/manifests.h"
#include "manifests/patches.h"
#include "manifests/schema.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/yaml.h"

extern char **environ;

#define KUBERNETES_DIR "/etc/kubernetes"
#define PROBE_PORT "probe-port"
#define ETCD_CLIENT_PORT 2379
#define ETCD_PEER_PORT 2380
#define ETCD_METRICS_PORT 2381
#define KCM_PORT 10257
#define SCHEDULER_PORT 10259

/* ---- arguments (kubeadmapi.Arg lists, util/arguments.go) ---- */

struct arg {
	char *name;
	char *value;
};

struct args {
	struct arg *v;
	size_t n;
};

static void args_release(struct args *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].value);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

static void args_add(struct args *a, const char *name, const char *value)
{
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n].name = xstrdup(name);
	a->v[a->n].value = xstrdup(strempty(value));
	a->n++;
}

/* kubeadmapi.SetArgValues(args, name, value, 1): the last one with that name, or appended. */
static void args_set(struct args *a, const char *name, const char *value)
{
	for (size_t i = a->n; i-- > 0;)
		if (streq(a->v[i].name, name)) {
			free(a->v[i].value);
			a->v[i].value = xstrdup(strempty(value));
			return;
		}
	args_add(a, name, value);
}

/* kubeadmapi.GetArgValue(args, name, -1) over the config's list: the last match or NULL. */
static const struct cfg_arg *cfg_arg_get(const struct cfg_list *l, const char *name)
{
	for (size_t i = l->n; i-- > 0;) {
		const struct cfg_arg *a = CFG_LIST_AT(l, struct cfg_arg, i);
		if (streq(strempty(a->name), name))
			return a;
	}
	return NULL;
}

static int arg_cmp(const void *x, const void *y)
{
	const struct arg *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->value, b->value);
}

/* kubeadmutil.ArgumentsToCommand: sorted base minus the overridden names, then the overrides. */
static void args_to_command(struct args *base, const struct cfg_list *overrides, json_t *command)
{
	if (base->n)
		qsort(base->v, base->n, sizeof(*base->v), arg_cmp);
	for (size_t i = 0; i < base->n; i++) {
		if (overrides && cfg_arg_get(overrides, base->v[i].name))
			continue;
		char *s = xasprintf("--%s=%s", base->v[i].name, base->v[i].value);
		json_array_append_new(command, json_string(s));
		free(s);
	}
	for (size_t i = 0; overrides && i < overrides->n; i++) {
		const struct cfg_arg *a = CFG_LIST_AT(overrides, struct cfg_arg, i);
		char *s = xasprintf("--%s=%s", strempty(a->name), strempty(a->value));
		json_array_append_new(command, json_string(s));
		free(s);
	}
}

/* ---- paths and addresses ---- */

/* Go's path.Clean for absolute or relative slash paths. Owned. */
static char *path_clean(const char *p)
{
	if (!*p)
		return xstrdup(".");
	bool rooted = p[0] == '/';
	_cleanup_strv_free_ char **parts = strv_split(p, '/', true);
	char **out = NULL;
	STRV_FOREACH(s, parts) {
		if (streq(*s, "."))
			continue;
		if (streq(*s, "..")) {
			size_t n = strv_length(out);
			if (n && !streq(out[n - 1], "..")) {
				free(out[n - 1]);
				out[n - 1] = NULL;
			} else if (!rooted) {
				strv_push(&out, "..");
			}
			continue;
		}
		strv_push(&out, *s);
	}
	_cleanup_free_ char *j = out ? strv_join(out, "/") : xstrdup("");
	strv_free(out);
	if (rooted)
		return xasprintf("/%s", j);
	return *j ? xstrdup(j) : xstrdup(".");
}

/* filepath.Join(dir, name). Owned. */
static char *path_join(const char *dir, const char *name)
{
	if (!dir || !*dir)
		return path_clean(name);
	_cleanup_free_ char *j = xasprintf("%s/%s", dir, name);
	return path_clean(j);
}

/* filepath.Dir. Owned. */
static char *path_dir(const char *p)
{
	const char *slash = strrchr(p, '/');
	if (!slash)
		return xstrdup(".");
	_cleanup_free_ char *d = xstrndup(p, (size_t)(slash - p + 1));
	return path_clean(d);
}

static char *join_host_port(const char *host, int port)
{
	if (strchr(host, ':'))
		return xasprintf("[%s]:%d", host, port);
	return xasprintf("%s:%d", host, port);
}

/* utilsnet.IsIPv6String */
static bool is_ipv6(const char *s)
{
	struct cfg_ip ip;
	return s && net_parse_ip(s, &ip) && ip.v6;
}

static const char *advertise(const struct init_config *cfg)
{
	return strempty(cfg->init.local_api_endpoint.advertise_address);
}

/* ---- Pod pieces ---- */

static json_t *http_probe(const char *host, const char *path, const char *scheme, int initial,
			  int timeout, int failure, int period)
{
	return json_pack("{s:{s:s,s:s,s:s,s:s},s:i,s:i,s:i,s:i}", "httpGet", "host", host, "path",
			 path, "port", PROBE_PORT, "scheme", scheme, "initialDelaySeconds", initial,
			 "timeoutSeconds", timeout, "failureThreshold", failure, "periodSeconds",
			 period);
}

double manifests_health_check_seconds(const struct init_config *cfg)
{
	const struct cfg_timeouts *t = cfg->init.timeouts;
	if (t && t->control_plane_component_health_check.set)
		return (double)t->control_plane_component_health_check.ns / 1e9;
	return 240.0;
}

static json_t *liveness(const char *host, const char *path, const char *scheme)
{
	return http_probe(host, path, scheme, 10, 15, 8, 10);
}

static json_t *readiness(const char *host, const char *path, const char *scheme)
{
	return http_probe(host, path, scheme, 0, 15, 3, 1);
}

static json_t *startup(const struct init_config *cfg, const char *host, const char *path,
		       const char *scheme)
{
	int failure = (int)ceil(manifests_health_check_seconds(cfg) / 10.0);
	return http_probe(host, path, scheme, 10, 15, failure, 10);
}

/* getProbeAddress: the unspecified addresses cannot be probed (the kubelet uses the Pod IP). */
static const char *probe_address(const char *addr)
{
	if (streq(addr, "0.0.0.0") || streq(addr, "::"))
		return "";
	return addr;
}

static json_t *new_volume(const char *name, const char *path, const char *type)
{
	return json_pack("{s:s,s:{s:s,s:s}}", "name", name, "hostPath", "path", path, "type", type);
}

static json_t *new_volume_mount(const char *name, const char *path, bool ro)
{
	return json_pack("{s:s,s:s,s:b}", "name", name, "mountPath", path, "readOnly", ro);
}

/* A name-keyed set (kubeadm's map[string]v1.Volume): later entries replace earlier ones. */
static void set_named(json_t *set, json_t *item)
{
	json_object_set_new(set, json_string_value(json_object_get(item, "name")), item);
}

/* VolumeMapToSlice / VolumeMountMapToSlice: sorted by name. */
static json_t *named_to_sorted(const json_t *set)
{
	size_t n;
	const char **keys = json_object_sorted_keys(set, &n);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append(out, json_object_get(set, keys[i]));
	free(keys);
	return out;
}

/* GetProxyEnvVars + MergeKubeadmEnvVars(proxy, extra): by name, later wins, sorted. */
static json_t *merged_env(char **env, const struct cfg_list *extra)
{
	json_t *set = json_object();
	STRV_FOREACH(e, env) {
		const char *eq = strchr(*e, '=');
		if (!eq || !eq[1])
			continue;
		_cleanup_free_ char *name = xstrndup(*e, (size_t)(eq - *e));
		size_t n = strlen(name);
		if (n >= 6 && strcasecmp(name + n - 6, "_proxy") == 0)
			json_object_set_new(set, name, json_pack("{s:s,s:s}", "name", name, "value", eq + 1));
	}
	for (size_t i = 0; extra && i < extra->n; i++) {
		const struct cfg_env *e = CFG_LIST_AT(extra, struct cfg_env, i);
		json_t *o = json_pack("{s:s,s:s}", "name", strempty(e->name), "value", strempty(e->value));
		if (e->value_from)
			json_object_set(o, "valueFrom", e->value_from);
		json_object_set_new(set, strempty(e->name), o);
	}
	json_t *out = named_to_sorted(set);
	json_decref(set);
	return out;
}

/* staticpodutil.ComponentPod */
static json_t *component_pod(json_t *container, const json_t *volumes, json_t *annotations)
{
	const char *name = json_string_value(json_object_get(container, "name"));
	json_t *meta = json_pack("{s:s,s:s,s:{s:s,s:s}}", "name", name, "namespace", "kube-system",
				 "labels", "component", name, "tier", "control-plane");
	if (annotations)
		json_object_set_new(meta, "annotations", annotations);
	json_t *pod = json_pack("{s:s,s:s,s:o,s:{s:[o],s:i,s:s,s:b,s:o,s:{s:{s:s}}}}",
				"apiVersion", "v1", "kind", "Pod", "metadata", meta, "spec",
				"containers", container, "priority", 2000001000,
				"priorityClassName", "system-node-critical", "hostNetwork", 1,
				"volumes", named_to_sorted(volumes), "securityContext",
				"seccompProfile", "type", "RuntimeDefault");
	return pod;
}

static json_t *container_new(const char *name, char *image, json_t *command, json_t *mounts_set,
			     json_t *env, const char *cpu, const char *memory, int port)
{
	json_t *requests = json_pack("{s:s}", "cpu", cpu);
	if (memory)
		json_object_set_new(requests, "memory", json_string(memory));
	json_t *c = json_pack("{s:s,s:s,s:s,s:o,s:o,s:{s:o},s:o,s:[{s:s,s:i,s:s}]}", "name", name,
			      "image", image, "imagePullPolicy", "IfNotPresent", "command", command,
			      "volumeMounts", named_to_sorted(mounts_set), "resources", "requests",
			      requests, "env", env, "ports", "name", PROBE_PORT, "containerPort",
			      port, "protocol", "TCP");
	free(image);
	return c;
}

/* ---- control plane volumes (volumes.go) ---- */

static const char *const ca_extra_paths[] = {
	"/etc/pki/ca-trust", "/etc/pki/tls/certs", "/etc/ca-certificates",
	"/usr/share/ca-certificates", "/usr/local/share/ca-certificates", NULL,
};

struct mounts {
	json_t *vols;   /* component -> {name -> volume} */
	json_t *mounts; /* component -> {name -> volumeMount} */
};

static json_t *component_set(json_t *o, const char *component)
{
	json_t *s = json_object_get(o, component);
	if (!s) {
		s = json_object();
		json_object_set_new(o, component, s);
	}
	return s;
}

static void host_path_mount(struct mounts *m, const char *component, const char *name,
			    const char *host, const char *container, bool ro, const char *type)
{
	set_named(component_set(m->vols, component), new_volume(name, host, type));
	set_named(component_set(m->mounts, component), new_volume_mount(name, container, ro));
}

static bool has_prefix(const char *s, const char *p)
{
	return strneq(s, p, strlen(p));
}

/* getEtcdCertVolumes */
static void etcd_cert_volumes(struct mounts *m, const struct cfg_external_etcd *e, const char *certs_dir)
{
	const char *paths[] = { strempty(e->ca_file), strempty(e->cert_file), strempty(e->key_file) };
	char **dirs = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		_cleanup_free_ char *d = path_dir(paths[i]);
		bool extra = false;
		for (const char *const *p = ca_extra_paths; *p; p++)
			if (has_prefix(d, *p))
				extra = true;
		if (streq(d, ".") || extra || has_prefix(d, "/etc/ssl/certs") || has_prefix(d, certs_dir))
			continue;
		bool exists = false;
		char **kept = NULL;
		/* sets.List: iterate the current set in sorted order */
		if (dirs)
			strv_sort(dirs);
		STRV_FOREACH(x, dirs) {
			if (has_prefix(*x, d))
				continue; /* the new one is its parent: drop it */
			if (has_prefix(d, *x))
				exists = true;
			strv_push(&kept, *x);
		}
		strv_free(dirs);
		dirs = kept;
		if (exists)
			continue;
		if (!strv_contains(dirs, d))
			strv_push(&dirs, d);
	}
	if (dirs)
		strv_sort(dirs);
	size_t i = 0;
	STRV_FOREACH(x, dirs) {
		_cleanup_free_ char *name = xasprintf("etcd-certs-%zu", i++);
		host_path_mount(m, MANIFESTS_APISERVER, name, *x, *x, true, "DirectoryOrCreate");
	}
	strv_free(dirs);
}

static void extra_host_path_mounts(struct mounts *m, const char *component, const struct cfg_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct cfg_volume *v = CFG_LIST_AT(l, struct cfg_volume, i);
		host_path_mount(m, component, strempty(v->name), strempty(v->host_path),
				strempty(v->mount_path), v->read_only, strempty(v->path_type));
	}
}

static void control_plane_mounts(const struct init_config *cfg, int rootfd, struct mounts *m)
{
	const struct cfg_cluster_configuration *c = &cfg->cluster;
	const char *certs = strempty(c->certificates_dir);
	m->vols = json_object();
	m->mounts = json_object();
	host_path_mount(m, MANIFESTS_APISERVER, "k8s-certs", certs, certs, true, "DirectoryOrCreate");
	host_path_mount(m, MANIFESTS_APISERVER, "ca-certs", "/etc/ssl/certs", "/etc/ssl/certs", true,
			"DirectoryOrCreate");
	if (c->etcd.external)
		etcd_cert_volumes(m, c->etcd.external, certs);
	host_path_mount(m, MANIFESTS_CONTROLLER_MANAGER, "k8s-certs", certs, certs, true,
			"DirectoryOrCreate");
	host_path_mount(m, MANIFESTS_CONTROLLER_MANAGER, "ca-certs", "/etc/ssl/certs",
			"/etc/ssl/certs", true, "DirectoryOrCreate");
	host_path_mount(m, MANIFESTS_CONTROLLER_MANAGER, "kubeconfig",
			KUBERNETES_DIR "/controller-manager.conf",
			KUBERNETES_DIR "/controller-manager.conf", true, "FileOrCreate");
	host_path_mount(m, MANIFESTS_SCHEDULER, "kubeconfig", KUBERNETES_DIR "/scheduler.conf",
			KUBERNETES_DIR "/scheduler.conf", true, "FileOrCreate");
	for (const char *const *p = ca_extra_paths; *p; p++) {
		struct stat st;
		if (fstatat(rootfd, *p, &st, 0) < 0)
			continue;
		_cleanup_free_ char *name = xstrdup(*p + 1);
		for (char *s = name; *s; s++)
			if (*s == '/')
				*s = '-';
		host_path_mount(m, MANIFESTS_APISERVER, name, *p, *p, true, "DirectoryOrCreate");
		host_path_mount(m, MANIFESTS_CONTROLLER_MANAGER, name, *p, *p, true, "DirectoryOrCreate");
	}
	extra_host_path_mounts(m, MANIFESTS_APISERVER, &c->api_server.c.extra_volumes);
	extra_host_path_mounts(m, MANIFESTS_CONTROLLER_MANAGER, &c->controller_manager.extra_volumes);
	extra_host_path_mounts(m, MANIFESTS_SCHEDULER, &c->scheduler.extra_volumes);
}

/* ---- commands ---- */

static void add_cert_arg(struct args *a, const char *name, const char *dir, const char *file)
{
	_cleanup_free_ char *p = path_join(dir, file);
	args_add(a, name, p);
}

static const char *const authz_modes[] = { "Node", "RBAC", "Webhook", "ABAC", "AlwaysAllow",
					   "AlwaysDeny", NULL };

/* getAuthzModes (only its warnings and value matter: a user arg replaces it anyway). */
static char *authz_modes_for(const struct cfg_arg *arg)
{
	const char *def = "Node,RBAC";
	if (!arg || !arg->value || !*arg->value)
		return xstrdup(def);
	_cleanup_strv_free_ char **req = strv_split(arg->value, ',', false);
	char **mode = NULL;
	STRV_FOREACH(r, req) {
		if (!**r)
			continue;
		if (strv_contains((char *const *)authz_modes, *r))
			strv_push(&mode, *r);
		else
			log_warning("ignoring unknown kube-apiserver authorization-mode \"%s\"", *r);
	}
	if (!mode)
		return xstrdup(def);
	_cleanup_free_ char *s = strv_join(mode, ",");
	strv_free(mode);
	if (!streq(s, def)) {
		log_warning("the default kube-apiserver authorization-mode is \"%s\"; using \"%s\"", def, s);
		return TAKE_PTR(s);
	}
	return xstrdup(def);
}

static json_t *apiserver_command(const struct init_config *cfg)
{
	const struct cfg_cluster_configuration *c = &cfg->cluster;
	const char *d = strempty(c->certificates_dir);
	const struct cfg_api_endpoint *ep = &cfg->init.local_api_endpoint;
	struct args a = { 0 };
	args_add(&a, "advertise-address", advertise(cfg));
	args_add(&a, "enable-admission-plugins", "NodeRestriction");
	args_add(&a, "service-cluster-ip-range", c->networking.service_subnet);
	add_cert_arg(&a, "service-account-key-file", d, "sa.pub");
	add_cert_arg(&a, "service-account-signing-key-file", d, "sa.key");
	_cleanup_free_ char *issuer = xasprintf("https://kubernetes.default.svc.%s",
						strempty(c->networking.dns_domain));
	args_add(&a, "service-account-issuer", issuer);
	add_cert_arg(&a, "client-ca-file", d, "ca.crt");
	add_cert_arg(&a, "tls-cert-file", d, "apiserver.crt");
	add_cert_arg(&a, "tls-private-key-file", d, "apiserver.key");
	add_cert_arg(&a, "kubelet-client-certificate", d, "apiserver-kubelet-client.crt");
	add_cert_arg(&a, "kubelet-client-key", d, "apiserver-kubelet-client.key");
	args_add(&a, "enable-bootstrap-token-auth", "true");
	_cleanup_free_ char *port = xasprintf("%lld", (long long)ep->bind_port);
	args_add(&a, "secure-port", port);
	args_add(&a, "allow-privileged", "true");
	args_add(&a, "kubelet-preferred-address-types", "InternalIP,ExternalIP,Hostname");
	args_add(&a, "requestheader-username-headers", "X-Remote-User");
	args_add(&a, "requestheader-group-headers", "X-Remote-Group");
	args_add(&a, "requestheader-extra-headers-prefix", "X-Remote-Extra-");
	add_cert_arg(&a, "requestheader-client-ca-file", d, "front-proxy-ca.crt");
	args_add(&a, "requestheader-allowed-names", "front-proxy-client");
	add_cert_arg(&a, "proxy-client-cert-file", d, "front-proxy-client.crt");
	add_cert_arg(&a, "proxy-client-key-file", d, "front-proxy-client.key");

	if (c->etcd.external) {
		const struct cfg_external_etcd *e = c->etcd.external;
		_cleanup_free_ char *eps = e->endpoints ? strv_join(e->endpoints, ",") : xstrdup("");
		args_set(&a, "etcd-servers", eps);
		if (e->ca_file && *e->ca_file)
			args_set(&a, "etcd-cafile", e->ca_file);
		if (e->cert_file && *e->cert_file && e->key_file && *e->key_file) {
			args_set(&a, "etcd-certfile", e->cert_file);
			args_set(&a, "etcd-keyfile", e->key_file);
		}
	} else {
		_cleanup_free_ char *hp = join_host_port(is_ipv6(advertise(cfg)) ? "::1" : "127.0.0.1",
							 ETCD_CLIENT_PORT);
		_cleanup_free_ char *servers = xasprintf("https://%s", hp);
		args_set(&a, "etcd-servers", servers);
		_cleanup_free_ char *ca = path_join(d, "etcd/ca.crt");
		_cleanup_free_ char *crt = path_join(d, "apiserver-etcd-client.crt");
		_cleanup_free_ char *key = path_join(d, "apiserver-etcd-client.key");
		args_set(&a, "etcd-cafile", ca);
		args_set(&a, "etcd-certfile", crt);
		args_set(&a, "etcd-keyfile", key);
		if (c->etcd.local) {
			const struct cfg_arg *acu = cfg_arg_get(&c->etcd.local->extra_args,
								"advertise-client-urls");
			if (acu)
				args_set(&a, "etcd-servers", acu->value);
		}
	}
	const struct cfg_list *extra = &c->api_server.c.extra_args;
	if (!cfg_arg_get(extra, "authorization-config")) {
		_cleanup_free_ char *modes = authz_modes_for(cfg_arg_get(extra, "authorization-mode"));
		args_set(&a, "authorization-mode", modes);
	}
	json_t *cmd = json_pack("[s]", "kube-apiserver");
	args_to_command(&a, extra, cmd);
	args_release(&a);
	return cmd;
}

static json_t *controller_manager_command(const struct init_config *cfg, bool external_ca)
{
	const struct cfg_cluster_configuration *c = &cfg->cluster;
	const char *d = strempty(c->certificates_dir);
	const char *kc = KUBERNETES_DIR "/controller-manager.conf";
	_cleanup_free_ char *ca = path_join(d, "ca.crt");
	struct args a = { 0 };
	args_add(&a, "bind-address", "127.0.0.1");
	args_add(&a, "leader-elect", "true");
	args_add(&a, "kubeconfig", kc);
	args_add(&a, "authentication-kubeconfig", kc);
	args_add(&a, "authorization-kubeconfig", kc);
	args_add(&a, "client-ca-file", ca);
	add_cert_arg(&a, "requestheader-client-ca-file", d, "front-proxy-ca.crt");
	args_add(&a, "root-ca-file", ca);
	add_cert_arg(&a, "service-account-private-key-file", d, "sa.key");
	args_add(&a, "cluster-signing-cert-file", ca);
	add_cert_arg(&a, "cluster-signing-key-file", d, "ca.key");
	args_add(&a, "use-service-account-credentials", "true");
	args_add(&a, "controllers", "*,bootstrapsigner,tokencleaner");
	if (external_ca) {
		args_set(&a, "cluster-signing-key-file", "");
		args_set(&a, "cluster-signing-cert-file", "");
	}
	if (c->networking.pod_subnet && *c->networking.pod_subnet) {
		args_set(&a, "allocate-node-cidrs", "true");
		args_set(&a, "cluster-cidr", c->networking.pod_subnet);
		if (c->networking.service_subnet && *c->networking.service_subnet)
			args_set(&a, "service-cluster-ip-range", c->networking.service_subnet);
	}
	if (c->cluster_name && *c->cluster_name)
		args_set(&a, "cluster-name", c->cluster_name);
	json_t *cmd = json_pack("[s]", "kube-controller-manager");
	args_to_command(&a, &c->controller_manager.extra_args, cmd);
	args_release(&a);
	return cmd;
}

static json_t *scheduler_command(const struct init_config *cfg)
{
	const char *kc = KUBERNETES_DIR "/scheduler.conf";
	struct args a = { 0 };
	args_add(&a, "bind-address", "127.0.0.1");
	args_add(&a, "leader-elect", "true");
	args_add(&a, "kubeconfig", kc);
	args_add(&a, "authentication-kubeconfig", kc);
	args_add(&a, "authorization-kubeconfig", kc);
	json_t *cmd = json_pack("[s]", "kube-scheduler");
	args_to_command(&a, &cfg->cluster.scheduler.extra_args, cmd);
	args_release(&a);
	return cmd;
}

static char *etcd_client_url(const char *ip)
{
	_cleanup_free_ char *hp = join_host_port(ip, ETCD_CLIENT_PORT);
	return xasprintf("https://%s", hp);
}

static char *etcd_peer_url(const char *ip)
{
	_cleanup_free_ char *hp = join_host_port(ip, ETCD_PEER_PORT);
	return xasprintf("https://%s", hp);
}

static json_t *etcd_command(const struct init_config *cfg, char **initial_cluster)
{
	const struct cfg_cluster_configuration *c = &cfg->cluster;
	const struct cfg_local_etcd *l = c->etcd.local;
	const char *d = strempty(c->certificates_dir);
	const char *node = strempty(cfg->init.node_registration.name);
	const char *lh = is_ipv6(advertise(cfg)) ? "::1" : "127.0.0.1";
	_cleanup_free_ char *client = etcd_client_url(advertise(cfg));
	_cleanup_free_ char *peer = etcd_peer_url(advertise(cfg));
	_cleanup_free_ char *lclient = etcd_client_url(lh);
	_cleanup_free_ char *listen = xasprintf("%s,%s", lclient, client);
	_cleanup_free_ char *mhp = join_host_port(lh, ETCD_METRICS_PORT);
	_cleanup_free_ char *metrics = xasprintf("http://%s", mhp);
	_cleanup_free_ char *initial = xasprintf("%s=%s", node, peer);
	struct args a = { 0 };
	args_add(&a, "name", node);
	args_add(&a, "listen-client-urls", listen);
	args_add(&a, "advertise-client-urls", client);
	args_add(&a, "listen-peer-urls", peer);
	args_add(&a, "initial-advertise-peer-urls", peer);
	args_add(&a, "data-dir", l->data_dir);
	add_cert_arg(&a, "cert-file", d, "etcd/server.crt");
	add_cert_arg(&a, "key-file", d, "etcd/server.key");
	add_cert_arg(&a, "trusted-ca-file", d, "etcd/ca.crt");
	args_add(&a, "client-cert-auth", "true");
	add_cert_arg(&a, "peer-cert-file", d, "etcd/peer.crt");
	add_cert_arg(&a, "peer-key-file", d, "etcd/peer.key");
	add_cert_arg(&a, "peer-trusted-ca-file", d, "etcd/ca.crt");
	args_add(&a, "peer-client-cert-auth", "true");
	args_add(&a, "snapshot-count", "10000");
	args_add(&a, "listen-metrics-urls", metrics);
	args_add(&a, "feature-gates", "InitialCorruptCheck=true");
	args_add(&a, "watch-progress-notify-interval", "5s");
	if (!initial_cluster || !*initial_cluster) {
		args_set(&a, "initial-cluster", initial);
	} else {
		_cleanup_free_ char *members = strv_join(initial_cluster, ",");
		args_set(&a, "initial-cluster", members);
		args_set(&a, "initial-cluster-state", "existing");
	}
	json_t *cmd = json_pack("[s]", "etcd");
	args_to_command(&a, &l->extra_args, cmd);
	args_release(&a);
	return cmd;
}

/* GetEtcdProbeEndpoint: host, port and scheme from the first listen-metrics-urls URL. */
static void etcd_probe_endpoint(const struct init_config *cfg, char **ret_host, int *ret_port,
				const char **ret_scheme)
{
	const char *lh = is_ipv6(advertise(cfg)) ? "::1" : "127.0.0.1";
	*ret_host = xstrdup(lh);
	*ret_port = ETCD_METRICS_PORT;
	*ret_scheme = "HTTP";
	const struct cfg_local_etcd *l = cfg->cluster.etcd.local;
	if (!l || !l->extra_args.set)
		return;
	const struct cfg_arg *arg = cfg_arg_get(&l->extra_args, "listen-metrics-urls");
	if (!arg)
		return;
	_cleanup_free_ char *u = xstrndup(strempty(arg->value), strcspn(strempty(arg->value), ","));
	/* url.Parse: scheme "://" authority path */
	const char *p = strstr(u, "://");
	_cleanup_free_ char *scheme = p ? xstrndup(u, (size_t)(p - u)) : xstrdup("");
	if (p) {
		for (char *s = scheme; *s; s++)
			if (*s >= 'A' && *s <= 'Z')
				*s = (char)(*s - 'A' + 'a');
	}
	const char *auth = p ? p + 3 : NULL;
	if (streq(scheme, "https"))
		*ret_scheme = "HTTPS";
	if (!auth)
		return;
	_cleanup_free_ char *hostport = xstrndup(auth, strcspn(auth, "/?#"));
	char *at = strrchr(hostport, '@');
	const char *hp = at ? at + 1 : hostport;
	_cleanup_free_ char *host = NULL;
	const char *portstr = NULL;
	if (hp[0] == '[') {
		const char *end = strchr(hp, ']');
		if (!end)
			return;
		host = xstrndup(hp + 1, (size_t)(end - hp - 1));
		if (end[1] == ':')
			portstr = end + 2;
	} else {
		const char *colon = strrchr(hp, ':');
		host = colon ? xstrndup(hp, (size_t)(colon - hp)) : xstrdup(hp);
		if (colon)
			portstr = colon + 1;
	}
	if (*host) {
		free(*ret_host);
		*ret_host = TAKE_PTR(host);
	}
	if (portstr && *portstr) {
		char *end;
		errno = 0;
		long v = strtol(portstr, &end, 10);
		if (!*end && !errno && v >= 1 && v <= 65535)
			*ret_port = (int)v;
	}
}

static json_t *etcd_pod(const struct init_config *cfg, char **initial_cluster)
{
	const struct cfg_cluster_configuration *c = &cfg->cluster;
	const char *data_dir = strempty(c->etcd.local->data_dir);
	_cleanup_free_ char *certs = xasprintf("%s/etcd", strempty(c->certificates_dir));
	json_t *vols = json_object(), *mounts = json_array();
	set_named(vols, new_volume("etcd-data", data_dir, "DirectoryOrCreate"));
	set_named(vols, new_volume("etcd-certs", certs, "DirectoryOrCreate"));
	json_array_append_new(mounts, new_volume_mount("etcd-data", data_dir, false));
	json_array_append_new(mounts, new_volume_mount("etcd-certs", certs, false));
	char *host;
	int port;
	const char *scheme;
	etcd_probe_endpoint(cfg, &host, &port, &scheme);
	json_t *env = merged_env(NULL, &c->etcd.local->extra_envs);
	json_t *ctr = json_pack("{s:s,s:o,s:s,s:s,s:o,s:{s:{s:s,s:s}},s:o,s:o,s:o,s:o,s:[{s:s,s:i,s:s}]}",
				"name", MANIFESTS_ETCD, "command", etcd_command(cfg, initial_cluster), "image", "",
				"imagePullPolicy", "IfNotPresent", "volumeMounts", mounts,
				"resources", "requests", "cpu", "100m", "memory", "100Mi",
				"livenessProbe", liveness(host, "/livez", scheme),
				"readinessProbe", readiness(host, "/readyz", scheme),
				"startupProbe", startup(cfg, host, "/readyz", scheme), "env", env,
				"ports", "name", PROBE_PORT, "containerPort", port, "protocol", "TCP");
	char *image = config_image_etcd(cfg);
	json_object_set_new(ctr, "image", json_string(image));
	free(image);
	free(host);
	_cleanup_free_ char *client = etcd_client_url(advertise(cfg));
	json_t *pod = component_pod(ctr, vols, json_pack("{s:s}",
			"kubeadm.kubernetes.io/etcd.advertise-client-urls", client));
	json_decref(vols);
	return pod;
}

static char *endpoint_string(const struct init_config *cfg)
{
	return join_host_port(advertise(cfg), (int)cfg->init.local_api_endpoint.bind_port);
}

static const char *arg_probe_address(const struct cfg_list *extra)
{
	const struct cfg_arg *a = cfg_arg_get(extra, "bind-address");
	return a ? probe_address(strempty(a->value)) : "127.0.0.1";
}

int manifests_pod_build(const struct init_config *cfg, const char *component,
			const struct manifests_options *opts, json_t **ret)
{
	const struct cfg_cluster_configuration *c = &cfg->cluster;
	char **env = opts && opts->environ ? opts->environ : environ;
	json_t *pod;
	if (streq(component, MANIFESTS_ETCD)) {
		if (!c->etcd.local)
			return error_set(-EINVAL, "etcd static pod manifest cannot be generated for cluster using external etcd");
		pod = etcd_pod(cfg, opts ? opts->initial_cluster : NULL);
	} else {
		struct mounts m;
		control_plane_mounts(cfg, opts ? opts->rootfd : AT_FDCWD, &m);
		json_t *vols = component_set(m.vols, component);
		json_t *mounts = component_set(m.mounts, component);
		json_t *ctr;
		json_t *ann = NULL;
		/* GetStaticPodSpecs builds all three Pods each time: the apiserver's warnings too */
		if (!streq(component, MANIFESTS_APISERVER))
			json_decref(apiserver_command(cfg));
		if (streq(component, MANIFESTS_APISERVER)) {
			const char *host = *advertise(cfg) ? probe_address(advertise(cfg)) : "127.0.0.1";
			ctr = container_new(component, config_image_kubernetes(cfg, component),
					    apiserver_command(cfg), mounts,
					    merged_env(env, &c->api_server.c.extra_envs), "250m", NULL,
					    (int)cfg->init.local_api_endpoint.bind_port);
			json_object_set_new(ctr, "livenessProbe", liveness(host, "/livez", "HTTPS"));
			json_object_set_new(ctr, "readinessProbe", readiness(host, "/readyz", "HTTPS"));
			json_object_set_new(ctr, "startupProbe", startup(cfg, host, "/livez", "HTTPS"));
			_cleanup_free_ char *ep = endpoint_string(cfg);
			ann = json_pack("{s:s}", "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint", ep);
		} else if (streq(component, MANIFESTS_CONTROLLER_MANAGER)) {
			const char *host = arg_probe_address(&c->controller_manager.extra_args);
			ctr = container_new(component, config_image_kubernetes(cfg, component),
					    controller_manager_command(cfg, opts && opts->external_ca),
					    mounts, merged_env(env, &c->controller_manager.extra_envs),
					    "200m", NULL, KCM_PORT);
			json_object_set_new(ctr, "livenessProbe", liveness(host, "/healthz", "HTTPS"));
			json_object_set_new(ctr, "startupProbe", startup(cfg, host, "/healthz", "HTTPS"));
		} else if (streq(component, MANIFESTS_SCHEDULER)) {
			const char *host = arg_probe_address(&c->scheduler.extra_args);
			ctr = container_new(component, config_image_kubernetes(cfg, component),
					    scheduler_command(cfg), mounts,
					    merged_env(env, &c->scheduler.extra_envs), "100m", NULL,
					    SCHEDULER_PORT);
			json_object_set_new(ctr, "livenessProbe", liveness(host, "/livez", "HTTPS"));
			json_object_set_new(ctr, "readinessProbe", readiness(host, "/readyz", "HTTPS"));
			json_object_set_new(ctr, "startupProbe", startup(cfg, host, "/livez", "HTTPS"));
		} else {
			json_decref(m.vols);
			json_decref(m.mounts);
			return error_set(-EINVAL, "couldn't retrieve StaticPodSpec for \"%s\"", component);
		}
		pod = component_pod(ctr, vols, ann);
		json_decref(m.vols);
		json_decref(m.mounts);
	}
	/* encode as Go would: omitempty, status: {}, ... */
	json_t *norm = NULL;
	int r = schema_normalize(schema_root("pod"), pod, &norm);
	json_decref(pod);
	if (r < 0)
		return r;
	*ret = norm;
	return 0;
}

int manifests_pod_patch(json_t **pod, const char *patches_dir, FILE *out)
{
	struct patch_manager *pm;
	int r = patch_manager_for_path(patches_dir, out, &pm);
	if (r < 0)
		return r;
	const char *name = json_string_value(json_get_path(*pod, "metadata.name"));
	/* kubeadm patches the YAML round trip of the Pod: the same JSON tree */
	json_t *doc = json_deep_copy(*pod);
	r = patch_manager_apply(pm, strempty(name), schema_root("pod"), &doc, out);
	if (r < 0) {
		json_decref(doc);
		return r;
	}
	/* UniversalUnmarshal: needs apiVersion/kind of a Pod */
	const char *av = json_string_value(json_object_get(doc, "apiVersion"));
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	if (!json_is_object(doc) || !av || !kind || !*av || !*kind) {
		char *s = json_dump_go_ex(doc, "", "", JSON_GO_COMPACT | JSON_GO_SORT_KEYS);
		r = error_set(-EINVAL, "failed to unmarshal patched manifest: failed to decode %s into runtime.Object: Object '%s' is missing in '%s'",
			      s, !kind || !*kind ? "Kind" : "apiVersion", s);
		free(s);
		json_decref(doc);
		return r;
	}
	json_t *norm = NULL;
	r = schema_normalize(schema_root("pod"), doc, &norm);
	if (r < 0) {
		char *s = json_dump_go_ex(doc, "", "", JSON_GO_COMPACT | JSON_GO_SORT_KEYS);
		r = error_wrap(r, "failed to unmarshal patched manifest: failed to decode %s into runtime.Object", s);
		free(s);
		json_decref(doc);
		return r;
	}
	json_decref(doc);
	json_decref(*pod);
	*pod = norm;
	return 0;
}

char *manifests_pod_yaml(const json_t *pod)
{
	return yaml_from_json(pod);
}

int manifests_pod_write(int rootfd, const char *dir, const char *component, const json_t *pod)
{
	int r = fs_mkdir_p(rootfd, dir, 0700);
	if (r < 0)
		return error_set(r, "failed to create directory \"%s\": %s", dir, strerror(-r));
	_cleanup_free_ char *yaml = manifests_pod_yaml(pod);
	_cleanup_free_ char *path = path_join(dir, component);
	_cleanup_free_ char *file = xasprintf("%s.yaml", path);
	/* os.WriteFile truncates an existing file: its mode stays what it was */
	mode_t mode = 0600;
	struct stat st;
	const char *relf = file;
	while (*relf == '/')
		relf++;
	if (fstatat(rootfd, *relf ? relf : ".", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
		mode = st.st_mode & 07777;
	r = fs_write_atomic(rootfd, file, yaml, strlen(yaml), mode, 0700);
	if (r < 0)
		return error_set(r, "failed to write static pod manifest file for \"%s\" (\"%s\"): %s",
				 component, file, strerror(-r));
	return 0;
}
