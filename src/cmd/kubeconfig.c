/* SPDX-License-Identifier: Apache-2.0 */
/* `kubeadm kubeconfig user` (cmd/kubeadm/app/cmd/kubeconfig.go). */
#include <stdio.h>

#include <jansson.h>

#include "cmd/commands.h"
#include "config/config.h"
#include "config/duration.h"
#include "kubeconfig/kubeconfig.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/log.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct init_config *, config_init_free)

/* kubeadmconstants.CertificateValidityPeriod */
#define CERT_VALIDITY_NS (8760LL * 3600 * 1000000000LL)

int cmd_kubeconfig_user(struct cmd_ctx *ctx)
{
	const struct flagset *fs = &ctx->flags;
	/* cobra's ValidateRequiredFlags (MarkFlagRequired("client-name")), checked after the
	 * persistent pre-run as cobra does */
	const struct flag_value *cn = flagset_lookup(fs, "client-name");
	if (cn && !cn->changed)
		return error_set(-EINVAL, "required flag(s) \"client-name\" not set");
	const char *cfg_path = flagset_get_string(fs, "config");
	struct config_load_options lo = { .skip_cri_detect = true };
	_cleanup_(config_init_freep) struct init_config *cfg = NULL;
	_cleanup_(json_decrefp) json_t *ov = json_object();
	int r = config_load_init_opts(*cfg_path ? cfg_path : NULL, ov, &lo, &cfg);
	if (r < 0)
		return r;
	int64_t validity = flagset_get_duration(fs, "validity-period");
	if (validity > CERT_VALIDITY_NS) {
		char a[64], b[64];
		log_warning("WARNING: the specified certificate validity period %s is longer than the default duration %s, this may increase security risks.",
			    duration_format(validity, a, sizeof(a)),
			    duration_format(CERT_VALIDITY_NS, b, sizeof(b)));
	}
	const struct cfg_cluster_configuration *cc = &cfg->cluster;
	enum pki_algo algo = PKI_RSA2048;
	if (pki_algo_parse(cc->encryption_algorithm, &algo) < 0)
		error_clear();
	struct pki_params p = {
		.node_name = cfg->init.node_registration.name,
		.advertise_address = cfg->init.local_api_endpoint.advertise_address,
		.bind_port = (int)cfg->init.local_api_endpoint.bind_port,
		.control_plane_endpoint = cc->control_plane_endpoint,
		.cert_dir = cc->certificates_dir,
		.cluster_name = cc->cluster_name,
		.algo = algo,
		.local_etcd = cc->etcd.local != NULL,
		.rootfd = ctx->rootfd,
	};
	const char *token = flagset_get_string(fs, "token");
	r = kubeconfig_user(&p, flagset_get_string(fs, "client-name"), flagset_get_strv(fs, "org"),
			    *token ? token : NULL, validity / 1000000000LL, stdout);
	fflush(stdout);
	return r;
}
