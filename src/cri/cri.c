/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>

#include "cri/cri-codec.h"
#include "cri/cri.h"
#include "cri/grpc.h"
#include "util/error.h"
#include "util/events.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define RUNTIME_SERVICE "/runtime.v1.RuntimeService/"
#define IMAGE_SERVICE "/runtime.v1.ImageService/"

/* cri-client's pullImageV1 strips the code of an Unknown status from a failed pull. */
static const char *pull_error_text(const char *text)
{
	const char *pfx = "rpc error: code = Unknown desc = ";
	if (strneq(text, pfx, strlen(pfx)))
		return text + strlen(pfx);
	return text;
}

struct cri_client {
	char *endpoint;
	char *path;	   /* NULL when the endpoint did not parse */
	char *parse_error; /* cri-client's message for an endpoint it refuses */
	int parse_errno;
	int timeout_ms;
	struct grpc_conn *conn;
};

const char *const cri_known_sockets[] = {
	CRI_SOCKET_CONTAINERD,
	CRI_SOCKET_CRIO,
	CRI_SOCKET_DOCKER,
	NULL,
};

/* cri-client's parseEndpointWithFallbackProtocol + GetAddressAndDialer (util_unix.go). */
int cri_endpoint_parse(const char *endpoint, char **ret_path)
{
	const char *p = endpoint;
	size_t slen = 0;
	if ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')) {
		slen = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
		if (p[slen] != ':')
			slen = 0;
	}
	if (slen == 0) {
		/* No scheme: cri-client falls back to unix:// + endpoint. */
		_cleanup_free_ char *fb = xasprintf("unix://%s", endpoint);
		if (!*endpoint || endpoint[0] != '/')
			return error_set(-EINVAL, "parse \"%s\": invalid URI for request", fb);
		return cri_endpoint_parse(fb, ret_path);
	}
	_cleanup_free_ char *scheme = xstrndup(p, slen);
	for (char *s = scheme; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
	const char *rest = p + slen + 1;
	if (streq(scheme, "tcp"))
		return error_set(-EPROTONOSUPPORT, "only support unix socket endpoint");
	if (!streq(scheme, "unix"))
		return error_set(-EPROTONOSUPPORT, "protocol \"%s\" not supported", scheme);
	/* url.Parse: "//authority/path" -> the path part only (a quirk we keep). */
	if (strneq(rest, "//", 2)) {
		rest += 2;
		rest += strcspn(rest, "/?#");
	}
	size_t plen = strcspn(rest, "?#");
	if (plen == 0)
		return error_set(-EINVAL, "dial unix: missing address");
	*ret_path = xstrndup(rest, plen);
	return 0;
}

struct cri_client *cri_client_new_at(int rootfd, const char *endpoint, int timeout_ms)
{
	struct cri_client *c = xnew0(struct cri_client);
	c->endpoint = xstrdup(endpoint);
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : CRI_DEFAULT_TIMEOUT_MS;
	int r = cri_endpoint_parse(endpoint, &c->path);
	if (r < 0) {
		c->parse_errno = r;
		c->parse_error = xstrdup(error_message(r));
		error_clear();
	} else {
		c->conn = grpc_conn_new(rootfd, c->path);
	}
	return c;
}

struct cri_client *cri_client_new(const char *endpoint, int timeout_ms)
{
	return cri_client_new_at(AT_FDCWD, endpoint, timeout_ms);
}

struct cri_client *cri_client_free(struct cri_client *c)
{
	if (!c)
		return NULL;
	grpc_conn_free(c->conn);
	free(c->endpoint);
	free(c->path);
	free(c->parse_error);
	free(c);
	return NULL;
}

static int call(struct cri_client *c, const char *method, const struct strbuf *req, int timeout_ms,
		uint8_t **ret, size_t *ret_len)
{
	if (!c->conn)
		return error_set(c->parse_errno, "%s", c->parse_error);
	log_v(10, "[RemoteRuntimeService] %s timeout=%dms", method, timeout_ms);
	return grpc_conn_unary(c->conn, method, req->buf, req->len, timeout_ms, ret, ret_len);
}

/* cri-client logs every failed call (logger.Error(err, msg, key, value)); kubeadm shows them. */
static int logged(int r, const char *msg, const char *key, const char *value)
{
	if (r < 0)
		log_error_kv(msg, error_message(r), key, value, NULL);
	return r;
}

/*
 * CRIRuntime.Connect: cri-client's NewRemoteRuntimeService (validated by a Version call) then
 * NewRemoteImageService (validated by an ImageFsInfo call), with their -v lines.
 */
int cri_client_connect(struct cri_client *c)
{
	_cleanup_(cri_version_freep) struct cri_version *v = NULL;
	log_v_kv(3, "Connecting to runtime service", "endpoint", c->endpoint, NULL);
	if (!c->conn)
		return error_wrap(error_set(c->parse_errno, "%s", c->parse_error),
				  "failed to create new CRI runtime service");
	log_v_kv(4, "Validating the CRI v1 API runtime version", NULL);
	int r = cri_version(c, &v);
	if (r < 0)
		return error_wrap(r,
				  "failed to create new CRI runtime service: validate service connection: validate CRI v1 runtime API for endpoint \"%s\"",
				  c->endpoint);
	log_v_kv(2, "Validated CRI v1 runtime API", NULL);
	log_v_kv(3, "Connecting to image service", "endpoint", c->endpoint, NULL);
	log_v_kv(4, "Validating the CRI v1 API image version", NULL);
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	r = call(c, IMAGE_SERVICE "ImageFsInfo", &req, c->timeout_ms, &resp, &n);
	if (r < 0)
		return error_wrap(r,
				  "failed to create new CRI image service: validate service connection: validate CRI v1 image API for endpoint \"%s\"",
				  c->endpoint);
	log_v_kv(2, "Validated CRI v1 image API", NULL);
	return 0;
}

int cri_version(struct cri_client *c, struct cri_version **ret)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_version_request(&req, "v1");
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	int r = call(c, RUNTIME_SERVICE "Version", &req, c->timeout_ms, &resp, &n);
	if (r < 0)
		return r; /* only connect calls Version: cri-client validates without logging */
	_cleanup_(cri_version_freep) struct cri_version *v = NULL;
	r = cri_decode_version(resp, n, &v);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **missing = NULL;
	if (!*v->version)
		strv_push(&missing, "Version");
	if (!*v->runtime_name)
		strv_push(&missing, "RuntimeName");
	if (!*v->runtime_api_version)
		strv_push(&missing, "RuntimeApiVersion");
	if (!*v->runtime_version)
		strv_push(&missing, "RuntimeVersion");
	if (missing) {
		_cleanup_free_ char *m = strv_join(missing, ", ");
		return error_set(-EBADMSG, "not all fields are set in VersionResponse (missing %s)", m);
	}
	*ret = TAKE_PTR(v);
	return 0;
}

int cri_status(struct cri_client *c, bool verbose, struct cri_status **ret)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_status_request(&req, verbose);
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	int r = call(c, RUNTIME_SERVICE "Status", &req, c->timeout_ms, &resp, &n);
	if (r < 0)
		return logged(r, "Status from runtime service failed", NULL, NULL);
	_cleanup_(cri_status_freep) struct cri_status *s = NULL;
	bool has_status;
	r = cri_decode_status(resp, n, &s, &has_status);
	if (r < 0)
		return r;
	if (!has_status || s->n_conditions < 2)
		return error_set(-EBADMSG, "RuntimeReady or NetworkReady condition are not set");
	*ret = TAKE_PTR(s);
	return 0;
}

int cri_runtime_config(struct cri_client *c, struct cri_runtime_config *ret)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	int r = call(c, RUNTIME_SERVICE "RuntimeConfig", &req, c->timeout_ms, &resp, &n);
	if (r < 0)
		return logged(r, "RuntimeConfig from runtime service failed", NULL, NULL);
	return cri_decode_runtime_config(resp, n, ret);
}

int cri_image_status(struct cri_client *c, const char *image, struct cri_image **ret)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_image_status_request(&req, image, false);
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	int r = call(c, IMAGE_SERVICE "ImageStatus", &req, c->timeout_ms, &resp, &n);
	if (r < 0)
		return logged(r, "Get ImageStatus from image service failed", "image", image);
	_cleanup_(cri_image_freep) struct cri_image *img = NULL;
	r = cri_decode_image_status(resp, n, &img);
	if (r < 0)
		return r;
	if (img && (!*img->id || img->size == 0))
		return error_set(-EBADMSG, "Id or size of image \"%s\" is not set", image);
	*ret = TAKE_PTR(img);
	return 0;
}

int cri_pull_image(struct cri_client *c, const char *image, int timeout_ms, char **ret_ref)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_pull_image_request(&req, image);
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	int r = call(c, IMAGE_SERVICE "PullImage", &req, timeout_ms, &resp, &n);
	if (r < 0) {
		logged(r, "PullImage from image service failed", "image", image);
		_cleanup_free_ char *m = xstrdup(pull_error_text(error_message(r)));
		return error_set(r, "%s", m);
	}
	_cleanup_free_ char *ref = NULL;
	r = cri_decode_pull_image(resp, n, &ref);
	if (r < 0)
		return r;
	if (!*ref)
		return error_set(-EBADMSG, "imageRef of image \"%s\" is not set", image);
	if (ret_ref)
		*ret_ref = TAKE_PTR(ref);
	return 0;
}

int cri_list_images(struct cri_client *c, const char *image, struct cri_image **ret, size_t *ret_n)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_list_images_request(&req, image);
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	int r = call(c, IMAGE_SERVICE "ListImages", &req, c->timeout_ms, &resp, &n);
	if (r < 0)
		return r;
	return cri_decode_list_images(resp, n, ret, ret_n);
}

int cri_list_sandboxes(struct cri_client *c, const struct cri_sandbox_filter *filter,
		       struct cri_sandbox **ret, size_t *ret_n)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_list_sandbox_request(&req, filter);
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	int r = call(c, RUNTIME_SERVICE "ListPodSandbox", &req, c->timeout_ms, &resp, &n);
	if (r < 0)
		return r;
	return cri_decode_list_sandboxes(resp, n, ret, ret_n);
}

static int sandbox_call(struct cri_client *c, const char *method, const char *id)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_sandbox_id_request(&req, id);
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	return call(c, method, &req, c->timeout_ms, &resp, &n);
}

int cri_stop_sandbox(struct cri_client *c, const char *id)
{
	return logged(sandbox_call(c, RUNTIME_SERVICE "StopPodSandbox", id),
		      "StopPodSandbox from runtime service failed", "podSandboxID", id);
}

int cri_remove_sandbox(struct cri_client *c, const char *id)
{
	return logged(sandbox_call(c, RUNTIME_SERVICE "RemovePodSandbox", id),
		      "RemovePodSandbox from runtime service failed", "podSandboxID", id);
}

int cri_list_containers(struct cri_client *c, const struct cri_container_filter *filter,
			struct cri_container **ret, size_t *ret_n)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_list_containers_request(&req, filter);
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	int r = call(c, RUNTIME_SERVICE "ListContainers", &req, c->timeout_ms, &resp, &n);
	if (r < 0)
		return r;
	return cri_decode_list_containers(resp, n, ret, ret_n);
}

int cri_stop_container(struct cri_client *c, const char *id, int64_t timeout_s)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_stop_container_request(&req, id, timeout_s);
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	/* the runtime waits up to the grace period: the call's deadline allows for it */
	int r = call(c, RUNTIME_SERVICE "StopContainer", &req,
		     c->timeout_ms + (int)(timeout_s > 0 ? timeout_s * 1000 : 0), &resp, &n);
	return logged(r, "StopContainer from runtime service failed", "containerID", id);
}

/* ContainerStatus / PodSandboxStatus of one id, not verbose: the answer decoded by decode into
 * *ret; no status in the answer is malformed. */
static int status_of(struct cri_client *c, const char *method, const char *id,
		     int (*decode)(const uint8_t *d, size_t n, void **ret), void **ret)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_status_of_request(&req, id, false);
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	void *v = NULL;
	int r = call(c, method, &req, c->timeout_ms, &resp, &n);
	if (r >= 0)
		r = decode(resp, n, &v);
	if (r < 0)
		return r;
	if (!v)
		return error_set(-EBADMSG, "%s of %s: no status in the answer", method, id);
	*ret = v;
	return 0;
}

static int decode_container_status(const uint8_t *d, size_t n, void **ret)
{
	return cri_decode_container_status(d, n, (struct cri_container_status **)ret);
}

static int decode_sandbox_status(const uint8_t *d, size_t n, void **ret)
{
	return cri_decode_sandbox_status(d, n, (struct cri_sandbox_status **)ret);
}

int cri_container_status(struct cri_client *c, const char *id, struct cri_container_status **ret)
{
	return status_of(c, RUNTIME_SERVICE "ContainerStatus", id, decode_container_status,
			 (void **)ret);
}

int cri_sandbox_status(struct cri_client *c, const char *id, struct cri_sandbox_status **ret)
{
	return status_of(c, RUNTIME_SERVICE "PodSandboxStatus", id, decode_sandbox_status,
			 (void **)ret);
}

int cri_is_running(struct cri_client *c)
{
	_cleanup_(cri_status_freep) struct cri_status *s = NULL;
	int r = cri_status(c, false, &s);
	if (r < 0)
		return error_wrap(r, "container runtime is not running");
	for (size_t i = 0; i < s->n_conditions; i++) {
		const struct cri_condition *k = &s->conditions[i];
		/* NetworkReady is not tested on purpose, as kubeadm. */
		if (streq(k->type, "RuntimeReady") && !k->status)
			return error_set(-EHOSTDOWN,
					 "container runtime condition \"%s\" is not true. reason: %s, message: %s",
					 k->type, k->reason, k->message);
	}
	return 0;
}

int cri_list_kube_sandboxes(struct cri_client *c, char ***ret_ids)
{
	struct cri_sandbox *v = NULL;
	size_t n = 0;
	int r = cri_list_sandboxes(c, NULL, &v, &n);
	if (r < 0)
		return error_wrap(r, "failed to list pod sandboxes");
	char **ids = xnew0(char *);
	for (size_t i = 0; i < n; i++)
		strv_push(&ids, v[i].id);
	cri_sandboxes_free(v, n);
	*ret_ids = ids;
	return 0;
}

/* k8s.io/apimachinery's aggregate error text: one message as is, several (deduplicated)
 * as "[a, b]". */
static int aggregate(char **msgs, int code)
{
	if (!msgs || !msgs[0])
		return 0;
	_cleanup_strv_free_ char **seen = NULL;
	STRV_FOREACH(m, msgs)
		if (!strv_contains(seen, *m))
			strv_push(&seen, *m);
	if (strv_length(seen) == 1)
		return error_set(code, "%s", seen[0]);
	_cleanup_free_ char *j = strv_join(seen, ", ");
	return error_set(code, "[%s]", j);
}

int cri_remove_kube_sandboxes(struct cri_client *c, char *const *ids)
{
	_cleanup_strv_free_ char **errs = NULL;
	int code = 0;
	STRV_FOREACH(id, ids) {
		_cleanup_free_ char *last = NULL;
		for (int i = 0; i < CRI_REMOVE_CONTAINER_RETRY; i++) {
			log_v(5, "Attempting to remove container %s", *id);
			int r = cri_stop_sandbox(c, *id);
			if (r < 0) {
				free(last);
				last = xasprintf("failed to stop running pod %s: %s", *id, error_message(r));
				code = r;
				continue;
			}
			r = cri_remove_sandbox(c, *id);
			if (r < 0) {
				free(last);
				last = xasprintf("failed to remove pod %s: %s", *id, error_message(r));
				code = r;
				continue;
			}
			free(last);
			last = NULL;
			break;
		}
		if (last)
			strv_consume(&errs, TAKE_PTR(last));
	}
	error_clear();
	return aggregate(errs, code);
}

int cri_pull_image_retry(struct cri_client *c, const char *image)
{
	int r = 0;
	long long start = events_now_ms();
	for (int i = 0; i < CRI_PULL_IMAGE_RETRY; i++) {
		r = cri_pull_image(c, image, 0, NULL);
		if (r >= 0) {
			events_image_pull(image, "Pulled", events_now_ms() - start, NULL);
			return 0;
		}
	}
	r = error_wrap(r, "failed to pull image %s", image);
	events_image_pull(image, "Failed", events_now_ms() - start, error_message(r));
	return r;
}

int cri_image_exists(struct cri_client *c, const char *image)
{
	_cleanup_(cri_image_freep) struct cri_image *img = NULL;
	int r = cri_image_status(c, image, &img);
	if (r < 0)
		return r;
	return img ? 1 : 0;
}

int cri_sandbox_image(struct cri_client *c, char **ret)
{
	_cleanup_(cri_status_freep) struct cri_status *s = NULL;
	int r = cri_status(c, true, &s);
	if (r < 0)
		return error_wrap(r, "failed to get runtime status");
	const char *config = cri_kv_get(s->info, s->n_info, "config");
	if (!config)
		return error_set(-ENOENT, "no 'config' field in CRI info: %zu info entries",
				 s->n_info);
	json_error_t jerr;
	json_t *j = json_loads(config, JSON_DECODE_ANY, &jerr);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return error_set(-EBADMSG, "failed to unmarshal CRI info config: %s",
				 j ? "json: cannot unmarshal into Go value of type runtime.config" : jerr.text);
	}
	json_t *si = json_object_get(j, "sandboxImage");
	if (si && !json_is_string(si)) {
		json_decref(j);
		return error_set(-EBADMSG, "failed to unmarshal CRI info config: json: cannot unmarshal into Go struct field config.sandboxImage of type string");
	}
	if (!si || !*json_string_value(si)) {
		json_decref(j);
		return error_set(-ENOENT, "no 'sandboxImage' field in CRI info config");
	}
	*ret = xstrdup(json_string_value(si));
	json_decref(j);
	return 0;
}

int cri_runtime_config_implemented(struct cri_client *c)
{
	struct cri_runtime_config rc;
	int r = cri_runtime_config(c, &rc);
	if (r == -EOPNOTSUPP) {
		error_clear();
		return 0;
	}
	if (r < 0)
		return error_wrap(r, "failed to call RuntimeConfig gRPC method");
	return 1;
}

int cri_pull_images(struct cri_client *c, char *const *images, bool if_not_present)
{
	size_t n = strv_length(images);
	if (n == 0)
		return 0;
	if (!c->conn)
		return error_set(c->parse_errno, "%s", c->parse_error);
	_cleanup_free_ struct grpc_call *calls = xcalloc(n, sizeof(*calls));
	_cleanup_free_ struct strbuf *reqs = xcalloc(n, sizeof(*reqs));
	_cleanup_free_ bool *pending = xcalloc(n, sizeof(*pending));
	_cleanup_free_ char **last = xcalloc(n, sizeof(*last));
	int code = 0;
	log_v(1, "pulling all images in parallel");

	for (size_t i = 0; i < n; i++) {
		strbuf_init(&reqs[i], 0);
		pending[i] = true;
	}
	if (if_not_present) {
		for (size_t i = 0; i < n; i++) {
			cri_encode_image_status_request(&reqs[i], images[i], false);
			calls[i] = (struct grpc_call){ .path = IMAGE_SERVICE "ImageStatus",
						       .req = reqs[i].buf,
						       .req_len = reqs[i].len,
						       .timeout_ms = c->timeout_ms };
		}
		grpc_conn_run(c->conn, calls, n);
		for (size_t i = 0; i < n; i++) {
			_cleanup_(cri_image_freep) struct cri_image *img = NULL;
			if (calls[i].ret < 0) {
				log_error_kv("Get ImageStatus from image service failed", calls[i].error,
					     "image", images[i], NULL);
				log_warning("Failed to get image status, image: \"%s\", error: %s",
					    images[i], calls[i].error);
			} else if (cri_decode_image_status(calls[i].resp, calls[i].resp_len, &img) >= 0 &&
				   img && *img->id && img->size) {
				log_v(1, "image exists: %s", images[i]);
				events_image_pull(images[i], "Present", 0, NULL);
				pending[i] = false;
			}
			error_clear();
			grpc_call_release(&calls[i]);
		}
	}
	long long start = events_now_ms();
	/* kubeadm runs one goroutine per image, each retrying its pull; rounds of concurrent
	 * pulls give the same outcome on one connection. */
	for (int attempt = 0; attempt < CRI_PULL_IMAGE_RETRY; attempt++) {
		size_t k = 0;
		_cleanup_free_ size_t *idx = xcalloc(n, sizeof(*idx));
		for (size_t i = 0; i < n; i++) {
			if (!pending[i])
				continue;
			strbuf_reset(&reqs[i]);
			cri_encode_pull_image_request(&reqs[i], images[i]);
			calls[k] = (struct grpc_call){ .path = IMAGE_SERVICE "PullImage",
						       .req = reqs[i].buf,
						       .req_len = reqs[i].len };
			idx[k++] = i;
		}
		if (k == 0)
			break;
		grpc_conn_run(c->conn, calls, k);
		for (size_t j = 0; j < k; j++) {
			size_t i = idx[j];
			_cleanup_free_ char *ref = NULL;
			free(last[i]);
			last[i] = NULL;
			if (calls[j].ret < 0) {
				log_error_kv("PullImage from image service failed", calls[j].error,
					     "image", images[i], NULL);
				last[i] = xstrdup(pull_error_text(calls[j].error));
				code = calls[j].ret;
			} else if (cri_decode_pull_image(calls[j].resp, calls[j].resp_len, &ref) < 0 || !*ref) {
				last[i] = xasprintf("imageRef of image \"%s\" is not set", images[i]);
				code = -EBADMSG;
			} else {
				log_v(1, "done pulling: %s", images[i]);
				events_image_pull(images[i], "Pulled", events_now_ms() - start, NULL);
				pending[i] = false;
			}
			error_clear();
			grpc_call_release(&calls[j]);
		}
	}
	_cleanup_strv_free_ char **errs = NULL;
	for (size_t i = 0; i < n; i++) {
		if (pending[i] && last[i]) {
			strv_consume(&errs, xasprintf("failed to pull image %s: failed to pull image %s: %s",
						      images[i], images[i], last[i]));
			events_image_pull(images[i], "Failed", events_now_ms() - start, last[i]);
		}
		free(last[i]);
		strbuf_release(&reqs[i]);
	}
	return aggregate(errs, code);
}

static bool socket_exists(int rootfd, const char *endpoint)
{
	_cleanup_free_ char *path = NULL;
	if (cri_endpoint_parse(endpoint, &path) < 0) {
		error_clear();
		return false;
	}
	int fd = grpc_unix_connect(rootfd, path);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int cri_detect_socket_from(int rootfd, const char *const *known, char **ret)
{
	_cleanup_strv_free_ char **found = NULL;
	for (const char *const *k = known; *k; k++)
		if (socket_exists(rootfd, *k))
			strv_push(&found, *k);
	size_t n = strv_length(found);
	if (n == 0) {
		/* Fall back to the default socket, as kubeadm: an error comes later if needed. */
		*ret = xstrdup(CRI_DEFAULT_SOCKET);
		return 0;
	}
	if (n == 1) {
		*ret = xstrdup(found[0]);
		return 0;
	}
	_cleanup_free_ char *j = strv_join(found, ", ");
	return error_set(-EEXIST,
			 "found multiple CRI endpoints on the host. Please define which one do you wish to use by setting the 'criSocket' field in the kubeadm configuration file: %s",
			 j);
}

int cri_detect_socket(int rootfd, char **ret)
{
	return cri_detect_socket_from(rootfd, cri_known_sockets, ret);
}
