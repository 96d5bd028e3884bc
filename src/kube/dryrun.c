/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's dry-run client (util/apiclient/dryrun.go over client-go's fake clientset): the
 * logging reactor, the reactors answering kubeadm's fake objects, GETs tried on the real
 * server first, and the fake ObjectTracker holding what was written.
 */
#include <errno.h>
#include <string.h>

#include "kube/client-internal.h"
#include "kube/client.h"
#include "util/error.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/yaml.h"

static const char *obj_str(const json_t *o, const char *path)
{
	const json_t *v = json_get_path(o, path);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *tracker_key(const struct kube_resource *res, const char *ns, const char *name)
{
	return xasprintf("%s/%s/%s/%s", res->group, res->resource,
			 res->namespaced ? strempty(ns) : "", strempty(name));
}

/* GroupResource.String(): "configmaps" or "roles.rbac.authorization.k8s.io" */
static char *group_resource(const struct kube_resource *res)
{
	if (!*res->group)
		return xstrdup(res->resource);
	return xasprintf("%s.%s", res->resource, res->group);
}

static int not_found(const struct kube_resource *res, const char *name)
{
	_cleanup_free_ char *gr = group_resource(res);
	return error_set(-ENOENT, "%s \"%s\" not found", gr, strempty(name));
}

/* LogObject: the object encoded for gv with its TypeMeta, as YAML, then an empty line. */
static void log_object(struct kube_client *c, const struct kube_resource *res, const json_t *obj,
		       const char *kind)
{
	_cleanup_json_ json_t *o = json_deep_copy(obj);
	_cleanup_free_ char *gv = *res->group ? xasprintf("%s/%s", res->group, res->version)
					      : xstrdup(res->version);
	json_object_set_new(o, "apiVersion", json_string(gv));
	json_object_set_new(o, "kind", json_string(kind ? kind : res->kind));
	_cleanup_free_ char *y = yaml_from_json(o);
	if (!y)
		return;
	fprintf(c->out, "[dryrun] Attached object:\n%s\n", y);
}

static void log_action(struct kube_client *c, const char *verb, const struct kube_resource *res,
		       bool named, const char *ns, const char *name, const json_t *obj)
{
	char up[16];
	size_t i;
	for (i = 0; verb[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)(verb[i] >= 'a' && verb[i] <= 'z' ? verb[i] - 32 : verb[i]);
	up[i] = 0;
	fprintf(c->out,
		"[dryrun] Would perform action %s on resource \"%s\" in API group \"%s/%s\"\n", up,
		res->resource, *res->group ? res->group : "core", res->version);
	if (named)
		fprintf(c->out, "[dryrun] Resource name \"%s\", namespace \"%s\"\n", strempty(name),
			res->namespaced ? strempty(ns) : "");
	if (obj)
		log_object(c, res, obj, NULL);
}

/* ---- kubeadm's fake objects ---- */

static json_t *fake_node(const char *name)
{
	return json_pack("{s:{s:{s:s},s:s},s:{},s:{s:{s:{s:i}},s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,"
			 "s:s,s:s}}}",
			 "metadata", "labels", "kubernetes.io/hostname", name, "name", name, "spec",
			 "status", "daemonEndpoints", "kubeletEndpoint", "Port", 0, "nodeInfo",
			 "architecture", "", "bootID", "", "containerRuntimeVersion", "",
			 "kernelVersion", "", "kubeProxyVersion", "", "kubeletVersion", "",
			 "machineID", "", "operatingSystem", "", "osImage", "", "systemUUID", "");
}

static json_t *fake_configmap(const char *ns, const char *name, json_t *data)
{
	return json_pack("{s:o,s:{s:s,s:s}}", "data", data, "metadata", "name", name, "namespace",
			 ns);
}

static const char cluster_info_kubeconfig[] =
	"apiVersion: v1\n"
	"clusters:\n"
	"- cluster:\n"
	"    certificate-authority-data: "
	"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJTkpmdGFCK09Xd0F3RFFZSktvWklodmNOQVFFTEJRQXdGVEVUTUJFR0ExVUUKQXhNS2EzVmlaWEp1WlhSbGN6QWVGdzB5TkRBM01EZ3hNalF3TURSYUZ3MHpOREEzTURZeE1qUTFNRFJhTUJVeApFekFSQmdOVkJBTVRDbXQxWW1WeWJtVjBaWE13Z2dFaU1BMEdDU3FHU0liM0RRRUJBUVVBQTRJQkR3QXdnZ0VLCkFvSUJBUURhUURkaWdPeVdpbTZXLzQ4bjNQSG9WZVZCU2lkNldjbmRFV3VVcTVnQldYZGx0OTk2aCtWbkl0bHQKOHpDaGwvb1I1V2ZSYVJDODA1WitvTW4vWThJR1ZRM3QxaG55SW1ZbjR3M3Z6UlhvdUdlQmVpdTJTU1ZqZ0J3agpYanliYk1DbXJBZEljYkllWm1INjZldjV6KzVZS21aUlVZYzNoRGFIcFhkMEVFblp5SlY1d2FaczBYTVFVSE03CmVxT1pBWko5L21PM05VQnBsdnJQbnBPTUs3a1NFUFBnNzVjVTdXSG9KSEZrZVlXNTkzZ3NnQ3MyQnRVdTY0Y3EKYlZYOWJpZ3JZZGRwWmtvRUtLeFU4SEl3SHNJNVY4Um9uM21LRkdsckUxN2IybC84Q3FtQXVPdnl6TEllaVFHWAplZ0lhUi9uUkhISUQ5QVRpNnRYOEVhRERwZXYvQWdNQkFBR2pXVEJYTUE0R0ExVWREd0VCL3dRRUF3SUNwREFQCkJnTlZIUk1CQWY4RUJUQURBUUgvTUIwR0ExVWREZ1FXQkJRWWFDRGU2eXVWcVNhV1Y3M3pMaldtR2hpYVR6QVYKQmdOVkhSRUVEakFNZ2dwcmRXSmxjbTVsZEdWek1BMEdDU3FHU0liM0RRRUJDd1VBQTRJQkFRQ2NlTW5uaVBhcQpHUkVqR3A2WFJTN1FFWW1RcmJFZCtUVjVKUTE4byttVzZvR3BaOENBM0pBSFFETk5QRW1QYzB5dVhEeE85QkZYCmJnMlhSSCtLTkozVzJKZlExVEgzVFhKRWF4Zkh1WDRtQjU5UkNsQzExNGtsV2RIeDFqN0FtRWt1eTZ0ZGpuYWkKZmh0U0dueEEwM2JwN2I4Z28zSWpXNE5wV1JOMVdHNTl2YTBKOEJIRmg3Q0RpZUxuK0RNdUk2M0Jna1kveTJzMApML2RtOVBmcWdVSzFBMy8wZGhDVjZiRUNqekEzSkJld21kSC8rVUJPeVkybUMwNVlQMzNkMHA5eXlrYmtkWE5xCkRONXlBc3ZNUC9PV0NuQjFlQlFUb2pNODJMU3F3dHZtbU1SNHRXYXVoOXVkVktHY2s0eEJaV3Vkcm5LRFVVWEkKUURNUFJnSkMvTng0Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K\n"
	"    server: https://192.168.0.101:6443\n"
	"  name: \"\"\n"
	"contexts: null\n"
	"current-context: \"\"\n"
	"kind: Config\n"
	"users: null\n";

static const char kubeadm_config_cc[] =
	"apiServer: {}\n"
	"apiVersion: kubeadm.k8s.io/v1beta4\n"
	"caCertificateValidityPeriod: 87600h0m0s\n"
	"certificateValidityPeriod: 100h0m0s\n"
	"certificatesDir: /etc/kubernetes/pki\n"
	"clusterName: kubernetes\n"
	"controllerManager:\n"
	"  extraArgs:\n"
	"  - name: cluster-signing-duration\n"
	"    value: 24h\n"
	"controlPlaneEndpoint: 192.168.0.101:6443\n"
	"dns: {}\n"
	"encryptionAlgorithm: RSA-2048\n"
	"etcd:\n"
	"  local:\n"
	"    dataDir: /var/lib/etcd\n"
	"imageRepository: registry.k8s.io\n"
	"kind: ClusterConfiguration\n"
	"kubernetesVersion: 1.36.0\n" /* constants.MinimumControlPlaneVersion */
	"networking:\n"
	"  dnsDomain: cluster.local\n"
	"  podSubnet: 192.168.0.0/16\n"
	"  serviceSubnet: 10.96.0.0/12\n"
	"proxy: {}\n"
	"scheduler: {}\n";

static const char kubelet_config[] = "apiVersion: kubelet.config.k8s.io/v1beta1\n"
				     "authentication:\n"
				     "  anonymous:\n"
				     "    enabled: false\n"
				     "  webhook:\n"
				     "    enabled: true\n"
				     "  x509:\n"
				     "    clientCAFile: /etc/kubernetes/pki/ca.crt\n"
				     "authorization:\n"
				     "  mode: Webhook\n"
				     "cgroupDriver: systemd\n"
				     "clusterDNS:\n"
				     "- 10.96.0.10\n"
				     "clusterDomain: cluster.local\n"
				     "healthzBindAddress: 127.0.0.1\n"
				     "healthzPort: 10248\n"
				     "kind: KubeletConfiguration\n"
				     "memorySwap: {}\n"
				     "resolvConf: /run/systemd/resolve/resolv.conf\n"
				     "rotateCertificates: true\n"
				     "staticPodPath: /etc/kubernetes/manifests\n";

static const char kubeproxy_config[] =
	"apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
	"bindAddress: 0.0.0.0\n"
	"bindAddressHardFail: false\n"
	"clientConnection:\n"
	"  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n"
	"clusterCIDR: 192.168.0.0/16\n"
	"kind: KubeProxyConfiguration\n";

static const char kubeproxy_kubeconfig[] =
	"apiVersion: v1\n"
	"kind: Config\n"
	"clusters:\n"
	"- cluster:\n"
	"    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
	"    server: https://192.168.0.101:6443\n"
	"  name: default\n"
	"contexts:\n"
	"- context:\n"
	"    cluster: default\n"
	"    namespace: default\n"
	"    user: default\n"
	"  name: default\n"
	"current-context: default\n"
	"users:\n"
	"- name: default\n"
	"  user:\n"
	"    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n";

/* The GET reactors prepended to the chain: returns a new object, or NULL to pass. */
static json_t *get_reactor(struct kube_client *c, const struct kube_resource *res, const char *ns,
			   const char *name)
{
	bool cm = res == &kube_res_configmaps;
	bool ks = ns && streq(ns, "kube-system");
	if (res == &kube_res_nodes && (c->flags & KUBE_DRYRUN_GET_NODE))
		return fake_node(name);
	if (cm && (c->flags & KUBE_DRYRUN_CLUSTER_INFO) && ns && streq(ns, "kube-public") &&
	    streq(name, "cluster-info"))
		return fake_configmap(
			ns, name,
			json_pack("{s:s,s:s}", "jws-kubeconfig-abcdef",
				  "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9..rh3cVKiU2mdt3CqHzC81sNE-"
				  "4WQLRHMtXduHWfSbrIM",
				  "kubeconfig", cluster_info_kubeconfig));
	if (cm && ks && (c->flags & KUBE_DRYRUN_KUBEADM_CONFIG) && streq(name, "kubeadm-config"))
		return fake_configmap(ns, name,
				      json_pack("{s:s}", "ClusterConfiguration", kubeadm_config_cc));
	if (cm && ks && (c->flags & KUBE_DRYRUN_KUBELET_CONFIG) && streq(name, "kubelet-config"))
		return fake_configmap(ns, name, json_pack("{s:s}", "kubelet", kubelet_config));
	if (cm && ks && (c->flags & KUBE_DRYRUN_KUBEPROXY_CONFIG) && streq(name, "kube-proxy"))
		return fake_configmap(ns, name,
				      json_pack("{s:s,s:s}", "config.conf", kubeproxy_config,
						"kubeconfig.conf", kubeproxy_kubeconfig));
	if (cm && ks && (c->flags & KUBE_DRYRUN_COREDNS_CONFIG) && streq(name, "coredns"))
		return fake_configmap(ns, name, json_pack("{s:s}", "Corefile", ""));
	/* HealthCheckJobReactor: getJob(name, namespace) is called with the two swapped in
	 * kubeadm, so the completed Job it prints is named after the namespace */
	if (res == &kube_res_jobs && ks && (c->flags & KUBE_DRYRUN_HEALTH_CHECK_JOB) &&
	    !strncmp(name, "upgrade-health-check", strlen("upgrade-health-check")))
		return json_pack("{s:{s:s,s:s},s:{s:{s:{},s:{s:n}}},s:{s:[{s:n,s:n,s:s,s:s}]}}",
				 "metadata", "name", ns, "namespace", name, "spec", "template",
				 "metadata", "spec", "containers", "status", "conditions",
				 "lastProbeTime", "lastTransitionTime", "status", "", "type",
				 "Complete");
	if (res == &kube_res_secrets && ks && (c->flags & KUBE_DRYRUN_KUBEADM_CERTS) &&
	    streq(name, "kubeadm-certs"))
		return json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s},s:{s:s,s:s}}", "data",
				 "ca.crt", "", "ca.key", "", "front-proxy-ca.crt", "",
				 "front-proxy-ca.key", "", "sa.key", "", "sa.pub", "",
				 "etcd-ca.crt", "", "etcd-ca.key", "", "metadata", "name", name,
				 "namespace", ns);
	return NULL;
}

int kube_dry_get(struct kube_client *c, const struct kube_resource *res, const char *ns,
		 const char *name, json_t **ret)
{
	log_action(c, "get", res, true, ns, name, NULL);
	bool append = c->flags & KUBE_DRYRUN_APPEND;
	json_t *fake = append ? NULL : get_reactor(c, res, ns, name);
	if (fake) {
		log_object(c, res, fake, NULL);
		*ret = fake;
		return 0;
	}
	/* handleGetAction: the real server of the kubeconfig, if there is one */
	if (c->live) {
		json_t *real = NULL;
		c->dry_run = false;
		int r = kube_get(c, res, ns, name, &real);
		c->dry_run = true;
		if (r >= 0) {
			log_object(c, res, real, NULL);
			*ret = real;
			return 0;
		}
	}
	fprintf(c->out, "[dryrun] Real object does not exist. Attempting to GET from followup "
			"reactors or from the fake client tracker\n");
	if (append) {
		error_clear();
		fake = get_reactor(c, res, ns, name);
		if (fake) {
			log_object(c, res, fake, NULL);
			*ret = fake;
			return 0;
		}
	}
	error_clear();
	_cleanup_free_ char *key = tracker_key(res, ns, name);
	json_t *o = json_object_get(c->tracker, key);
	if (!o)
		return not_found(res, name);
	*ret = json_deep_copy(o);
	return 0;
}

int kube_dry_list(struct kube_client *c, const struct kube_resource *res, const char *ns,
		  const char *label_selector, const char *field_selector, json_t **ret)
{
	log_action(c, "list", res, false, ns, NULL, NULL);
	if (c->live) {
		json_t *real = NULL;
		c->dry_run = false;
		int r = kube_list(c, res, ns, label_selector, field_selector, &real);
		c->dry_run = true;
		if (r >= 0) {
			_cleanup_free_ char *kind = xasprintf("%sList", res->kind);
			/* kubeadm prints the typed list: each item carries its apiVersion and kind */
			_cleanup_free_ char *api_version =
				*res->group ? xasprintf("%s/%s", res->group, res->version)
					    : xstrdup(res->version);
			json_t *printed = json_deep_copy(real);
			size_t i;
			json_t *item;
			json_array_foreach(json_object_get(printed, "items"), i, item) {
				json_object_set_new(item, "apiVersion", json_string(api_version));
				json_object_set_new(item, "kind", json_string(res->kind));
			}
			log_object(c, res, printed, kind);
			json_decref(printed);
			*ret = real;
			return 0;
		}
	}
	fprintf(c->out, "[dryrun] Real object does not exist. Attempting to LIST from followup "
			"reactors or from the fake client tracker\n");
	error_clear();
	/* the tracker's list: every tracked object of that resource (and namespace) */
	_cleanup_free_ char *prefix = xasprintf("%s/%s/%s/", res->group, res->resource,
						res->namespaced ? strempty(ns) : "");
	json_t *items = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(c->tracker, k, v) {
		if (strneq(k, prefix, strlen(prefix)) || (res->namespaced && (!ns || !*ns) &&
		    strneq(k, prefix, strlen(prefix) - 1)))
			json_array_append(items, v);
	}
	*ret = json_pack("{s:{},s:o}", "metadata", "items", items);
	return 0;
}

static int already_exists(const struct kube_resource *res, const char *name)
{
	_cleanup_free_ char *gr = group_resource(res);
	return error_set(-EEXIST, "%s \"%s\" already exists", gr, strempty(name));
}

int kube_dry_write(struct kube_client *c, const char *verb, const struct kube_resource *res,
		   const json_t *obj, json_t **ret)
{
	log_action(c, verb, res, false, NULL, NULL, obj);
	const char *ns = strempty(obj_str(obj, "metadata.namespace"));
	const char *name = strempty(obj_str(obj, "metadata.name"));
	_cleanup_free_ char *key = tracker_key(res, ns, name);
	json_t *cur = json_object_get(c->tracker, key);
	if (streq(verb, "create") && cur)
		return already_exists(res, name);
	if (streq(verb, "update") && !cur)
		return not_found(res, name);
	json_object_set_new(c->tracker, key, json_deep_copy(obj));
	if (ret)
		*ret = json_deep_copy(obj);
	return 0;
}

int kube_dry_patch(struct kube_client *c, const struct kube_resource *res, const char *ns,
		   const char *name, enum kube_patch_type type, const json_t *patch, json_t **ret)
{
	log_action(c, "patch", res, true, ns, name, NULL);
	if (res == &kube_res_nodes && (c->flags & KUBE_DRYRUN_PATCH_NODE)) {
		json_t *n = fake_node(name);
		log_object(c, res, n, NULL);
		if (ret)
			*ret = n;
		else
			json_decref(n);
		return 0;
	}
	_cleanup_free_ char *key = tracker_key(res, ns, name);
	json_t *cur = json_object_get(c->tracker, key);
	if (!cur)
		return not_found(res, name);
	json_t *doc = json_deep_copy(cur);
	int r = type == KUBE_PATCH_JSON ? json_patch_apply(&doc, patch)
					: json_merge_patch(doc, patch);
	if (r < 0) {
		json_decref(doc);
		return r;
	}
	json_object_set(c->tracker, key, doc);
	if (ret)
		*ret = doc;
	else
		json_decref(doc);
	return 0;
}

int kube_dry_delete(struct kube_client *c, const struct kube_resource *res, const char *ns,
		    const char *name)
{
	log_action(c, "delete", res, true, ns, name, NULL);
	/* DeleteBootstrapTokenReactor sits before the tracker (AppendReactor) */
	if (res == &kube_res_secrets && (c->flags & KUBE_DRYRUN_DELETE_TOKEN) && ns &&
	    streq(ns, "kube-system") && strneq(name, "bootstrap-token-", 16)) {
		_cleanup_json_ json_t *s =
			json_pack("{s:{s:s,s:s}}", "metadata", "name", name, "namespace", ns);
		log_object(c, res, s, NULL);
		return 0;
	}
	_cleanup_free_ char *key = tracker_key(res, ns, name);
	if (!json_object_get(c->tracker, key))
		return not_found(res, name);
	json_object_del(c->tracker, key);
	return 0;
}
