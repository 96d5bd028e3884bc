/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An etcd v3 client for what kubeadm does with etcd (cmd/kubeadm/app/util/etcd): member
 * list/add (as learner)/promote/remove, endpoint status and cluster health. It talks to etcd's
 * gRPC-gateway JSON API (POST https://<endpoint>/v3/...) over mutual TLS (kube/transport.h); the
 * server is always verified against the etcd CA, the client authenticates with a client
 * certificate (etcd/healthcheck-client or apiserver-etcd-client).
 *
 * The gateway encodes uint64 fields as JSON strings and bytes as base64; members' false
 * booleans and empty lists are left out. Each call is bounded by the client's call timeout
 * (kubeadm's etcdTimeout, 2 s); the kubeadm-level operations retry every
 * EtcdAPICallRetryInterval (500 ms) for up to the API timeout (timeouts.etcdAPICall, 2 min),
 * exactly where kubeadm's wait.PollUntilContextTimeout loops do. Answers are capped at 4 MiB.
 *
 * Errors: -errno with the message set through util/error.h. etcd's own errors keep its text
 * ("etcdserver: member not found"): member not found -> -ENOENT, peer URL exists -> -EEXIST,
 * other gRPC codes -> -EIO; an endpoint that cannot be reached -> -ECONNREFUSED, a call that
 * timed out -> -ETIMEDOUT, a TLS failure -> -EACCES, a malformed answer -> -EBADMSG.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/macro.h"

/* kubeadm's constants. */
#define ETCD_CALL_TIMEOUT_MS 2000          /* util/etcd.etcdTimeout */
#define ETCD_API_CALL_TIMEOUT_MS 120000    /* constants.EtcdAPICallTimeout */
#define ETCD_API_CALL_RETRY_INTERVAL_MS 500 /* constants.EtcdAPICallRetryInterval */
#define ETCD_LISTEN_CLIENT_PORT 2379
#define ETCD_LISTEN_PEER_PORT 2380
#define ETCD_ADVERTISE_CLIENT_URLS_ANNOTATION "kubeadm.kubernetes.io/etcd.advertise-client-urls"
#define ETCD_MAX_RESPONSE (4u << 20)

/* etcdserverpb.Member. */
struct etcd_member {
	uint64_t id;
	char *name;         /* "" while a learner has not started */
	char **peer_urls;   /* strv, never NULL */
	char **client_urls; /* strv, never NULL */
	bool is_learner;
};

/* etcdserverpb.StatusResponse (the fields kubeadm reads, and a few for diagnostics). */
struct etcd_status {
	uint64_t member_id;
	uint64_t leader;
	uint64_t raft_term;
	uint64_t db_size;
	char *version;
	char **errors;      /* strv, never NULL */
	bool is_learner;
};

/* kubeadm's etcdutil.Member: a name and the first peer URL. */
struct etcd_member_brief {
	char *name;
	char *peer_url;
};

void etcd_members_free(struct etcd_member *v, size_t n);
void etcd_member_briefs_free(struct etcd_member_brief *v, size_t n);
void etcd_status_release(struct etcd_status *s);

struct etcd_client;

/*
 * A client for endpoints ("https://10.0.0.1:2379", copied) with the etcd CA, client certificate
 * and key files (kubeadm's etcdutil.New; NULL or "" for plain http endpoints). Files are read
 * by the transport at each call. *ret owned (etcd_client_free). -EINVAL when endpoints is empty.
 */
int etcd_client_new(char *const *endpoints, const char *ca, const char *cert, const char *key,
		    struct etcd_client **ret);
struct etcd_client *etcd_client_free(struct etcd_client *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct etcd_client *, etcd_client_free)

/* Overrides the per-call timeout, the retry budget (timeouts.etcdAPICall) and the retry
 * interval; values <= 0 keep the current one. */
void etcd_client_set_timeouts(struct etcd_client *c, long call_ms, long api_ms, long interval_ms);
/* ckubeadm --resume: etcd_add_member of a learner whose peer URL is already a learner that
 * never started (no name) removes that member and adds it again, once (beyond-kubeadm §3.3 R5);
 * kubeadm skips the addition. */
void etcd_client_set_readd_unstarted(struct etcd_client *c, bool on);
/* The current endpoints (borrowed; changes after sync/add/promote). */
char *const *etcd_client_endpoints(const struct etcd_client *c);

/* One MemberList call (the first endpoint that answers); *ret owned (etcd_members_free). */
int etcd_member_list(struct etcd_client *c, struct etcd_member **ret, size_t *ret_n);
/* One Status call against endpoint. *ret filled (etcd_status_release). */
int etcd_endpoint_status(struct etcd_client *c, const char *endpoint, struct etcd_status *ret);
/* GET <endpoint>/health: 0 when {"health":"true"}, else -EIO with the reason. */
int etcd_endpoint_health(struct etcd_client *c, const char *endpoint);

/*
 * kubeadm's Client methods, with its retries and tolerances:
 *  - etcd_sync: Sync(): the endpoints become the client URLs of the started voting members.
 *  - etcd_list_members: ListMembers() (one attempt: kubeadm's poll stops on the first error).
 *  - etcd_get_member_id: GetMemberID(); -ENOENT "no member id found for peer URL".
 *  - etcd_remove_member: RemoveMember(id); a member already gone is success.
 *  - etcd_add_member: AddMember/AddMemberAsLearner(name, peerURL); an existing peer URL is
 *    success; the returned list names the new member `name` and nameless members by hex id.
 *  - etcd_member_promote: MemberPromote(id): waits for the learner to start, then promotes
 *    (already promoted is success).
 *  - etcd_check_cluster_health: CheckClusterHealth(): status of every endpoint; fails unless a
 *    quorum is healthy, with the aggregated member errors.
 *  - etcd_wait_for_cluster_available: WaitForClusterAvailable(retries, interval): 1 as soon as
 *    a quorum of the endpoints is healthy, else -ETIMEDOUT "timeout waiting for etcd cluster to
 *    be available" after the last retry.
 * Lists are owned by the caller (etcd_member_briefs_free).
 */
int etcd_sync(struct etcd_client *c);
int etcd_list_members(struct etcd_client *c, struct etcd_member_brief **ret, size_t *ret_n);
int etcd_get_member_id(struct etcd_client *c, const char *peer_url, uint64_t *ret);
int etcd_remove_member(struct etcd_client *c, uint64_t id, struct etcd_member_brief **ret,
		       size_t *ret_n);
int etcd_add_member(struct etcd_client *c, const char *name, const char *peer_url, bool learner,
		    struct etcd_member_brief **ret, size_t *ret_n);
int etcd_member_promote(struct etcd_client *c, uint64_t learner_id);
int etcd_check_cluster_health(struct etcd_client *c);
int etcd_wait_for_cluster_available(struct etcd_client *c, int retries, long interval_ms);

/* etcdutil.GetClientURLByIP / GetPeerURL: "https://<ip>:2379" / ":2380" (IPv6 bracketed).
 * Owned. */
char *etcd_client_url(const char *ip);
char *etcd_peer_url(const char *ip);

/*
 * getRawEtcdEndpointsFromPodAnnotationWithoutRetry over a PodList (the kube-system pods with
 * component=etcd,tier=control-plane): the annotation of each pod that has it (owned strv, may
 * be empty) and the number of pods in *ret_pods. -EBADMSG when the list is malformed.
 */
int etcd_endpoints_from_pods(const json_t *pod_list, char ***ret, size_t *ret_pods);

struct kube_client;

/*
 * etcdutil.getEtcdEndpoints: lists the kube-system Pods labelled component=etcd,tier=control-plane
 * through kc every 500 ms for up to api_timeout_ms (timeouts.kubernetesAPICall; <= 0: 1 min)
 * until there is at least one and every one has the advertise-client-urls annotation. *ret is
 * an owned strv. Errors: "could not retrieve the list of etcd endpoints: <last error>".
 */
int etcd_cluster_endpoints(struct kube_client *kc, long api_timeout_ms, char ***ret);

/*
 * etcdutil.NewFromCluster(client, certificatesDir): a client on the endpoints above with
 * <cert_dir>/etcd/ca.crt and etcd/healthcheck-client.{crt,key}, its retry budget set to
 * etcd_api_timeout_ms (timeouts.etcdAPICall; <= 0 keeps 2 min), then synced to the members'
 * client URLs ("error syncing endpoints with etcd: ..."). *ret owned (etcd_client_free).
 */
int etcd_client_new_from_cluster(struct kube_client *kc, const char *cert_dir,
				 long kube_api_timeout_ms, long etcd_api_timeout_ms,
				 struct etcd_client **ret);

/*
 * The etcd static pod manifest at path (read under rootfd, capped): its client URL annotation
 * (*ret_endpoint, owned, NULL when absent) and the host path of its "etcd-data" volume
 * (*ret_data_dir, owned, NULL when absent). Either output may be NULL. -ENOENT when the file
 * does not exist; parse errors as kubeadm's ReadStaticPodFromDisk.
 */
int etcd_manifest_read(int rootfd, const char *path, char **ret_endpoint, char **ret_data_dir);
