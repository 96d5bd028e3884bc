/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 (FIPS 180-4), for digests of non-secret data: the component-config hash of the addons'
 * ConfigMaps and the event stream's Artifact digests. util/ links no crypto library (OpenSSL
 * stays in pki/, token/ and kube/).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t n;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[32]);

/* The digest of len bytes at data into out. */
void sha256_digest(const void *data, size_t len, uint8_t out[32]);
/* The same as 64 lower-case hex digits and a NUL into hex. */
void sha256_hex(const void *data, size_t len, char hex[65]);
