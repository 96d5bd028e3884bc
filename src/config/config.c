/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading kubeadm configuration files as util/config/ (Go) does: split the documents, group
 * them by GroupVersionKind, check API versions, strictly decode, default (static and
 * dynamic), validate; and the `config print|migrate|validate|images` entry points.
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/componentconfigs.h"
#include "config/config.h"
#include "config/duration.h"
#include "config/net.h"
#include "config/validation.h"
#include "config/version.h"
#include "config/yaml-glue.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define KUBEADM_GROUP "kubeadm.k8s.io"
#define CURRENT_VERSION "v1beta4"
#define DEFAULT_CRI_SOCKET "unix:///var/run/containerd/containerd.sock"
#define MAX_CONFIG_SIZE (16u << 20)

/* ---- documents ---- */

struct doc {
	char *group, *version, *kind;
	char *raw; /* the YAML text of the document */
	size_t len;
	json_t *obj;
};

struct docs {
	struct doc *v;
	size_t n;
};

static void docs_release(struct docs *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].group);
		free(d->v[i].version);
		free(d->v[i].kind);
		free(d->v[i].raw);
		json_decref(d->v[i].obj);
	}
	free(d->v);
	*d = (struct docs){ 0 };
}

static char *gvk_string(const struct doc *d)
{
	return xasprintf("%s/%s, Kind=%s", d->group, d->version, d->kind);
}

static char *gvk_gostring(const struct doc *d)
{
	return xasprintf("schema.GroupVersionKind{Group:\"%s\", Version:\"%s\", Kind:\"%s\"}",
			 d->group, d->version, d->kind);
}

static bool is_kubeadm_kind(const char *kind)
{
	return streq(kind, "InitConfiguration") || streq(kind, "ClusterConfiguration") ||
	       streq(kind, "JoinConfiguration") || streq(kind, "ResetConfiguration") ||
	       streq(kind, "UpgradeConfiguration");
}

/* Is the GVK registered in kubeadm's scheme or the component config scheme? */
static bool known_gvk(const struct doc *d)
{
	if (streq(d->group, KUBEADM_GROUP))
		return (streq(d->version, CURRENT_VERSION) || streq(d->version, "v1")) &&
		       is_kubeadm_kind(d->kind);
	if (streq(d->group, KUBELET_GROUP))
		return streq(d->version, KUBELET_VERSION) &&
		       (streq(d->kind, "KubeletConfiguration") ||
			streq(d->kind, "SerializedNodeConfigSource") ||
			streq(d->kind, "CredentialProviderConfig") || streq(d->kind, "ImagePullIntent") ||
			streq(d->kind, "ImagePulledRecord"));
	if (streq(d->group, KUBEPROXY_GROUP))
		return streq(d->version, KUBEPROXY_VERSION) && streq(d->kind, "KubeProxyConfiguration");
	return false;
}

static bool component_group(const char *group)
{
	return streq(group, KUBELET_GROUP) || streq(group, KUBEPROXY_GROUP);
}

/* kubeadmutil.SplitConfigDocuments. */
static int split_config_documents(const char *data, size_t len, struct docs *ret)
{
	_cleanup_strv_free_ char **raw = NULL;
	_cleanup_strv_free_ char **errs = NULL;
	struct docs docs = { 0 };
	/* Documents travel as C strings: a NUL byte becomes \x01, which go-yaml's reader rejects
	 * with the same "control characters are not allowed" as it does NUL. */
	_cleanup_free_ char *copy = NULL;
	if (memchr(data, '\0', len)) {
		copy = xmalloc(len + 1);
		for (size_t i = 0; i < len; i++)
			copy[i] = data[i] ? data[i] : '\x01';
		copy[len] = '\0';
		data = copy;
	}
	int r = yg_split(data, len, &raw);
	if (r < 0)
		return r;
	STRV_FOREACH(p, raw) {
		if (**p == '\0')
			break;
		json_t *obj = NULL;
		r = yg_to_json(*p, strlen(*p), false, &obj);
		if (r < 0) {
			docs_release(&docs);
			return error_wrap(r, "could not interpret GroupVersionKind; unmarshal error: "
					     "error converting YAML to JSON");
		}
		const char *av = "", *kind = "";
		if (obj && !json_is_null(obj)) {
			if (!json_is_object(obj)) {
				const char *what = json_is_array(obj)	 ? "array"
						   : json_is_string(obj) ? "string"
						   : json_is_number(obj) ? "number"
									 : "bool";
				json_decref(obj);
				docs_release(&docs);
				return error_set(-EINVAL,
						 "could not interpret GroupVersionKind; unmarshal error: error "
						 "unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
						 "%s into Go value of type runtime.TypeMeta",
						 what);
			}
			const char *names[2] = { "apiVersion", "kind" };
			for (int i = 0; i < 2; i++) {
				json_t *v = json_object_get(obj, names[i]);
				if (v && !json_is_string(v) && !json_is_null(v)) {
					const char *what = json_is_array(v)    ? "array"
							   : json_is_object(v) ? "object"
							   : json_is_number(v) ? "number"
									       : "bool";
					json_decref(obj);
					docs_release(&docs);
					return error_set(-EINVAL,
							 "could not interpret GroupVersionKind; unmarshal "
							 "error: error unmarshaling JSON: while decoding JSON: "
							 "json: cannot unmarshal %s into Go struct field "
							 "TypeMeta.%s of type string",
							 what, names[i]);
				}
			}
			av = json_string_value(json_object_get(obj, "apiVersion")) ?: "";
			kind = json_string_value(json_object_get(obj, "kind")) ?: "";
		}
		/* schema.ParseGroupVersion */
		_cleanup_free_ char *group = NULL, *version = NULL;
		const char *slash = strchr(av, '/');
		if (!*av || streq(av, "/")) {
			group = xstrdup("");
			version = xstrdup("");
		} else if (!slash) {
			group = xstrdup("");
			version = xstrdup(av);
		} else if (strchr(slash + 1, '/')) {
			int r2 = error_set(-EINVAL, "unexpected GroupVersion string: %s", av);
			json_decref(obj);
			docs_release(&docs);
			return r2;
		} else {
			group = xstrndup(av, (size_t)(slash - av));
			version = xstrdup(slash + 1);
		}
		if (!*group || !*version || !*kind) {
			int r2 = error_set(-EINVAL,
					   "invalid configuration for GroupVersionKind %s/%s, Kind=%s: kind "
					   "and apiVersion is mandatory information that must be specified",
					   group, version, kind);
			json_decref(obj);
			docs_release(&docs);
			return r2;
		}
		bool dup = false;
		for (size_t i = 0; i < docs.n; i++)
			if (streq(docs.v[i].kind, kind))
				dup = true;
		if (dup) {
			strv_consume(&errs, xasprintf("invalid configuration: kind \"%s\" is specified "
						      "twice in YAML file",
						      kind));
			json_decref(obj);
			continue;
		}
		docs.v = xrealloc(docs.v, (docs.n + 1) * sizeof(*docs.v));
		docs.v[docs.n++] = (struct doc){
			.group = TAKE_PTR(group),
			.version = TAKE_PTR(version),
			.kind = xstrdup(kind),
			.raw = xstrdup(*p),
			.len = strlen(*p),
			.obj = obj ? obj : json_null(),
		};
	}
	if (errs) {
		docs_release(&docs);
		if (strv_length(errs) == 1)
			return error_set(-EINVAL, "%s", errs[0]);
		_cleanup_strv_free_ char **uniq = NULL;
		STRV_FOREACH(e, errs)
			if (!strv_contains(uniq, *e))
				strv_push(&uniq, *e);
		if (strv_length(uniq) == 1)
			return error_set(-EINVAL, "%s", uniq[0]);
		_cleanup_free_ char *j = strv_join(uniq, ", ");
		return error_set(-EINVAL, "[%s]", j);
	}
	*ret = docs;
	return 0;
}

static const char *old_api_kubeadm_version(const char *group, const char *version)
{
	static const struct {
		const char *v, *kubeadm;
	} old[] = {
		{ "v1alpha1", "v1.11" }, { "v1alpha2", "v1.12" }, { "v1alpha3", "v1.14" },
		{ "v1beta1", "v1.15" },	 { "v1beta2", "v1.22" },  { "v1beta3", "v1.36" },
	};
	if (!streq(group, KUBEADM_GROUP))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(old); i++)
		if (streq(version, old[i].v))
			return old[i].kubeadm;
	return NULL;
}

/* validateSupportedVersion. */
static int validate_supported_version(const struct doc *d, bool allow_experimental)
{
	const char *use = old_api_kubeadm_version(d->group, d->version);
	if (use)
		return error_set(-EINVAL,
				 "your configuration file uses an old API spec: \"%s/%s\" (kind: \"%s\"). "
				 "Please use kubeadm %s instead and run 'kubeadm config migrate "
				 "--old-config old-config-file --new-config new-config-file', which will "
				 "write the new, similar spec using a newer API version.",
				 d->group, d->version, d->kind, use);
	if (streq(d->group, KUBEADM_GROUP) && streq(d->version, "v1") && !allow_experimental)
		return error_set(-EINVAL,
				 "experimental API spec: \"%s/%s\" (kind: \"%s\") is not allowed. You can "
				 "use the --allow-experimental-api flag if the command supports it.",
				 d->group, d->version, d->kind);
	return 0;
}

/* validateKnownGVKs. */
static int validate_known_gvks(const struct docs *docs)
{
	_cleanup_strv_free_ char **unknown = NULL;
	for (size_t i = 0; i < docs->n; i++) {
		const struct doc *d = &docs->v[i];
		if (old_api_kubeadm_version(d->group, d->version))
			continue;
		if (!known_gvk(d))
			strv_consume(&unknown, gvk_gostring(d));
	}
	if (!unknown)
		return 0;
	_cleanup_free_ char *j = strv_join(unknown, ", ");
	return error_set(-EINVAL, "unknown configuration APIs: []schema.GroupVersionKind{%s}", j);
}

static const struct cfg_type *type_for_kind(const char *kind)
{
	if (streq(kind, "InitConfiguration"))
		return &cfg_type_init_configuration;
	if (streq(kind, "ClusterConfiguration"))
		return &cfg_type_cluster_configuration;
	if (streq(kind, "JoinConfiguration"))
		return &cfg_type_join_configuration;
	if (streq(kind, "ResetConfiguration"))
		return &cfg_type_reset_configuration;
	if (streq(kind, "UpgradeConfiguration"))
		return &cfg_type_upgrade_configuration;
	return NULL;
}

/*
 * strict.VerifyUnmarshalStrict: returns 0 or -EINVAL with the message set. Component configs
 * are not modelled field by field: only their GVK is checked.
 */
static int verify_unmarshal_strict(const struct doc *d, bool component_configs)
{
	_cleanup_free_ char *gs = gvk_gostring(d);
	bool known = known_gvk(d) && (component_configs || !component_group(d->group));
	if (!known)
		return error_set(-EINVAL, "unknown configuration %s", gs);
	const struct cfg_type *t = type_for_kind(d->kind);
	if (component_group(d->group)) {
		_cleanup_strv_free_ char **strict = NULL;
		json_t *dupcheck = NULL;
		if (yg_to_json(d->raw, d->len, true, &dupcheck) < 0)
			strv_push(&strict, error_message(-EINVAL));
		json_decref(dupcheck);
		error_clear();
		if (streq(d->kind, "KubeletConfiguration") || streq(d->kind, "KubeProxyConfiguration")) {
			json_t *tmp = NULL;
			int r = cc_decode(d->kind, d->obj, &strict, &tmp);
			json_decref(tmp);
			if (r < 0)
				return error_wrap(r, "error unmarshaling configuration %s", gs);
		}
		if (!strict)
			return 0;
		_cleanup_free_ char *j = strv_join(strict, ", ");
		return error_set(-EINVAL, "error unmarshaling configuration %s: strict decoding error: %s",
				 gs, j);
	}
	if (!t || !streq(d->group, KUBEADM_GROUP))
		return 0;

	_cleanup_strv_free_ char **strict = NULL;
	json_t *dupcheck = NULL;
	if (yg_to_json(d->raw, d->len, true, &dupcheck) < 0)
		strv_push(&strict, error_message(-EINVAL));
	json_decref(dupcheck);
	error_clear();

	void *obj = xcalloc(1, t->size);
	int r = cfg_decode_version(t, d->obj, obj, &strict, streq(d->version, "v1"));
	cfg_release(t, obj);
	free(obj);
	if (r < 0)
		return error_wrap(r, "error unmarshaling configuration %s", gs);
	if (strict) {
		_cleanup_free_ char *j = strv_join(strict, ", ");
		return error_set(-EINVAL, "error unmarshaling configuration %s: strict decoding error: %s",
				 gs, j);
	}
	return 0;
}

/* runtime.DecodeInto with the universal decoder: decode (unknown fields dropped) + defaults. */
static int decode_into(const struct doc *d, const struct cfg_type *t, void *out)
{
	return cfg_decode_version(t, d->obj, out, NULL, streq(d->version, "v1"));
}

/* ---- overrides (flags bound onto the versioned structs) ---- */

static void merge_patch(json_t *target, const json_t *patch)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)patch, k, v) {
		json_t *t = json_object_get(target, k);
		if (json_is_null(v))
			json_object_del(target, k);
		else if (json_is_object(v) && json_is_object(t))
			merge_patch(t, v);
		else
			json_object_set_new(target, k, json_deep_copy(v));
	}
}

static int apply_override(const struct cfg_type *t, void *obj, json_t *overrides, const char *kind)
{
	json_t *patch = overrides ? json_object_get(overrides, kind) : NULL;
	if (!json_is_object(patch))
		return 0;
	_cleanup_(json_decrefp) json_t *j = cfg_encode(t, obj);
	merge_patch(j, patch);
	void *fresh = xcalloc(1, t->size);
	int r = cfg_decode(t, j, fresh, NULL);
	if (r < 0) {
		cfg_release(t, fresh);
		free(fresh);
		return r;
	}
	cfg_release(t, obj);
	memcpy(obj, fresh, t->size);
	free(fresh);
	return 0;
}

/* ---- dynamic defaults ---- */

/* Go's text for the errno values a file read can give (syscall.Errno.Error). */
static int generate_token(char **ret)
{
	static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char tok[24];
	for (int i = 0; i < 23; i++) {
		if (i == 6) {
			tok[i] = '.';
			continue;
		}
		unsigned char b;
		do {
			if (getrandom(&b, 1, 0) != 1)
				return error_set(-EIO, "couldn't generate random token");
		} while (b >= 252); /* 252 = 7 * 36: no modulo bias */
		tok[i] = alphabet[b % 36];
	}
	tok[23] = '\0';
	*ret = xstrdup(tok);
	return 0;
}

static bool is_socket(const char *url)
{
	struct stat st;
	const char *path = url + strlen("unix://");
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* SetNodeRegistrationDynamicDefaults. */
static int node_registration_dynamic(struct cfg_node_registration *nr, bool cp_taint,
				     bool skip_cri_detect)
{
	char host[256];
	const char *name = nr->name && *nr->name ? nr->name : NULL;
	if (!name) {
		if (gethostname(host, sizeof(host)) < 0)
			return error_set(-errno, "couldn't determine hostname: %m");
		host[sizeof(host) - 1] = '\0';
		name = host;
	}
	const char *b = name;
	while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r' || *b == '\v' || *b == '\f')
		b++;
	size_t l = strlen(b);
	while (l > 0 && strchr(" \t\n\r\v\f", b[l - 1]))
		l--;
	if (l == 0)
		return error_set(-EINVAL, "empty hostname is invalid");
	char *lower = xstrndup(b, l);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	free(nr->name);
	nr->name = lower;

	if (cp_taint && !nr->taints.set) {
		struct cfg_taint *t = cfg_list_push(&nr->taints, &cfg_type_taint);
		t->key = xstrdup("node-role.kubernetes.io/control-plane");
		t->effect = xstrdup("NoSchedule");
	}

	if (!nr->cri_socket || !*nr->cri_socket) {
		free(nr->cri_socket);
		if (skip_cri_detect) {
			log_v(4, "skip CRI socket detection, fill with the default CRI socket %s",
			      DEFAULT_CRI_SOCKET);
			nr->cri_socket = xstrdup(DEFAULT_CRI_SOCKET);
			return 0;
		}
		static const char *const known[] = { "unix:///var/run/containerd/containerd.sock",
						     "unix:///var/run/crio/crio.sock",
						     "unix:///var/run/cri-dockerd.sock" };
		_cleanup_strv_free_ char **found = NULL;
		for (size_t i = 0; i < ARRAY_SIZE(known); i++)
			if (is_socket(known[i]))
				strv_push(&found, known[i]);
		if (strv_length(found) > 1) {
			nr->cri_socket = NULL;
			_cleanup_free_ char *j = strv_join(found, ", ");
			return error_set(-EINVAL,
					 "found multiple CRI endpoints on the host. Please define which one "
					 "do you wish to use by setting the 'criSocket' field in the kubeadm "
					 "configuration file: %s",
					 j);
		}
		nr->cri_socket = xstrdup(found ? found[0] : DEFAULT_CRI_SOCKET);
		log_v(1, "detected and using CRI socket: %s", nr->cri_socket);
	} else if (!strneq(nr->cri_socket, "unix", 4)) {
		log_warning("Usage of CRI endpoints without URL scheme is deprecated and can cause kubelet "
			    "errors in the future. Automatically prepending scheme \"unix\" to the "
			    "\"criSocket\" with value \"%s\". Please update your configuration!",
			    nr->cri_socket);
		char *s = xasprintf("unix://%s", nr->cri_socket);
		free(nr->cri_socket);
		nr->cri_socket = s;
	}
	return 0;
}

/* The interface of the IPv4 default route in /proc/net/route, if any. */
static bool default_route_iface(char *ifname, size_t size, bool *ret_v6)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	if (fs_read_file(AT_FDCWD, "/proc/net/route", 1 << 20, &data, &len) >= 0) {
		_cleanup_strv_free_ char **lines = strv_split(data, '\n', true);
		STRV_FOREACH(l, lines) {
			char name[64];
			unsigned long dest, gw, flags;
			if (sscanf(*l, "%63s %lx %lx %lx", name, &dest, &gw, &flags) == 4 && dest == 0 &&
			    (flags & 1)) {
				snprintf(ifname, size, "%s", name);
				*ret_v6 = false;
				return true;
			}
		}
	}
	_cleanup_free_ char *data6 = NULL;
	if (fs_read_file(AT_FDCWD, "/proc/net/ipv6_route", 1 << 20, &data6, &len) >= 0) {
		_cleanup_strv_free_ char **lines = strv_split(data6, '\n', true);
		STRV_FOREACH(l, lines) {
			char dst[40], dlen[3], name[64];
			if (sscanf(*l, "%32s %2s %*s %*s %*s %*s %*s %*s %*s %63s", dst, dlen, name) == 3 &&
			    streq(dst, "00000000000000000000000000000000") && streq(dlen, "00") &&
			    !streq(name, "lo")) {
				snprintf(ifname, size, "%s", name);
				*ret_v6 = true;
				return true;
			}
		}
	}
	return false;
}

static bool is_global_unicast(const struct cfg_ip *ip)
{
	if (net_ip_is_unspecified(ip) || net_ip_is_loopback(ip))
		return false;
	if (!ip->v6) {
		static const uint8_t bcast[4] = { 255, 255, 255, 255 };
		return !(ip->a[12] >= 224 && ip->a[12] <= 239) &&
		       !(ip->a[12] == 169 && ip->a[13] == 254) && memcmp(ip->a + 12, bcast, 4) != 0;
	}
	if (ip->a[0] == 0xff)
		return false;
	if (ip->a[0] == 0xfe && (ip->a[1] & 0xc0) == 0x80)
		return false;
	return true;
}

/*
 * The first global unicast address, IPv4 first, of interface ifname, or with ifname NULL of any
 * interface that is up and neither loopback nor point-to-point (chooseIPFromHostInterfaces).
 */
static int global_ip_of_interface(const char *ifname, char **ret)
{
	struct ifaddrs *ifa = NULL;
	if (getifaddrs(&ifa) < 0)
		return error_set(-errno, "unable to list network interfaces: %m");
	if (!ifa && !ifname)
		return error_set(-ENODEV, "no interfaces found on host.");
	char *found = NULL;
	for (int fam = 0; fam < 2 && !found; fam++)
		for (struct ifaddrs *p = ifa; p && !found; p = p->ifa_next) {
			if (!p->ifa_addr || !(p->ifa_flags & IFF_UP))
				continue;
			if (ifname ? !streq(p->ifa_name, ifname)
				   : (p->ifa_flags & (IFF_LOOPBACK | IFF_POINTOPOINT)) != 0)
				continue;
			struct cfg_ip ip = { 0 };
			if (fam == 0 && p->ifa_addr->sa_family == AF_INET) {
				static const uint8_t pre[12] = { [10] = 0xff, [11] = 0xff };
				memcpy(ip.a, pre, 12);
				memcpy(ip.a + 12, &((struct sockaddr_in *)p->ifa_addr)->sin_addr, 4);
			} else if (fam == 1 && p->ifa_addr->sa_family == AF_INET6) {
				memcpy(ip.a, &((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr, 16);
				ip.v6 = true;
			} else
				continue;
			if (!is_global_unicast(&ip))
				continue;
			char buf[64];
			found = xstrdup(net_ip_string(&ip, buf, sizeof(buf)));
		}
	freeifaddrs(ifa);
	if (!found && !ifname)
		return error_set(-EADDRNOTAVAIL,
				 "no acceptable interface with global unicast address found on host");
	if (!found)
		return error_set(-EINVAL, "unable to select an IP from %s network interface", ifname);
	*ret = found;
	return 0;
}

/* ChooseAPIServerBindAddress for an unspecified address (netutil.ResolveBindAddress). */
static int choose_bind_address(char **ret)
{
	char ifname[64];
	bool v6 = false;
	/* ChooseHostInterface: without a routing table (a chroot without /proc), any interface */
	if (access("/proc/net/route", F_OK) < 0 && errno == ENOENT)
		return global_ip_of_interface(NULL, ret);
	if (!default_route_iface(ifname, sizeof(ifname), &v6)) {
		log_warning("WARNING: could not obtain a bind address for the API Server: no default "
			    "routes found in \"/proc/net/route\" or \"/proc/net/ipv6_route\"; using: "
			    "0.0.0.0");
		*ret = xstrdup("0.0.0.0");
		return 0;
	}
	(void)v6;
	return global_ip_of_interface(ifname, ret);
}

/* SetAPIEndpointDynamicDefaults. */
static int api_endpoint_dynamic(struct cfg_api_endpoint *e)
{
	const char *addr = e->advertise_address ? e->advertise_address : "";
	struct cfg_ip ip;
	bool ok = net_parse_ip(addr, &ip);
	if (!ok && *addr)
		return error_set(-EINVAL,
				 "couldn't use \"%s\" as \"apiserver-advertise-address\", must be ipv4 or "
				 "ipv6 address",
				 addr);
	if (ok && net_ip_is_loopback(&ip)) {
		/* ChooseBindAddressForInterface("lo"): a global unicast address on lo, IPv4 first. */
		char *chosen = NULL;
		int r = global_ip_of_interface("lo", &chosen);
		if (r < 0)
			return r;
		free(e->advertise_address);
		e->advertise_address = chosen;
		return 0;
	}
	if (!ok || net_ip_is_unspecified(&ip)) {
		char *chosen = NULL;
		int r = choose_bind_address(&chosen);
		if (r < 0)
			return r;
		free(e->advertise_address);
		e->advertise_address = chosen;
		return 0;
	}
	char buf[64];
	char *s = xstrdup(net_ip_string(&ip, buf, sizeof(buf)));
	free(e->advertise_address);
	e->advertise_address = s;
	return 0;
}

/*
 * componentconfigs.FetchFromDocumentMap: per handler (kube-proxy's, then the kubelet's), the
 * first document of its group: version check, strict decoding warnings, then decoding.
 */
static int fetch_from_document_map(struct init_config *c, const struct docs *docs)
{
	static const struct {
		const char *group, *version, *kind;
	} handlers[] = {
		{ KUBEPROXY_GROUP, KUBEPROXY_VERSION, "KubeProxyConfiguration" },
		{ KUBELET_GROUP, KUBELET_VERSION, "KubeletConfiguration" },
	};
	for (size_t h = 0; h < ARRAY_SIZE(handlers); h++) {
		const struct doc *d = NULL;
		for (size_t i = 0; docs && i < docs->n && !d; i++)
			if (streq(docs->v[i].group, handlers[h].group))
				d = &docs->v[i];
		json_t **slot = h == 0 ? &c->kubeproxy : &c->kubelet;
		if (!d) {
			if (!*slot)
				(void)cc_decode(handlers[h].kind, NULL, NULL, slot);
			continue;
		}
		if (!streq(d->version, handlers[h].version))
			return error_set(-EINVAL,
					 "unsupported apiVersion \"%s/%s\", you may have to do manual "
					 "conversion to \"%s/%s\" and run kubeadm again",
					 d->group, d->version, d->group, handlers[h].version);
		if (verify_unmarshal_strict(d, true) < 0) {
			log_warning("%s", error_message(-EINVAL));
			error_clear();
		}
		if (!streq(d->kind, handlers[h].kind))
			return error_set(-EINVAL, "converting (%s.%s) to (%s.%s): unknown conversion",
					 d->version, d->kind, handlers[h].version, handlers[h].kind);
		json_decref(*slot);
		*slot = NULL;
		int r = cc_decode(handlers[h].kind, json_is_object(d->obj) ? d->obj : NULL, NULL, slot);
		if (r < 0)
			return r;
	}
	return 0;
}

/* componentconfigs.Default: kube-proxy first, then the kubelet (the `known` order). */
static void default_component_configs(struct init_config *c)
{
	(void)fetch_from_document_map(c, NULL); /* no documents: cannot fail */
	cc_kubeproxy_default(c->kubeproxy, &c->cluster, &c->init.local_api_endpoint);
	cc_kubelet_default(c->kubelet, &c->cluster);
}

int config_normalize_kubernetes_version(struct init_config *c)
{
	const char *v = c->cluster.kubernetes_version ? c->cluster.kubernetes_version : "";
	bool ci = kube_is_ci_version(v);
	if (ci && c->cluster.image_repository && streq(c->cluster.image_repository, "registry.k8s.io")) {
		free(c->ci_image_repository);
		c->ci_image_repository = xstrdup("gcr.io/k8s-staging-ci-images");
	}
	_cleanup_free_ char *ver = NULL;
	int r = kube_release_version(v, &ver);
	if (r < 0)
		return r;
	if (ci) {
		free(c->ci_kubernetes_version);
		c->ci_kubernetes_version = xasprintf("ci/%s", ver);
	}
	free(c->cluster.kubernetes_version);
	c->cluster.kubernetes_version = xstrdup(ver);
	struct semver k, min = { 1, 36, 0, "" };
	r = semver_parse(ver, &k);
	if (r < 0)
		return error_wrap(r, "couldn't parse Kubernetes version \"%s\"", ver);
	if (semver_cmp(&k, &min) < 0)
		return error_set(-EINVAL,
				 "this version of kubeadm only supports deploying clusters with the "
				 "control plane version >= 1.36.0. Current version: %s",
				 ver);
	return 0;
}

/* SetInitDynamicDefaults. */
static int init_dynamic_defaults_ex(struct init_config *c, bool skip_cri_detect,
				    bool skip_api_endpoint);

static int init_dynamic_defaults(struct init_config *c, bool skip_cri_detect)
{
	return init_dynamic_defaults_ex(c, skip_cri_detect, false);
}

static int init_dynamic_defaults_ex(struct init_config *c, bool skip_cri_detect,
				    bool skip_api_endpoint)
{
	for (size_t i = 0; i < c->init.bootstrap_tokens.n; i++) {
		struct cfg_token *t = CFG_LIST_AT(&c->init.bootstrap_tokens, struct cfg_token, i);
		if (t->token && *t->token)
			continue;
		free(t->token);
		t->token = NULL;
		int r = generate_token(&t->token);
		if (r < 0)
			return r;
		t->generated = true;
	}
	int r = node_registration_dynamic(&c->init.node_registration, true, skip_cri_detect);
	if (r < 0)
		return r;
	if (!skip_api_endpoint) {
		r = api_endpoint_dynamic(&c->init.local_api_endpoint);
		if (r < 0)
			return r;
	}
	default_component_configs(c);
	r = config_normalize_kubernetes_version(c);
	if (r < 0)
		return r;
	if (c->cluster.control_plane_endpoint && *c->cluster.control_plane_endpoint) {
		_cleanup_free_ char *host = NULL, *port = NULL;
		r = cfg_parse_host_port(c->cluster.control_plane_endpoint, &host, &port);
		if (r < 0)
			return r;
		if (!*port) {
			char *ep = strchr(host, ':')
					   ? xasprintf("[%s]:%lld", host,
						       (long long)c->init.local_api_endpoint.bind_port)
					   : xasprintf("%s:%lld", host,
						       (long long)c->init.local_api_endpoint.bind_port);
			free(c->cluster.control_plane_endpoint);
			c->cluster.control_plane_endpoint = ep;
		}
	}
	STRV_FOREACH(s, c->cluster.api_server.cert_sans)
		for (char *p = *s; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	return 0;
}

/* ---- init ---- */

struct init_config *config_init_free(struct init_config *c)
{
	if (!c)
		return NULL;
	cfg_release(&cfg_type_init_configuration, &c->init);
	cfg_release(&cfg_type_cluster_configuration, &c->cluster);
	json_decref(c->kubelet);
	json_decref(c->kubeproxy);
	free(c->ci_image_repository);
	free(c->ci_kubernetes_version);
	free(c);
	return NULL;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(struct init_config *, config_init_free)

/*
 * The end of documentMapToInitConfiguration and of DefaultedInitConfiguration: the overrides
 * on the versioned objects before defaulting (as kubeadm's flags), static defaults, the
 * component configs of the file (docs; NULL: none read), dynamic defaults, validation.
 */
static int finish_init(struct init_config *c, json_t *overrides, const struct docs *docs,
		       bool skip_cri_detect)
{
	int r = apply_override(&cfg_type_init_configuration, &c->init, overrides, "InitConfiguration");
	if (r < 0)
		return r;
	r = apply_override(&cfg_type_cluster_configuration, &c->cluster, overrides,
			   "ClusterConfiguration");
	if (r < 0)
		return r;
	cfg_default_init(&c->init);
	cfg_default_cluster(&c->cluster);
	if (docs) {
		r = fetch_from_document_map(c, docs);
		if (r < 0)
			return r;
	}
	r = init_dynamic_defaults(c, skip_cri_detect);
	if (r < 0)
		return r;
	return cfg_validate_init(&c->init, &c->cluster);
}

/* documentMapToInitConfiguration. */
static int docs_to_init(const struct docs *docs, json_t *overrides, bool allow_experimental,
			bool strict, bool skip_cri_detect, struct init_config **ret)
{
	_cleanup_(config_init_freep) struct init_config *c = xnew0(struct init_config);
	bool have_init = false, have_cluster = false;

	/* gvks sorted by their String() form */
	_cleanup_free_ size_t *order = xcalloc(docs->n + 1, sizeof(size_t));
	for (size_t i = 0; i < docs->n; i++)
		order[i] = i;
	for (size_t i = 1; i < docs->n; i++)
		for (size_t j = i; j > 0; j--) {
			_cleanup_free_ char *a = gvk_string(&docs->v[order[j - 1]]);
			_cleanup_free_ char *b = gvk_string(&docs->v[order[j]]);
			if (strcmp(a, b) <= 0)
				break;
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}

	for (size_t k = 0; k < docs->n; k++) {
		const struct doc *d = &docs->v[order[k]];
		int r = validate_supported_version(d, allow_experimental);
		if (r < 0)
			return r;
		r = verify_unmarshal_strict(d, true);
		if (r < 0) {
			if (strict)
				return r;
			log_warning("%s", error_message(r));
			error_clear();
		}
		bool kubeadm = streq(d->group, KUBEADM_GROUP) && known_gvk(d);
		if (kubeadm && streq(d->kind, "InitConfiguration")) {
			cfg_release(&cfg_type_init_configuration, &c->init);
			memset(&c->init, 0, sizeof(c->init));
			r = decode_into(d, &cfg_type_init_configuration, &c->init);
			if (r < 0)
				return r;
			have_init = true;
			continue;
		}
		if (kubeadm && streq(d->kind, "ClusterConfiguration")) {
			cfg_release(&cfg_type_cluster_configuration, &c->cluster);
			memset(&c->cluster, 0, sizeof(c->cluster));
			r = decode_into(d, &cfg_type_cluster_configuration, &c->cluster);
			if (r < 0)
				return r;
			have_cluster = true;
			continue;
		}
		if (!component_group(d->group)) {
			_cleanup_free_ char *g = gvk_string(d);
			log_warning("[config] WARNING: Ignored configuration document with GroupVersionKind "
				    "%s\n",
				    g);
		}
	}
	if (!have_init && !have_cluster)
		return error_set(-EINVAL, "no InitConfiguration or ClusterConfiguration kind was found "
					  "in the configuration file");

	int r = finish_init(c, overrides, docs, skip_cri_detect);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

/* DefaultedInitConfiguration: no file, the flags' values only. */
static int defaulted_init(json_t *overrides, bool skip_cri_detect, struct init_config **ret)
{
	_cleanup_(config_init_freep) struct init_config *c = xnew0(struct init_config);
	int r = finish_init(c, overrides, NULL, skip_cri_detect);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

int config_init_from_bytes(const char *data, size_t len, json_t *overrides,
			   const struct config_load_options *opts, struct init_config **ret)
{
	struct docs docs = { 0 };
	int r = split_config_documents(data, len, &docs);
	if (r < 0)
		return r;
	/* LoadOrDefaultInitConfiguration: with a file, the flag-bound values are not used. */
	(void)overrides;
	r = docs_to_init(&docs, NULL, false, false, opts ? opts->skip_cri_detect : false, ret);
	docs_release(&docs);
	return r;
}

int config_load_init_opts(const char *path, json_t *overrides,
			  const struct config_load_options *opts, struct init_config **ret)
{
	bool skip = opts ? opts->skip_cri_detect : false;
	if (!path || !*path)
		return defaulted_init(overrides, skip, ret);
	log_v(1, "loading configuration from \"%s\"", path);
	_cleanup_free_ char *data = NULL;
	size_t len;
	/* kubeadm: errors.Wrapf(err, "unable to read config from %q ", cfgPath) */
	int r = fs_read_file(AT_FDCWD, path, MAX_CONFIG_SIZE, &data, &len);
	if (r < 0)
		return error_set(r, "unable to read config from \"%s\" : %s %s: %s", path,
				 r == -EISDIR ? "read" : "open", path, go_strerror(-r));
	return config_init_from_bytes(data, len, overrides, opts, ret);
}

int config_load_init(const char *path, json_t *overrides, struct init_config **ret)
{
	return config_load_init_opts(path, overrides, NULL, ret);
}

/* ---- marshalling ---- */

static int marshal_doc(const struct cfg_type *t, const void *obj, const char *kind,
		       struct strbuf *out)
{
	_cleanup_(json_decrefp) json_t *j = cfg_encode(t, obj);
	json_object_set_new(j, "apiVersion", json_string(KUBEADM_GROUP "/" CURRENT_VERSION));
	json_object_set_new(j, "kind", json_string(kind));
	return yg_from_json(j, out);
}

int config_init_marshal(const struct init_config *c, struct strbuf *out)
{
	int r = marshal_doc(&cfg_type_init_configuration, &c->init, "InitConfiguration", out);
	if (r < 0)
		return r;
	strbuf_addstr(out, "---\n");
	return marshal_doc(&cfg_type_cluster_configuration, &c->cluster, "ClusterConfiguration", out);
}

static int marshal_component(const json_t *cc, struct strbuf *out)
{
	_cleanup_(json_decrefp) json_t *j = cc_marshal_json(cc);
	return yg_from_json(j, out);
}

/* ---- config print ---- */

static void print_timeouts(struct cfg_timeouts **t)
{
	if (!*t)
		*t = xnew0(struct cfg_timeouts);
	cfg_default_timeouts(*t);
}

/* DefaultedStaticInitConfiguration. */
static struct init_config *static_init_config(void)
{
	struct init_config *c = xnew0(struct init_config);
	c->init.local_api_endpoint.advertise_address = xstrdup("1.2.3.4");
	c->init.node_registration.cri_socket = xstrdup(DEFAULT_CRI_SOCKET);
	c->init.node_registration.name = xstrdup("node");
	c->cluster.kubernetes_version = xstrdup("1.37.0");
	/* the one defaulted token gets configutil.PlaceholderToken's value */
	cfg_default_init(&c->init);
	struct cfg_token *t = CFG_LIST_AT(&c->init.bootstrap_tokens, struct cfg_token, 0);
	free(t->token);
	t->token = xstrdup("abcdef.0123456789abcdef");
	cfg_default_cluster(&c->cluster);
	default_component_configs(c);
	return c;
}

/* DefaultedResetConfiguration's defaulting, dynamic defaults and validation (below) */
static int finish_reset(void *obj, bool skip_cri_detect);

int config_print_defaults(enum config_defaults which, char *const *component_configs,
			  struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	int r = 0;

	STRV_FOREACH(k, component_configs)
		if (!streq(*k, "KubeletConfiguration") && !streq(*k, "KubeProxyConfiguration"))
			return error_set(-EINVAL, "--component-configs needs to contain some of "
						  "[KubeProxyConfiguration KubeletConfiguration]");

	switch (which) {
	case CONFIG_DEFAULTS_INIT: {
		_cleanup_(config_init_freep) struct init_config *c = static_init_config();
		r = config_init_marshal(c, &sb);
		STRV_FOREACH(k, component_configs) {
			if (r < 0)
				break;
			strbuf_addstr(&sb, "---\n");
			r = marshal_component(streq(*k, "KubeletConfiguration") ? c->kubelet
									       : c->kubeproxy,
					      &sb);
		}
		break;
	}
	case CONFIG_DEFAULTS_JOIN: {
		struct cfg_join_configuration j = { 0 };
		j.discovery.bootstrap_token = xnew0(struct cfg_bootstrap_token_discovery);
		j.discovery.bootstrap_token->token = xstrdup("abcdef.0123456789abcdef");
		j.discovery.bootstrap_token->api_server_endpoint = xstrdup("kube-apiserver:6443");
		j.discovery.bootstrap_token->unsafe_skip_ca_verification = true;
		cfg_default_join(&j);
		r = node_registration_dynamic(&j.node_registration, false, true);
		if (r >= 0)
			r = cfg_validate_join(&j);
		if (r >= 0)
			r = marshal_doc(&cfg_type_join_configuration, &j, "JoinConfiguration", &sb);
		cfg_release(&cfg_type_join_configuration, &j);
		break;
	}
	case CONFIG_DEFAULTS_RESET: {
		/* DefaultedResetConfiguration with SkipCRIDetect (its -v4 line included) */
		struct cfg_reset_configuration rc = { 0 };
		r = finish_reset(&rc, true);
		if (r >= 0)
			r = marshal_doc(&cfg_type_reset_configuration, &rc, "ResetConfiguration", &sb);
		cfg_release(&cfg_type_reset_configuration, &rc);
		break;
	}
	case CONFIG_DEFAULTS_UPGRADE: {
		struct cfg_upgrade_configuration u = { 0 };
		cfg_default_upgrade(&u);
		print_timeouts(&u.timeouts);
		r = cfg_validate_upgrade(&u);
		if (r >= 0)
			r = marshal_doc(&cfg_type_upgrade_configuration, &u, "UpgradeConfiguration", &sb);
		cfg_release(&cfg_type_upgrade_configuration, &u);
		break;
	}
	}
	if (r >= 0)
		strbuf_add(out, sb.buf, sb.len);
	strbuf_release(&sb);
	return r;
}

/* ---- images (images.go) ---- */

static char *version_to_tag(const char *v)
{
	char *t = xstrdup(v);
	for (char *p = t; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-' || *p == '.'))
			*p = '_';
	return t;
}

char *config_image_kubernetes(const struct init_config *c, const char *component)
{
	const char *repo = c->ci_image_repository && *c->ci_image_repository
				   ? c->ci_image_repository
				   : c->cluster.image_repository;
	_cleanup_free_ char *tag = version_to_tag(c->cluster.kubernetes_version);
	return xasprintf("%s/%s:%s", repo, component, tag);
}

char *config_image_coredns(const struct init_config *c)
{
	const char *repo = c->cluster.image_repository;
	if (c->cluster.dns.image_repository && *c->cluster.dns.image_repository)
		repo = c->cluster.dns.image_repository;
	const char *tag = c->cluster.dns.image_tag && *c->cluster.dns.image_tag
				  ? c->cluster.dns.image_tag
				  : "v1.14.6";
	if (streq(repo, "registry.k8s.io"))
		return xasprintf("%s/coredns/coredns:%s", repo, tag);
	return xasprintf("%s/coredns:%s", repo, tag);
}

char *config_image_pause(const struct init_config *c)
{
	return xasprintf("%s/pause:3.10.2", c->cluster.image_repository);
}

char *config_image_etcd(const struct init_config *c)
{
	const char *repo = c->cluster.image_repository;
	const struct cfg_local_etcd *l = c->cluster.etcd.local;
	if (l && l->image_repository && *l->image_repository)
		repo = l->image_repository;
	/* SupportedEtcdVersion {34,35,36} all map to 3.7.0-0, the nearest for any other minor. */
	const char *tag = "3.7.0-0";
	struct semver v;
	if (semver_parse(c->cluster.kubernetes_version, &v) >= 0 &&
	    (v.minor < 34 || v.minor > 36))
		log_v(1, "WARNING: could not find officially supported version of etcd for Kubernetes "
			 "%s, falling back to the nearest etcd version (3.7.0-0)",
		      c->cluster.kubernetes_version);
	else
		error_clear();
	if (l && l->image_tag && *l->image_tag)
		tag = l->image_tag;
	return xasprintf("%s/etcd:%s", repo, tag);
}

char **config_images(const struct init_config *c)
{
	char **v = NULL;
	strv_consume(&v, config_image_kubernetes(c, "kube-apiserver"));
	strv_consume(&v, config_image_kubernetes(c, "kube-controller-manager"));
	strv_consume(&v, config_image_kubernetes(c, "kube-scheduler"));
	if (c->cluster.proxy.disabled)
		log_v(1, "skipping the kube-proxy image pull since the bundled addon is disabled");
	else
		strv_consume(&v, config_image_kubernetes(c, "kube-proxy"));
	if (c->cluster.dns.disabled)
		log_v(1, "skipping the CoreDNS image pull since the bundled addon is disabled");
	else
		strv_consume(&v, config_image_coredns(c));
	strv_consume(&v, config_image_pause(c));
	if (c->cluster.etcd.local)
		strv_consume(&v, config_image_etcd(c));
	return v;
}

json_t *config_images_object(const struct init_config *c)
{
	_cleanup_strv_free_ char **images = config_images(c);
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string("Images"));
	json_object_set_new(o, "apiVersion", json_string("output.kubeadm.k8s.io/v1alpha3"));
	json_t *a = json_array();
	STRV_FOREACH(i, images)
		json_array_append_new(a, json_string(*i));
	json_object_set_new(o, "images", a);
	return o;
}

/* ---- validate / migrate ---- */

static bool has_kind(const struct docs *d, const char *kind)
{
	for (size_t i = 0; i < d->n; i++)
		if (streq(d->v[i].kind, kind))
			return true;
	return false;
}

/* documentMapToJoin/Reset/UpgradeConfiguration share this shape. */
static int single_kind_doc(const struct docs *docs, const char *kind, bool allow_experimental,
			   bool strict, const struct doc **ret)
{
	const struct doc *found = NULL;
	for (size_t i = 0; i < docs->n; i++) {
		const struct doc *d = &docs->v[i];
		if (!streq(d->kind, kind)) {
			_cleanup_free_ char *g = gvk_string(d);
			log_warning("[config] WARNING: Ignored configuration document with GroupVersionKind "
				    "%s\n",
				    g);
			continue;
		}
		int r = validate_supported_version(d, allow_experimental);
		if (r < 0)
			return r;
		r = verify_unmarshal_strict(d, false);
		if (r < 0) {
			if (strict)
				return r;
			log_warning("%s", error_message(r));
			error_clear();
		}
		found = d;
	}
	if (!found)
		return error_set(-EINVAL, "no %s found in the supplied config", kind);
	*ret = found;
	return 0;
}

/* The defaulting, dynamic defaulting and validation that follow decoding, per kind. */
static int finish_join(void *obj, bool skip_cri_detect)
{
	struct cfg_join_configuration *j = obj;
	cfg_default_join(j);
	int r = node_registration_dynamic(&j->node_registration, j->control_plane != NULL,
					  skip_cri_detect);
	if (r < 0)
		return r;
	if (j->control_plane) {
		r = api_endpoint_dynamic(&j->control_plane->local_api_endpoint);
		if (r < 0)
			return r;
	}
	return cfg_validate_join(j);
}

static int finish_reset(void *obj, bool skip_cri_detect)
{
	struct cfg_reset_configuration *rc = obj;
	int r;
	cfg_default_reset(rc);
	/* SetResetDynamicDefaults: detect the CRI socket when none is given. */
	if (!rc->cri_socket || !*rc->cri_socket) {
		struct cfg_node_registration nr = { .name = xstrdup("x") };
		r = node_registration_dynamic(&nr, false, skip_cri_detect);
		if (r >= 0) {
			free(rc->cri_socket);
			rc->cri_socket = TAKE_PTR(nr.cri_socket);
		}
		free(nr.name);
		free(nr.cri_socket);
		if (r < 0)
			return r;
	} else if (!strneq(rc->cri_socket, "unix", 4)) {
		struct cfg_node_registration nr = { .name = xstrdup("x"), .cri_socket = rc->cri_socket };
		rc->cri_socket = NULL;
		node_registration_dynamic(&nr, false, true);
		rc->cri_socket = nr.cri_socket;
		free(nr.name);
	}
	return cfg_validate_reset(rc);
}

static int finish_upgrade(void *obj, bool skip_cri_detect)
{
	(void)skip_cri_detect;
	cfg_default_upgrade(obj);
	return cfg_validate_upgrade(obj);
}

/* The configuration kinds read alone from a file (Join/Reset/UpgradeConfiguration). */
struct single_kind {
	const char *kind;
	const struct cfg_type *type;
	int (*finish)(void *obj, bool skip_cri_detect);
	bool upgrade; /* LoadUpgradeConfigurationFromFile: its own read error, no "loading" line */
};

static const struct single_kind kind_join = { "JoinConfiguration", &cfg_type_join_configuration,
					      finish_join, false };
static const struct single_kind kind_reset = { "ResetConfiguration",
					       &cfg_type_reset_configuration, finish_reset, false };
static const struct single_kind kind_upgrade = { "UpgradeConfiguration",
						 &cfg_type_upgrade_configuration, finish_upgrade,
						 true };

/*
 * documentMapToJoin/Reset/UpgradeConfiguration, then the public overrides (only without a
 * file), defaulting and validation, into the zeroed struct obj of type k->type.
 */
static int docs_to_kind(const struct single_kind *k, const struct docs *docs, json_t *overrides,
			bool allow_experimental, bool strict, bool skip_cri_detect, void *obj)
{
	const struct doc *d = NULL;
	int r = 0;
	if (docs) {
		r = single_kind_doc(docs, k->kind, allow_experimental, strict, &d);
		if (r < 0)
			return r;
		r = decode_into(d, k->type, obj);
		if (r < 0)
			return r;
	}
	r = apply_override(k->type, obj, overrides, k->kind);
	if (r < 0)
		return r;
	return k->finish(obj, skip_cri_detect);
}

static int load_docs(const char *path, struct docs *ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = fs_read_file(AT_FDCWD, path, MAX_CONFIG_SIZE, &data, &len);
	if (r < 0)
		return error_set(r, "%s %s: %s", r == -EISDIR ? "read" : "open", path, go_strerror(-r));
	return split_config_documents(data, len, ret);
}

/* LoadJoin/ResetConfigurationFromFile and LoadUpgradeConfigurationFromFile's read errors. */
static int load_docs_for(const char *path, bool upgrade, struct docs *ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	if (!upgrade)
		log_v(1, "loading configuration from \"%s\"", path);
	int r = fs_read_file(AT_FDCWD, path, MAX_CONFIG_SIZE, &data, &len);
	if (r < 0) {
		const char *op = r == -EISDIR ? "read" : "open";
		if (upgrade)
			return error_set(r, "unable to load config from file \"%s\": %s %s: %s", path,
					 op, path, go_strerror(-r));
		return error_set(r, "unable to read config from \"%s\" : %s %s: %s", path, op, path,
				 go_strerror(-r));
	}
	return split_config_documents(data, len, ret);
}

static int config_check_or_migrate(const char *path, bool allow_experimental, bool migrate,
				   struct strbuf *out)
{
	struct docs docs = { 0 };
	int r = load_docs(path, &docs);
	if (r < 0)
		return r;
	struct strbuf sb = STRBUF_INIT;
	r = validate_known_gvks(&docs);
	/* validate: strict errors, no CRI detection; migrate: both as kubeadm passes them. */
	bool skip_cri = !migrate;
	if (r >= 0 && (has_kind(&docs, "InitConfiguration") || has_kind(&docs, "ClusterConfiguration"))) {
		struct init_config *c = NULL;
		r = docs_to_init(&docs, NULL, allow_experimental, true, skip_cri, &c);
		if (r >= 0 && migrate)
			r = config_init_marshal(c, &sb);
		config_init_free(c);
	}
	static const struct single_kind *const kinds[] = { &kind_join, &kind_reset, &kind_upgrade };
	for (size_t i = 0; i < ARRAY_SIZE(kinds) && r >= 0; i++) {
		const struct single_kind *k = kinds[i];
		if (!has_kind(&docs, k->kind))
			continue;
		_cleanup_free_ void *obj = xcalloc(1, k->type->size);
		r = docs_to_kind(k, &docs, NULL, allow_experimental, true, skip_cri, obj);
		if (r >= 0 && migrate) {
			if (sb.len)
				strbuf_addstr(&sb, "---\n");
			r = marshal_doc(k->type, obj, k->kind, &sb);
		}
		cfg_release(k->type, obj);
	}
	docs_release(&docs);
	if (r >= 0) {
		if (migrate)
			strbuf_add(out, sb.buf, sb.len);
		else
			strbuf_addstr(out, "ok\n");
	}
	strbuf_release(&sb);
	return r;
}

int config_validate_file(const char *path, bool allow_experimental, struct strbuf *out)
{
	return config_check_or_migrate(path, allow_experimental, false, out);
}

int config_migrate_file(const char *path, bool allow_experimental, struct strbuf *out)
{
	return config_check_or_migrate(path, allow_experimental, true, out);
}

/* ---- join / reset / upgrade loaders ---- */

struct join_config *config_join_free(struct join_config *c)
{
	if (c) {
		cfg_release(&cfg_type_join_configuration, &c->join);
		free(c);
	}
	return NULL;
}

struct reset_config *config_reset_free(struct reset_config *c)
{
	if (c) {
		cfg_release(&cfg_type_reset_configuration, &c->reset);
		free(c);
	}
	return NULL;
}

struct upgrade_config *config_upgrade_free(struct upgrade_config *c)
{
	if (c) {
		cfg_release(&cfg_type_upgrade_configuration, &c->upgrade);
		free(c);
	}
	return NULL;
}

/* LoadJoin/Reset/UpgradeConfigurationFromFile (path set) or the overrides (path NULL or ""). */
static int load_single_kind(const struct single_kind *k, const char *path, json_t *overrides,
			    const struct config_load_options *opts, void *obj)
{
	struct docs docs = { 0 };
	bool file = path && *path;
	if (file) {
		int r = load_docs_for(path, k->upgrade, &docs);
		if (r < 0)
			return r;
	}
	int r = docs_to_kind(k, file ? &docs : NULL, file ? NULL : overrides, false, false,
			     opts ? opts->skip_cri_detect : false, obj);
	docs_release(&docs);
	return r;
}

int config_load_join(const char *path, json_t *overrides, const struct config_load_options *opts,
		     struct join_config **ret)
{
	struct join_config *c = xnew0(struct join_config);
	int r = load_single_kind(&kind_join, path, overrides, opts, &c->join);
	if (r < 0) {
		config_join_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int config_load_reset(const char *path, json_t *overrides, const struct config_load_options *opts,
		      struct reset_config **ret)
{
	struct reset_config *c = xnew0(struct reset_config);
	int r = load_single_kind(&kind_reset, path, overrides, opts, &c->reset);
	if (r < 0) {
		config_reset_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int config_load_upgrade(const char *path, json_t *overrides,
			const struct config_load_options *opts, struct upgrade_config **ret)
{
	struct upgrade_config *c = xnew0(struct upgrade_config);
	int r = load_single_kind(&kind_upgrade, path, overrides, opts, &c->upgrade);
	if (r < 0) {
		config_upgrade_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int config_cluster_marshal(const struct init_config *c, struct strbuf *out)
{
	return marshal_doc(&cfg_type_cluster_configuration, &c->cluster, "ClusterConfiguration", out);
}

int config_kubelet_marshal(const struct init_config *c, struct strbuf *out)
{
	return marshal_component(c->kubelet, out);
}

int config_kubeproxy_marshal(const struct init_config *c, struct strbuf *out)
{
	return marshal_component(c->kubeproxy, out);
}

int config_join_marshal(const struct join_config *c, struct strbuf *out)
{
	return marshal_doc(&cfg_type_join_configuration, &c->join, "JoinConfiguration", out);
}

int config_reset_marshal(const struct reset_config *c, struct strbuf *out)
{
	return marshal_doc(&cfg_type_reset_configuration, &c->reset, "ResetConfiguration", out);
}

int config_upgrade_marshal(const struct upgrade_config *c, struct strbuf *out)
{
	return marshal_doc(&cfg_type_upgrade_configuration, &c->upgrade, "UpgradeConfiguration", out);
}

int config_ignore_preflight_errors(char *const *from_cli, char *const *from_config, char ***ret)
{
	_cleanup_strv_free_ char **set = NULL;
	char *const *lists[2] = { from_config, from_cli };
	for (int l = 0; l < 2; l++)
		STRV_FOREACH(s, lists[l]) {
			char *lower = xstrdup(*s);
			for (char *p = lower; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
			if (strv_contains(set, lower))
				free(lower);
			else
				strv_consume(&set, lower);
		}
	if (!set)
		set = xcalloc(1, sizeof(char *));
	strv_sort(set);
	if (strv_contains(set, "all") && strv_length(set) > 1) {
		_cleanup_free_ char *j = strv_join(set, ",");
		return error_set(-EINVAL,
				 "ignore-preflight-errors: Invalid value: \"%s\": don't specify individual "
				 "checks if 'all' is used",
				 j);
	}
	*ret = TAKE_PTR(set);
	return 0;
}

int config_verify_apiserver_bind_address(const char *address)
{
	struct cfg_ip ip;
	if (!net_parse_ip(address ? address : "", &ip))
		return error_set(-EINVAL, "cannot parse IP address: %s", address ? address : "");
	if (net_ip_is_loopback(&ip))
		return 0;
	if (!is_global_unicast(&ip))
		return error_set(-EINVAL, "cannot use \"%s\" as the bind address for the API Server",
				 address);
	return 0;
}

int config_init_from_cluster_data(const char *cluster_configuration, const char *kubelet,
				  const char *kubeproxy, struct init_config **ret)
{
	_cleanup_(config_init_freep) struct init_config *c = xnew0(struct init_config);
	cfg_default_init(&c->init);

	struct doc d = {
		.group = (char *)KUBEADM_GROUP,
		.version = (char *)CURRENT_VERSION,
		.kind = (char *)"ClusterConfiguration",
		.raw = (char *)cluster_configuration,
		.len = strlen(cluster_configuration),
	};
	json_t *obj = NULL;
	int r = yg_to_json(cluster_configuration, d.len, false, &obj);
	if (r < 0)
		return error_wrap(r, "failed to decode cluster configuration data: error converting "
				     "YAML to JSON");
	d.obj = obj;
	if (verify_unmarshal_strict(&d, false) < 0) {
		log_warning("%s", error_message(-EINVAL));
		error_clear();
	}
	r = decode_into(&d, &cfg_type_cluster_configuration, &c->cluster);
	json_decref(obj);
	if (r < 0)
		return error_wrap(r, "failed to decode cluster configuration data");
	cfg_default_cluster(&c->cluster);

	const char *texts[2] = { kubeproxy, kubelet };
	const char *kinds[2] = { "KubeProxyConfiguration", "KubeletConfiguration" };
	json_t **slots[2] = { &c->kubeproxy, &c->kubelet };
	for (int i = 0; i < 2; i++) {
		if (!texts[i])
			continue;
		json_t *user = NULL;
		r = yg_to_json(texts[i], strlen(texts[i]), false, &user);
		if (r >= 0) {
			_cleanup_strv_free_ char **unknown = NULL;
			r = cc_decode(kinds[i], json_is_object(user) ? user : NULL, &unknown, slots[i]);
			if (r >= 0 && unknown) {
				_cleanup_free_ char *j = strv_join(unknown, ", ");
				log_warning("strict decoding error: %s", j);
			}
		}
		json_decref(user);
		if (r < 0)
			return error_wrap(r, "failed to get component configs");
	}
	*ret = TAKE_PTR(c);
	return 0;
}

int config_init_dynamic_defaults(struct init_config *c, bool skip_api_endpoint)
{
	return init_dynamic_defaults_ex(c, true, skip_api_endpoint);
}
