/* SPDX-License-Identifier: Apache-2.0 */
/* The kube/ unit tests' scripted HTTP/1.1 server (see test-server.h). */
#include "util/testing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kube/test-server.h"

int test_listen_loopback(int *ret_port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t al = sizeof(a);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	assert_int_equal(listen(fd, 8), 0);
	*ret_port = ntohs(a.sin_port);
	return fd;
}

/* Serves one connection until the script is used up, the client hangs up or the answer
 * function closes it. Bytes past one request stay in buf for the next (keep-alive). */
static void serve_conn(struct test_server *s, int c)
{
	char buf[65536];
	size_t len = 0;
	while (s->next < s->n) {
		char *end;
		ssize_t k;
		buf[len] = 0;
		while (!(end = memmem(buf, len, "\r\n\r\n", 4)) &&
		       (k = read(c, buf + len, sizeof(buf) - len - 1)) > 0) {
			len += (size_t)k;
			buf[len] = 0;
		}
		if (!end)
			return;
		size_t hdr = (size_t)(end - buf) + 4, clen = 0;
		char *cl = strcasestr(buf, "Content-Length:");
		if (cl && cl < end)
			clen = strtoul(cl + 15, NULL, 10);
		while (len < hdr + clen && (k = read(c, buf + len, sizeof(buf) - len - 1)) > 0)
			len += (size_t)k;
		if (len < hdr + clen)
			return; /* the body was cut short */
		strbuf_add(&s->requests, buf, hdr + clen);
		const char *reply = s->replies[s->next++];
		if (!s->answer(s, c, buf, hdr, clen, reply))
			return;
		memmove(buf, buf + hdr + clen, len - hdr - clen);
		len -= hdr + clen;
	}
}

static void *serve(void *p)
{
	struct test_server *s = p;
	while (s->next < s->n) {
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		s->accepts++;
		serve_conn(s, c);
		close(c);
	}
	return NULL;
}

void test_server_start(struct test_server *s, const char *const *replies, size_t n,
		       test_server_answer_fn answer)
{
	memset(s, 0, sizeof(*s));
	strbuf_init(&s->requests, 0);
	strbuf_init(&s->log, 0);
	s->replies = replies;
	s->n = n;
	s->answer = answer;
	s->fd = test_listen_loopback(&s->port);
	assert_int_equal(pthread_create(&s->thr, NULL, serve, s), 0);
}

void test_server_wait(struct test_server *s)
{
	pthread_join(s->thr, NULL);
}

void test_server_release(struct test_server *s)
{
	close(s->fd);
	s->fd = -1;
	strbuf_release(&s->requests);
	strbuf_release(&s->log);
}

void test_server_stop(struct test_server *s)
{
	/* wakes the thread out of accept() */
	shutdown(s->fd, SHUT_RDWR);
	test_server_wait(s);
	test_server_release(s);
}

bool test_server_answer_raw(struct test_server *s, int fd, const char *req, size_t head_len,
			    size_t body_len, const char *reply)
{
	(void)s;
	(void)req;
	(void)head_len;
	(void)body_len;
	if (!*reply)
		return false;
	if (write(fd, reply, strlen(reply)) < 0)
		return false;
	return !strstr(reply, "Connection: close");
}
