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

static const char *go_errno(int e)
{
	switch (e) {
	case ENOENT: return "no such file or directory";
	case EACCES: return "permission denied";
	case EISDIR: return "is a directory";
	case ENOTDIR: return "not a directory";
	case EROFS: return "read-only file system";
	default: return strerror(e);
	}
}

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
		return error_set(-errno, "couldn't determine hostname: %s", go_errno(errno));
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
		return error_set(r, "failed to create directory \"%s\": mkdir %s: %s", dir, dir, go_errno(-r));
	/* os.WriteFile truncates an existing file: its mode stays what it was */
	mode_t mode = 0644;
	struct stat st;
	if (fstatat(rootfd, fs_path_at(rootfd, path), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode))
		mode = st.st_mode & 07777;
	r = fs_write_atomic(rootfd, path, data, len, mode, 0700);
	if (r < 0)
		return error_set(r, "%s \"%s\": open %s: %s", what, path, path, go_errno(-r));
	return 0;
}

int kubelet_write_env_file(int rootfd, const char *dir, const struct cfg_node_registration *nr)
{
	/* buildKubeletArgsCommon (registerTaintsUsingFlags is false for init) */
	_cleanup_free_ char *hostname = NULL;
	int r = get_hostname(&hostname);
	if (r < 0) {
		log_warning("%s", error_message(r));
		hostname = xstrdup("");
	}
	const char *node = *hostname ? hostname : "";
	if (nr->name && *nr->name)
		node = nr->name;
	for (size_t i = nr->kubelet_extra_args.n; i-- > 0;) {
		const struct cfg_arg *a = CFG_LIST_AT(&nr->kubelet_extra_args, struct cfg_arg, i);
		if (streq(strempty(a->name), "hostname-override")) {
			node = strempty(a->value);
			break;
		}
	}
	char **argv = NULL;
	bool override = !streq(node, hostname);
	if (override) {
		log_v(1, "setting kubelet hostname-override to \"%s\"", node);
		/* ArgumentsToCommand: a base arg named by an override is dropped */
		bool replaced = false;
		for (size_t i = 0; i < nr->kubelet_extra_args.n; i++)
			if (streq(strempty(CFG_LIST_AT(&nr->kubelet_extra_args, struct cfg_arg, i)->name),
				  "hostname-override"))
				replaced = true;
		if (!replaced)
			strv_consume(&argv, xasprintf("--hostname-override=%s", node));
	}
	for (size_t i = 0; i < nr->kubelet_extra_args.n; i++) {
		const struct cfg_arg *a = CFG_LIST_AT(&nr->kubelet_extra_args, struct cfg_arg, i);
		strv_consume(&argv, xasprintf("--%s=%s", strempty(a->name), strempty(a->value)));
	}
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

int kubelet_write_config(int rootfd, const char *dir, const struct init_config *cfg,
			 const char *patches_dir, FILE *out)
{
	if (!cfg->kubelet)
		return error_wrap(-EINVAL, "no kubelet component config found");
	/* the Go struct's encoding: omitempty fields such as an empty featureGates vanish */
	json_t *kc = NULL;
	int r = schema_normalize(schema_root("kubelet"), cfg->kubelet, &kc);
	if (r < 0)
		return r;
	mutate(kc);
	/* Marshal -> YAML -> JSON is the identity on the tree */
	if (patches_dir && *patches_dir) {
		struct patch_manager *pm;
		r = patch_manager_for_path(patches_dir, out, &pm);
		if (r >= 0)
			r = patch_manager_apply(pm, "kubeletconfiguration", schema_root("kubelet"), &kc, out);
		if (r < 0) {
			json_decref(kc);
			return error_wrap(r, "could not apply patches to the KubeletConfiguration");
		}
	}
	_cleanup_free_ char *ipath = dir_join(dir, INSTANCE_FILE);
	_cleanup_free_ char *idata = NULL;
	size_t ilen = 0;
	r = fs_read_file(rootfd, ipath, INSTANCE_MAX, &idata, &ilen);
	if (r < 0) {
		json_decref(kc);
		return error_set(r, "could not apply kubelet instance configuration as a patch from \"%s\": could not read patch file \"%s\": open %s: %s",
				 ipath, ipath, ipath, go_errno(-r));
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

void kubelet_try_start(void)
{
	enum initsystem_kind k;
	if (initsystem_detect(&k) < 0) {
		printf("[kubelet-start] No supported init system detected, won't make sure the kubelet is running properly.\n");
		fflush(stdout);
		return;
	}
	if (!initsystem_service_exists(k, "kubelet")) {
		printf("[kubelet-start] Couldn't detect a kubelet service, can't make sure the kubelet is running properly.\n");
		fflush(stdout);
	}
	int r = initsystem_service_restart(k, "kubelet");
	if (r < 0) {
		log_warning("[kubelet-start] WARNING: unable to start the kubelet service: [%s]\n",
			    error_message(r));
		printf("[kubelet-start] Please ensure kubelet is reloaded and running manually.\n");
		fflush(stdout);
	}
}
