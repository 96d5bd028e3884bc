/* SPDX-License-Identifier: Apache-2.0 */
/* Go's time.Duration text form: time.ParseDuration and Duration.String, exactly. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Parses s as Go's time.ParseDuration ("1h30m", "1.5s", "-2us", "0"). On failure returns
 * -EINVAL with the error message set to Go's text (`time: invalid duration "x"`,
 * `time: unknown unit "d" in duration "1d"`, `time: missing unit in duration "1"`).
 */
int duration_parse(const char *s, int64_t *ret_ns);

/* Formats ns as Go's Duration.String ("24h0m0s", "1.5s", "0s") into buf (>= 32 bytes). */
char *duration_format(int64_t ns, char *buf, size_t size);

#define DURATION_BUF 40
