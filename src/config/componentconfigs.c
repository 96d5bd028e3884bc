/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "config/componentconfigs.h"
#include "config/duration.h"
#include "config/net.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#include "config/componentconfigs-shapes.h"

/* ---- decoding as encoding/json into the Go struct, driven by the generated shapes ---- */

struct ccctx {
	char ***unknown;
	char *saved; /* first type error: encoding/json keeps going and returns it at the end */
};

static const char *jkind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	default:
		return "null";
	}
}

static void type_error(struct ccctx *c, const json_t *v, const char *sname, const char *gopath,
		       const json_t *shape, bool literal)
{
	if (c->saved)
		return;
	const char *t = json_string_value(json_object_get(shape, "t"));
	if (literal && json_is_integer(v))
		c->saved = xasprintf("json: cannot unmarshal number %" JSON_INTEGER_FORMAT
				     " into Go struct field %s.%s of type %s",
				     json_integer_value(v), sname, gopath, t);
	else if (literal && json_is_real(v)) {
		_cleanup_strbuf_ struct strbuf lit = STRBUF_INIT;
		json_format_go_json_float(&lit, json_real_value(v));
		c->saved = xasprintf("json: cannot unmarshal number %s into Go struct field %s.%s "
				     "of type %s",
				     lit.buf, sname, gopath, t);
	}
	else
		c->saved = xasprintf("json: cannot unmarshal %s into Go struct field %s.%s of type %s",
				     jkind(v), sname, gopath, t);
}

/* The zero value of a struct as Go marshals it (omitempty fields left out). */
static json_t *zero_of(const json_t *shape);

static json_t *zero_field(const json_t *fld)
{
	const json_t *s = json_object_get(fld, "s");
	if (json_is_true(json_object_get(fld, "p")))
		return json_null();
	if (json_object_get(s, "f"))
		return zero_of(s);
	if (json_object_get(s, "l") || json_object_get(s, "m"))
		return json_null();
	const char *k = json_string_value(json_object_get(s, "k"));
	if (!k || streq(k, "any"))
		return json_null();
	if (streq(k, "string"))
		return json_string("");
	if (streq(k, "bool"))
		return json_false();
	if (streq(k, "duration"))
		return json_string("0s");
	return json_integer(0);
}

static json_t *zero_of(const json_t *shape)
{
	json_t *o = json_object();
	const char *k;
	json_t *fld;
	json_object_foreach(json_object_get(shape, "f"), k, fld)
		if (!json_is_true(json_object_get(fld, "o")))
			json_object_set_new(o, k, zero_field(fld));
	return o;
}

static int dec(const json_t *s, const json_t *v, json_t **slot, bool ptr, const char *path,
	       const char *gopath, const char *sname, struct ccctx *c);

static int dec_struct(const json_t *s, const json_t *v, json_t **slot, const char *path,
		      const char *gopath, struct ccctx *c)
{
	if (!json_is_object(*slot)) {
		json_decref(*slot);
		*slot = zero_of(s);
	}
	const json_t *fields = json_object_get(s, "f");
	const char *sname = json_string_value(json_object_get(s, "n"));
	size_t n;
	_cleanup_free_ const char **keys = json_object_sorted_keys(v, &n);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = *path ? xasprintf("%s.%s", path, keys[i]) : xstrdup(keys[i]);
		const json_t *fld = json_object_get(fields, keys[i]);
		if (!fld) {
			if (c->unknown)
				strv_consume(c->unknown, xasprintf("unknown field \"%s\"", p));
			continue;
		}
		_cleanup_free_ char *gp = *gopath ? xasprintf("%s.%s", gopath, keys[i])
						  : xstrdup(keys[i]);
		json_t *child = json_incref(json_object_get(*slot, keys[i]));
		int r = dec(json_object_get(fld, "s"), json_object_get(v, keys[i]), &child,
			    json_is_true(json_object_get(fld, "p")), p, gp, sname, c);
		if (child)
			json_object_set_new(*slot, keys[i], child);
		if (r < 0)
			return r;
	}
	return 0;
}

static int dec(const json_t *s, const json_t *v, json_t **slot, bool ptr, const char *path,
	       const char *gopath, const char *sname, struct ccctx *c)
{
	const char *kind = json_string_value(json_object_get(s, "k"));
	bool is_struct = json_object_get(s, "f") != NULL;
	const json_t *elem = json_object_get(s, "l");
	const json_t *val = json_object_get(s, "m");

	if (json_is_null(v)) {
		/* nil for pointers, slices, maps and interfaces; anything else is left alone */
		if (ptr || elem || val || (kind && streq(kind, "any"))) {
			json_decref(*slot);
			*slot = json_null();
		}
		return 0;
	}
	if (is_struct) {
		if (!json_is_object(v)) {
			type_error(c, v, sname, gopath, s, false);
			return 0;
		}
		return dec_struct(s, v, slot, path, gopath, c);
	}
	if (elem) {
		if (!json_is_array(v)) {
			type_error(c, v, sname, gopath, s, false);
			return 0;
		}
		json_t *a = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			_cleanup_free_ char *p = xasprintf("%s[%zu]", path, i);
			json_t *es = NULL;
			int r = dec(elem, e, &es, false, p, gopath, sname, c);
			if (!es)
				es = json_object_get(elem, "f") ? zero_of(elem) : json_null();
			json_array_append_new(a, es);
			if (r < 0) {
				json_decref(a);
				return r;
			}
		}
		json_decref(*slot);
		*slot = a;
		return 0;
	}
	if (val) {
		if (!json_is_object(v)) {
			type_error(c, v, sname, gopath, s, false);
			return 0;
		}
		json_t *o = json_object();
		const char *k;
		json_t *e;
		json_object_foreach((json_t *)v, k, e) {
			_cleanup_free_ char *p = xasprintf("%s.%s", path, k);
			json_t *es = NULL;
			int r = dec(val, e, &es, false, p, gopath, sname, c);
			json_object_set_new(o, k, es ? es : json_null());
			if (r < 0) {
				json_decref(o);
				return r;
			}
		}
		json_decref(*slot);
		*slot = o;
		return 0;
	}
	json_t *out = NULL;
	if (streq(kind, "string")) {
		if (json_is_string(v))
			out = json_deep_copy(v);
	} else if (streq(kind, "bool")) {
		if (json_is_boolean(v))
			out = json_deep_copy(v);
	} else if (streq(kind, "int") || streq(kind, "uint")) {
		int bits = (int)json_integer_value(json_object_get(s, "b"));
		bool u = streq(kind, "uint");
		int64_t whole;
		if (json_is_real(v) && double_to_int64(json_real_value(v), &whole))
			out = json_integer(whole);
		else if (json_is_integer(v))
			out = json_integer(json_integer_value(v));
		if (out) {
			json_int_t x = json_integer_value(out);
			bool ok = u ? x >= 0 && (bits >= 63 || x < ((json_int_t)1 << bits))
				    : bits >= 64 || (x >= -((json_int_t)1 << (bits - 1)) &&
						     x < ((json_int_t)1 << (bits - 1)));
			if (!ok) {
				json_decref(out);
				type_error(c, v, sname, gopath, s, true);
				return 0;
			}
		} else if (json_is_number(v)) {
			type_error(c, v, sname, gopath, s, true);
			return 0;
		}
	} else if (streq(kind, "float")) {
		if (json_is_number(v))
			out = json_deep_copy(v);
	} else if (streq(kind, "duration")) {
		/* metav1.Duration.UnmarshalJSON: its errors end decoding at once */
		if (!json_is_string(v))
			return error_set(-EINVAL,
					 "json: cannot unmarshal %s into Go struct field %s.%s of type string",
					 jkind(v), sname, gopath);
		int64_t ns;
		int r = duration_parse(json_string_value(v), &ns);
		if (r < 0)
			return r;
		char buf[DURATION_BUF];
		out = json_string(duration_format(ns, buf, sizeof(buf)));
	} else {
		out = json_deep_copy(v);
	}
	if (!out) {
		type_error(c, v, sname, gopath, s, false);
		return 0;
	}
	json_decref(*slot);
	*slot = out;
	return 0;
}

static int decode_doc(const char *zero, const char *shape_text, const char *api_version,
		      const char *kind, const json_t *user, char ***unknown, json_t **ret)
{
	json_t *doc = json_loads(zero, 0, NULL);
	if (user && json_is_object(user)) {
		_cleanup_(json_decrefp) json_t *shape = json_loads(shape_text, 0, NULL);
		struct ccctx c = { .unknown = unknown };
		int r = dec_struct(shape, user, &doc, "", "", &c);
		if (r >= 0 && c.saved)
			r = error_set(-EINVAL, "%s", c.saved);
		free(c.saved);
		if (r < 0) {
			json_decref(doc);
			return r;
		}
	}
	json_object_set_new(doc, "apiVersion", json_string(api_version));
	json_object_set_new(doc, "kind", json_string(kind));
	*ret = doc;
	return 0;
}

int cc_decode(const char *kind, const json_t *user, char ***unknown, json_t **ret)
{
	if (streq(kind, "KubeletConfiguration"))
		return decode_doc(kubelet_zero, kubelet_shape, KUBELET_GROUP "/" KUBELET_VERSION, kind,
				  user, unknown, ret);
	if (streq(kind, "KubeProxyConfiguration"))
		return decode_doc(kubeproxy_zero, kubeproxy_shape,
				  KUBEPROXY_GROUP "/" KUBEPROXY_VERSION, kind, user, unknown, ret);
	return error_set(-EINVAL, "unknown component config kind %s", kind);
}

json_t *cc_kubelet_new(const json_t *user)
{
	json_t *doc = NULL;
	if (cc_decode("KubeletConfiguration", user, NULL, &doc) < 0)
		cc_decode("KubeletConfiguration", NULL, NULL, &doc);
	return doc;
}

json_t *cc_kubeproxy_new(const json_t *user)
{
	json_t *doc = NULL;
	if (cc_decode("KubeProxyConfiguration", user, NULL, &doc) < 0)
		cc_decode("KubeProxyConfiguration", NULL, NULL, &doc);
	return doc;
}

/* encoding/json's omitempty: false, 0, "", nil and empty slices/maps are left out. */
static bool is_empty(const json_t *v)
{
	return json_is_null(v) || json_is_false(v) ||
	       (json_is_integer(v) && json_integer_value(v) == 0) ||
	       (json_is_real(v) && json_real_value(v) == 0) ||
	       (json_is_string(v) && !*json_string_value(v)) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

static void prune(json_t *v, const json_t *s)
{
	if (json_object_get(s, "f") && json_is_object(v)) {
		const json_t *fields = json_object_get(s, "f");
		const char *k;
		json_t *e, *tmp;
		json_object_foreach_safe(v, tmp, k, e) {
			const json_t *fld = json_object_get(fields, k);
			if (!fld)
				continue;
			bool ptr = json_is_true(json_object_get(fld, "p"));
			const json_t *fs = json_object_get(fld, "s");
			bool is_map = json_object_get(fs, "m") != NULL;
			bool empty = ptr ? json_is_null(e)
					 : (is_empty(e) ||
					    (is_map && json_is_object(e) && json_object_size(e) == 0));
			if (json_is_true(json_object_get(fld, "o")) && empty &&
			    !json_object_get(fs, "f")) {
				json_object_del(v, k);
				continue;
			}
			prune(e, fs);
		}
	} else if (json_object_get(s, "l") && json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			prune(e, json_object_get(s, "l"));
	} else if (json_object_get(s, "m") && json_is_object(v)) {
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e)
			prune(e, json_object_get(s, "m"));
	}
}

json_t *cc_marshal_json(const json_t *doc)
{
	json_t *j = json_deep_copy(doc);
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	const char *text = kind && streq(kind, "KubeletConfiguration")	  ? kubelet_shape
			   : kind && streq(kind, "KubeProxyConfiguration") ? kubeproxy_shape
									    : NULL;
	if (text) {
		json_t *shape = json_loads(text, 0, NULL);
		prune(j, shape);
		json_decref(shape);
	}
	return j;
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

	/* filepath.Join(certificatesDir, "ca.crt") */
	_cleanup_free_ char *ca = path_join(cluster->certificates_dir ?: "", "ca.crt");
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

void cc_unknown_fields(const json_t *doc, const char *kind, char ***unknown)
{
	json_t *out = NULL;
	if (cc_decode(kind, doc, unknown, &out) >= 0)
		json_decref(out);
	error_clear();
}
