/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "certs" (cmd/kubeadm/app/cmd/phases/init). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/init.h"
#include "util/error.h"

int phase_init_certs(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs\" is not implemented in this build");
}

int phase_init_certs_ca(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/ca\" is not implemented in this build");
}

int phase_init_certs_apiserver(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/apiserver\" is not implemented in this build");
}

int phase_init_certs_apiserver_kubelet_client(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/apiserver-kubelet-client\" is not implemented in this build");
}

int phase_init_certs_front_proxy_ca(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/front-proxy-ca\" is not implemented in this build");
}

int phase_init_certs_front_proxy_client(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/front-proxy-client\" is not implemented in this build");
}

int phase_init_certs_etcd_ca(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/etcd-ca\" is not implemented in this build");
}

int phase_init_certs_etcd_server(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/etcd-server\" is not implemented in this build");
}

int phase_init_certs_etcd_peer(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/etcd-peer\" is not implemented in this build");
}

int phase_init_certs_etcd_healthcheck_client(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/etcd-healthcheck-client\" is not implemented in this build");
}

int phase_init_certs_apiserver_etcd_client(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/apiserver-etcd-client\" is not implemented in this build");
}

int phase_init_certs_sa(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"certs/sa\" is not implemented in this build");
}
