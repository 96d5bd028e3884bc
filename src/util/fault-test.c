/* SPDX-License-Identifier: Apache-2.0 */
/* util/fault: the counter and CKUBEADM_FAULT's forms (compiled here with the hooks on,
 * whatever the build's fault_injection option). */
#include "util/testing.h"

#include <stdlib.h>

#define CKUBEADM_FAULT_INJECTION 1
#include "util/fault.c"

/* A fresh process's state with CKUBEADM_FAULT=spec. */
static void start(const char *spec)
{
	setenv("CKUBEADM_FAULT", spec, 1);
	parsed = listing = persist = killing = false;
	target = count = 0;
	memset(kind_count, 0, sizeof(kind_count));
	target_kind = -1;
	fail_errno = EIO;
	http_status = 0;
}

static void test_nth(void **state)
{
	start("3");
	assert_int_equal(fault_inject(FAULT_MKDIR, NULL, "/a"), 0);
	assert_int_equal(fault_inject(FAULT_WRITE, NULL, "/a/b"), 0);
	assert_int_equal(fault_inject(FAULT_RENAME, NULL, "/a/b"), -EIO);
	assert_int_equal(fault_inject(FAULT_WRITE, NULL, "/a/c"), 0); /* once, not persistently */
	start("2+:ENOSPC");
	assert_int_equal(fault_inject(FAULT_WRITE, NULL, "x"), 0);
	assert_int_equal(fault_inject(FAULT_WRITE, NULL, "x"), -ENOSPC);
	assert_int_equal(fault_inject(FAULT_EXEC, NULL, "x"), -ENOSPC);
	start("1:13");
	assert_int_equal(fault_inject(FAULT_UNLINK, NULL, "x"), -EACCES);
}

static void test_kind_and_http(void **state)
{
	start("api:2:http=503");
	assert_int_equal(fault_inject(FAULT_API, "POST", "u"), 0);
	assert_int_equal(fault_inject(FAULT_WRITE, NULL, "f"), 0);
	assert_int_equal(fault_inject(FAULT_WRITE, NULL, "f"), 0);
	assert_int_equal(fault_inject(FAULT_API, "PUT", "u"), 503);
	assert_int_equal(fault_inject(FAULT_API, "PUT", "u"), 0);
	/* an effect that cannot answer with a status fails with EIO */
	start("1:http=500");
	assert_int_equal(fault_inject_errno(FAULT_WRITE, "f"), -EIO);
	start("etcd:1:http=500");
	assert_int_equal(fault_inject(FAULT_ETCD, NULL, "/v3/cluster/member/add"), 500);
}

static void test_list_and_off(void **state)
{
	start("list");
	for (int i = 0; i < 5; i++)
		assert_int_equal(fault_inject(FAULT_WRITE, NULL, "f"), 0);
	assert_int_equal(count, 5);
	start("");
	assert_int_equal(fault_inject(FAULT_WRITE, NULL, "f"), 0);
	assert_false(target);
	start("x");
	unsetenv("CKUBEADM_FAULT"); /* no variable: nothing fails */
	assert_int_equal(fault_inject(FAULT_WRITE, NULL, "f"), 0);
	assert_false(target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nth),
		cmocka_unit_test(test_kind_and_http),
		cmocka_unit_test(test_list_and_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
