/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unary gRPC over HTTP/2 cleartext (prior knowledge) on a unix socket, with nghttp2.
 * Error texts follow grpc-go ("rpc error: code = Unavailable desc = ..."), because kubeadm
 * prints them verbatim; gRPC status codes map to -errno once, here (see grpc_code_to_errno).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

/* cri-client's maxMsgSize: the largest response message accepted (16 MiB). */
#define GRPC_MAX_MESSAGE (16u * 1024 * 1024)

enum grpc_code {
	GRPC_OK = 0,
	GRPC_CANCELED = 1,
	GRPC_UNKNOWN = 2,
	GRPC_INVALID_ARGUMENT = 3,
	GRPC_DEADLINE_EXCEEDED = 4,
	GRPC_NOT_FOUND = 5,
	GRPC_ALREADY_EXISTS = 6,
	GRPC_PERMISSION_DENIED = 7,
	GRPC_RESOURCE_EXHAUSTED = 8,
	GRPC_FAILED_PRECONDITION = 9,
	GRPC_ABORTED = 10,
	GRPC_OUT_OF_RANGE = 11,
	GRPC_UNIMPLEMENTED = 12,
	GRPC_INTERNAL = 13,
	GRPC_UNAVAILABLE = 14,
	GRPC_DATA_LOSS = 15,
	GRPC_UNAUTHENTICATED = 16,
};

/* Go's codes.Code.String(): "Unavailable", "DeadlineExceeded", ... ("Code(N)" beyond 16 is
 * returned in a static buffer of the calling thread). */
const char *grpc_code_name(int code);
/* The one mapping of gRPC codes to errno values (negative). Unimplemented is the only code
 * mapped to -EOPNOTSUPP and DeadlineExceeded the only one mapped to -ETIMEDOUT, so callers
 * may test for them. */
int grpc_code_to_errno(int code);
/* The gRPC code that grpc_code_to_errno maps to r (Unknown for other values). */
int grpc_errno_to_code(int r);

/* Appends msg with the 5-byte gRPC message prefix (uncompressed flag, big-endian length). */
void grpc_frame_encode(struct strbuf *sb, const void *msg, size_t len);
/* Parses exactly one length-prefixed message filling buf[0..len). On success *ret_msg points
 * into buf. Errors (gRPC code in *ret_code, message set): -EBADMSG for a truncated prefix or
 * body, trailing bytes, or an invalid flag byte; -EMSGSIZE when the declared length exceeds
 * max; -EPROTO for a compressed message (we never announce an encoding). */
int grpc_frame_decode(const uint8_t *buf, size_t len, size_t max, const uint8_t **ret_msg,
		      size_t *ret_msg_len, int *ret_code);
/* Percent-decodes a grpc-message header value (gRPC spec); returns an owned string. */
char *grpc_message_decode(const char *s, size_t len);

/* One unary call. The caller fills the inputs; grpc_conn_run fills the outputs. */
struct grpc_call {
	/* inputs (borrowed) */
	const char *path;  /* "/runtime.v1.RuntimeService/Version" */
	const void *req;   /* serialized request message */
	size_t req_len;
	int timeout_ms;    /* <= 0: no deadline */
	/* outputs: ret 0 and the owned response message, or ret -errno, the gRPC code and the
	 * owned error text "rpc error: code = ... desc = ..." */
	int ret;
	int code;
	char *error;
	uint8_t *resp;
	size_t resp_len;
	/* private */
	struct strbuf body;
	struct strbuf out;
	size_t out_off;
	int64_t deadline;
	int32_t stream_id;
	int http_status;
	int grpc_status;
	char *grpc_message;
	char *content_type;
	bool done;
};

/* Frees the outputs of a call so it can be reused. */
void grpc_call_release(struct grpc_call *call);

struct grpc_conn;

/* A lazily connected HTTP/2 connection to the unix socket at path, resolved under rootfd
 * (AT_FDCWD for the host). Owned by the caller; free with grpc_conn_free. */
struct grpc_conn *grpc_conn_new(int rootfd, const char *path);
struct grpc_conn *grpc_conn_free(struct grpc_conn *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct grpc_conn *, grpc_conn_free)

/* Runs n calls concurrently on the connection (connecting or reconnecting first when needed)
 * until each has an answer, an error or has passed its deadline. Always returns 0; each
 * call's ret tells its outcome. A broken connection is dropped and reopened by the next run. */
int grpc_conn_run(struct grpc_conn *c, struct grpc_call *calls, size_t n);

/* One call: returns 0 with the owned response in *ret_resp and *ret_len, or -errno with the
 * error message set (error.h). */
int grpc_conn_unary(struct grpc_conn *c, const char *path, const void *req, size_t req_len,
		    int timeout_ms, uint8_t **ret_resp, size_t *ret_len);

/* Opens the unix socket path under rootfd (absolute symlinks resolve inside the root) and
 * connects it, non-blocking. Returns the fd or -errno (no message set). */
int grpc_unix_connect(int rootfd, const char *path);
