/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CoreDNS and kube-proxy objects (cmd/kubeadm/app/phases/addons/dns/dns.go, proxy/proxy.go):
 * kubeadm renders Go templates, optionally patches the Deployment/DaemonSet, and decodes the
 * YAML into the k8s.io/api types. We render the same text, convert it to JSON and normalise
 * it through the Go type tables of manifests/schema.h, which is what the decode and the
 * client's re-encode do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addons/addons.h"
#include "util/sha256.h"
#include "addons/templates.h"
#include "config/net.h"
#include "manifests/patches.h"
#include "manifests/schema.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/yaml.h"

extern char **environ;

/* Replaces each "{{ .<key> }}" (or "{{ .<key>}}") of tmpl by its value; n pairs. */
static void render(struct strbuf *sb, const char *tmpl, const char *const *kv, size_t n)
{
	const char *p = tmpl;
	while (*p) {
		const char *o = strstr(p, "{{ .");
		if (!o) {
			strbuf_addstr(sb, p);
			return;
		}
		strbuf_add(sb, p, (size_t)(o - p));
		const char *end = strstr(o, "}}");
		const char *name = o + 4;
		size_t len = (size_t)(end - name);
		while (len > 0 && name[len - 1] == ' ')
			len--;
		const char *val = "";
		for (size_t i = 0; i < n; i++)
			if (strlen(kv[2 * i]) == len && strncmp(kv[2 * i], name, len) == 0)
				val = kv[2 * i + 1];
		strbuf_addstr(sb, val);
		p = end + 2;
	}
}

/* YAML text -> the JSON of the decoded Go type (root: a manifests/schema.h root or NULL). */
static int decode(const char *text, const char *root, const char *what, json_t **ret)
{
	json_t *doc = NULL;
	int r = yaml_to_json(text, strlen(text), 0, &doc);
	if (r < 0)
		return error_wrap(r, "%s", what);
	if (!root) {
		*ret = doc;
		return 0;
	}
	json_t *out = NULL;
	r = schema_normalize(schema_root(root), doc, &out);
	json_decref(doc);
	if (r < 0)
		return error_wrap(r, "%s", what);
	*ret = out;
	return 0;
}

int addons_dns_ip(const char *service_subnets, char *buf, size_t size)
{
	const char *s = service_subnets ? service_subnets : "";
	_cleanup_(strv_freep) char **parts = strv_split(s, ',', false);
	struct cfg_cidr c;
	for (char **p = parts; p && *p; p++)
		if (!net_parse_cidr(*p, &c))
			return error_set(-EINVAL, "unable to get internal Kubernetes Service IP from the "
					 "given service CIDR (%s): unable to parse ServiceSubnet %s: "
					 "invalid CIDR address: %s", s, s, *p);
	if (!parts || !parts[0] || !net_parse_cidr(parts[0], &c))
		return error_set(-EINVAL, "unable to get internal Kubernetes Service IP from the "
				 "given service CIDR (%s): received empty ServiceSubnet", s);
	struct cfg_ip ip;
	if (!net_cidr_indexed_ip(&c, 10, &ip)) {
		char cb[64];
		return error_set(-EINVAL, "unable to get internal Kubernetes Service IP from the "
				 "given service CIDR: can't generate IP with index 10 from subnet. "
				 "subnet too small. subnet: \"%s\"", net_cidr_string(&c, cb, sizeof(cb)));
	}
	net_ip_string(&ip, buf, size);
	return 0;
}

/* ---- CoreDNS ------------------------------------------------------------------------ */

/* patches.GetPatchManagerForPath + ApplyPatchesToTarget for target; *doc replaced. */
static int apply_patches(const char *patches_dir, const char *target, const char *root,
			 FILE *out, json_t **doc)
{
	struct patch_manager *pm = NULL;
	int r = patch_manager_for_path(patches_dir, out, &pm);
	if (r < 0)
		return r;
	return patch_manager_apply(pm, target, schema_root(root), doc, out);
}

/*
 * The template text, patched when a patches dir is given. *ret_text is what kubeadm keeps
 * as the object's bytes: the rendered template, or JSONToYAML of the patched JSON.
 */
static int render_patched(const char *text, const char *patches_dir, const char *target,
			  const char *root, FILE *out, const char *wrap, char **ret_text)
{
	if (!patches_dir || !*patches_dir) {
		*ret_text = xstrdup(text);
		return 0;
	}
	json_t *doc = NULL;
	int r = yaml_to_json(text, strlen(text), 0, &doc);
	if (r >= 0)
		r = apply_patches(patches_dir, target, root, out, &doc);
	if (r < 0) {
		json_decref(doc);
		return error_wrap(r, "%s", wrap);
	}
	char *y = yaml_from_json(doc);
	json_decref(doc);
	if (!y)
		return error_wrap(-EINVAL, "%s", wrap);
	*ret_text = y;
	return 0;
}

int addons_coredns_deployment(const struct init_config *cfg, int32_t replicas,
			      const char *patches_dir, FILE *out, json_t **ret, char **ret_yaml)
{
	_cleanup_free_ char *image = config_image_coredns(cfg);
	char reps[16];
	snprintf(reps, sizeof(reps), "%d", (int)replicas);
	const char *kv[] = {
		"DeploymentName", ADDONS_COREDNS_DEPLOYMENT,
		"Image", image,
		"ControlPlaneTaintKey", "node-role.kubernetes.io/control-plane",
		"Replicas", reps,
	};
	_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
	render(&sb, coredns_deployment_tmpl, kv, ARRAY_SIZE(kv) / 2);
	_cleanup_free_ char *text = NULL;
	int r = render_patched(sb.buf, patches_dir, "corednsdeployment", "deployment", out,
			       "could not apply patches to the CoreDNS Deployment", &text);
	if (r < 0)
		return r;
	json_t *obj = NULL;
	r = decode(text, "deployment", "unable to decode CoreDNS Deployment", &obj);
	if (r < 0)
		return r;
	*ret = obj;
	if (ret_yaml)
		*ret_yaml = TAKE_PTR(text);
	return 0;
}

static char *coredns_configmap_text(const char *domain)
{
	const char *kv[] = { "DNSDomain", domain };
	_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
	render(&sb, coredns_configmap_head, kv, 1);
	/* {{- if .DNSDomain }}: the "disable" block only for a non-empty domain. */
	if (*domain)
		render(&sb, coredns_configmap_domain, kv, 1);
	strbuf_addstr(&sb, coredns_configmap_tail);
	return strbuf_detach(&sb, NULL);
}

int addons_coredns_configmap(const struct init_config *cfg, json_t **ret, char **ret_yaml)
{
	_cleanup_free_ char *text = coredns_configmap_text(strempty(cfg->cluster.networking.dns_domain));
	json_t *obj = NULL;
	int r = decode(text, "configmap", "unable to decode CoreDNS ConfigMap", &obj);
	if (r < 0)
		return r;
	*ret = obj;
	if (ret_yaml)
		*ret_yaml = TAKE_PTR(text);
	return 0;
}

int addons_coredns_service(const struct init_config *cfg, json_t **ret, char **ret_yaml)
{
	char ip[64];
	int r = addons_dns_ip(cfg->cluster.networking.service_subnet, ip, sizeof(ip));
	if (r < 0)
		return r;
	const char *kv[] = { "DNSIP", ip };
	_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
	render(&sb, coredns_service_tmpl, kv, 1);
	json_t *obj = NULL;
	r = decode(sb.buf, "service", "unable to decode the DNS service", &obj);
	if (r < 0)
		return r;
	*ret = obj;
	if (ret_yaml)
		*ret_yaml = strbuf_detach(&sb, NULL);
	return 0;
}

static json_t *fixed(const char *yaml)
{
	json_t *o = NULL;
	if (yaml_to_json(yaml, strlen(yaml), 0, &o) < 0)
		abort(); /* a constant of this file */
	return o;
}

json_t *addons_coredns_cluster_role(void)
{
	return fixed(coredns_cluster_role_yaml);
}

json_t *addons_coredns_cluster_role_binding(void)
{
	return fixed(coredns_cluster_role_binding_yaml);
}

json_t *addons_coredns_service_account(void)
{
	return fixed(coredns_service_account_yaml);
}

int addons_coredns_manifest(const struct init_config *cfg, const char *patches_dir, FILE *out,
			    struct strbuf *sb)
{
	_cleanup_free_ char *dep = NULL, *cm = NULL, *svc = NULL;
	json_t *o = NULL;
	int r = addons_coredns_deployment(cfg, ADDONS_COREDNS_REPLICAS, patches_dir, out, &o, &dep);
	if (r < 0)
		return r;
	json_decref(o);
	r = addons_coredns_configmap(cfg, &o, &cm);
	if (r < 0)
		return r;
	json_decref(o);
	r = addons_coredns_service(cfg, &o, &svc);
	if (r < 0)
		return r;
	json_decref(o);
	const char *parts[] = { dep, cm, svc, coredns_cluster_role_yaml,
				coredns_cluster_role_binding_yaml, coredns_service_account_yaml };
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		strbuf_addstr(sb, "---");
		strbuf_addstr(sb, parts[i]);
	}
	return 0;
}

/* ---- kube-proxy --------------------------------------------------------------------- */

static int proxy_configmap_text(const struct init_config *cfg, char **ret)
{
	struct pki_params p = {
		.advertise_address = cfg->init.local_api_endpoint.advertise_address,
		.bind_port = (int)cfg->init.local_api_endpoint.bind_port,
		.control_plane_endpoint = cfg->cluster.control_plane_endpoint,
	};
	_cleanup_free_ char *endpoint = NULL;
	int r = pki_control_plane_url(&p, &endpoint);
	if (r < 0)
		return r;
	_cleanup_(strbuf_releasep) struct strbuf conf = STRBUF_INIT;
	if (!cfg->kubeproxy)
		return error_set(-EINVAL, "no kube-proxy component config found in the active "
				 "component config set");
	r = config_kubeproxy_marshal(cfg, &conf);
	if (r < 0)
		return error_wrap(r, "error when marshaling");
	/* bufio.Scanner lines (a final "\r" dropped), each indented by 4 spaces. */
	_cleanup_(strbuf_releasep) struct strbuf ind = STRBUF_INIT;
	const char *s = conf.buf;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		size_t l = len;
		if (l > 0 && s[l - 1] == '\r')
			l--;
		strbuf_addstr(&ind, "    ");
		strbuf_add(&ind, s, l);
		strbuf_addch(&ind, '\n');
		s += len + (nl ? 1 : 0);
	}
	const char *kv[] = {
		"ControlPlaneEndpoint", endpoint,
		"ProxyConfig", ind.buf,
		"ProxyConfigMap", ADDONS_KUBE_PROXY_CONFIGMAP,
		"ProxyConfigMapKey", "config.conf",
	};
	_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
	render(&sb, proxy_configmap_tmpl, kv, ARRAY_SIZE(kv) / 2);
	*ret = strbuf_detach(&sb, NULL);
	return 0;
}

char *addons_configmap_checksum(const json_t *cm)
{
	const json_t *data = json_object_get(cm, "data");
	const char *key;
	json_t *v;
	_cleanup_(strv_freep) char **keys = NULL;
	json_object_foreach((json_t *)data, key, v)
		strv_push(&keys, key);
	strv_sort(keys);
	struct sha256 h;
	sha256_init(&h);
	for (char **k = keys; k && *k; k++) {
		const json_t *s = json_object_get(data, *k);
		sha256_update(&h, json_string_value(s), json_string_length(s));
	}
	uint8_t d[32];
	sha256_final(&h, d);
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "sha256:");
	for (size_t i = 0; i < sizeof(d); i++)
		strbuf_addf(&sb, "%02x", d[i]);
	return strbuf_detach(&sb, NULL);
}

int addons_proxy_configmap(const struct init_config *cfg, bool sign, json_t **ret,
			   char **ret_yaml)
{
	_cleanup_free_ char *text = NULL;
	int r = proxy_configmap_text(cfg, &text);
	if (r < 0)
		return r;
	json_t *obj = NULL;
	r = decode(text, "configmap", "unable to decode kube-proxy configmap", &obj);
	if (r < 0)
		return r;
	if (sign) {
		_cleanup_free_ char *sum = addons_configmap_checksum(obj);
		json_t *meta = json_object_get(obj, "metadata");
		json_t *ann = json_object_get(meta, "annotations");
		if (!json_is_object(ann)) {
			ann = json_object();
			json_object_set_new(meta, "annotations", ann);
		}
		json_object_set_new(ann, ADDONS_CONFIG_HASH_ANNOTATION, json_string(sum));
	}
	*ret = obj;
	if (ret_yaml)
		*ret_yaml = TAKE_PTR(text);
	return 0;
}

/* kubeadmutil.GetProxyEnvVars(nil) merged by MergeKubeadmEnvVars: by name, sorted. */
static void append_proxy_env(json_t *container, char *const *env)
{
	json_t *set = json_object();
	for (char *const *e = env; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || !eq[1])
			continue;
		_cleanup_free_ char *name = xstrndup(*e, (size_t)(eq - *e));
		size_t n = strlen(name);
		if (n >= 6 && strcasecmp(name + n - 6, "_proxy") == 0)
			json_object_set_new(set, name, json_pack("{s:s,s:s}", "name", name, "value", eq + 1));
	}
	_cleanup_(strv_freep) char **names = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(set, k, v)
		strv_push(&names, k);
	if (names) {
		strv_sort(names);
		json_t *list = json_object_get(container, "env");
		if (!json_is_array(list)) {
			list = json_array();
			json_object_set_new(container, "env", list);
		}
		for (char **n = names; *n; n++)
			json_array_append(list, json_object_get(set, *n));
	}
	json_decref(set);
}

int addons_proxy_daemonset(const struct init_config *cfg, const char *patches_dir, FILE *out,
			   char *const *env, json_t **ret, char **ret_yaml)
{
	_cleanup_free_ char *image = config_image_kubernetes(cfg, "kube-proxy");
	const char *kv[] = {
		"Image", image,
		"ProxyConfigMap", ADDONS_KUBE_PROXY_CONFIGMAP,
		"ProxyConfigMapKey", "config.conf",
	};
	_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
	render(&sb, proxy_daemonset_tmpl, kv, ARRAY_SIZE(kv) / 2);
	_cleanup_free_ char *text = NULL;
	int r = render_patched(sb.buf, patches_dir, "kubeproxydaemonset", "daemonset", out,
			       "could not apply patches to the kube-proxy DaemonSet", &text);
	if (r < 0)
		return r;
	json_t *obj = NULL;
	r = decode(text, "daemonset", "unable to decode kube-proxy daemonset", &obj);
	if (r < 0)
		return r;
	json_t *c0 = json_array_get(json_get_path(obj, "spec.template.spec.containers"), 0);
	if (c0)
		append_proxy_env(c0, env ? env : environ);
	*ret = obj;
	if (ret_yaml)
		*ret_yaml = TAKE_PTR(text);
	return 0;
}

json_t *addons_proxy_service_account(void)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s}}", "apiVersion", "v1", "kind", "ServiceAccount",
			 "metadata", "name", "kube-proxy", "namespace", "kube-system");
}

json_t *addons_proxy_cluster_role_binding(void)
{
	return json_pack("{s:s,s:s,s:{s:s},s:{s:s,s:s,s:s},s:[{s:s,s:s,s:s}]}",
			 "apiVersion", "rbac.authorization.k8s.io/v1", "kind", "ClusterRoleBinding",
			 "metadata", "name", "kubeadm:node-proxier",
			 "roleRef", "apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole",
			 "name", "system:node-proxier",
			 "subjects", "kind", "ServiceAccount", "name", "kube-proxy",
			 "namespace", "kube-system");
}

json_t *addons_proxy_role(void)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s},s:[{s:[s],s:[s],s:[s],s:[s]}]}",
			 "apiVersion", "rbac.authorization.k8s.io/v1", "kind", "Role",
			 "metadata", "name", "kube-proxy", "namespace", "kube-system",
			 "rules", "verbs", "get", "apiGroups", "", "resources", "configmaps",
			 "resourceNames", ADDONS_KUBE_PROXY_CONFIGMAP);
}

json_t *addons_proxy_role_binding(void)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s,s:s},s:[{s:s,s:s}]}",
			 "apiVersion", "rbac.authorization.k8s.io/v1", "kind", "RoleBinding",
			 "metadata", "name", "kube-proxy", "namespace", "kube-system",
			 "roleRef", "apiGroup", "rbac.authorization.k8s.io", "kind", "Role",
			 "name", "kube-proxy",
			 "subjects", "kind", "Group",
			 "name", "system:bootstrappers:kubeadm:default-node-token");
}

static void add_yaml(struct strbuf *sb, json_t *o)
{
	_cleanup_free_ char *y = yaml_from_json(o);
	strbuf_addstr(sb, y ? y : "");
	json_decref(o);
}

int addons_proxy_manifest(const struct init_config *cfg, const char *patches_dir, FILE *out,
			  struct strbuf *sb)
{
	_cleanup_free_ char *cm = NULL, *ds = NULL;
	int r = proxy_configmap_text(cfg, &cm);
	if (r < 0)
		return r;
	json_t *o = NULL;
	r = addons_proxy_daemonset(cfg, patches_dir, out, NULL, &o, &ds);
	if (r < 0)
		return r;
	json_decref(o);
	strbuf_addstr(sb, "---\n");
	add_yaml(sb, addons_proxy_service_account());
	strbuf_addstr(sb, "---\n");
	add_yaml(sb, addons_proxy_cluster_role_binding());
	strbuf_addstr(sb, "---\n");
	add_yaml(sb, addons_proxy_role());
	strbuf_addstr(sb, "---\n");
	add_yaml(sb, addons_proxy_role_binding());
	strbuf_addstr(sb, "---");
	strbuf_addstr(sb, cm);
	strbuf_addstr(sb, "---");
	strbuf_addstr(sb, ds);
	return 0;
}

bool addons_proxy_config_user_supplied(const char *config_path)
{
	if (!config_path || !*config_path)
		return false;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	if (fs_read_file(AT_FDCWD, config_path, 16 << 20, &data, &len) < 0) {
		error_clear();
		return false;
	}
	_cleanup_(strv_freep) char **docs = NULL;
	if (yaml_split_documents(data, len, &docs) < 0) {
		error_clear();
		return false;
	}
	for (char **d = docs; *d; d++) {
		json_t *j = NULL;
		if (yaml_to_json(*d, strlen(*d), 0, &j) < 0) {
			error_clear();
			continue;
		}
		const char *av = json_string_value(json_object_get(j, "apiVersion"));
		bool hit = av && strncmp(av, "kubeproxy.config.k8s.io/", 24) == 0;
		json_decref(j);
		if (hit)
			return true;
	}
	return false;
}
