/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/resolv.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char **servers_of(const char *text)
{
	char path[] = "/tmp/ckubeadm-resolv-test.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	char **s = resolver_servers(path);
	unlink(path);
	return s;
}

/* net.dnsReadConfig: the first three valid addresses, v6 in brackets, port 53. */
static void test_servers(void **state)
{
	_cleanup_strv_free_ char **s = servers_of("# x\nsearch example.com\nnameserver 10.0.0.1\n"
						  "nameserver not-an-ip\nnameserver fd00::53\n"
						  "nameserver 10.0.0.2\nnameserver 10.0.0.3\n");
	assert_int_equal(strv_length(s), 3);
	assert_string_equal(s[0], "10.0.0.1:53");
	assert_string_equal(s[1], "[fd00::53]:53");
	assert_string_equal(s[2], "10.0.0.2:53");
}

/* No file, or no nameserver in it: Go's defaults. */
static void test_defaults(void **state)
{
	_cleanup_strv_free_ char **none = resolver_servers("/nonexistent/resolv.conf");
	assert_int_equal(strv_length(none), 2);
	assert_string_equal(none[0], "127.0.0.1:53");
	assert_string_equal(none[1], "[::1]:53");
	_cleanup_strv_free_ char **empty = servers_of("search example.com\n");
	assert_int_equal(strv_length(empty), 2);
	assert_string_equal(empty[1], "[::1]:53");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_servers),
		cmocka_unit_test(test_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
