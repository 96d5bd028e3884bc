/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 (FIPS 180-4) for the event stream's Artifact digests: util/ links no crypto library
 * (OpenSSL stays in pki/, token/ and kube/), and a file's digest is not a secret operation.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The digest of len bytes at data into out. */
void sha256_digest(const void *data, size_t len, uint8_t out[32]);
/* The same as 64 lower-case hex digits and a NUL into hex. */
void sha256_hex(const void *data, size_t len, char hex[65]);
