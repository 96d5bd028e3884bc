/* SPDX-License-Identifier: Apache-2.0 */
/* The kubelet's files and service, as kubeadm's phases/kubelet package. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/validation.h"
#include "kubelet/initsystem.h"
#include "kubelet/kubelet.h"
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

#define ENV_FILE "kubeadm-flags.env"
#define INSTANCE_FILE "instance-config.yaml"
#define CONFIG_FILE "config.yaml"
#define RESOLVED_CONF "/run/systemd/resolve/resolv.conf"
#define INSTANCE_MAX (1u << 20)

static char *dir_join(const char *dir, const char *file)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return xasprintf("%.*s/%s", (int)n, dir, file);
}

/* nodeutil.GetHostname(""): the lower-cased, trimmed hostname. */
static int get_hostname(char **ret)
{
	char buf[256] = { 0 };
	if (gethostname(buf, sizeof(buf) - 1) < 0)
		return error_set(-errno, "couldn't determine hostname: %s", go_strerror(errno));
	char *s = buf;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		s[--n] = 0;
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (!*s)
		return error_set(-EINVAL, "empty hostname is invalid");
	*ret = xstrdup(s);
	return 0;
}

static int write_file(int rootfd, const char *dir, const char *path, const char *data, size_t len,
		      const char *what)
{
	int r = fs_mkdir_p(rootfd, dir, 0700);
	if (r < 0)
		return error_set(r, "failed to create directory \"%s\": mkdir %s: %s", dir, dir, go_strerror(-r));
	/* os.WriteFile truncates an existing file: its mode stays what it was */
	mode_t mode = 0644;
	struct stat st;
	if (fstatat(rootfd, fs_path_at(rootfd, path), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode))
		mode = st.st_mode & 07777;
	r = fs_write_atomic(rootfd, path, data, len, mode, 0700);
	if (r < 0)
		return error_set(r, "%s \"%s\": open %s: %s", what, path, path, go_strerror(-r));
	return 0;
}

/* v1.Taint.ToString: key[=value]:effect, "key" alone when both value and effect are empty */
static char *taint_to_string(const struct cfg_taint *t)
{
	const char *k = strempty(t->key), *v = strempty(t->value), *e = strempty(t->effect);
	if (!*e)
		return *v ? xasprintf("%s=%s:", k, v) : xstrdup(k);
	return *v ? xasprintf("%s=%s:%s", k, v, e) : xasprintf("%s:%s", k, e);
}

struct kv {
	const char *name;
	char *value;
};

/* kubeadmutil.ArgumentsToCommand(base, overrides): base sorted by name then value; a base
 * arg named by an override is dropped (replace) or merged (append/prepend, the last override
 * of that name decides); the overrides without a merge method follow in their order */
static char **arguments_to_command(struct kv *base, size_t nbase, const struct cfg_list *ov)
{
	for (size_t i = 1; i < nbase; i++)
		for (size_t j = i; j > 0; j--) {
			int c = strcmp(base[j - 1].name, base[j].name);
			if (c < 0 || (c == 0 && strcmp(base[j - 1].value, base[j].value) <= 0))
				break;
			struct kv t = base[j - 1];
			base[j - 1] = base[j];
			base[j] = t;
		}
	char **argv = NULL;
	for (size_t i = 0; i < nbase; i++) {
		const struct cfg_arg *last = NULL;
		for (size_t j = 0; j < ov->n; j++) {
			const struct cfg_arg *a = CFG_LIST_AT(ov, struct cfg_arg, j);
			if (streq(strempty(a->name), base[i].name))
				last = a;
		}
		const char *mm = last ? strempty(last->merge_method) : "";
		if (last && !*mm)
			continue;
		if (!last)
			strv_consume(&argv, xasprintf("--%s=%s", base[i].name, base[i].value));
		else if (streq(mm, "append"))
			strv_consume(&argv, xasprintf("--%s=%s%s", base[i].name, base[i].value,
						      strempty(last->value)));
		else if (streq(mm, "prepend"))
			strv_consume(&argv, xasprintf("--%s=%s%s", base[i].name,
						      strempty(last->value), base[i].value));
		else
			strv_consume(&argv, xasprintf("--%s=%s", base[i].name, strempty(last->value)));
	}
	for (size_t j = 0; j < ov->n; j++) {
		const struct cfg_arg *a = CFG_LIST_AT(ov, struct cfg_arg, j);
		if (!a->merge_method || !*a->merge_method)
			strv_consume(&argv, xasprintf("--%s=%s", strempty(a->name), strempty(a->value)));
	}
	return argv;
}

int kubelet_write_dynamic_env_file(int rootfd, const char *dir,
				   const struct cfg_node_registration *nr, bool register_taints)
{
	/* buildKubeletArgsCommon */
	struct kv base[2];
	size_t nbase = 0;
	/* a nil and an empty taints list both register nothing */
	if (register_taints && nr->taints.n > 0) {
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < nr->taints.n; i++) {
			_cleanup_free_ char *t =
				taint_to_string(CFG_LIST_AT(&nr->taints, struct cfg_taint, i));
			strbuf_addf(&sb, "%s%s", i ? "," : "", t);
		}
		base[nbase++] = (struct kv){ "register-with-taints", strbuf_detach(&sb, NULL) };
	}
	_cleanup_free_ char *hostname = NULL;
	int r = get_hostname(&hostname);
	if (r < 0) {
		log_warning("%s", error_message(r));
		hostname = xstrdup("");
	}
	const char *node = hostname;
	if (nr->name && *nr->name)
		node = nr->name;
	for (size_t i = nr->kubelet_extra_args.n; i-- > 0;) {
		const struct cfg_arg *a = CFG_LIST_AT(&nr->kubelet_extra_args, struct cfg_arg, i);
		if (streq(strempty(a->name), "hostname-override")) {
			node = strempty(a->value);
			break;
		}
	}
	if (!streq(node, hostname)) {
		log_v(1, "setting kubelet hostname-override to \"%s\"", node);
		base[nbase++] = (struct kv){ "hostname-override", xstrdup(node) };
	}
	char **argv = arguments_to_command(base, nbase, &nr->kubelet_extra_args);
	for (size_t i = 0; i < nbase; i++)
		free(base[i].value);
	_cleanup_free_ char *joined = argv ? strv_join(argv, " ") : xstrdup("");
	strv_free(argv);
	_cleanup_free_ char *q = cfg_go_quote(joined);
	_cleanup_free_ char *content = xasprintf("KUBELET_KUBEADM_ARGS=%s\n", q);
	_cleanup_free_ char *path = dir_join(dir, ENV_FILE);
	printf("[kubelet-start] Writing kubelet environment file with flags to file \"%s\"\n", path);
	fflush(stdout);
	return write_file(rootfd, dir, path, content, strlen(content),
			  "failed to write kubelet configuration to the file");
}

int kubelet_write_env_file(int rootfd, const char *dir, const struct cfg_node_registration *nr)
{
	return kubelet_write_dynamic_env_file(rootfd, dir, nr, false);
}

static int write_config_bytes(int rootfd, const char *dir, const char *file, const char *data)
{
	_cleanup_free_ char *path = dir_join(dir, file);
	printf("[kubelet-start] Writing kubelet configuration to file \"%s\"\n", path);
	fflush(stdout);
	return write_file(rootfd, dir, path, data, strlen(data),
			  "failed to write kubelet configuration file");
}

int kubelet_write_instance_config(int rootfd, const char *dir, const char *cri_socket)
{
	_cleanup_free_ char *q = cfg_go_quote(strempty(cri_socket));
	_cleanup_free_ char *content = xasprintf("containerRuntimeEndpoint: %s\n", q);
	return write_config_bytes(rootfd, dir, INSTANCE_FILE, content);
}

/* mutateResolverConfig */
static void mutate(json_t *kc)
{
	enum initsystem_kind k;
	int r = initsystem_detect(&k);
	if (r < 0) {
		log_warning("cannot determine if systemd-resolved is active: %s", error_message(r));
		return;
	}
	if (!initsystem_service_is_active(k, "systemd-resolved"))
		return;
	const char *cur = json_string_value(json_object_get(kc, "resolvConf"));
	if (!cur)
		json_object_set_new(kc, "resolvConf", json_string(RESOLVED_CONF));
	else if (!streq(cur, RESOLVED_CONF))
		log_warning("The recommended value for \"resolvConf\" in \"KubeletConfiguration\" is: %s; the provided value is: %s",
			    RESOLVED_CONF, cur);
}

/*
 * The KubeletConfiguration as the Go struct encodes it (omitempty fields such as an empty
 * featureGates vanish), with kubeadm's mutations and the "kubeletconfiguration" patches of
 * patches_dir (NULL or "": none) applied. out: where the patch manager prints; NULL: the
 * cached manager's own output. Marshal -> YAML -> JSON is the identity on the tree.
 */
static int patched_config(const struct init_config *cfg, const char *patches_dir, FILE *out,
			  json_t **ret)
{
	if (!cfg->kubelet)
		return error_set(-EINVAL, "no kubelet component config found");
	json_t *kc = NULL;
	int r = schema_normalize(schema_root("kubelet"), cfg->kubelet, &kc);
	if (r < 0)
		return r;
	mutate(kc);
	if (patches_dir && *patches_dir) {
		struct patch_manager *pm;
		r = patch_manager_for_path(patches_dir, out, &pm);
		if (r >= 0)
			r = patch_manager_apply(pm, "kubeletconfiguration", schema_root("kubelet"), &kc,
						out ? out : patch_manager_output(pm));
		if (r < 0) {
			json_decref(kc);
			return error_wrap(r, "could not apply patches to the KubeletConfiguration");
		}
	}
	*ret = kc;
	return 0;
}

int kubelet_write_config(int rootfd, const char *dir, const struct init_config *cfg,
			 const char *patches_dir, FILE *out)
{
	json_t *kc = NULL;
	int r = patched_config(cfg, patches_dir, out, &kc);
	if (r < 0)
		return r;
	_cleanup_free_ char *ipath = dir_join(dir, INSTANCE_FILE);
	_cleanup_free_ char *idata = NULL;
	size_t ilen = 0;
	r = fs_read_file(rootfd, ipath, INSTANCE_MAX, &idata, &ilen);
	if (r < 0) {
		json_decref(kc);
		return error_set(r, "could not apply kubelet instance configuration as a patch from \"%s\": could not read patch file \"%s\": open %s: %s",
				 ipath, ipath, ipath, go_strerror(-r));
	}
	struct patch_manager *ipm = NULL;
	r = patch_manager_from_data("kubeletconfiguration", idata, ilen, &ipm);
	if (r >= 0)
		r = patch_manager_apply(ipm, "kubeletconfiguration", schema_root("kubelet"), &kc, out);
	patch_manager_free(ipm);
	if (r < 0) {
		json_decref(kc);
		return error_wrap(r, "could not apply kubelet instance configuration as a patch from \"%s\"", ipath);
	}
	_cleanup_free_ char *yaml = yaml_from_json(kc);
	json_decref(kc);
	return write_config_bytes(rootfd, dir, CONFIG_FILE, yaml);
}

int kubelet_apply_patches_to_config(const struct init_config *cfg, const char *patches_dir,
				    json_t **ret)
{
	/* io.Discard, unless the cached manager was made with an output (kubeadm quirk: a full
	 * join prints the "[patches] Applied ..." line again here) */
	return patched_config(cfg, patches_dir, NULL, ret);
}

void kubelet_try_stop(void)
{
	enum initsystem_kind k;
	if (initsystem_detect(&k) < 0) {
		printf("[kubelet-start] No supported init system detected, won't make sure the kubelet not running for a short period of time while setting up configuration for it.\n");
		fflush(stdout);
		return;
	}
	if (!initsystem_service_exists(k, "kubelet")) {
		printf("[kubelet-start] Couldn't detect a kubelet service, can't make sure the kubelet not running for a short period of time while setting up configuration for it.\n");
		fflush(stdout);
	}
	int r = initsystem_service_stop(k, "kubelet");
	if (r < 0)
		log_warning("[kubelet-start] WARNING: unable to stop the kubelet service momentarily: [%s]\n",
			    error_message(r));
}

/* TryStartKubelet and TryRestartKubelet: both restart the service; their texts differ. */
static void restart_service(const char *what, const char *verb, bool hint)
{
	enum initsystem_kind k;
	if (initsystem_detect(&k) < 0) {
		printf("[kubelet-start] No supported init system detected, won't make sure the kubelet %s.\n",
		       what);
		fflush(stdout);
		return;
	}
	if (!initsystem_service_exists(k, "kubelet")) {
		printf("[kubelet-start] Couldn't detect a kubelet service, can't make sure the kubelet %s.\n",
		       what);
		fflush(stdout);
	}
	int r = initsystem_service_restart(k, "kubelet");
	if (r < 0) {
		log_warning("[kubelet-start] WARNING: unable to %s the kubelet service%s: [%s]\n", verb,
			    hint ? "" : " momentarily", error_message(r));
		error_clear();
		if (hint) {
			printf("[kubelet-start] Please ensure kubelet is reloaded and running manually.\n");
			fflush(stdout);
		}
	}
}

void kubelet_try_start(void)
{
	restart_service("is running properly", "start", true);
}

void kubelet_try_restart(void)
{
	restart_service("not running for a short period of time while setting up configuration for it",
			"restart", false);
}
