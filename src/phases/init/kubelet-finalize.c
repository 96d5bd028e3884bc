/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "kubelet-finalize" (cmd/phases/init/kubeletfinalize.go): once the kubelet rotates
 * its client certificate (kubelet-client-current.pem exists), kubelet.conf points at that file
 * instead of the embedded credentials, and the kubelet is restarted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kubeconfig/kubeconfig.h"
#include "kubelet/initsystem.h"
#include "phases/init.h"
#include "phases/init/api-client.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/xalloc.h"

/* kubeletphase.TryRestartKubelet */
static void try_restart_kubelet(void)
{
	enum initsystem_kind k;
	if (initsystem_detect(&k) < 0) {
		error_clear();
		puts("[kubelet-start] No supported init system detected, won't make sure the kubelet not "
		     "running for a short period of time while setting up configuration for it.");
		fflush(stdout);
		return;
	}
	if (!initsystem_service_exists(k, "kubelet")) {
		puts("[kubelet-start] Couldn't detect a kubelet service, can't make sure the kubelet "
		     "not running for a short period of time while setting up configuration for it.");
		fflush(stdout);
	}
	int r = initsystem_service_restart(k, "kubelet");
	if (r < 0) {
		log_warning("[kubelet-start] WARNING: unable to restart the kubelet service momentarily: "
			    "[%s]\n",
			    error_message(r));
		error_clear();
	}
}

static json_t *named(json_t *kc, const char *list, const char *name, const char *member)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(kc, list), i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));
		if (n && streq(n, name))
			return json_object_get(e, member);
	}
	return NULL;
}

int phase_init_kubelet_finalize_enable_client_cert_rotation(struct run_ctx *ctx)
{
	_cleanup_free_ char *pki = xasprintf("%s/pki", ctx->dry_run ? strempty(ctx->dry_run_dir)
								     : "/var/lib/kubelet");
	/* GetArgValue(kubeletExtraArgs, "cert-dir", -1): the last one wins */
	const struct cfg_list *args = &ctx->cfg->init.node_registration.kubelet_extra_args;
	const struct cfg_arg *a = args->items;
	for (size_t i = 0; i < args->n; i++)
		if (a[i].name && streq(a[i].name, "cert-dir")) {
			free(pki);
			pki = xstrdup(strempty(a[i].value));
		}
	_cleanup_free_ char *pem = xasprintf("%s/kubelet-client-current.pem", pki);
	struct stat st;
	if (stat(pem, &st) < 0) {
		log_v(1, "[kubelet-finalize] Assuming that kubelet client certificate rotation is "
			 "disabled: stat %s: %s",
		      pem, go_strerror(errno));
		return 0;
	}
	log_v(1, "[kubelet-finalize] Assuming that kubelet client certificate rotation is enabled: "
		 "found \"%s\"",
	      pem);
	const char *path = "/etc/kubernetes/kubelet.conf";
	printf("[kubelet-finalize] Updating \"%s\" to point to a rotatable kubelet client certificate "
	       "and key\n",
	       path);
	fflush(stdout);
	if (ctx->dry_run)
		return 0;
	_cleanup_json_ json_t *kc = NULL;
	int r = init_kubeconfig_load(path, &kc);
	if (r < 0)
		return error_wrap(r, "could not load \"%s\"", path);
	const char *cur = json_string_value(json_object_get(kc, "current-context"));
	if (!cur || !*cur)
		return error_set(-EINVAL, "the file \"%s\" does not have current context set", path);
	json_t *context = named(kc, "contexts", cur, "context");
	if (!context)
		return error_set(-EINVAL,
				 "the file \"%s\" is not a valid kubeconfig: \"%s\" set as "
				 "current-context, but not found in context list",
				 path, cur);
	const char *user = json_string_value(json_object_get(context, "user"));
	if (!user || !*user)
		return error_set(-EINVAL,
				 "the file \"%s\" is not a valid kubeconfig: empty username for current "
				 "context",
				 path);
	json_t *info = named(kc, "users", user, "user");
	if (!json_is_object(info))
		return error_set(-EINVAL, "the file \"%s\" does not contain authentication for user \"%s\"",
				 path, strempty(ctx->cfg->init.node_registration.name));
	json_object_del(info, "client-key-data");
	json_object_del(info, "client-certificate-data");
	json_object_set_new(info, "client-certificate", json_string(pem));
	json_object_set_new(info, "client-key", json_string(pem));
	r = kubeconfig_write(ctx->rootfd, "/etc/kubernetes", "kubelet.conf", kc);
	if (r < 0)
		return error_wrap(r, "failed to serialize \"%s\"", path);
	log_v(1, "[kubelet-finalize] Restarting the kubelet to enable client certificate rotation");
	try_restart_kubelet();
	return 0;
}
