/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A Kubernetes REST client (client-go's clientset as kubeadm uses it) on kube/transport.h, built from a
 * kubeconfig: TLS always verified against the kubeconfig's CA, client certificates (embedded
 * data or file paths) or bearer tokens. Objects are jansson trees in and out.
 *
 * Errors are mapped once from the API server's Status: 404 -ENOENT, 409 -EEXIST (AlreadyExists
 * and Conflict), 401 -EACCES, 403 -EPERM, 422 and 400 -EINVAL, 5xx/429 -EIO, a connect failure
 * -ECONNREFUSED, a timeout -ETIMEDOUT, a body over the cap or not JSON -EBADMSG. The message
 * (error.h) is the Status message client-go would print (`configmaps "x" not found`) or, for
 * transport errors, Go's text (`Get "https://...": dial tcp ...: connect: connection refused`).
 *
 * The dry-run client (kube_client_new_dry_run) is kubeadm's apiclient.DryRun: every action is
 * printed as kubeadm prints it ("[dryrun] Would perform action CREATE on resource
 * "configmaps" in API group "core/v1"", "[dryrun] Resource name ..., namespace ...", then
 * "[dryrun] Attached object:" and the object's YAML), writes land in an in-memory tracker
 * (client-go's fake ObjectTracker: create of an existing name is -EEXIST, update/patch/delete
 * of a missing one -ENOENT), GETs first ask the real server of the kubeconfig (if any) and
 * otherwise print "[dryrun] Real object does not exist. Attempting to GET from followup
 * reactors or from the fake client tracker" and answer from the tracker, and the reactors
 * enabled with KUBE_DRYRUN_* flags answer kubeadm's fake objects.
 *
 * A client is used from one thread. Not reentrant from within a mutate callback.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* A REST resource: group ("" = core), version, plural name, namespaced, and the Go type name
 * kubeadm's errors print with %T ("*v1.ConfigMap"). */
struct kube_resource {
	const char *group;
	const char *version;
	const char *resource;
	const char *kind;
	bool namespaced;
	const char *go_type;
};

/* The resources kubeadm touches. */
extern const struct kube_resource kube_res_configmaps;        /* v1 ConfigMap */
extern const struct kube_resource kube_res_secrets;           /* v1 Secret */
extern const struct kube_resource kube_res_nodes;             /* v1 Node */
extern const struct kube_resource kube_res_pods;              /* v1 Pod */
extern const struct kube_resource kube_res_services;          /* v1 Service */
extern const struct kube_resource kube_res_serviceaccounts;   /* v1 ServiceAccount */
extern const struct kube_resource kube_res_namespaces;        /* v1 Namespace */
extern const struct kube_resource kube_res_deployments;       /* apps/v1 Deployment */
extern const struct kube_resource kube_res_daemonsets;        /* apps/v1 DaemonSet */
extern const struct kube_resource kube_res_jobs;              /* batch/v1 Job */
extern const struct kube_resource kube_res_roles;             /* rbac.authorization.k8s.io/v1 */
extern const struct kube_resource kube_res_rolebindings;
extern const struct kube_resource kube_res_clusterroles;
extern const struct kube_resource kube_res_clusterrolebindings;

struct kube_client;

/* Dry-run reactors (kubeadm's DryRun.*Reactor), OR-ed into kube_client_new_dry_run's flags. */
enum {
	KUBE_DRYRUN_GET_NODE = 1u << 0,         /* GetNodeReactor: Node with the hostname label */
	KUBE_DRYRUN_PATCH_NODE = 1u << 1,       /* PatchNodeReactor */
	KUBE_DRYRUN_DELETE_TOKEN = 1u << 2,     /* DeleteBootstrapTokenReactor (appended) */
	KUBE_DRYRUN_CLUSTER_INFO = 1u << 3,     /* GetClusterInfoReactor */
	KUBE_DRYRUN_KUBEADM_CONFIG = 1u << 4,   /* GetKubeadmConfigReactor */
	KUBE_DRYRUN_KUBELET_CONFIG = 1u << 5,   /* GetKubeletConfigReactor */
	KUBE_DRYRUN_KUBEPROXY_CONFIG = 1u << 6, /* GetKubeProxyConfigReactor */
	KUBE_DRYRUN_COREDNS_CONFIG = 1u << 7,   /* GetCoreDNSConfigReactor */
	KUBE_DRYRUN_KUBEADM_CERTS = 1u << 8,    /* GetKubeadmCertsReactor */
	/* the reactors are appended (AppendReactor, as join does): a GET asks the real server
	 * first and prints "Real object does not exist..." before the reactors answer; without
	 * it they are prepended (PrependReactor, as init does) and answer first */
	KUBE_DRYRUN_APPEND = 1u << 9,
	/* HealthCheckJobReactor (upgrade): a GET of a kube-system Job named upgrade-health-check*
	 * answers a completed Job */
	KUBE_DRYRUN_HEALTH_CHECK_JOB = 1u << 10,
	/* init's getDryRunClient: PrependReactor(GetNode), PrependReactor(PatchNode) */
	KUBE_DRYRUN_INIT = KUBE_DRYRUN_GET_NODE | KUBE_DRYRUN_PATCH_NODE,
};

/*
 * A client from the kubeconfig file at path (clientcmd.LoadFromFile + ClientConfig with the
 * current context). Errors: -ENOENT/-EACCES reading the file, -EINVAL for a kubeconfig
 * without a usable context/cluster/CA ("failed to load admin kubeconfig"-style wrapping is
 * the caller's). *ret is owned; free with kube_client_free.
 */
int kube_client_new_from_file(const char *path, struct kube_client **ret);
/* The same from a parsed kubeconfig (borrowed; the client copies what it needs). */
int kube_client_new_from_config(const json_t *kubeconfig, struct kube_client **ret);
/*
 * The dry-run client. kubeconfig may be NULL (no real server: every GET falls to the
 * reactors/tracker); out is where the [dryrun] lines go (stdout in kubeadm). flags: the
 * KUBE_DRYRUN_* reactors. A kubeconfig that cannot be loaded is an error, as in kubeadm.
 */
int kube_client_new_dry_run(const json_t *kubeconfig, FILE *out, unsigned flags,
			    struct kube_client **ret);
/* kube_client_new_dry_run from a kubeconfig file (DryRun.WithKubeConfigFile, whose load
 * error is "failed to load kubeconfig: ..."). */
int kube_client_new_dry_run_from_file(const char *path, FILE *out, unsigned flags,
				      struct kube_client **ret);
/* Frees c (NULL is fine); returns NULL. */
struct kube_client *kube_client_free(struct kube_client *c);
bool kube_client_is_dry_run(const struct kube_client *c);
/* The server URL ("https://127.0.0.1:6443"), borrowed; "" for a dry-run client without one. */
const char *kube_client_server(const struct kube_client *c);
/*
 * The retry interval of the retrying helpers below: kubeadm's is 500 ms
 * (constants.KubernetesAPICallRetryInterval); ckubeadm retries every 100 ms, so waiting for
 * something that appears (the Node a kubelet registers, RBAC after the API server starts)
 * ends sooner. A retry costs one request on a kept-alive connection.
 */
#define KUBE_RETRY_INTERVAL_MS 100
/* Budget of the retrying helpers below (timeouts.kubernetesAPICall; default 60000 ms) and
 * their retry interval (default KUBE_RETRY_INTERVAL_MS; <= 0 keeps it). */
void kube_client_set_api_call_timeout(struct kube_client *c, long timeout_ms, long interval_ms);
/* Per-request timeout. Clients from a kubeconfig are kubeadm's ToClientSet clients: 10 s,
 * also sent as "?timeout=10s" on every request but lists, as client-go does; the dry-run
 * client's real GETs default to 30 s without the parameter. */
void kube_client_set_request_timeout(struct kube_client *c, long timeout_ms);
/* Response body cap (default 16 MiB); a larger body is -EBADMSG. */
void kube_client_set_body_cap(struct kube_client *c, size_t max);
/* Certificates (PEM, copied) that may complete the server's chain to the kubeconfig's CA
 * without being trusted themselves (http_tls.chain_pem); len 0: none. */
void kube_client_set_tls_chain(struct kube_client *c, const char *pem, size_t len);

/* ---- single calls (one HTTP request, no retry) ---- */

/* GET one object; *ret is a new reference. ns is ignored for cluster-scoped resources. */
int kube_get(struct kube_client *c, const struct kube_resource *res, const char *ns,
	     const char *name, json_t **ret);
/* LIST (a *List object, "items" array); selectors may be NULL. *ret is a new reference. */
int kube_list(struct kube_client *c, const struct kube_resource *res, const char *ns,
	      const char *label_selector, const char *field_selector, json_t **ret);
/* POST obj (borrowed; namespace taken from obj.metadata.namespace). ret may be NULL. */
int kube_create(struct kube_client *c, const struct kube_resource *res, const json_t *obj,
		json_t **ret);
/* PUT obj to its name (namespace/name from obj.metadata). ret may be NULL. */
int kube_update(struct kube_client *c, const struct kube_resource *res, const json_t *obj,
		json_t **ret);

enum kube_patch_type {
	KUBE_PATCH_JSON,      /* application/json-patch+json */
	KUBE_PATCH_MERGE,     /* application/merge-patch+json */
	KUBE_PATCH_STRATEGIC, /* application/strategic-merge-patch+json */
};
/* PATCH name with patch (borrowed). ret may be NULL. In dry-run the tracker applies JSON and
 * merge patches; a strategic patch is applied as a merge patch (lists replaced). */
int kube_patch(struct kube_client *c, const struct kube_resource *res, const char *ns,
	       const char *name, enum kube_patch_type type, const json_t *patch, json_t **ret);
/* DELETE name (the server's default propagation, or Foreground when foreground is set). */
int kube_delete(struct kube_client *c, const struct kube_resource *res, const char *ns,
		const char *name, bool foreground);
/*
 * GET of a raw path on the server ("/livez", "/readyz?verbose"), no Status decoding: on
 * success *ret_status is the HTTP status and *ret_body the owned body (capped). Transport
 * errors as above. Not printed in dry-run (the dry-run client returns -ENOTSUP).
 */
int kube_get_raw(struct kube_client *c, const char *path, long timeout_ms, long *ret_status,
		 char **ret_body);

/* ---- kubeadm's apiclient helpers: retried every interval for the API call timeout; the
 * error returned is the last one, wrapped as kubeadm wraps it ("unable to create
 * *v1.ConfigMap: ...") ---- */

/* CreateOrUpdate: create, on AlreadyExists update. */
int kube_create_or_update(struct kube_client *c, const struct kube_resource *res,
			  const json_t *obj);
/* CreateOrRetain: get; create only when not found. */
int kube_create_or_retain(struct kube_client *c, const struct kube_resource *res,
			  const json_t *obj);
/*
 * CreateOrMutate: create; on AlreadyExists get the live object, call mutate(live, userdata)
 * (it edits live in place; a negative return aborts this attempt with that error wrapped
 * "unable to mutate *v1.X") and update it.
 */
typedef int (*kube_mutate_fn)(json_t *obj, void *userdata);
int kube_create_or_mutate(struct kube_client *c, const struct kube_resource *res,
			  const json_t *obj, kube_mutate_fn mutate, void *userdata);
/*
 * PatchNode: get the Node (retrying, also until it has the kubernetes.io/hostname label),
 * call mutate(node) on a copy, send the two-way strategic merge patch old->new (maps merged,
 * lists such as spec.taints replaced, as CreateTwoWayMergePatch for v1.Node). Error texts as
 * kubeadm's ("error patching Node \"x\": ...").
 */
int kube_patch_node(struct kube_client *c, const char *node_name, kube_mutate_fn mutate,
		    void *userdata);
/* GetConfigMapWithShortRetry: 50 ms interval, 350 ms budget. */
int kube_get_configmap_short_retry(struct kube_client *c, const char *ns, const char *name,
				   json_t **ret);

/*
 * Several independent CreateOrUpdate/CreateOrRetain calls at once (a thread and a connection each on
 * a real client; in order, one by one, on a dry-run client so the printout is kubeadm's). Each op's
 * result is set; returns the first failing op's result (its message set) or 0.
 */
enum kube_op_kind { KUBE_OP_CREATE_OR_UPDATE, KUBE_OP_CREATE_OR_RETAIN };
struct kube_op {
	enum kube_op_kind kind;
	const struct kube_resource *res;
	const json_t *obj; /* borrowed */
	int result;        /* out */
};
int kube_apply_all(struct kube_client *c, struct kube_op *ops, size_t n);
