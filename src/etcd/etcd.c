/* SPDX-License-Identifier: Apache-2.0 */
/* kubeadm's etcd client (cmd/kubeadm/app/util/etcd/etcd.go) over etcd's v3 JSON gateway. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "etcd/etcd.h"
#include "kube/transport.h"
#include "util/error.h"
#include "util/events.h"
#include "util/fault.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/yaml.h"

struct etcd_client {
	char **endpoints;
	char *ca, *cert, *key;
	long call_ms, api_ms, interval_ms;
	bool readd_unstarted; /* etcd_client_set_readd_unstarted */
};

void etcd_client_set_readd_unstarted(struct etcd_client *c, bool on)
{
	c->readd_unstarted = on;
}

void etcd_members_free(struct etcd_member *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].name);
		strv_free(v[i].peer_urls);
		strv_free(v[i].client_urls);
	}
	free(v);
}

void etcd_member_briefs_free(struct etcd_member_brief *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].name);
		free(v[i].peer_url);
	}
	free(v);
}

void etcd_status_release(struct etcd_status *s)
{
	if (!s)
		return;
	free(s->version);
	strv_free(s->errors);
	*s = (struct etcd_status){ 0 };
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

int etcd_client_new(char *const *endpoints, const char *ca, const char *cert, const char *key,
		    struct etcd_client **ret)
{
	if (!endpoints || !endpoints[0])
		return error_set(-EINVAL, "etcdclient: no available endpoints");
	struct etcd_client *c = xnew0(struct etcd_client);
	c->endpoints = strv_copy(endpoints);
	c->ca = dup_or_null(ca);
	c->cert = dup_or_null(cert);
	c->key = dup_or_null(key);
	c->call_ms = ETCD_CALL_TIMEOUT_MS;
	c->api_ms = ETCD_API_CALL_TIMEOUT_MS;
	c->interval_ms = ETCD_API_CALL_RETRY_INTERVAL_MS;
	*ret = c;
	return 0;
}

struct etcd_client *etcd_client_free(struct etcd_client *c)
{
	if (!c)
		return NULL;
	strv_free(c->endpoints);
	free(c->ca);
	free(c->cert);
	free(c->key);
	free(c);
	return NULL;
}

void etcd_client_set_timeouts(struct etcd_client *c, long call_ms, long api_ms, long interval_ms)
{
	if (call_ms > 0)
		c->call_ms = call_ms;
	if (api_ms > 0)
		c->api_ms = api_ms;
	if (interval_ms > 0)
		c->interval_ms = interval_ms;
}

char *const *etcd_client_endpoints(const struct etcd_client *c)
{
	return c->endpoints;
}

static void add_endpoint(struct etcd_client *c, const char *ep)
{
	if (!strv_contains(c->endpoints, ep))
		strv_push(&c->endpoints, ep);
}

/* ---- transport ---- */

/* A transport failure as the errno the endpoint loop understands (see transport_error). */
static int transport_errno(int r)
{
	switch (r) {
	case -ETIMEDOUT:
	case -EACCES:
	case -EHOSTUNREACH:
	case -EINVAL:
		return r;
	default:
		return -ECONNREFUSED;
	}
}

/* gRPC status codes etcd's gateway returns, mapped once. */
static int grpc_errno(long code, const char *msg)
{
	if (msg && (strstr(msg, "member not found") || strstr(msg, "member ID not found")))
		return -ENOENT;
	if (msg && strstr(msg, "Peer URLs already exists"))
		return -EEXIST;
	switch (code) {
	case 4:
		return -ETIMEDOUT; /* DeadlineExceeded */
	case 5:
		return -ENOENT;
	case 7:
		return -EPERM;
	case 14:
		return -ECONNREFUSED; /* Unavailable */
	case 16:
		return -EACCES;
	default:
		return -EIO;
	}
}

/* One HTTP request to endpoint + path. body NULL: GET. *ret: the parsed JSON answer (2xx). */
static int request(struct etcd_client *c, const char *endpoint, const char *path,
		   const json_t *body, json_t **ret)
{
	_cleanup_free_ char *url = NULL;
	size_t el = strlen(endpoint);
	while (el && endpoint[el - 1] == '/')
		el--;
	url = xasprintf("%.*s%s", (int)el, endpoint, path);
	_cleanup_free_ char *data = body ? json_dumps(body, JSON_COMPACT) : NULL;
	static const char *const json_header[] = { "Content-Type: application/json", NULL };
	const struct http_tls tls = { .ca_file = c->ca, .cert_file = c->cert, .key_file = c->key };
	const struct http_request req = {
		.method = data ? "POST" : "GET", .url = url, .headers = data ? json_header : NULL,
		.body = data, .body_len = data ? strlen(data) : 0, .timeout_ms = c->call_ms,
		.max_body = ETCD_MAX_RESPONSE, .tls = &tls, /* never through a proxy, as clientv3 */
	};
	struct http_response resp;
	int pr = http_perform(NULL, &req, &resp);
	long status = resp.status;
	if (pr == -EFBIG)
		return error_set(-EFBIG, "etcd endpoint %s: answer to %s larger than %u bytes",
				 endpoint, path, ETCD_MAX_RESPONSE);
	if (pr < 0) {
		int r = transport_errno(pr);
		if (r == -ETIMEDOUT)
			return error_set(r, "etcd endpoint %s: context deadline exceeded (%s)", endpoint,
					 resp.error);
		return error_set(r, "etcd endpoint %s: %s", endpoint, resp.error);
	}
	json_error_t jerr;
	json_t *v = json_loadb(resp.body, resp.len, 0, &jerr);
	http_response_release(&resp);
	if (status < 200 || status > 299) {
		const char *msg = json_string_value(json_object_get(v, "message"));
		if (!msg)
			msg = json_string_value(json_object_get(v, "error"));
		long code = (long)json_integer_value(json_object_get(v, "code"));
		int r = grpc_errno(code, msg);
		if (msg)
			r = error_set(r, "%s", msg);
		else
			r = error_set(r, "etcd endpoint %s: %s: HTTP status %ld", endpoint, path, status);
		json_decref(v);
		return r;
	}
	if (!v || !json_is_object(v)) {
		json_decref(v);
		return error_set(-EBADMSG, "etcd endpoint %s: malformed answer to %s", endpoint, path);
	}
	*ret = v;
	return 0;
}

/* A transport failure: try the next endpoint (clientv3's balancer does the same). */
static bool transport_error(int r)
{
	return r == -ECONNREFUSED || r == -ETIMEDOUT || r == -EACCES || r == -EHOSTUNREACH;
}

static int request_any(struct etcd_client *c, const char *path, const json_t *body, json_t **ret)
{
	int r = -ECONNREFUSED;
	STRV_FOREACH(ep, c->endpoints) {
		r = request(c, *ep, path, body, ret);
		if (r >= 0 || !transport_error(r))
			return r;
		log_v(5, "etcd call %s on %s failed: %s", path, *ep, error_message(r));
	}
	return r;
}

/* ---- JSON decoding (gateway encoding: uint64 as strings) ---- */

static int get_u64(const json_t *o, const char *key, uint64_t *ret)
{
	const json_t *v = json_object_get(o, key);
	if (!v) {
		*ret = 0;
		return 0;
	}
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*ret = (uint64_t)json_integer_value(v);
		return 0;
	}
	const char *s = json_string_value(v);
	if (!s || !*s || *s < '0' || *s > '9')
		return -EBADMSG;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end)
		return -EBADMSG;
	*ret = x;
	return 0;
}

static int get_strv(const json_t *o, const char *key, char ***ret)
{
	char **v = xnew0(char *);
	const json_t *a = json_object_get(o, key);
	if (a && !json_is_array(a)) {
		strv_free(v);
		return -EBADMSG;
	}
	size_t i;
	const json_t *e;
	json_array_foreach(a, i, e) {
		if (!json_is_string(e)) {
			strv_free(v);
			return -EBADMSG;
		}
		strv_push(&v, json_string_value(e));
	}
	*ret = v;
	return 0;
}

static int decode_members(const json_t *resp, struct etcd_member **ret, size_t *ret_n)
{
	const json_t *a = json_object_get(resp, "members");
	if (a && !json_is_array(a))
		return error_set(-EBADMSG, "etcd: malformed member list");
	size_t n = json_array_size(a);
	struct etcd_member *v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const json_t *m = json_array_get(a, i);
		const json_t *name = json_object_get(m, "name");
		if (!json_is_object(m) || (name && !json_is_string(name)) ||
		    get_u64(m, "ID", &v[i].id) < 0 || get_strv(m, "peerURLs", &v[i].peer_urls) < 0 ||
		    get_strv(m, "clientURLs", &v[i].client_urls) < 0) {
			etcd_members_free(v, n);
			return error_set(-EBADMSG, "etcd: malformed member in the member list");
		}
		v[i].name = xstrdup(name ? json_string_value(name) : "");
		v[i].is_learner = json_is_true(json_object_get(m, "isLearner"));
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ---- raw calls ---- */

int etcd_member_list(struct etcd_client *c, struct etcd_member **ret, size_t *ret_n)
{
	json_t *resp = NULL;
	_cleanup_(json_decrefp) json_t *body = json_pack("{s:b}", "linearizable", 1);
	int r = request_any(c, "/v3/cluster/member/list", body, &resp);
	if (r < 0)
		return r;
	r = decode_members(resp, ret, ret_n);
	json_decref(resp);
	return r;
}

static int member_call(struct etcd_client *c, const char *path, json_t *body,
		       struct etcd_member **ret, size_t *ret_n)
{
	json_t *resp = NULL;
	int f = fault_inject(FAULT_ETCD, NULL, path);
	int r = f == 0 ? request_any(c, path, body, &resp)
		: f < 0 ? error_set(f, "etcd: %s: %s", path, go_strerror(-f))
			: error_set(-EIO, "etcd: %s: HTTP status %d", path, f);
	json_decref(body);
	if (r < 0)
		return r;
	r = decode_members(resp, ret, ret_n);
	json_decref(resp);
	return r;
}

static json_t *id_body(uint64_t id)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRIu64, id);
	return json_pack("{s:s}", "ID", buf);
}

int etcd_endpoint_status(struct etcd_client *c, const char *endpoint, struct etcd_status *ret)
{
	json_t *resp = NULL;
	_cleanup_(json_decrefp) json_t *body = json_object();
	int r = request(c, endpoint, "/v3/maintenance/status", body, &resp);
	if (r < 0)
		return r;
	struct etcd_status s = { 0 };
	const json_t *hdr = json_object_get(resp, "header");
	const char *ver = json_string_value(json_object_get(resp, "version"));
	if (get_u64(hdr, "member_id", &s.member_id) < 0 || get_u64(resp, "leader", &s.leader) < 0 ||
	    get_u64(resp, "raftTerm", &s.raft_term) < 0 || get_u64(resp, "dbSize", &s.db_size) < 0 ||
	    get_strv(resp, "errors", &s.errors) < 0) {
		json_decref(resp);
		etcd_status_release(&s);
		return error_set(-EBADMSG, "etcd endpoint %s: malformed status", endpoint);
	}
	s.version = xstrdup(ver ? ver : "");
	s.is_learner = json_is_true(json_object_get(resp, "isLearner"));
	json_decref(resp);
	*ret = s;
	return 0;
}

int etcd_endpoint_health(struct etcd_client *c, const char *endpoint)
{
	json_t *resp = NULL;
	int r = request(c, endpoint, "/health", NULL, &resp);
	if (r < 0)
		return r;
	const char *h = json_string_value(json_object_get(resp, "health"));
	const char *reason = json_string_value(json_object_get(resp, "reason"));
	r = h && streq(h, "true") ? 0
				   : error_set(-EIO, "etcd endpoint %s is not healthy: %s", endpoint,
					       reason && *reason ? reason : "unknown reason");
	json_decref(resp);
	return r;
}

/* ---- kubeadm's polling ---- */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* wait.PollUntilContextTimeout(interval, timeout, immediate=true): step returns 1 done,
 * 0 retry (its error kept as the last one), < 0 stop. When time runs out the last error is
 * returned (kubeadm returns lastError), or -ETIMEDOUT if there was none. The poll is not
 * sliding, as Go's: the interval runs from the start of an attempt, so an attempt that took
 * longer than the interval (a 2 s call timeout against a member still starting) is followed
 * by the next one at once. */
static int poll(struct etcd_client *c, int (*step)(struct etcd_client *c, void *ud, int *last),
		void *ud)
{
	long deadline = now_ms() + c->api_ms;
	int last = 0;
	for (;;) {
		long next = now_ms() + c->interval_ms;
		int r = step(c, ud, &last);
		if (r != 0)
			return r < 0 ? r : 0;
		long now = now_ms();
		if (next < now)
			next = now;
		if (next > deadline)
			break;
		sleep_ms(next - now);
	}
	if (last < 0)
		return last; /* the message of the last error is still set */
	return error_set(-ETIMEDOUT, "context deadline exceeded");
}

static int sync_step(struct etcd_client *c, void *ud, int *last)
{
	(void)ud;
	struct etcd_member *m = NULL;
	size_t n = 0;
	int r = etcd_member_list(c, &m, &n);
	if (r < 0) {
		log_v(5, "Failed to sync etcd endpoints: %s", error_message(r));
		*last = r;
		return 0;
	}
	char **eps = NULL;
	for (size_t i = 0; i < n; i++)
		if (m[i].name[0] && !m[i].is_learner)
			STRV_FOREACH(u, m[i].client_urls)
				strv_push(&eps, *u);
	etcd_members_free(m, n);
	if (eps) {
		strv_free(c->endpoints);
		c->endpoints = eps;
	}
	return 1;
}

int etcd_sync(struct etcd_client *c)
{
	int r = poll(c, sync_step, NULL);
	if (r < 0)
		return r;
	_cleanup_free_ char *j = strv_join(c->endpoints, ",");
	log_v(1, "etcd endpoints read from etcd: %s", j);
	return 0;
}

static int briefs_from(const struct etcd_member *m, size_t n, struct etcd_member_brief **ret,
		       size_t *ret_n)
{
	struct etcd_member_brief *v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		if (!m[i].peer_urls[0]) {
			etcd_member_briefs_free(v, n);
			/* kubeadm would index PeerURLs[0] and panic */
			return error_set(-EBADMSG, "etcd member %" PRIx64 " has no peer URL", m[i].id);
		}
		v[i].name = xstrdup(m[i].name);
		v[i].peer_url = xstrdup(m[i].peer_urls[0]);
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int etcd_list_members(struct etcd_client *c, struct etcd_member_brief **ret, size_t *ret_n)
{
	struct etcd_member *m = NULL;
	size_t n = 0;
	/* listMembers: the poll's condition returns its error, which ends the poll at once */
	int r = etcd_member_list(c, &m, &n);
	if (r < 0)
		return r;
	r = briefs_from(m, n, ret, ret_n);
	etcd_members_free(m, n);
	return r;
}

int etcd_get_member_id(struct etcd_client *c, const char *peer_url, uint64_t *ret)
{
	struct etcd_member *m = NULL;
	size_t n = 0;
	int r = etcd_member_list(c, &m, &n);
	if (r < 0)
		return r;
	r = error_set(-ENOENT, "no member id found for peer URL");
	for (size_t i = 0; i < n; i++)
		if (m[i].peer_urls[0] && streq(m[i].peer_urls[0], peer_url)) {
			*ret = m[i].id;
			error_clear();
			r = 0;
			break;
		}
	etcd_members_free(m, n);
	return r;
}

struct remove_state {
	uint64_t id;
	struct etcd_member *members;
	size_t n;
};

static int remove_step(struct etcd_client *c, void *ud, int *last)
{
	struct remove_state *st = ud;
	struct etcd_member *m = NULL;
	size_t n = 0;
	int r = etcd_member_list(c, &m, &n);
	if (r < 0) {
		log_v(5, "Failed to check whether the member %" PRIx64 " exists: %s", st->id,
		      error_message(r));
		*last = r;
		return 0;
	}
	bool found = false;
	for (size_t i = 0; i < n; i++)
		found |= m[i].id == st->id;
	if (!found) {
		log_v(5, "Member %" PRIx64 " was not found; assuming it was already removed", st->id);
		st->members = m;
		st->n = n;
		return 1;
	}
	etcd_members_free(m, n);
	r = member_call(c, "/v3/cluster/member/remove", id_body(st->id), &st->members, &st->n);
	if (r >= 0)
		return 1;
	if (r == -ENOENT) {
		log_v(5, "Member was already removed, because member %" PRIx64 " was not found",
		      st->id);
		int r2 = etcd_member_list(c, &st->members, &st->n);
		if (r2 >= 0)
			return 1;
		r = r2;
	}
	log_v(5, "Failed to remove etcd member: %s", error_message(r));
	*last = r;
	return 0;
}

int etcd_remove_member(struct etcd_client *c, uint64_t id, struct etcd_member_brief **ret,
		       size_t *ret_n)
{
	struct remove_state st = { .id = id };
	int r = poll(c, remove_step, &st);
	if (r >= 0 && ret)
		r = briefs_from(st.members, st.n, ret, ret_n);
	etcd_members_free(st.members, st.n);
	return r;
}

struct add_state {
	const char *peer_url;
	bool learner;
	struct etcd_member *members;
	size_t n;
};

static int add_step(struct etcd_client *c, void *ud, int *last)
{
	struct add_state *st = ud;
	struct etcd_member *m = NULL;
	size_t n = 0;
	int r = etcd_member_list(c, &m, &n);
	if (r < 0) {
		log_v(5, "Failed to check whether the member \"%s\" exists: %s", st->peer_url,
		      error_message(r));
		*last = r;
		return 0;
	}
	bool found = false;
	const struct etcd_member *mine = NULL;
	for (size_t i = 0; i < n; i++)
		if (m[i].peer_urls[0] && streq(m[i].peer_urls[0], st->peer_url)) {
			found = true;
			mine = &m[i];
		}
	/* --resume: a learner of ours that never started (no name) is removed and added again
	 * (kubeadm#3269: promoting it fails "can only promote a learner member which is in sync
	 * with leader"), once */
	if (found && c->readd_unstarted && st->learner && mine->is_learner && !mine->name[0]) {
		c->readd_unstarted = false;
		log_v(1, "[etcd] Removing the learner %" PRIx64 " that never started (--resume)",
		      mine->id);
		struct etcd_member *after = NULL;
		size_t an = 0;
		r = member_call(c, "/v3/cluster/member/remove", id_body(mine->id), &after, &an);
		etcd_members_free(m, n);
		etcd_members_free(after, an);
		if (r < 0 && r != -ENOENT) {
			*last = r;
			return 0;
		}
		m = NULL;
		n = 0;
		found = false;
	}
	if (found) {
		log_v(5, "The peer URL \"%s\" for the added etcd member already exists. Skipping etcd member addition",
		      st->peer_url);
		st->members = m;
		st->n = n;
		return 1;
	}
	etcd_members_free(m, n);
	log_v(1, st->learner ? "[etcd] Adding etcd member \"%s\" as learner"
			     : "[etcd] Adding etcd member \"%s\"",
	      st->peer_url);
	json_t *body = json_pack("{s:[s]}", "peerURLs", st->peer_url);
	if (st->learner)
		json_object_set_new(body, "isLearner", json_true());
	r = member_call(c, "/v3/cluster/member/add", body, &st->members, &st->n);
	if (r >= 0)
		return 1;
	if (r == -EEXIST) {
		log_v(5, "The peer URL for the added etcd member already exists. Fetching the existing etcd members");
		int r2 = etcd_member_list(c, &st->members, &st->n);
		if (r2 >= 0)
			return 1;
		r = r2;
	}
	log_v(5, "Failed to add etcd member: %s", error_message(r));
	*last = r;
	return 0;
}

/* The host of an https URL ("https://[::1]:2380" -> "::1"); owned, NULL if malformed. */
static char *url_host(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return NULL;
	p += 3;
	if (*p == '[') {
		const char *e = strchr(p, ']');
		return e ? xstrndup(p + 1, (size_t)(e - p - 1)) : NULL;
	}
	size_t len = strcspn(p, ":/?#");
	return xstrndup(p, len);
}

int etcd_add_member(struct etcd_client *c, const char *name, const char *peer_url, bool learner,
		    struct etcd_member_brief **ret, size_t *ret_n)
{
	_cleanup_free_ char *host = url_host(peer_url);
	if (!host)
		return error_set(-EINVAL, "error parsing peer address %s", peer_url);
	struct add_state st = { .peer_url = peer_url, .learner = learner };
	int r = poll(c, add_step, &st);
	if (r < 0)
		return r;
	struct etcd_member_brief *v = xcalloc(st.n ? st.n : 1, sizeof(*v));
	for (size_t i = 0; i < st.n; i++) {
		const char *pu = st.members[i].peer_urls[0];
		if (!pu) {
			etcd_member_briefs_free(v, st.n);
			etcd_members_free(st.members, st.n);
			return error_set(-EBADMSG, "etcd member %" PRIx64 " has no peer URL",
					 st.members[i].id);
		}
		v[i].peer_url = xstrdup(pu);
		if (streq(pu, peer_url))
			v[i].name = xstrdup(name);
		else if (st.members[i].name[0])
			v[i].name = xstrdup(st.members[i].name);
		else
			v[i].name = xasprintf("%" PRIx64, st.members[i].id);
	}
	size_t n = st.n;
	etcd_members_free(st.members, st.n);
	if (!learner) {
		_cleanup_free_ char *ep = etcd_client_url(host);
		add_endpoint(c, ep);
	}
	if (ret) {
		*ret = v;
		*ret_n = n;
	} else {
		etcd_member_briefs_free(v, n);
	}
	return 0;
}

struct promote_state {
	uint64_t id;
	bool is_learner;
	struct etcd_member *members;
	size_t n;
};

static int learner_started_step(struct etcd_client *c, void *ud, int *last)
{
	struct promote_state *st = ud;
	struct etcd_member *m = NULL;
	size_t n = 0;
	int r = etcd_member_list(c, &m, &n);
	if (r < 0) {
		*last = error_wrap(r, "failed to get member %" PRIx64 " status", st->id);
		return 0;
	}
	const struct etcd_member *me = NULL;
	for (size_t i = 0; i < n; i++)
		if (m[i].id == st->id)
			me = &m[i];
	if (!me) {
		etcd_members_free(m, n);
		*last = error_set(-ENOENT, "failed to get member %" PRIx64 " status: member %" PRIx64
					   " not found", st->id, st->id);
		return 0;
	}
	st->is_learner = me->is_learner;
	bool started = me->name[0] != '\0';
	etcd_members_free(m, n);
	if (!st->is_learner) {
		log_v(1, "[etcd] Member %" PRIx64 " was already promoted.", st->id);
		return 1;
	}
	if (!started) {
		log_v(1, "[etcd] Member %" PRIx64 " is not started yet. Waiting for it to be started.",
		      st->id);
		*last = error_set(-EAGAIN, "the etcd member %" PRIx64 " is not started", st->id);
		return 0;
	}
	return 1;
}

static int promote_step(struct etcd_client *c, void *ud, int *last)
{
	struct promote_state *st = ud;
	struct etcd_member *m = NULL;
	size_t n = 0;
	int r = etcd_member_list(c, &m, &n);
	if (r < 0) {
		log_v(5, "[etcd] Failed to list members before promoting learner %" PRIx64 ": %s",
		      st->id, error_message(r));
		*last = r;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (m[i].id == st->id && !m[i].is_learner) {
			log_v(1, "[etcd] Member %" PRIx64 " is already a voting member, treating promotion as successful",
			      st->id);
			st->members = m;
			st->n = n;
			return 1;
		}
	etcd_members_free(m, n);
	r = member_call(c, "/v3/cluster/member/promote", id_body(st->id), &st->members, &st->n);
	if (r >= 0) {
		log_v(1, "[etcd] The learner was promoted as a voting member: %" PRIx64, st->id);
		return 1;
	}
	log_v(5, "[etcd] Promoting the learner %" PRIx64 " failed: %s", st->id, error_message(r));
	*last = r;
	return 0;
}

int etcd_member_promote(struct etcd_client *c, uint64_t learner_id)
{
	struct promote_state st = { .id = learner_id };
	log_v(1, "[etcd] Waiting for a learner to start: %" PRIx64, learner_id);
	int r = poll(c, learner_started_step, &st);
	if (r < 0)
		return r;
	if (!st.is_learner)
		return 0;
	log_v(1, "[etcd] Promoting a learner as a voting member: %" PRIx64, learner_id);
	r = poll(c, promote_step, &st);
	if (r < 0)
		return r;
	for (size_t i = 0; i < st.n; i++)
		if (st.members[i].id == learner_id && st.members[i].peer_urls[0]) {
			_cleanup_free_ char *host = url_host(st.members[i].peer_urls[0]);
			if (!host) {
				r = error_set(-EINVAL, "error parsing peer address %s",
					      st.members[i].peer_urls[0]);
				break;
			}
			_cleanup_free_ char *ep = etcd_client_url(host);
			add_endpoint(c, ep);
			break;
		}
	etcd_members_free(st.members, st.n);
	return r;
}

struct status_state {
	const char *ep;
	struct etcd_status status;
	long call_ms; /* this endpoint's current call timeout */
};

/*
 * A member that is starting (a joining control plane's) accepts connections but answers only
 * once it is ready: kubeadm waits its full 2 s call timeout each time, and sees the member
 * ready up to 2 s late. ckubeadm starts with 250 ms and doubles the timeout after each one that
 * passes, up to the client's: a ready member is seen soon, a slow one still gets kubeadm's 2 s.
 */
#define STATUS_FIRST_CALL_MS 250

static int status_step(struct etcd_client *c, void *ud, int *last)
{
	struct status_state *st = ud;
	long full = c->call_ms;
	if (!st->call_ms)
		st->call_ms = full < STATUS_FIRST_CALL_MS ? full : STATUS_FIRST_CALL_MS;
	c->call_ms = st->call_ms;
	int r = etcd_endpoint_status(c, st->ep, &st->status);
	c->call_ms = full;
	if (r == -ETIMEDOUT)
		st->call_ms = st->call_ms * 2 < full ? st->call_ms * 2 : full;
	if (r >= 0)
		return 1;
	log_v(5, "Failed to get etcd status for %s: %s", st->ep, error_message(r));
	*last = r;
	return 0;
}

/* getClusterStatus: *ret_ok = quorum healthy; returns the aggregated member errors (or 0). */
static int cluster_status(struct etcd_client *c, bool *ret_ok, bool *ret_all)
{
	size_t total = strv_length(c->endpoints), healthy = 0;
	_cleanup_strv_free_ char **errs = NULL;
	int first = 0;
	STRV_FOREACH(ep, c->endpoints) {
		struct status_state st = { .ep = *ep };
		int r = poll(c, status_step, &st);
		if (r < 0) {
			strv_consume(&errs, xasprintf("the status of member %s is not available: %s",
						      *ep, error_message(r)));
			if (!first)
				first = r;
		} else if (st.status.errors[0]) {
			_cleanup_free_ char *j = strv_join(st.status.errors, ",");
			strv_consume(&errs, xasprintf("member %s is not healthy: %s", *ep, j));
			if (!first)
				first = -EIO;
		} else {
			healthy++;
		}
		etcd_status_release(&st.status);
	}
	*ret_ok = healthy > total / 2;
	if (ret_all)
		*ret_all = healthy == total;
	if (!errs)
		return 0;
	/* utilerrors.NewAggregate: one error alone, "[a, b]" for several */
	if (strv_length(errs) == 1)
		return error_set(first, "%s", errs[0]);
	_cleanup_free_ char *j = strv_join(errs, ", ");
	return error_set(first, "[%s]", j);
}

int etcd_check_cluster_health(struct etcd_client *c)
{
	bool ok = false;
	int r = cluster_status(c, &ok, NULL);
	if (r < 0)
		log_v(1, "[etcd] cluster has quorum: %s; some members are not healthy: %s",
		      ok ? "true" : "false", error_message(r));
	if (ok) {
		error_clear();
		return 0;
	}
	return r;
}

int etcd_wait_for_cluster_available(struct etcd_client *c, int retries, long interval_ms)
{
	_cleanup_free_ char *urls = strv_join(c->endpoints, ",");
	struct events_waiter ew;
	_cleanup_free_ char *last = NULL;
	events_wait_begin(&ew, "etcd", urls);
	for (int i = 0; i < retries; i++) {
		if (i > 0) {
			/* Go prints the time.Duration ("5s", "500ms") */
			if (interval_ms % 1000 == 0)
				log_v(1, "[etcd] Waiting %lds until next retry", interval_ms / 1000);
			else
				log_v(1, "[etcd] Waiting %ldms until next retry", interval_ms);
			sleep_ms(interval_ms);
		}
		_cleanup_free_ char *eps = strv_join(c->endpoints, " ");
		log_v(2, "[etcd] attempting to see if all cluster endpoints ([%s]) are available %d/%d",
		      eps, i + 1, retries);
		bool ok = false;
		int r = cluster_status(c, &ok, NULL);
		if (r < 0) {
			log_v(1, "[etcd] cluster has quorum: %s; some members are not healthy: %s",
			      ok ? "true" : "false", error_message(r));
			free(last);
			last = xstrdup(error_message(r));
		}
		error_clear();
		if (ok) {
			events_wait_end(&ew, true, true, NULL);
			return 1;
		}
		events_wait_retry(&ew, last);
	}
	events_wait_end(&ew, false, true, last);
	return error_set(-ETIMEDOUT, "timeout waiting for etcd cluster to be available");
}

static char *url_with_port(const char *ip, int port)
{
	if (strchr(ip, ':'))
		return xasprintf("https://[%s]:%d", ip, port);
	return xasprintf("https://%s:%d", ip, port);
}

char *etcd_client_url(const char *ip)
{
	return url_with_port(ip, ETCD_LISTEN_CLIENT_PORT);
}

char *etcd_peer_url(const char *ip)
{
	return url_with_port(ip, ETCD_LISTEN_PEER_PORT);
}

int etcd_endpoints_from_pods(const json_t *pod_list, char ***ret, size_t *ret_pods)
{
	const json_t *items = json_object_get(pod_list, "items");
	if (!json_is_object(pod_list) || (items && !json_is_array(items)))
		return error_set(-EBADMSG, "malformed pod list");
	char **eps = xnew0(char *);
	size_t i;
	const json_t *pod;
	json_array_foreach(items, i, pod) {
		const json_t *md = json_object_get(pod, "metadata");
		const char *name = json_string_value(json_object_get(md, "name"));
		const char *ep = json_string_value(json_object_get(
			json_object_get(md, "annotations"), ETCD_ADVERTISE_CLIENT_URLS_ANNOTATION));
		if (!ep) {
			log_v(3, "etcd Pod \"%s\" is missing the \"%s\" annotation; cannot infer etcd advertise client URL using the Pod annotation",
			      strempty(name), ETCD_ADVERTISE_CLIENT_URLS_ANNOTATION);
			continue;
		}
		strv_push(&eps, ep);
	}
	*ret = eps;
	*ret_pods = json_array_size(items);
	return 0;
}

int etcd_manifest_read(int rootfd, const char *path, char **ret_endpoint, char **ret_data_dir)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(rootfd, path, 1u << 20, &data, &len);
	if (r == -ENOENT)
		return error_set(r, "failed to read manifest for \"%s\": open %s: no such file or directory",
				 path, path);
	if (r < 0)
		return error_wrap(r, "failed to read manifest for \"%s\"", path);
	json_t *pod = NULL;
	r = yaml_to_json(data, len, 0, &pod);
	if (r < 0)
		return error_wrap(r, "failed to unmarshal manifest for \"%s\"", path);
	const char *kind = json_string_value(json_object_get(pod, "kind"));
	if (!json_is_object(pod) || !kind || !streq(kind, "Pod")) {
		json_decref(pod);
		return error_set(-EBADMSG, "failed to parse Pod object defined in \"%s\"", path);
	}
	if (ret_endpoint) {
		const char *ep = json_string_value(json_object_get(
			json_object_get(json_object_get(pod, "metadata"), "annotations"),
			ETCD_ADVERTISE_CLIENT_URLS_ANNOTATION));
		*ret_endpoint = ep ? xstrdup(ep) : NULL;
	}
	if (ret_data_dir) {
		*ret_data_dir = NULL;
		size_t i;
		const json_t *vol;
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), "volumes"), i, vol) {
			const char *n = json_string_value(json_object_get(vol, "name"));
			if (n && streq(n, "etcd-data")) {
				const char *p = json_string_value(
					json_object_get(json_object_get(vol, "hostPath"), "path"));
				*ret_data_dir = p ? xstrdup(p) : NULL;
				break;
			}
		}
	}
	json_decref(pod);
	return 0;
}
