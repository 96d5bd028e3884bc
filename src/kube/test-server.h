/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A scripted HTTP/1.1 server on 127.0.0.1 for the kube/ unit tests (compiled into them only,
 * never into the library): a thread accepts connections, reads whole requests (head and a
 * Content-Length body) and hands each, with the script's next reply, to an answer function.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

struct test_server;

/*
 * Answers one request read on connection fd: req holds head_len bytes of head (through the
 * blank line) followed by body_len bytes of body; reply is the script's next entry. Returns
 * true to read another request on the same connection, false to close it.
 */
typedef bool (*test_server_answer_fn)(struct test_server *s, int fd, const char *req,
				      size_t head_len, size_t body_len, const char *reply);

struct test_server {
	int fd, port;
	const char *const *replies;
	size_t n, next;          /* the thread ends once all n replies are used */
	int accepts;             /* connections accepted */
	struct strbuf requests;  /* every request's head and body, as read */
	struct strbuf log;       /* free for the answer function's own record */
	test_server_answer_fn answer;
	pthread_t thr;
};

/* A listening TCP socket on 127.0.0.1 at a free port: returns its fd, *ret_port the port.
 * Fails the test when it cannot. */
int test_listen_loopback(int *ret_port);

/* Starts s answering the n replies (borrowed; they must outlive s) with answer. */
void test_server_start(struct test_server *s, const char *const *replies, size_t n,
		       test_server_answer_fn answer);
/* Waits until the server has used every reply (its thread has ended). */
void test_server_wait(struct test_server *s);
/* Closes the listener and frees the records: after test_server_wait(). */
void test_server_release(struct test_server *s);
/* Stops s however many replies it has used: shuts the listener down, waits, releases. */
void test_server_stop(struct test_server *s);

/*
 * An answer function: writes reply as is. "" closes the connection without answering; a
 * reply that says "Connection: close" closes it after answering; else it is kept.
 */
bool test_server_answer_raw(struct test_server *s, int fd, const char *req, size_t head_len,
			    size_t body_len, const char *reply);
