/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "config/componentconfigs.h"
#include "config/net.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#include "config/componentconfigs-shapes.h"

/* Objects merge key by key (a Go struct decoded over its zero value); anything else replaces. */
static void merge(json_t *dst, const json_t *src)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)src, k, v) {
		json_t *d = json_object_get(dst, k);
		if (json_is_object(d) && json_is_object(v))
			merge(d, v);
		else if (json_is_null(v) && d && !json_is_object(d) && !json_is_array(d) &&
			 !json_is_null(d))
			continue; /* null leaves a Go scalar untouched */
		else
			json_object_set_new(dst, k, json_deep_copy(v));
	}
}

static json_t *new_doc(const char *zero, const char *api_version, const char *kind,
		       const json_t *user)
{
	json_t *doc = json_loads(zero, 0, NULL);
	if (user)
		merge(doc, user);
	json_object_set_new(doc, "apiVersion", json_string(api_version));
	json_object_set_new(doc, "kind", json_string(kind));
	return doc;
}

json_t *cc_kubelet_new(const json_t *user)
{
	return new_doc(kubelet_zero, KUBELET_GROUP "/" KUBELET_VERSION, "KubeletConfiguration", user);
}

json_t *cc_kubeproxy_new(const json_t *user)
{
	return new_doc(kubeproxy_zero, KUBEPROXY_GROUP "/" KUBEPROXY_VERSION,
		       "KubeProxyConfiguration", user);
}

static json_t *path_obj(json_t *root, const char *a, const char *b)
{
	json_t *o = json_object_get(root, a);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(root, a, o);
	}
	if (!b)
		return o;
	json_t *p = json_object_get(o, b);
	if (!json_is_object(p)) {
		p = json_object();
		json_object_set_new(o, b, p);
	}
	return p;
}

static const char *str_or_empty(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void warn_default(const char *kind, const char *param, const char *def, const char *user)
{
	log_warning("The recommended value for \"%s\" in \"%s\" is: %s; the provided value is: %s",
		    param, kind, def, user);
}

/* Go's %v of a []string: [a b]. */
static char *go_strv(const json_t *a)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addch(&sb, '[');
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		if (i)
			strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, json_string_value(v) ? json_string_value(v) : "");
	}
	strbuf_addch(&sb, ']');
	return strbuf_detach(&sb, NULL);
}

void cc_kubelet_default(json_t *kc, const struct cfg_cluster_configuration *cluster)
{
	const char *kind = "KubeletConfiguration";
	const char *s;

	if (!json_is_object(json_object_get(kc, "featureGates")))
		json_object_set_new(kc, "featureGates", json_object());

	s = str_or_empty(kc, "staticPodPath");
	if (!*s)
		json_object_set_new(kc, "staticPodPath", json_string("/etc/kubernetes/manifests"));
	else if (!streq(s, "/etc/kubernetes/manifests"))
		warn_default(kind, "staticPodPath", "/etc/kubernetes/manifests", s);

	/* constants.GetDNSIP: the 10th address of the first service subnet. */
	char dns[64] = "10.96.0.10";
	if (cluster->networking.service_subnet) {
		_cleanup_strv_free_ char **nets = strv_split(cluster->networking.service_subnet, ',',
							      false);
		struct cfg_cidr c;
		struct cfg_ip ip;
		if (nets && nets[0] && net_parse_cidr(nets[0], &c) && net_cidr_indexed_ip(&c, 10, &ip))
			net_ip_string(&ip, dns, sizeof(dns));
	}
	json_t *cd = json_object_get(kc, "clusterDNS");
	if (!json_is_array(cd)) {
		json_t *a = json_array();
		json_array_append_new(a, json_string(dns));
		json_object_set_new(kc, "clusterDNS", a);
	} else if (json_array_size(cd) != 1 ||
		   !streq(json_string_value(json_array_get(cd, 0)) ?: "", dns)) {
		_cleanup_free_ char *def = xasprintf("[%s]", dns);
		_cleanup_free_ char *user = go_strv(cd);
		warn_default(kind, "clusterDNS", def, user);
	}

	const char *domain = cluster->networking.dns_domain ? cluster->networking.dns_domain : "";
	s = str_or_empty(kc, "clusterDomain");
	if (!*s)
		json_object_set_new(kc, "clusterDomain", json_string(domain));
	else if (*domain && !streq(s, domain))
		warn_default(kind, "clusterDomain", domain, s);

	_cleanup_free_ char *ca = xasprintf("%s/ca.crt", cluster->certificates_dir ?: "");
	json_t *x509 = path_obj(kc, "authentication", "x509");
	s = str_or_empty(x509, "clientCAFile");
	if (!*s)
		json_object_set_new(x509, "clientCAFile", json_string(ca));
	else if (!streq(s, ca))
		warn_default(kind, "authentication.x509.clientCAFile", ca, s);

	json_t *anon = path_obj(kc, "authentication", "anonymous");
	json_t *en = json_object_get(anon, "enabled");
	if (!json_is_boolean(en))
		json_object_set_new(anon, "enabled", json_false());
	else if (json_is_true(en))
		warn_default(kind, "authentication.anonymous.enabled", "false", "true");

	json_t *authz = path_obj(kc, "authorization", NULL);
	s = str_or_empty(authz, "mode");
	if (!*s)
		json_object_set_new(authz, "mode", json_string("Webhook"));
	else if (!streq(s, "Webhook"))
		warn_default(kind, "authorization.mode", "Webhook", s);

	json_t *wh = path_obj(kc, "authentication", "webhook");
	en = json_object_get(wh, "enabled");
	if (!json_is_boolean(en))
		json_object_set_new(wh, "enabled", json_true());
	else if (!json_is_true(en))
		warn_default(kind, "authentication.webhook.enabled", "true", "false");

	s = str_or_empty(kc, "healthzBindAddress");
	if (!*s)
		json_object_set_new(kc, "healthzBindAddress", json_string("127.0.0.1"));
	else if (!streq(s, "127.0.0.1"))
		warn_default(kind, "healthzBindAddress", "127.0.0.1", s);

	json_t *hp = json_object_get(kc, "healthzPort");
	if (!json_is_integer(hp))
		json_object_set_new(kc, "healthzPort", json_integer(10248));
	else if (json_integer_value(hp) != 10248) {
		char user[32];
		snprintf(user, sizeof(user), "%" JSON_INTEGER_FORMAT, json_integer_value(hp));
		warn_default(kind, "healthzPort", "10248", user);
	}

	json_t *ro = json_object_get(kc, "readOnlyPort");
	if (json_is_integer(ro) && json_integer_value(ro) != 0) {
		char user[32];
		snprintf(user, sizeof(user), "%" JSON_INTEGER_FORMAT, json_integer_value(ro));
		warn_default(kind, "readOnlyPort", "0", user);
	}

	json_object_set_new(kc, "rotateCertificates", json_true());

	if (!*str_or_empty(kc, "cgroupDriver")) {
		log_v(1, "the value of KubeletConfiguration.cgroupDriver is empty; setting it to \"systemd\"");
		json_object_set_new(kc, "cgroupDriver", json_string("systemd"));
	}
}

void cc_kubeproxy_default(json_t *kp, const struct cfg_cluster_configuration *cluster,
			  const struct cfg_api_endpoint *endpoint)
{
	const char *kind = "KubeProxyConfiguration";
	struct cfg_ip ip;

	if (!json_is_object(json_object_get(kp, "featureGates")))
		json_object_set_new(kp, "featureGates", json_object());

	const char *bind = str_or_empty(kp, "bindAddress");
	if (!*bind) {
		const char *adv = endpoint && endpoint->advertise_address ? endpoint->advertise_address
									   : "";
		bool v4 = net_parse_ip(adv, &ip) && !ip.v6;
		json_object_set_new(kp, "bindAddress", json_string(v4 ? "0.0.0.0" : "::"));
	} else if (streq(bind, "0.0.0.0") || streq(bind, "::")) {
		/* a wildcard is what kubeadm recommends */
	} else if (!net_parse_ip(bind, &ip)) {
		log_warning("The bindAddress \"%s\" in \"%s\" is not a valid IP address", bind, kind);
	} else {
		warn_default(kind, "bindAddress", ip.v6 ? "::" : "0.0.0.0", bind);
	}

	const char *pod = cluster->networking.pod_subnet ? cluster->networking.pod_subnet : "";
	const char *cidr = str_or_empty(kp, "clusterCIDR");
	if (!*cidr && *pod)
		json_object_set_new(kp, "clusterCIDR", json_string(pod));
	else if (*pod && !streq(cidr, pod))
		warn_default(kind, "clusterCIDR", pod, cidr);

	json_t *cc = path_obj(kp, "clientConnection", NULL);
	const char *kcfg = str_or_empty(cc, "kubeconfig");
	if (!*kcfg)
		json_object_set_new(cc, "kubeconfig", json_string("/var/lib/kube-proxy/kubeconfig.conf"));
	else if (!streq(kcfg, "/var/lib/kube-proxy/kubeconfig.conf"))
		warn_default(kind, "clientConnection.kubeconfig", "/var/lib/kube-proxy/kubeconfig.conf",
			     kcfg);

	const char *mode = str_or_empty(kp, "mode");
	if (streq(mode, "ipvs"))
		log_warning("The \"%s\" field \"mode\" is set to \"ipvs\" which has been deprecated since "
			    "version v1.35. For newer Linux kernel versions, we recommend using the "
			    "\"nftables\" mode, which has been GA since v1.33. For older Linux kernel "
			    "versions, you can use the \"iptables\" mode which is still the default one.",
			    kind);
	if (!*mode)
		json_object_set_new(kp, "mode", json_string("iptables"));
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void walk_unknown(const json_t *v, const json_t *shape, const char *path, char ***unknown)
{
	if (json_is_object(shape) && json_is_object(v)) {
		const json_t *any = json_object_get(shape, "*");
		size_t n = json_object_size(v), i = 0;
		const char **keys = xcalloc(n + 1, sizeof(char *));
		const char *k;
		json_t *e;
		json_object_foreach((json_t *)v, k, e)
			keys[i++] = k;
		qsort(keys, n, sizeof(char *), cmp_key);
		for (i = 0; i < n; i++) {
			_cleanup_free_ char *p = *path ? xasprintf("%s.%s", path, keys[i])
						       : xstrdup(keys[i]);
			const json_t *sub = any ? any : json_object_get(shape, keys[i]);
			if (!sub) {
				strv_consume(unknown, xasprintf("unknown field \"%s\"", p));
				continue;
			}
			walk_unknown(json_object_get(v, keys[i]), sub, p, unknown);
		}
		free(keys);
	} else if (json_is_array(shape) && json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			_cleanup_free_ char *p = xasprintf("%s[%zu]", path, i);
			walk_unknown(e, json_array_get(shape, 0), p, unknown);
		}
	}
}

void cc_unknown_fields(const json_t *doc, const char *kind, char ***unknown)
{
	const char *text = streq(kind, "KubeletConfiguration")	  ? kubelet_shape
			   : streq(kind, "KubeProxyConfiguration") ? kubeproxy_shape
								    : NULL;
	if (!text || !json_is_object(doc))
		return;
	json_t *shape = json_loads(text, 0, NULL);
	walk_unknown(doc, shape, "", unknown);
	json_decref(shape);
}
