/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cri/cri-codec.h"
#include "cri/proto.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"

static void assert_bytes(const struct strbuf *sb, const char *hex)
{
	_cleanup_strbuf_ struct strbuf h = STRBUF_INIT;
	for (size_t i = 0; i < sb->len; i++)
		strbuf_addf(&h, "%02x", (unsigned char)sb->buf[i]);
	assert_string_equal(h.buf, hex);
}

static void test_varint_encoding(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	pb_put_varint_raw(&sb, 0);
	pb_put_varint_raw(&sb, 1);
	pb_put_varint_raw(&sb, 300);
	pb_put_varint_raw(&sb, UINT64_MAX);
	assert_bytes(&sb, "0001ac02ffffffffffffffffff01");
}

/* Byte-exact requests, checked against the Go protobuf encoding of the same messages. */
static void test_encode_requests(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	cri_encode_version_request(&sb, "v1");
	assert_bytes(&sb, "0a027631");

	strbuf_reset(&sb);
	cri_encode_status_request(&sb, false);
	assert_int_equal(sb.len, 0);
	cri_encode_status_request(&sb, true);
	assert_bytes(&sb, "0801");

	strbuf_reset(&sb);
	cri_encode_image_status_request(&sb, "pause:3.10", false);
	/* ImageStatusRequest{image: ImageSpec{image: "pause:3.10"}} */
	assert_bytes(&sb, "0a0c0a0a70617573653a332e3130");

	strbuf_reset(&sb);
	cri_encode_list_images_request(&sb, NULL);
	assert_int_equal(sb.len, 0);
	cri_encode_list_images_request(&sb, "a");
	assert_bytes(&sb, "0a050a030a0161");

	strbuf_reset(&sb);
	cri_encode_sandbox_id_request(&sb, "abc");
	assert_bytes(&sb, "0a03616263");

	strbuf_reset(&sb);
	cri_encode_stop_container_request(&sb, "abc", 30);
	assert_bytes(&sb, "0a03616263101e"); /* container_id "abc", timeout 30 */
	strbuf_reset(&sb);
	cri_encode_stop_container_request(&sb, "abc", 0);
	assert_bytes(&sb, "0a03616263"); /* a zero timeout is proto3's default: not sent */

	strbuf_reset(&sb);
	struct cri_kv sel[] = { { "k", "v" } };
	struct cri_sandbox_filter f = { .has_state = true, .state = CRI_SANDBOX_READY,
					.label_selector = sel, .n_label_selector = 1 };
	cri_encode_list_sandbox_request(&sb, &f);
	/* filter{state: {state: 0} (present, empty), label_selector: {k: v}} */
	assert_bytes(&sb, "0a0a12001a060a016b120176");

	strbuf_reset(&sb);
	struct cri_container_filter cf = { .pod_sandbox_id = "p", .has_state = true,
					   .state = CRI_CONTAINER_RUNNING };
	cri_encode_list_containers_request(&sb, &cf);
	assert_bytes(&sb, "0a07120208011a0170");
}

static void test_reader_all_wire_types(void **state)
{
	/* field 1 varint 150, field 2 fixed64, field 3 len "hi", field 4 fixed32 */
	const uint8_t msg[] = { 0x08, 0x96, 0x01, 0x11, 1, 0, 0, 0, 0, 0, 0, 0x80,
				0x1a, 0x02, 'h',  'i',	0x25, 4, 3, 2, 1 };
	struct pb_reader r;
	struct pb_field f;
	pb_reader_init(&r, msg, sizeof(msg));
	assert_int_equal(pb_next(&r, &f), 1);
	assert_int_equal(f.number, 1);
	assert_int_equal(f.varint, 150);
	assert_int_equal(pb_next(&r, &f), 1);
	assert_int_equal(f.type, PB_FIXED64);
	assert_true(f.varint == 0x8000000000000001ULL);
	assert_int_equal(pb_next(&r, &f), 1);
	assert_int_equal(f.len, 2);
	assert_memory_equal(f.data, "hi", 2);
	assert_int_equal(pb_next(&r, &f), 1);
	assert_int_equal(f.varint, 0x01020304);
	assert_int_equal(pb_next(&r, &f), 0);
}

static void expect_bad(const uint8_t *msg, size_t len)
{
	struct pb_reader r;
	struct pb_field f;
	int k;
	pb_reader_init(&r, msg, len);
	while ((k = pb_next(&r, &f)) > 0)
		;
	assert_int_equal(k, -EBADMSG);
	error_clear();
}

static void test_reader_rejects_garbage(void **state)
{
	const uint8_t truncated_varint[] = { 0x08, 0x96 };
	expect_bad(truncated_varint, sizeof(truncated_varint));
	const uint8_t long_varint[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
	expect_bad(long_varint, sizeof(long_varint));
	const uint8_t eleven_bytes[] = { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
	expect_bad(eleven_bytes, sizeof(eleven_bytes));
	const uint8_t overrun[] = { 0x0a, 0x05, 'a', 'b' };
	expect_bad(overrun, sizeof(overrun));
	const uint8_t huge_len[] = { 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 'a' };
	expect_bad(huge_len, sizeof(huge_len));
	const uint8_t field_zero[] = { 0x00, 0x01 };
	expect_bad(field_zero, sizeof(field_zero));
	const uint8_t group[] = { 0x0b, 0x0c };
	expect_bad(group, sizeof(group));
	const uint8_t wire7[] = { 0x0f };
	expect_bad(wire7, sizeof(wire7));
	const uint8_t short_fixed[] = { 0x0d, 1, 2 };
	expect_bad(short_fixed, sizeof(short_fixed));
}

static void test_string_validation(void **state)
{
	struct pb_field f = { .number = 1, .type = PB_LEN, .data = (const uint8_t *)"a\0b", .len = 3 };
	_cleanup_free_ char *s = NULL;
	assert_int_equal(pb_get_string(&f, &s), -EBADMSG);
	f.data = (const uint8_t *)"\xc3\x28";
	f.len = 2;
	assert_int_equal(pb_get_string(&f, &s), -EBADMSG);
	f.data = (const uint8_t *)"\xed\xa0\x80"; /* surrogate */
	f.len = 3;
	assert_int_equal(pb_get_string(&f, &s), -EBADMSG);
	f.data = (const uint8_t *)"\xe2\x82\xac!";
	f.len = 4;
	assert_int_equal(pb_get_string(&f, &s), 0);
	assert_string_equal(s, "\xe2\x82\xac!");
	f.type = PB_VARINT;
	assert_int_equal(pb_get_string(&f, &s), -EBADMSG);
	error_clear();
}

static void test_decode_version(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	pb_put_string(&sb, 1, "0.1.0");
	pb_put_string(&sb, 2, "containerd");
	pb_put_string(&sb, 3, "1.6.20");
	pb_put_uint64(&sb, 99, 7); /* unknown field: skipped */
	pb_put_string(&sb, 4, "v1");
	_cleanup_(cri_version_freep) struct cri_version *v = NULL;
	assert_int_equal(cri_decode_version((uint8_t *)sb.buf, sb.len, &v), 0);
	assert_string_equal(v->version, "0.1.0");
	assert_string_equal(v->runtime_name, "containerd");
	assert_string_equal(v->runtime_version, "1.6.20");
	assert_string_equal(v->runtime_api_version, "v1");

	/* wrong wire type for a known field */
	strbuf_reset(&sb);
	pb_put_uint64(&sb, 2, 5);
	_cleanup_(cri_version_freep) struct cri_version *w = NULL;
	assert_int_equal(cri_decode_version((uint8_t *)sb.buf, sb.len, &w), -EBADMSG);
	assert_null(w);
	error_clear();
}

static void add_condition(struct strbuf *status, const char *type, bool ok, const char *reason)
{
	_cleanup_strbuf_ struct strbuf c = STRBUF_INIT;
	pb_put_string(&c, 1, type);
	pb_put_bool(&c, 2, ok);
	pb_put_string(&c, 3, reason);
	pb_put_bytes(status, 1, c.buf, c.len);
}

static void test_decode_status(void **state)
{
	_cleanup_strbuf_ struct strbuf st = STRBUF_INIT, sb = STRBUF_INIT;
	add_condition(&st, "RuntimeReady", true, NULL);
	add_condition(&st, "NetworkReady", false, "NetworkPluginNotReady");
	pb_put_bytes(&sb, 1, st.buf, st.len);
	pb_put_map_entry(&sb, 2, "config", "{\"sandboxImage\":\"registry.k8s.io/pause:3.10\"}");
	pb_put_map_entry(&sb, 2, "x", "");
	_cleanup_(cri_status_freep) struct cri_status *s = NULL;
	bool has;
	assert_int_equal(cri_decode_status((uint8_t *)sb.buf, sb.len, &s, &has), 0);
	assert_true(has);
	assert_int_equal(s->n_conditions, 2);
	assert_string_equal(s->conditions[0].type, "RuntimeReady");
	assert_true(s->conditions[0].status);
	assert_string_equal(s->conditions[0].reason, "");
	assert_false(s->conditions[1].status);
	assert_string_equal(s->conditions[1].reason, "NetworkPluginNotReady");
	assert_int_equal(s->n_info, 2);
	assert_string_equal(cri_kv_get(s->info, s->n_info, "config"),
			    "{\"sandboxImage\":\"registry.k8s.io/pause:3.10\"}");
	assert_string_equal(cri_kv_get(s->info, s->n_info, "x"), "");
	assert_null(cri_kv_get(s->info, s->n_info, "y"));

	/* empty answer: no status */
	_cleanup_(cri_status_freep) struct cri_status *e = NULL;
	assert_int_equal(cri_decode_status((uint8_t *)"", 0, &e, &has), 0);
	assert_false(has);

	/* a truncated condition inside: every prefix of the message is rejected or decodes */
	for (size_t cut = 0; cut < sb.len; cut++) {
		struct cri_status *p = NULL;
		int r = cri_decode_status((uint8_t *)sb.buf, cut, &p, &has);
		assert_true(r == 0 || r == -EBADMSG);
		cri_status_free(p);
	}
	error_clear();
}

static void test_decode_runtime_config(void **state)
{
	struct cri_runtime_config rc;
	const uint8_t cgroupfs[] = { 0x0a, 0x02, 0x08, 0x01 };
	assert_int_equal(cri_decode_runtime_config(cgroupfs, sizeof(cgroupfs), &rc), 0);
	assert_true(rc.has_linux);
	assert_int_equal(rc.cgroup_driver, CRI_CGROUP_DRIVER_CGROUPFS);
	const uint8_t systemd[] = { 0x0a, 0x00 };
	assert_int_equal(cri_decode_runtime_config(systemd, sizeof(systemd), &rc), 0);
	assert_true(rc.has_linux);
	assert_int_equal(rc.cgroup_driver, CRI_CGROUP_DRIVER_SYSTEMD);
	assert_int_equal(cri_decode_runtime_config(systemd, 0, &rc), 0);
	assert_false(rc.has_linux);
	const uint8_t bad[] = { 0x0a, 0x02, 0x0a, 0x01 };
	assert_int_equal(cri_decode_runtime_config(bad, sizeof(bad), &rc), -EBADMSG);
	error_clear();
}

static void put_image(struct strbuf *sb, uint32_t field, const char *id, const char *tag,
		      uint64_t size)
{
	_cleanup_strbuf_ struct strbuf img = STRBUF_INIT, uid = STRBUF_INIT;
	pb_put_string(&img, 1, id);
	pb_put_string(&img, 2, tag);
	pb_put_string(&img, 3, "docker.io/x@sha256:00");
	pb_put_uint64(&img, 4, size);
	pb_put_uint64(&uid, 1, (uint64_t)-5);
	pb_put_bytes(&img, 5, uid.buf, uid.len);
	pb_put_bool(&img, 8, true);
	pb_put_bytes(sb, field, img.buf, img.len);
}

static void test_decode_images(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	put_image(&sb, 1, "sha256:aa", "ckubeadm.test/one:1", 4096);
	_cleanup_(cri_image_freep) struct cri_image *img = NULL;
	assert_int_equal(cri_decode_image_status((uint8_t *)sb.buf, sb.len, &img), 0);
	assert_non_null(img);
	assert_string_equal(img->id, "sha256:aa");
	assert_int_equal(strv_length(img->repo_tags), 1);
	assert_string_equal(img->repo_tags[0], "ckubeadm.test/one:1");
	assert_string_equal(img->repo_digests[0], "docker.io/x@sha256:00");
	assert_int_equal(img->size, 4096);
	assert_true(img->has_uid);
	assert_int_equal(img->uid, -5);
	assert_true(img->pinned);

	_cleanup_(cri_image_freep) struct cri_image *none = NULL;
	assert_int_equal(cri_decode_image_status((uint8_t *)"", 0, &none), 0);
	assert_null(none);

	put_image(&sb, 1, "sha256:bb", "ckubeadm.test/two:2", 1);
	struct cri_image *v = NULL;
	size_t n = 0;
	assert_int_equal(cri_decode_list_images((uint8_t *)sb.buf, sb.len, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].id, "sha256:bb");
	assert_string_equal(v[1].repo_tags[0], "ckubeadm.test/two:2");
	cri_images_free(v, n);

	for (size_t cut = 1; cut < sb.len; cut++) {
		v = NULL;
		n = 0;
		int r = cri_decode_list_images((uint8_t *)sb.buf, cut, &v, &n);
		assert_true(r == 0 || r == -EBADMSG);
		if (r == 0)
			cri_images_free(v, n);
	}
	error_clear();
}

static void test_decode_sandboxes_and_containers(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT, s = STRBUF_INIT, m = STRBUF_INIT;
	pb_put_string(&m, 1, "etcd-node");
	pb_put_string(&m, 2, "uid-1");
	pb_put_string(&m, 3, "kube-system");
	pb_put_uint64(&m, 4, 2);
	pb_put_string(&s, 1, "sb1");
	pb_put_bytes(&s, 2, m.buf, m.len);
	pb_put_uint64(&s, 3, CRI_SANDBOX_NOTREADY);
	pb_put_uint64(&s, 4, 1700000000000000000ULL);
	pb_put_map_entry(&s, 5, "io.kubernetes.pod.namespace", "kube-system");
	pb_put_map_entry(&s, 6, "a", "b");
	pb_put_string(&s, 7, "runc");
	pb_put_bytes(&sb, 1, s.buf, s.len);
	pb_put_bytes(&sb, 1, "", 0); /* an empty sandbox */
	struct cri_sandbox *v = NULL;
	size_t n = 0;
	assert_int_equal(cri_decode_list_sandboxes((uint8_t *)sb.buf, sb.len, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "sb1");
	assert_string_equal(v[0].name, "etcd-node");
	assert_string_equal(v[0].uid, "uid-1");
	assert_string_equal(v[0].namespace, "kube-system");
	assert_int_equal(v[0].attempt, 2);
	assert_int_equal(v[0].state, CRI_SANDBOX_NOTREADY);
	assert_true(v[0].created_at == 1700000000000000000LL);
	assert_string_equal(cri_kv_get(v[0].labels, v[0].n_labels, "io.kubernetes.pod.namespace"),
			    "kube-system");
	assert_string_equal(cri_kv_get(v[0].annotations, v[0].n_annotations, "a"), "b");
	assert_string_equal(v[0].runtime_handler, "runc");
	assert_string_equal(v[1].id, "");
	cri_sandboxes_free(v, n);

	_cleanup_strbuf_ struct strbuf cb = STRBUF_INIT, c = STRBUF_INIT, cm = STRBUF_INIT,
				       spec = STRBUF_INIT;
	pb_put_string(&cm, 1, "etcd");
	pb_put_uint64(&cm, 2, 1);
	pb_put_string(&spec, 1, "registry.k8s.io/etcd:3.6");
	pb_put_string(&c, 1, "c1");
	pb_put_string(&c, 2, "sb1");
	pb_put_bytes(&c, 3, cm.buf, cm.len);
	pb_put_bytes(&c, 4, spec.buf, spec.len);
	pb_put_string(&c, 5, "sha256:cc");
	pb_put_uint64(&c, 6, CRI_CONTAINER_EXITED);
	pb_put_string(&c, 10, "sha256:dd");
	pb_put_bytes(&cb, 1, c.buf, c.len);
	struct cri_container *cv = NULL;
	assert_int_equal(cri_decode_list_containers((uint8_t *)cb.buf, cb.len, &cv, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(cv[0].id, "c1");
	assert_string_equal(cv[0].pod_sandbox_id, "sb1");
	assert_string_equal(cv[0].name, "etcd");
	assert_int_equal(cv[0].attempt, 1);
	assert_string_equal(cv[0].image, "registry.k8s.io/etcd:3.6");
	assert_string_equal(cv[0].image_ref, "sha256:cc");
	assert_int_equal(cv[0].state, CRI_CONTAINER_EXITED);
	assert_string_equal(cv[0].image_id, "sha256:dd");
	cri_containers_free(cv, n);

	/* metadata with a wrong wire type inside a sandbox: the whole list is refused */
	const uint8_t bad[] = { 0x0a, 0x04, 0x12, 0x02, 0x08, 0x01 };
	v = NULL;
	assert_int_equal(cri_decode_list_sandboxes(bad, sizeof(bad), &v, &n), -EBADMSG);
	error_clear();
}

static void test_decode_container_and_sandbox_status(void **state)
{
	_cleanup_strbuf_ struct strbuf req = STRBUF_INIT;
	cri_encode_status_of_request(&req, "c1", false);
	assert_bytes(&req, "0a026331");

	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT, s = STRBUF_INIT, m = STRBUF_INIT,
				       spec = STRBUF_INIT;
	pb_put_string(&m, 1, "kube-apiserver");
	pb_put_uint64(&m, 2, 4);
	pb_put_string(&spec, 1, "registry.k8s.io/kube-apiserver:v1.37.2");
	pb_put_string(&s, 1, "c1");
	pb_put_bytes(&s, 2, m.buf, m.len);
	pb_put_uint64(&s, 3, CRI_CONTAINER_EXITED);
	pb_put_uint64(&s, 5, 1700000000000000000ULL);
	pb_put_uint64(&s, 6, 1700000001000000000ULL);
	pb_put_uint64(&s, 7, 137);
	pb_put_bytes(&s, 8, spec.buf, spec.len);
	pb_put_string(&s, 10, "OOMKilled");
	pb_put_string(&s, 11, "out of memory");
	pb_put_map_entry(&s, 12, "io.kubernetes.container.name", "kube-apiserver");
	pb_put_bytes(&s, 14, "\x0a\x01x", 3); /* a mount: skipped */
	pb_put_string(&s, 15, "/var/log/pods/x/kube-apiserver/4.log");
	pb_put_bytes(&sb, 1, s.buf, s.len);
	pb_put_map_entry(&sb, 2, "info", "{}");
	struct cri_container_status *cs = NULL;
	assert_int_equal(cri_decode_container_status((uint8_t *)sb.buf, sb.len, &cs), 0);
	assert_non_null(cs);
	assert_string_equal(cs->id, "c1");
	assert_string_equal(cs->name, "kube-apiserver");
	assert_int_equal(cs->attempt, 4);
	assert_int_equal(cs->state, CRI_CONTAINER_EXITED);
	assert_int_equal(cs->exit_code, 137);
	assert_true(cs->finished_at == 1700000001000000000LL);
	assert_string_equal(cs->image, "registry.k8s.io/kube-apiserver:v1.37.2");
	assert_string_equal(cs->reason, "OOMKilled");
	assert_string_equal(cs->message, "out of memory");
	assert_string_equal(cs->log_path, "/var/log/pods/x/kube-apiserver/4.log");
	assert_string_equal(cs->image_ref, "");
	cri_container_status_free(cs);

	/* no status field: NULL, not an error (the wrapper refuses it) */
	cs = NULL;
	assert_int_equal(cri_decode_container_status((uint8_t *)"", 0, &cs), 0);
	assert_null(cs);
	/* a negative exit code (int32 sign-extended on the wire) */
	strbuf_reset(&s);
	strbuf_reset(&sb);
	pb_put_uint64(&s, 7, (uint64_t)(int64_t)-1);
	pb_put_bytes(&sb, 1, s.buf, s.len);
	assert_int_equal(cri_decode_container_status((uint8_t *)sb.buf, sb.len, &cs), 0);
	assert_int_equal(cs->exit_code, -1);
	cs = cri_container_status_free(cs);
	/* wrong wire type for the reason */
	const uint8_t bad[] = { 0x0a, 0x02, 0x50, 0x01 };
	assert_int_equal(cri_decode_container_status(bad, sizeof(bad), &cs), -EBADMSG);
	assert_null(cs);

	_cleanup_strbuf_ struct strbuf pb = STRBUF_INIT, p = STRBUF_INIT, pm = STRBUF_INIT,
				       net = STRBUF_INIT;
	pb_put_string(&pm, 1, "etcd-cp1");
	pb_put_string(&pm, 2, "uid-9");
	pb_put_string(&pm, 3, "kube-system");
	pb_put_uint64(&pm, 4, 3);
	pb_put_string(&net, 1, "10.213.0.11");
	pb_put_string(&p, 1, "sb9");
	pb_put_bytes(&p, 2, pm.buf, pm.len);
	pb_put_uint64(&p, 3, CRI_SANDBOX_READY);
	pb_put_bytes(&p, 5, net.buf, net.len);
	pb_put_map_entry(&p, 7, "component", "etcd");
	pb_put_string(&p, 9, "runc");
	pb_put_bytes(&pb, 1, p.buf, p.len);
	pb_put_bytes(&pb, 3, s.buf, s.len); /* containers_statuses: skipped */
	struct cri_sandbox_status *ss = NULL;
	assert_int_equal(cri_decode_sandbox_status((uint8_t *)pb.buf, pb.len, &ss), 0);
	assert_string_equal(ss->id, "sb9");
	assert_string_equal(ss->name, "etcd-cp1");
	assert_string_equal(ss->uid, "uid-9");
	assert_string_equal(ss->namespace, "kube-system");
	assert_int_equal(ss->attempt, 3);
	assert_int_equal(ss->state, CRI_SANDBOX_READY);
	assert_string_equal(ss->ip, "10.213.0.11");
	assert_string_equal(cri_kv_get(ss->labels, ss->n_labels, "component"), "etcd");
	assert_string_equal(ss->runtime_handler, "runc");
	cri_sandbox_status_free(ss);
	error_clear();
}

static void test_log_line(void **state)
{
	struct cri_log_line l;
	const char *a = "2026-12-08T03:50:59.123456789Z stderr F Error: unknown flag: --no-such-flag";
	assert_int_equal(cri_log_line_parse(a, strlen(a), &l), 0);
	assert_string_equal(l.time, "2026-12-08T03:50:59.123456789Z");
	assert_string_equal(l.stream, "stderr");
	assert_false(l.partial);
	assert_string_equal(l.msg, "Error: unknown flag: --no-such-flag");
	cri_log_line_release(&l);
	const char *b = "2026-12-08T03:50:59.1Z stdout P part";
	assert_int_equal(cri_log_line_parse(b, strlen(b), &l), 0);
	assert_true(l.partial);
	assert_string_equal(l.msg, "part");
	cri_log_line_release(&l);
	const char *e = "2026-12-08T03:50:59.1Z stdout F";
	assert_int_equal(cri_log_line_parse(e, strlen(e), &l), 0);
	assert_string_equal(l.msg, "");
	cri_log_line_release(&l);
	const char *const bad[] = { "", "x", "2026-12-08T03:50:59.1Z stdin F x",
				    "2026-12-08T03:50:59.1Z stdout X x", "garbage stdout F x",
				    "2026-12-08T03:50:59.1Z stdout FF x" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(cri_log_line_parse(bad[i], strlen(bad[i]), &l), -EBADMSG);
	assert_int_equal(cri_log_line_parse("2026-12-08T03:50:59.1Z stdout F a\0b", 36, &l), -EBADMSG);
	error_clear();
}

static void test_log_tail(void **state)
{
	char path[] = "/tmp/cri-log-test.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "2026-12-08T03:00:00.1Z stdout F one\n"
			    "not a log line\n"
			    "2026-12-08T03:00:00.2Z stderr P tw\n"
			    "2026-12-08T03:00:00.3Z stderr F o\n"
			    "2026-12-08T03:00:00.4Z stderr F three\n"
			    "2026-12-08T03:00:00.5Z stderr P four (being written)";
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	char **l = NULL;
	assert_int_equal(cri_log_tail(AT_FDCWD, path, 10, 1 << 20, &l), 0);
	assert_int_equal(strv_length(l), 4);
	assert_string_equal(l[0], "one");
	assert_string_equal(l[1], "two");
	assert_string_equal(l[2], "three");
	assert_string_equal(l[3], "four (being written)");
	strv_free(l);
	assert_int_equal(cri_log_tail(AT_FDCWD, path, 2, 1 << 20, &l), 0);
	assert_int_equal(strv_length(l), 2);
	assert_string_equal(l[0], "three");
	strv_free(l);
	/* only the last 60 bytes: the cut first line is dropped */
	assert_int_equal(cri_log_tail(AT_FDCWD, path, 10, 60, &l), 0);
	assert_int_equal(strv_length(l), 1);
	assert_string_equal(l[0], "four (being written)");
	strv_free(l);
	unlink(path);
	assert_int_equal(cri_log_tail(AT_FDCWD, path, 10, 100, &l), -ENOENT);
	error_clear();
}

static void test_decode_pull(void **state)
{
	_cleanup_free_ char *ref = NULL;
	const uint8_t ok[] = { 0x0a, 0x03, 's', 'h', 'a' };
	assert_int_equal(cri_decode_pull_image(ok, sizeof(ok), &ref), 0);
	assert_string_equal(ref, "sha");
	_cleanup_free_ char *e = NULL;
	assert_int_equal(cri_decode_pull_image(ok, 0, &e), 0);
	assert_string_equal(e, "");
	_cleanup_free_ char *b = NULL;
	assert_int_equal(cri_decode_pull_image(ok, 3, &b), -EBADMSG);
	assert_null(b);
	error_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint_encoding),
		cmocka_unit_test(test_encode_requests),
		cmocka_unit_test(test_reader_all_wire_types),
		cmocka_unit_test(test_reader_rejects_garbage),
		cmocka_unit_test(test_string_validation),
		cmocka_unit_test(test_decode_version),
		cmocka_unit_test(test_decode_status),
		cmocka_unit_test(test_decode_runtime_config),
		cmocka_unit_test(test_decode_images),
		cmocka_unit_test(test_decode_sandboxes_and_containers),
		cmocka_unit_test(test_decode_pull),
		cmocka_unit_test(test_decode_container_and_sandbox_status),
		cmocka_unit_test(test_log_line),
		cmocka_unit_test(test_log_tail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
