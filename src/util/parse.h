/* SPDX-License-Identifier: Apache-2.0 */
/* The one checked number parser (no atoi): whole string, range-checked. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Parses a base-10 integer in [min, max]. Returns 0 or -EINVAL/-ERANGE; *ret written on success. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *ret);
int parse_int(const char *s, int min, int max, int *ret);
/* Parses "true"/"false" and the other spellings of Go's strconv.ParseBool. */
int parse_bool(const char *s, bool *ret);
/* True when d is a whole number that an int64 holds exactly (Go's json decoding of a number into
 * an integer field); *ret is then that integer. NaN, infinities, fractions and values outside
 * [-2^63, 2^63) are false (a plain cast of those is undefined behaviour in C). */
bool double_to_int64(double d, int64_t *ret);
