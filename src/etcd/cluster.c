/* SPDX-License-Identifier: Apache-2.0 */
/* etcdutil.NewFromCluster: an etcd client for the stacked etcd members of a cluster. */
#include <errno.h>
#include <time.h>

#include "etcd/etcd.h"
#include "kube/client.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"

int etcd_cluster_endpoints(struct kube_client *kc, long api_timeout_ms, char ***ret)
{
	if (api_timeout_ms <= 0)
		api_timeout_ms = 60000;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int last = 0;
	for (;;) {
		json_t *list = NULL;
		log_v(3, "retrieving etcd endpoints from \"%s\" annotation in etcd Pods",
		      ETCD_ADVERTISE_CLIENT_URLS_ANNOTATION);
		int r = kube_list(kc, &kube_res_pods, "kube-system", "component=etcd,tier=control-plane",
				  NULL, &list);
		char **eps = NULL;
		size_t pods = 0;
		if (r >= 0)
			r = etcd_endpoints_from_pods(list, &eps, &pods);
		json_decref(list);
		if (r >= 0 && eps[0] && pods == strv_length(eps)) {
			*ret = eps;
			return 0;
		}
		if (r >= 0) {
			_cleanup_free_ char *j = strv_join(eps, " ");
			log_v(4, "found a total of %zu etcd pods and the following endpoints: [%s]; retrying",
			      pods, j);
			strv_free(eps);
			last = 0;
			error_clear();
		} else {
			last = r;
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long el = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (el + ETCD_API_CALL_RETRY_INTERVAL_MS > api_timeout_ms)
			break;
		struct timespec ts = { 0, ETCD_API_CALL_RETRY_INTERVAL_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (last < 0)
		return error_wrap(last, "could not retrieve the list of etcd endpoints");
	return error_set(-ETIMEDOUT,
			 "could not retrieve the list of etcd endpoints: context deadline exceeded");
}

int etcd_client_new_from_cluster(struct kube_client *kc, const char *cert_dir,
				 long kube_api_timeout_ms, long etcd_api_timeout_ms,
				 struct etcd_client **ret)
{
	_cleanup_strv_free_ char **eps = NULL;
	int r = etcd_cluster_endpoints(kc, kube_api_timeout_ms, &eps);
	if (r < 0)
		return r;
	_cleanup_free_ char *j = strv_join(eps, ",");
	log_v(1, "etcd endpoints read from pods: %s", j);
	_cleanup_free_ char *ca = xasprintf("%s/etcd/ca.crt", cert_dir);
	_cleanup_free_ char *cert = xasprintf("%s/etcd/healthcheck-client.crt", cert_dir);
	_cleanup_free_ char *key = xasprintf("%s/etcd/healthcheck-client.key", cert_dir);
	struct etcd_client *c = NULL;
	r = etcd_client_new(eps, ca, cert, key, &c);
	if (r < 0) {
		_cleanup_free_ char *sp = strv_join(eps, " ");
		return error_wrap(r, "error creating etcd client for [%s] endpoints", sp);
	}
	etcd_client_set_timeouts(c, 0, etcd_api_timeout_ms, 0);
	r = etcd_sync(c);
	if (r < 0) {
		etcd_client_free(c);
		return error_wrap(r, "error syncing endpoints with etcd");
	}
	_cleanup_free_ char *k = strv_join(etcd_client_endpoints(c), ",");
	log_v(1, "update etcd endpoints: %s", k);
	*ret = c;
	return 0;
}
