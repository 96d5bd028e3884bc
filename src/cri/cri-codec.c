/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "cri/cri-codec.h"
#include "cri/proto.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* ---- encoders ---- */

void cri_encode_version_request(struct strbuf *sb, const char *version)
{
	pb_put_string(sb, 1, version); /* VersionRequest.version */
}

void cri_encode_status_request(struct strbuf *sb, bool verbose)
{
	pb_put_bool(sb, 1, verbose); /* StatusRequest.verbose */
}

static void put_image_spec(struct strbuf *sb, uint32_t field, const char *image)
{
	_cleanup_strbuf_ struct strbuf spec = STRBUF_INIT;
	pb_put_string(&spec, 1, image); /* ImageSpec.image */
	pb_put_bytes(sb, field, spec.buf, spec.len);
}

void cri_encode_image_status_request(struct strbuf *sb, const char *image, bool verbose)
{
	put_image_spec(sb, 1, image); /* ImageStatusRequest.image */
	pb_put_bool(sb, 2, verbose);  /* ImageStatusRequest.verbose */
}

void cri_encode_pull_image_request(struct strbuf *sb, const char *image)
{
	put_image_spec(sb, 1, image); /* PullImageRequest.image; no auth, no sandbox_config */
}

void cri_encode_list_images_request(struct strbuf *sb, const char *image)
{
	if (!image)
		return;
	_cleanup_strbuf_ struct strbuf filter = STRBUF_INIT;
	put_image_spec(&filter, 1, image);		/* ImageFilter.image */
	pb_put_bytes(sb, 1, filter.buf, filter.len); /* ListImagesRequest.filter */
}

static void put_state_value(struct strbuf *sb, uint32_t field, int state)
{
	_cleanup_strbuf_ struct strbuf v = STRBUF_INIT;
	pb_put_uint64(&v, 1, (uint64_t)(int64_t)state); /* enum: negative values sign-extend */
	pb_put_bytes(sb, field, v.buf, v.len);
}

static void put_labels(struct strbuf *sb, uint32_t field, const struct cri_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pb_put_map_entry(sb, field, kv[i].key, kv[i].value);
}

void cri_encode_list_sandbox_request(struct strbuf *sb, const struct cri_sandbox_filter *f)
{
	if (!f)
		return;
	_cleanup_strbuf_ struct strbuf m = STRBUF_INIT;
	pb_put_string(&m, 1, f->id); /* PodSandboxFilter.id */
	if (f->has_state)
		put_state_value(&m, 2, f->state); /* PodSandboxFilter.state */
	put_labels(&m, 3, f->label_selector, f->n_label_selector);
	pb_put_bytes(sb, 1, m.buf, m.len); /* ListPodSandboxRequest.filter */
}

void cri_encode_sandbox_id_request(struct strbuf *sb, const char *id)
{
	pb_put_string(sb, 1, id); /* pod_sandbox_id */
}

void cri_encode_stop_container_request(struct strbuf *sb, const char *id, int64_t timeout_s)
{
	pb_put_string(sb, 1, id); /* container_id */
	pb_put_uint64(sb, 2, (uint64_t)timeout_s); /* timeout (int64, seconds) */
}

void cri_encode_list_containers_request(struct strbuf *sb, const struct cri_container_filter *f)
{
	if (!f)
		return;
	_cleanup_strbuf_ struct strbuf m = STRBUF_INIT;
	pb_put_string(&m, 1, f->id); /* ContainerFilter.id */
	if (f->has_state)
		put_state_value(&m, 2, f->state);   /* ContainerFilter.state */
	pb_put_string(&m, 3, f->pod_sandbox_id); /* ContainerFilter.pod_sandbox_id */
	put_labels(&m, 4, f->label_selector, f->n_label_selector);
	pb_put_bytes(sb, 1, m.buf, m.len); /* ListContainersRequest.filter */
}

/* ---- helpers ---- */

const char *cri_kv_get(const struct cri_kv *kv, size_t n, const char *key)
{
	/* Protobuf maps: the last entry for a key wins. */
	for (size_t i = n; i > 0; i--)
		if (streq(kv[i - 1].key, key))
			return kv[i - 1].value;
	return NULL;
}

static void kv_free(struct cri_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

static int add_kv(const struct pb_field *f, struct cri_kv **kv, size_t *n)
{
	char *k, *v;
	int r = pb_get_map_entry(f, &k, &v);
	if (r < 0)
		return r;
	*kv = xrealloc(*kv, (*n + 1) * sizeof(**kv));
	(*kv)[(*n)++] = (struct cri_kv){ k, v };
	return 0;
}

static int add_str(const struct pb_field *f, char ***v)
{
	char *s = NULL;
	int r = pb_get_string(f, &s);
	if (r < 0)
		return r;
	strv_consume(v, s);
	return 0;
}

/* Empty strings instead of NULL for every string member, so callers need no checks. */
static void fill(char **s)
{
	if (!*s)
		*s = xstrdup("");
}

/*
 * The element type of a List*Response: its repeated field 1 holds messages that decode
 * into an array of C structs of one size.
 */
struct list_type {
	size_t size;
	/* decodes the message in f into the zeroed elem; members are set even on error so that
	 * release can free them */
	int (*decode)(const struct pb_field *f, void *elem);
	void (*release)(void *elem);
};

static void list_free(const struct list_type *t, void *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t->release((char *)v + i * t->size);
	free(v);
}

/* Every field 1 of the response, in order, into *ret (owned, list_free), *ret_n elements. */
static int decode_list(const struct list_type *t, const uint8_t *d, size_t n, void **ret,
		       size_t *ret_n)
{
	char *v = NULL;
	size_t cnt = 0;
	struct pb_reader rd;
	struct pb_field f;
	int r;
	pb_reader_init(&rd, d, n);
	while ((r = pb_next(&rd, &f)) > 0) {
		if (f.number != 1)
			continue;
		v = xrealloc(v, (cnt + 1) * t->size);
		void *elem = v + cnt++ * t->size;
		memset(elem, 0, t->size);
		r = t->decode(&f, elem);
		if (r < 0)
			break;
	}
	if (r < 0) {
		list_free(t, v, cnt);
		return r;
	}
	*ret = v;
	*ret_n = cnt;
	return 0;
}

/* ---- Version ---- */

struct cri_version *cri_version_free(struct cri_version *v)
{
	if (!v)
		return NULL;
	free(v->version);
	free(v->runtime_name);
	free(v->runtime_version);
	free(v->runtime_api_version);
	free(v);
	return NULL;
}

int cri_decode_version(const uint8_t *d, size_t n, struct cri_version **ret)
{
	_cleanup_(cri_version_freep) struct cri_version *v = xnew0(struct cri_version);
	struct pb_reader rd;
	struct pb_field f;
	int r;
	pb_reader_init(&rd, d, n);
	while ((r = pb_next(&rd, &f)) > 0) {
		switch (f.number) {
		case 1: r = pb_get_string(&f, &v->version); break;
		case 2: r = pb_get_string(&f, &v->runtime_name); break;
		case 3: r = pb_get_string(&f, &v->runtime_version); break;
		case 4: r = pb_get_string(&f, &v->runtime_api_version); break;
		default: r = 0;
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	fill(&v->version);
	fill(&v->runtime_name);
	fill(&v->runtime_version);
	fill(&v->runtime_api_version);
	*ret = TAKE_PTR(v);
	return 0;
}

/* ---- Status ---- */

struct cri_status *cri_status_free(struct cri_status *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n_conditions; i++) {
		free(s->conditions[i].type);
		free(s->conditions[i].reason);
		free(s->conditions[i].message);
	}
	free(s->conditions);
	kv_free(s->info, s->n_info);
	free(s);
	return NULL;
}

static int decode_condition(const struct pb_field *outer, struct cri_status *s)
{
	struct pb_reader rd;
	struct pb_field f;
	int r = pb_get_message(outer, &rd);
	if (r < 0)
		return r;
	s->conditions = xrealloc(s->conditions, (s->n_conditions + 1) * sizeof(*s->conditions));
	struct cri_condition *k = &s->conditions[s->n_conditions++];
	*k = (struct cri_condition){ 0 };
	while ((r = pb_next(&rd, &f)) > 0) {
		switch (f.number) {
		case 1: r = pb_get_string(&f, &k->type); break;
		case 2: r = pb_get_bool(&f, &k->status); break;
		case 3: r = pb_get_string(&f, &k->reason); break;
		case 4: r = pb_get_string(&f, &k->message); break;
		default: r = 0;
		}
		if (r < 0)
			break;
	}
	fill(&k->type);
	fill(&k->reason);
	fill(&k->message);
	return r;
}

int cri_decode_status(const uint8_t *d, size_t n, struct cri_status **ret, bool *ret_has_status)
{
	_cleanup_(cri_status_freep) struct cri_status *s = xnew0(struct cri_status);
	bool has_status = false;
	struct pb_reader rd;
	struct pb_field f;
	int r;
	pb_reader_init(&rd, d, n);
	while ((r = pb_next(&rd, &f)) > 0) {
		if (f.number == 1) { /* StatusResponse.status: RuntimeStatus */
			struct pb_reader st;
			struct pb_field g;
			has_status = true;
			r = pb_get_message(&f, &st);
			while (r >= 0 && (r = pb_next(&st, &g)) > 0)
				if (g.number == 1) /* RuntimeStatus.conditions */
					r = decode_condition(&g, s);
		} else if (f.number == 2) { /* StatusResponse.info */
			r = add_kv(&f, &s->info, &s->n_info);
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(s);
	*ret_has_status = has_status;
	return 0;
}

/* ---- RuntimeConfig ---- */

int cri_decode_runtime_config(const uint8_t *d, size_t n, struct cri_runtime_config *ret)
{
	struct cri_runtime_config rc = { 0 };
	struct pb_reader rd;
	struct pb_field f;
	int r;
	pb_reader_init(&rd, d, n);
	while ((r = pb_next(&rd, &f)) > 0) {
		if (f.number != 1) /* RuntimeConfigResponse.linux */
			continue;
		struct pb_reader lx;
		struct pb_field g;
		rc.has_linux = true;
		r = pb_get_message(&f, &lx);
		while (r >= 0 && (r = pb_next(&lx, &g)) > 0)
			if (g.number == 1) /* LinuxRuntimeConfiguration.cgroup_driver */
				r = pb_get_int32(&g, &rc.cgroup_driver);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	*ret = rc;
	return 0;
}

/* ---- Image ---- */

static void image_release(void *p)
{
	struct cri_image *i = p;
	free(i->id);
	strv_free(i->repo_tags);
	strv_free(i->repo_digests);
	free(i->username);
}

struct cri_image *cri_image_free(struct cri_image *i)
{
	if (!i)
		return NULL;
	image_release(i);
	free(i);
	return NULL;
}

static int decode_image(const struct pb_field *outer, void *p);
static const struct list_type image_list = { sizeof(struct cri_image), decode_image, image_release };

void cri_images_free(struct cri_image *v, size_t n)
{
	list_free(&image_list, v, n);
}

/* Image message into *img (zeroed by the caller; members are filled even on error so that
 * image_release can free them). */
static int decode_image(const struct pb_field *outer, void *p)
{
	struct cri_image *img = p;
	struct pb_reader rd;
	struct pb_field f;
	int r = pb_get_message(outer, &rd);
	img->repo_tags = xnew0(char *);
	img->repo_digests = xnew0(char *);
	while (r >= 0 && (r = pb_next(&rd, &f)) > 0) {
		switch (f.number) {
		case 1: r = pb_get_string(&f, &img->id); break;
		case 2: r = add_str(&f, &img->repo_tags); break;
		case 3: r = add_str(&f, &img->repo_digests); break;
		case 4: r = pb_get_uint64(&f, &img->size); break;
		case 5: { /* Int64Value uid */
			struct pb_reader u;
			struct pb_field g;
			img->has_uid = true;
			r = pb_get_message(&f, &u);
			while (r >= 0 && (r = pb_next(&u, &g)) > 0)
				if (g.number == 1)
					r = pb_get_int64(&g, &img->uid);
			break;
		}
		case 6: r = pb_get_string(&f, &img->username); break;
		case 8: r = pb_get_bool(&f, &img->pinned); break;
		default: r = 0; /* 7 spec: unused */
		}
	}
	fill(&img->id);
	fill(&img->username);
	return r;
}

int cri_decode_image_status(const uint8_t *d, size_t n, struct cri_image **ret)
{
	_cleanup_(cri_image_freep) struct cri_image *img = NULL;
	struct pb_reader rd;
	struct pb_field f;
	int r;
	pb_reader_init(&rd, d, n);
	while ((r = pb_next(&rd, &f)) > 0) {
		if (f.number != 1) /* ImageStatusResponse.image */
			continue;
		cri_image_free(img);
		img = xnew0(struct cri_image);
		r = decode_image(&f, img);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(img);
	return 0;
}

int cri_decode_pull_image(const uint8_t *d, size_t n, char **ret_ref)
{
	_cleanup_free_ char *ref = NULL;
	struct pb_reader rd;
	struct pb_field f;
	int r;
	pb_reader_init(&rd, d, n);
	while ((r = pb_next(&rd, &f)) > 0)
		if (f.number == 1 && (r = pb_get_string(&f, &ref)) < 0) /* image_ref */
			return r;
	if (r < 0)
		return r;
	fill(&ref);
	*ret_ref = TAKE_PTR(ref);
	return 0;
}

int cri_decode_list_images(const uint8_t *d, size_t n, struct cri_image **ret, size_t *ret_n)
{
	void *v = NULL;
	int r = decode_list(&image_list, d, n, &v, ret_n); /* ListImagesResponse.images */
	if (r >= 0)
		*ret = v;
	return r;
}

/* ContainerMetadata: name and attempt. */
static int decode_container_metadata(const struct pb_field *f, char **name, uint32_t *attempt)
{
	struct pb_reader m;
	struct pb_field g;
	int r = pb_get_message(f, &m);
	while (r >= 0 && (r = pb_next(&m, &g)) > 0) {
		if (g.number == 1)
			r = pb_get_string(&g, name);
		else if (g.number == 2)
			r = pb_get_uint32(&g, attempt);
	}
	return r;
}

/* ImageSpec: the image. */
static int decode_image_spec(const struct pb_field *f, char **image)
{
	struct pb_reader m;
	struct pb_field g;
	int r = pb_get_message(f, &m);
	while (r >= 0 && (r = pb_next(&m, &g)) > 0)
		if (g.number == 1)
			r = pb_get_string(&g, image);
	return r;
}

/* PodSandboxMetadata: name, uid, namespace and attempt. */
static int decode_sandbox_metadata(const struct pb_field *f, char **name, char **uid, char **ns,
				   uint32_t *attempt)
{
	struct pb_reader m;
	struct pb_field g;
	int r = pb_get_message(f, &m);
	while (r >= 0 && (r = pb_next(&m, &g)) > 0) {
		switch (g.number) {
		case 1: r = pb_get_string(&g, name); break;
		case 2: r = pb_get_string(&g, uid); break;
		case 3: r = pb_get_string(&g, ns); break;
		case 4: r = pb_get_uint32(&g, attempt); break;
		default: r = 0;
		}
	}
	return r;
}

/* ---- PodSandbox ---- */

static void sandbox_release(void *p)
{
	struct cri_sandbox *s = p;
	free(s->id);
	free(s->name);
	free(s->uid);
	free(s->namespace);
	kv_free(s->labels, s->n_labels);
	kv_free(s->annotations, s->n_annotations);
	free(s->runtime_handler);
}

static int decode_sandbox(const struct pb_field *outer, void *p);
static const struct list_type sandbox_list = { sizeof(struct cri_sandbox), decode_sandbox,
					       sandbox_release };

void cri_sandboxes_free(struct cri_sandbox *v, size_t n)
{
	list_free(&sandbox_list, v, n);
}

static int decode_sandbox(const struct pb_field *outer, void *p)
{
	struct cri_sandbox *s = p;
	struct pb_reader rd;
	struct pb_field f;
	int r = pb_get_message(outer, &rd);
	while (r >= 0 && (r = pb_next(&rd, &f)) > 0) {
		switch (f.number) {
		case 1: r = pb_get_string(&f, &s->id); break;
		case 2: r = decode_sandbox_metadata(&f, &s->name, &s->uid, &s->namespace, &s->attempt); break;
		case 3: r = pb_get_int32(&f, &s->state); break;
		case 4: r = pb_get_int64(&f, &s->created_at); break;
		case 5: r = add_kv(&f, &s->labels, &s->n_labels); break;
		case 6: r = add_kv(&f, &s->annotations, &s->n_annotations); break;
		case 7: r = pb_get_string(&f, &s->runtime_handler); break;
		default: r = 0;
		}
	}
	fill(&s->id);
	fill(&s->name);
	fill(&s->uid);
	fill(&s->namespace);
	fill(&s->runtime_handler);
	return r;
}

int cri_decode_list_sandboxes(const uint8_t *d, size_t n, struct cri_sandbox **ret, size_t *ret_n)
{
	void *v = NULL;
	int r = decode_list(&sandbox_list, d, n, &v, ret_n); /* ListPodSandboxResponse.items */
	if (r >= 0)
		*ret = v;
	return r;
}

/* ---- Container ---- */

static void container_release(void *p)
{
	struct cri_container *c = p;
	free(c->id);
	free(c->pod_sandbox_id);
	free(c->name);
	free(c->image);
	free(c->image_ref);
	kv_free(c->labels, c->n_labels);
	kv_free(c->annotations, c->n_annotations);
	free(c->image_id);
}

static int decode_container(const struct pb_field *outer, void *p);
static const struct list_type container_list = { sizeof(struct cri_container), decode_container,
						 container_release };

void cri_containers_free(struct cri_container *v, size_t n)
{
	list_free(&container_list, v, n);
}

static int decode_container(const struct pb_field *outer, void *p)
{
	struct cri_container *c = p;
	struct pb_reader rd;
	struct pb_field f;
	int r = pb_get_message(outer, &rd);
	while (r >= 0 && (r = pb_next(&rd, &f)) > 0) {
		switch (f.number) {
		case 1: r = pb_get_string(&f, &c->id); break;
		case 2: r = pb_get_string(&f, &c->pod_sandbox_id); break;
		case 3: r = decode_container_metadata(&f, &c->name, &c->attempt); break;
		case 4: r = decode_image_spec(&f, &c->image); break;
		case 5: r = pb_get_string(&f, &c->image_ref); break;
		case 6: r = pb_get_int32(&f, &c->state); break;
		case 7: r = pb_get_int64(&f, &c->created_at); break;
		case 8: r = add_kv(&f, &c->labels, &c->n_labels); break;
		case 9: r = add_kv(&f, &c->annotations, &c->n_annotations); break;
		case 10: r = pb_get_string(&f, &c->image_id); break;
		default: r = 0;
		}
	}
	fill(&c->id);
	fill(&c->pod_sandbox_id);
	fill(&c->name);
	fill(&c->image);
	fill(&c->image_ref);
	fill(&c->image_id);
	return r;
}

int cri_decode_list_containers(const uint8_t *d, size_t n, struct cri_container **ret,
			       size_t *ret_n)
{
	void *v = NULL;
	int r = decode_list(&container_list, d, n, &v, ret_n); /* ListContainersResponse.containers */
	if (r >= 0)
		*ret = v;
	return r;
}

/* ---- ContainerStatus / PodSandboxStatus ---- */

void cri_encode_status_of_request(struct strbuf *sb, const char *id, bool verbose)
{
	pb_put_string(sb, 1, id);   /* container_id / pod_sandbox_id */
	pb_put_bool(sb, 2, verbose); /* verbose */
}

static void container_status_release(void *p)
{
	struct cri_container_status *s = p;
	free(s->id);
	free(s->name);
	free(s->image);
	free(s->image_ref);
	free(s->reason);
	free(s->message);
	free(s->log_path);
	kv_free(s->labels, s->n_labels);
	kv_free(s->annotations, s->n_annotations);
}

struct cri_container_status *cri_container_status_free(struct cri_container_status *s)
{
	if (s)
		container_status_release(s);
	free(s);
	return NULL;
}

/* The one message in field 1 of a *StatusResponse (the last one wins, as protobuf), decoded
 * by t into *ret (owned, NULL when absent). */
static int decode_one(const struct list_type *t, const uint8_t *d, size_t n, void **ret)
{
	void *v = NULL;
	struct pb_reader rd;
	struct pb_field f;
	int r;
	pb_reader_init(&rd, d, n);
	while ((r = pb_next(&rd, &f)) > 0) {
		if (f.number != 1)
			continue;
		if (v)
			t->release(v);
		free(v);
		v = xcalloc(1, t->size);
		r = t->decode(&f, v);
		if (r < 0)
			break;
	}
	if (r < 0) {
		if (v)
			t->release(v);
		free(v);
		return r;
	}
	*ret = v;
	return 0;
}

static int decode_container_status(const struct pb_field *outer, void *p)
{
	struct cri_container_status *c = p;
	struct pb_reader rd;
	struct pb_field f;
	int r = pb_get_message(outer, &rd);
	while (r >= 0 && (r = pb_next(&rd, &f)) > 0) {
		switch (f.number) {
		case 1: r = pb_get_string(&f, &c->id); break;
		case 2: r = decode_container_metadata(&f, &c->name, &c->attempt); break;
		case 3: r = pb_get_int32(&f, &c->state); break;
		case 4: r = pb_get_int64(&f, &c->created_at); break;
		case 5: r = pb_get_int64(&f, &c->started_at); break;
		case 6: r = pb_get_int64(&f, &c->finished_at); break;
		case 7: r = pb_get_int32(&f, &c->exit_code); break;
		case 8: r = decode_image_spec(&f, &c->image); break;
		case 9: r = pb_get_string(&f, &c->image_ref); break;
		case 10: r = pb_get_string(&f, &c->reason); break;
		case 11: r = pb_get_string(&f, &c->message); break;
		case 12: r = add_kv(&f, &c->labels, &c->n_labels); break;
		case 13: r = add_kv(&f, &c->annotations, &c->n_annotations); break;
		case 15: r = pb_get_string(&f, &c->log_path); break;
		default: r = 0; /* 14 mounts, 16 resources, 17 image_id, 18 user, 19 stop_signal */
		}
	}
	fill(&c->id);
	fill(&c->name);
	fill(&c->image);
	fill(&c->image_ref);
	fill(&c->reason);
	fill(&c->message);
	fill(&c->log_path);
	return r;
}

int cri_decode_container_status(const uint8_t *d, size_t n, struct cri_container_status **ret)
{
	static const struct list_type t = { sizeof(struct cri_container_status),
					    decode_container_status, container_status_release };
	void *v = NULL;
	int r = decode_one(&t, d, n, &v); /* ContainerStatusResponse.status; 2 info skipped */
	if (r >= 0)
		*ret = v;
	return r;
}

static void sandbox_status_release(void *p)
{
	struct cri_sandbox_status *s = p;
	free(s->id);
	free(s->name);
	free(s->uid);
	free(s->namespace);
	free(s->ip);
	kv_free(s->labels, s->n_labels);
	kv_free(s->annotations, s->n_annotations);
	free(s->runtime_handler);
}

struct cri_sandbox_status *cri_sandbox_status_free(struct cri_sandbox_status *s)
{
	if (s)
		sandbox_status_release(s);
	free(s);
	return NULL;
}

static int decode_sandbox_status(const struct pb_field *outer, void *p)
{
	struct cri_sandbox_status *s = p;
	struct pb_reader rd;
	struct pb_field f;
	int r = pb_get_message(outer, &rd);
	while (r >= 0 && (r = pb_next(&rd, &f)) > 0) {
		switch (f.number) {
		case 1: r = pb_get_string(&f, &s->id); break;
		case 2: r = decode_sandbox_metadata(&f, &s->name, &s->uid, &s->namespace, &s->attempt); break;
		case 3: r = pb_get_int32(&f, &s->state); break;
		case 4: r = pb_get_int64(&f, &s->created_at); break;
		case 5: { /* PodSandboxNetworkStatus.ip */
			struct pb_reader m;
			struct pb_field g;
			r = pb_get_message(&f, &m);
			while (r >= 0 && (r = pb_next(&m, &g)) > 0)
				if (g.number == 1)
					r = pb_get_string(&g, &s->ip);
			break;
		}
		case 7: r = add_kv(&f, &s->labels, &s->n_labels); break;
		case 8: r = add_kv(&f, &s->annotations, &s->n_annotations); break;
		case 9: r = pb_get_string(&f, &s->runtime_handler); break;
		default: r = 0; /* 6 linux */
		}
	}
	fill(&s->id);
	fill(&s->name);
	fill(&s->uid);
	fill(&s->namespace);
	fill(&s->ip);
	fill(&s->runtime_handler);
	return r;
}

int cri_decode_sandbox_status(const uint8_t *d, size_t n, struct cri_sandbox_status **ret)
{
	static const struct list_type t = { sizeof(struct cri_sandbox_status), decode_sandbox_status,
					    sandbox_status_release };
	void *v = NULL;
	/* PodSandboxStatusResponse.status; info, containers_statuses skipped */
	int r = decode_one(&t, d, n, &v);
	if (r >= 0)
		*ret = v;
	return r;
}
