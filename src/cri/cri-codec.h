/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encoders of the CRI v1 requests and decoders of the answers we use (field numbers from
 * k8s.io/cri-api v0.37.2 api.proto). Internal to the cri layer; exposed for tests and fuzzing.
 * Decoders: 0 with owned results, or -EBADMSG (message set) on malformed input; unknown
 * fields are skipped as protobuf requires; a field with the wrong wire type is an error.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cri/cri.h"
#include "util/strbuf.h"

void cri_encode_version_request(struct strbuf *sb, const char *version);
void cri_encode_status_request(struct strbuf *sb, bool verbose);
void cri_encode_image_status_request(struct strbuf *sb, const char *image, bool verbose);
void cri_encode_pull_image_request(struct strbuf *sb, const char *image);
void cri_encode_list_images_request(struct strbuf *sb, const char *image);
void cri_encode_list_sandbox_request(struct strbuf *sb, const struct cri_sandbox_filter *f);
/* StopPodSandboxRequest and RemovePodSandboxRequest (same shape). */
void cri_encode_sandbox_id_request(struct strbuf *sb, const char *id);
/* StopContainerRequest: container_id and the grace period in seconds. */
void cri_encode_stop_container_request(struct strbuf *sb, const char *id, int64_t timeout_s);
void cri_encode_list_containers_request(struct strbuf *sb, const struct cri_container_filter *f);
/* ContainerStatusRequest and PodSandboxStatusRequest (same shape). */
void cri_encode_status_of_request(struct strbuf *sb, const char *id, bool verbose);

int cri_decode_version(const uint8_t *d, size_t n, struct cri_version **ret);
/* *ret_has_status tells whether the status field was present. */
int cri_decode_status(const uint8_t *d, size_t n, struct cri_status **ret, bool *ret_has_status);
int cri_decode_runtime_config(const uint8_t *d, size_t n, struct cri_runtime_config *ret);
/* *ret is NULL when the answer has no image. */
int cri_decode_image_status(const uint8_t *d, size_t n, struct cri_image **ret);
int cri_decode_pull_image(const uint8_t *d, size_t n, char **ret_ref);
int cri_decode_list_images(const uint8_t *d, size_t n, struct cri_image **ret, size_t *ret_n);
int cri_decode_list_sandboxes(const uint8_t *d, size_t n, struct cri_sandbox **ret, size_t *ret_n);
int cri_decode_list_containers(const uint8_t *d, size_t n, struct cri_container **ret,
			       size_t *ret_n);
/* *ret is NULL when the answer has no status field. */
int cri_decode_container_status(const uint8_t *d, size_t n, struct cri_container_status **ret);
int cri_decode_sandbox_status(const uint8_t *d, size_t n, struct cri_sandbox_status **ret);
