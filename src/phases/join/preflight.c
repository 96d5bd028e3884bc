/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "preflight" (cmd/kubeadm/app/cmd/phases/join/preflight.go). */
#include <errno.h>
#include <stdio.h>

#include "phases/join.h"
#include "phases/join/join-data.h"
#include "preflight/preflight.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/macro.h"
#include "util/xalloc.h"

/* checkIfReadyForAdditionalControlPlane */
static int check_ready(const struct join_data *d, const struct init_config *ic, bool has_key)
{
	if (!ic->cluster.control_plane_endpoint || !*ic->cluster.control_plane_endpoint)
		return error_set(-EINVAL, "unable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address");
	if (!has_key) {
		struct pki_params p;
		join_data_pki_params(d, ic, &p);
		/* SharedCertificateExists reads certificatesDir, the dry-run dir too */
		p.cert_dir = ic->cluster.certificates_dir;
		int r = pki_shared_certificates_exist(&p);
		if (r < 0)
			return r;
	}
	return 0;
}

int phase_join_preflight(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	printf("[preflight] Running pre-flight checks\n");
	fflush(stdout);
	log_v(1, "[preflight] Running general checks");
	int r = preflight_run_root_check(d->ignore_preflight_errors);
	if (r < 0)
		return r;
	/* --resume: what the previous attempt left is accepted (printed as ignored warnings) */
	_cleanup_strv_free_ char **ignore = strv_copy(d->ignore_preflight_errors);
	if (d->resume) {
		strv_merge_unique(&ignore, preflight_join_resume_explained(d->cfg));
	}
	r = preflight_run_join_checks(d->cfg, ignore);
	if (r < 0)
		return r;
	struct init_config *ic = NULL;
	r = join_data_init_cfg(d, &ic);
	if (r < 0)
		return r;
	log_v(1, "[preflight] Running configuration dependant checks");
	const struct cfg_join_control_plane *cp = d->cfg->join.control_plane;
	if (!cp)
		return 0;
	bool has_key = cp->certificate_key && *cp->certificate_key;
	r = check_ready(d, ic, has_key);
	if (r < 0) {
		_cleanup_free_ char *msg = xstrdup(error_message(r));
		return error_set(r, "\nOne or more conditions for hosting a new control plane instance is not satisfied.\n\n%s\n\nPlease ensure that:\n* The cluster has a stable controlPlaneEndpoint address.\n* The certificates that must be shared among control plane instances are provided.\n\n",
				 msg);
	}
	printf("[preflight] Running pre-flight checks before initializing the new control plane instance\n");
	fflush(stdout);
	if (d->resume) {
		strv_merge_unique(&ignore, preflight_init_resume_explained(ic));
	}
	r = preflight_run_init_checks(ic, ignore, true, has_key);
	if (r < 0)
		return r;
	if (d->dry_run) {
		printf("[preflight] Would pull the required images (like 'kubeadm config images pull')\n");
		fflush(stdout);
		return 0;
	}
	printf("[preflight] Pulling images required for setting up a Kubernetes cluster\n");
	printf("[preflight] This might take a minute or two, depending on the speed of your internet connection\n");
	printf("[preflight] You can also perform this action beforehand using 'kubeadm config images pull'\n");
	fflush(stdout);
	return preflight_run_pull_images(ic, d->ignore_preflight_errors);
}
