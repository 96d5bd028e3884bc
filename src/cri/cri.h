/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An in-process CRI v1 client (k8s.io/cri-api runtime.v1) for the uses kubeadm makes of the
 * container runtime (cmd/kubeadm/app/util/runtime): gRPC over HTTP/2 on a unix socket.
 *
 * Two levels:
 *  - RPC wrappers (cri_version ... cri_list_containers): one call each, bounded by the
 *    client's timeout; errors carry grpc-go's text ("rpc error: code = X desc = Y"), unwrapped.
 *  - kubeadm's ContainerRuntime methods (cri_client_connect, cri_is_running,
 *    cri_list_kube_sandboxes, cri_remove_kube_sandboxes, cri_pull_image_retry, cri_image_exists,
 *    cri_sandbox_image, cri_runtime_config_implemented): same retries and error texts as kubeadm.
 *
 * Errors: -errno with the message set through util/error.h. gRPC codes map once
 * (grpc_code_to_errno in cri/grpc.h): Unimplemented -> -EOPNOTSUPP, DeadlineExceeded ->
 * -ETIMEDOUT, Unavailable -> -ECONNREFUSED, NotFound -> -ENOENT, ...; a malformed answer is
 * -EBADMSG. A client is not thread-safe: use one per thread (or cri_pull_images, which runs
 * its pulls concurrently on one connection).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/macro.h"

/* kubeadm's constants (constants_unix.go). */
#define CRI_SOCKET_CONTAINERD "unix:///var/run/containerd/containerd.sock"
#define CRI_SOCKET_CRIO "unix:///var/run/crio/crio.sock"
#define CRI_SOCKET_DOCKER "unix:///var/run/cri-dockerd.sock"
#define CRI_DEFAULT_SOCKET CRI_SOCKET_CONTAINERD
/* kubeadm's runtime.defaultTimeout (inherited from crictl). */
#define CRI_DEFAULT_TIMEOUT_MS 2000
/* kubeadm's constants.PullImageRetry and RemoveContainerRetry. */
#define CRI_PULL_IMAGE_RETRY 5
#define CRI_REMOVE_CONTAINER_RETRY 5

/* A map<string,string> entry. */
struct cri_kv {
	char *key;
	char *value;
};

/* VersionResponse. */
struct cri_version {
	char *version;
	char *runtime_name;
	char *runtime_version;
	char *runtime_api_version;
};

/* RuntimeCondition. */
struct cri_condition {
	char *type;
	bool status;
	char *reason;
	char *message;
};

/* StatusResponse: status.conditions and info (the verbose map). */
struct cri_status {
	struct cri_condition *conditions;
	size_t n_conditions;
	struct cri_kv *info;
	size_t n_info;
};

enum cri_cgroup_driver {
	CRI_CGROUP_DRIVER_SYSTEMD = 0,
	CRI_CGROUP_DRIVER_CGROUPFS = 1,
};

/* RuntimeConfigResponse. */
struct cri_runtime_config {
	bool has_linux; /* the linux field was present */
	int cgroup_driver; /* enum cri_cgroup_driver (other values passed through) */
};

/* Image. */
struct cri_image {
	char *id;
	char **repo_tags;    /* strv, never NULL */
	char **repo_digests; /* strv, never NULL */
	uint64_t size;
	bool has_uid;
	int64_t uid;
	char *username;
	bool pinned;
};

enum cri_sandbox_state {
	CRI_SANDBOX_READY = 0,
	CRI_SANDBOX_NOTREADY = 1,
};

/* PodSandbox (metadata flattened). */
struct cri_sandbox {
	char *id;
	char *name;
	char *uid;
	char *namespace;
	uint32_t attempt;
	int state; /* enum cri_sandbox_state */
	int64_t created_at;
	struct cri_kv *labels;
	size_t n_labels;
	struct cri_kv *annotations;
	size_t n_annotations;
	char *runtime_handler;
};

/* PodSandboxFilter: NULL/empty members do not filter. */
struct cri_sandbox_filter {
	const char *id;
	bool has_state;
	int state;
	const struct cri_kv *label_selector;
	size_t n_label_selector;
};

enum cri_container_state {
	CRI_CONTAINER_CREATED = 0,
	CRI_CONTAINER_RUNNING = 1,
	CRI_CONTAINER_EXITED = 2,
	CRI_CONTAINER_UNKNOWN = 3,
};

/* Container (metadata and image spec flattened). */
struct cri_container {
	char *id;
	char *pod_sandbox_id;
	char *name;
	uint32_t attempt;
	char *image;
	char *image_ref;
	int state; /* enum cri_container_state */
	int64_t created_at;
	struct cri_kv *labels;
	size_t n_labels;
	struct cri_kv *annotations;
	size_t n_annotations;
	char *image_id;
};

/* ContainerFilter: NULL/empty members do not filter. */
struct cri_container_filter {
	const char *id;
	bool has_state;
	int state;
	const char *pod_sandbox_id;
	const struct cri_kv *label_selector;
	size_t n_label_selector;
};

/* ContainerStatus (metadata and image spec flattened; mounts, resources and user skipped). */
struct cri_container_status {
	char *id;
	char *name;
	uint32_t attempt;
	int state; /* enum cri_container_state */
	int64_t created_at;  /* ns since the epoch */
	int64_t started_at;  /* ns, 0 when never started */
	int64_t finished_at; /* ns, 0 while running */
	int32_t exit_code;
	char *image;
	char *image_ref;
	char *reason;  /* "OOMKilled", "Error", "Completed", "StartError", ... */
	char *message;
	char *log_path;
	struct cri_kv *labels;
	size_t n_labels;
	struct cri_kv *annotations;
	size_t n_annotations;
};

/* PodSandboxStatus (metadata flattened; network reduced to its primary IP). */
struct cri_sandbox_status {
	char *id;
	char *name;
	char *uid;
	char *namespace;
	uint32_t attempt;
	int state; /* enum cri_sandbox_state */
	int64_t created_at;
	char *ip;
	struct cri_kv *labels;
	size_t n_labels;
	struct cri_kv *annotations;
	size_t n_annotations;
	char *runtime_handler;
};

/* Frees the owned members and the object itself; each takes NULL and returns NULL. */
struct cri_container_status *cri_container_status_free(struct cri_container_status *s);
struct cri_sandbox_status *cri_sandbox_status_free(struct cri_sandbox_status *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cri_container_status *, cri_container_status_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cri_sandbox_status *, cri_sandbox_status_free)
struct cri_version *cri_version_free(struct cri_version *v);
struct cri_status *cri_status_free(struct cri_status *s);
struct cri_image *cri_image_free(struct cri_image *i);
/* Arrays returned by the list calls: free the n items and the array. */
void cri_images_free(struct cri_image *v, size_t n);
void cri_sandboxes_free(struct cri_sandbox *v, size_t n);
void cri_containers_free(struct cri_container *v, size_t n);
/* The value of key in a map, or NULL (borrowed). */
const char *cri_kv_get(const struct cri_kv *kv, size_t n, const char *key);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cri_version *, cri_version_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cri_status *, cri_status_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cri_image *, cri_image_free)

struct cri_client;

/* A client for endpoint ("unix:///run/containerd/containerd.sock"; a bare path is taken as
 * unix://path, as cri-client does) with timeout_ms per call (<= 0: CRI_DEFAULT_TIMEOUT_MS).
 * Never fails: the connection is opened by the first call, which also reports an endpoint
 * kubeadm would refuse. Owned by the caller; free with cri_client_free. */
struct cri_client *cri_client_new(const char *endpoint, int timeout_ms);
/* The same, with the socket path resolved under rootfd (the --rootfs root; absolute
 * symlinks such as /var/run pointing to /run resolve inside it). rootfd is borrowed and must stay
 * open while the client lives. */
struct cri_client *cri_client_new_at(int rootfd, const char *endpoint, int timeout_ms);
struct cri_client *cri_client_free(struct cri_client *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cri_client *, cri_client_free)

/* kubeadm's Connect(): validates the endpoint and the CRI v1 API with a Version call.
 * Message as kubeadm: "failed to create new CRI runtime service: validate service connection:
 * validate CRI v1 runtime API for endpoint \"...\": rpc error: ...". */
int cri_client_connect(struct cri_client *c);

/* RPC wrappers. Each *ret is owned by the caller and written only on success. */
/* Version; fails as cri-client when a field is missing ("not all fields are set in
 * VersionResponse (missing ...)"). */
int cri_version(struct cri_client *c, struct cri_version **ret);
int cri_status(struct cri_client *c, bool verbose, struct cri_status **ret);
/* RuntimeConfig: -EOPNOTSUPP when the runtime does not implement it. */
int cri_runtime_config(struct cri_client *c, struct cri_runtime_config *ret);
/* ImageStatus: *ret is NULL (and 0 returned) when the runtime does not have the image. */
int cri_image_status(struct cri_client *c, const char *image, struct cri_image **ret);
/* PullImage of one image, at most timeout_ms (<= 0: no deadline, as kubeadm). *ret_ref
 * (may be NULL) receives the owned image reference. */
int cri_pull_image(struct cri_client *c, const char *image, int timeout_ms, char **ret_ref);
/* ListImages, filtered by image name when image is not NULL. */
int cri_list_images(struct cri_client *c, const char *image, struct cri_image **ret, size_t *ret_n);
/* ListPodSandbox with an optional filter. */
int cri_list_sandboxes(struct cri_client *c, const struct cri_sandbox_filter *filter,
		       struct cri_sandbox **ret, size_t *ret_n);
int cri_stop_sandbox(struct cri_client *c, const char *id);
int cri_remove_sandbox(struct cri_client *c, const char *id);
/* ListContainers with an optional filter. */
int cri_list_containers(struct cri_client *c, const struct cri_container_filter *filter,
			struct cri_container **ret, size_t *ret_n);
/* StopContainer: SIGTERM, then SIGKILL after timeout_s seconds; the sandbox stays (the kubelet
 * starts a new container in it under restartPolicy Always). */
int cri_stop_container(struct cri_client *c, const char *id, int64_t timeout_s);
/* ContainerStatus: -ENOENT (NotFound) for an unknown id; -EBADMSG when the answer has no
 * status. */
int cri_container_status(struct cri_client *c, const char *id,
			 struct cri_container_status **ret);
/* PodSandboxStatus: as cri_container_status. */
int cri_sandbox_status(struct cri_client *c, const char *id, struct cri_sandbox_status **ret);

/* One line of a CRI container log file ("<RFC3339Nano> <stdout|stderr> <P|F> <msg>"). */
struct cri_log_line {
	char *time;   /* the timestamp as written */
	char *stream; /* "stdout" or "stderr" */
	bool partial; /* tag P: the line continues in the next record */
	char *msg;    /* without the newline */
};
/* Parses one line (len bytes, no newline). -EBADMSG on a line not in the CRI format. On
 * success *ret's members are owned by the caller (cri_log_line_release). */
int cri_log_line_parse(const char *line, size_t len, struct cri_log_line *ret);
void cri_log_line_release(struct cri_log_line *l);
/* The messages of the last max_lines complete records of the log file at path (opened under
 * rootfd, read from at most its last max_bytes), partial records joined, oldest first; lines
 * not in the CRI format are skipped. *ret is an owned strv (empty for an empty file). */
int cri_log_tail(int rootfd, const char *path, size_t max_lines, size_t max_bytes, char ***ret);

/* kubeadm's ContainerRuntime methods. */
/* IsRunning: Status; fails when the RuntimeReady condition is false
 * ("container runtime condition \"RuntimeReady\" is not true. reason: ..., message: ...")
 * or the call fails ("container runtime is not running: ..."). */
int cri_is_running(struct cri_client *c);
/* ListKubeContainers: the ids of all pod sandboxes (owned strv). */
int cri_list_kube_sandboxes(struct cri_client *c, char ***ret_ids);
/* RemoveContainers: stop then remove each sandbox, up to CRI_REMOVE_CONTAINER_RETRY tries;
 * errors aggregated as kubeadm ("[e1, e2]" for several). */
int cri_remove_kube_sandboxes(struct cri_client *c, char *const *ids);
/* PullImage: up to CRI_PULL_IMAGE_RETRY tries, no deadline; "failed to pull image X: ...". */
int cri_pull_image_retry(struct cri_client *c, const char *image);
/* ImageExists: 1 present, 0 absent, -errno when ImageStatus failed (kubeadm then logs
 * "Failed to get image status, image: %q, error: %v" and treats it as absent). */
int cri_image_exists(struct cri_client *c, const char *image);
/* SandboxImage: sandboxImage from the verbose Status info["config"] JSON (owned). */
int cri_sandbox_image(struct cri_client *c, char **ret);
/* IsRuntimeConfigImplemented: 1 yes, 0 Unimplemented, -errno
 * ("failed to call RuntimeConfig gRPC method: ..."). */
int cri_runtime_config_implemented(struct cri_client *c);
/* PullImagesInParallel: all images concurrently on one connection (ImageStatus first when
 * if_not_present), each pull retried as cri_pull_image_retry; errors aggregated as kubeadm
 * ("failed to pull image X: failed to pull image X: ..."). */
int cri_pull_images(struct cri_client *c, char *const *images, bool if_not_present);

/* The known sockets kubeadm probes, in its order (NULL-terminated). */
extern const char *const cri_known_sockets[];
/* kubeadm's DetectCRISocket under rootfd: probes each known socket by connecting to it.
 * None found: CRI_DEFAULT_SOCKET (not an error, as kubeadm); one: that one; several:
 * -EEXIST "found multiple CRI endpoints on the host. Please define which one do you wish to
 * use by setting the 'criSocket' field in the kubeadm configuration file: a, b".
 * *ret is owned. */
int cri_detect_socket(int rootfd, char **ret);
/* The same over a given NULL-terminated list of endpoints (tests). */
int cri_detect_socket_from(int rootfd, const char *const *known, char **ret);
/* Parses an endpoint as cri-client: "unix:///p" -> "/p"; "/p" (no scheme) -> "/p";
 * "tcp://..." -> -EPROTONOSUPPORT "only support unix socket endpoint"; other schemes
 * "protocol \"x\" not supported". *ret_path is owned. */
int cri_endpoint_parse(const char *endpoint, char **ret_path);
