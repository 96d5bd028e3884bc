/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/certs-renew.c: the threshold, the certificate -> component map and the Lease rule. */
#include "util/testing.h"

#include <string.h>

#include "cmd/certs-renew.h"

static void test_due(void **state)
{
	(void)state;
	const int64_t s = 1000000000;
	struct timespec now = { .tv_sec = 1000000, .tv_nsec = 0 };
	/* NotAfter - now < within, strictly */
	assert_true(certs_renew_due(1000000 + 59, &now, 60 * s));
	assert_false(certs_renew_due(1000000 + 60, &now, 60 * s));
	assert_false(certs_renew_due(1000000 + 61, &now, 60 * s));
	/* nanoseconds count: 60 s minus 1 ns left is within 60 s */
	now.tv_nsec = 1;
	assert_true(certs_renew_due(1000000 + 60, &now, 60 * s));
	now.tv_nsec = 0;
	/* expired certificates are always due, even with a zero window */
	assert_true(certs_renew_due(1000000 - 1, &now, 0));
	assert_false(certs_renew_due(1000000, &now, 0));
	assert_true(certs_renew_due(1000000 - 1, &now, -5 * s) == false);
	/* 90 days (the timer's 2160h) against a 1-year certificate: not due until day 275 */
	const int64_t day = 86400;
	assert_false(certs_renew_due(1000000 + 365 * day, &now, 2160 * 3600 * s));
	assert_false(certs_renew_due(1000000 + 90 * day, &now, 2160 * 3600 * s));
	assert_true(certs_renew_due(1000000 + 90 * day - 1, &now, 2160 * 3600 * s));
	/* far dates (year 9999) and huge windows do not overflow */
	assert_false(certs_renew_due(253402300799, &now, INT64_MAX / 2));
	assert_true(certs_renew_due(1000000 + 10 * 365 * day, &now, INT64_MAX));
}

static void test_components(void **state)
{
	(void)state;
	const unsigned api = 1u << CERTS_APISERVER, etcd = 1u << CERTS_ETCD;
	assert_int_equal(certs_component_mask("apiserver"), api);
	assert_int_equal(certs_component_mask("apiserver-etcd-client"), api);
	assert_int_equal(certs_component_mask("apiserver-kubelet-client"), api);
	assert_int_equal(certs_component_mask("front-proxy-client"), api);
	assert_int_equal(certs_component_mask("etcd-server"), etcd);
	assert_int_equal(certs_component_mask("etcd-peer"), etcd);
	assert_int_equal(certs_component_mask("controller-manager.conf"),
			 1u << CERTS_CONTROLLER_MANAGER);
	assert_int_equal(certs_component_mask("scheduler.conf"), 1u << CERTS_SCHEDULER);
	/* used by no component: renewing them restarts nothing */
	assert_int_equal(certs_component_mask("etcd-healthcheck-client"), 0);
	assert_int_equal(certs_component_mask("admin.conf"), 0);
	assert_int_equal(certs_component_mask("super-admin.conf"), 0);
	assert_int_equal(certs_component_mask("ca"), 0);
	assert_int_equal(certs_component_mask("apiserver.crt"), 0);
	/* the restart order */
	assert_string_equal(certs_component_name(CERTS_ETCD), "etcd");
	assert_true(CERTS_ETCD < CERTS_APISERVER && CERTS_APISERVER < CERTS_CONTROLLER_MANAGER &&
		    CERTS_CONTROLLER_MANAGER < CERTS_SCHEDULER);
	assert_string_equal(certs_component_name(CERTS_SCHEDULER), "kube-scheduler");
	assert_null(certs_component_name(CERTS_COMPONENT_COUNT));
}

static json_t *lease(const char *holder, const char *renew, int secs)
{
	json_t *spec = json_object();
	if (holder)
		json_object_set_new(spec, "holderIdentity", json_string(holder));
	if (renew)
		json_object_set_new(spec, "renewTime", json_string(renew));
	json_object_set_new(spec, "leaseDurationSeconds", json_integer(secs));
	return json_pack("{s:o}", "spec", spec);
}

static void test_lease(void **state)
{
	(void)state;
	/* 2026-12-08T04:00:00Z */
	const time_t t = 1796702400;
	assert_true(certs_lease_available(NULL, "cp1", t));
	json_t *l = lease("cp2", "2026-12-08T04:00:00.000000Z", 300);
	assert_false(certs_lease_available(l, "cp1", t));
	assert_false(certs_lease_available(l, "cp1", t + 299));
	assert_true(certs_lease_available(l, "cp1", t + 300));
	assert_true(certs_lease_available(l, "cp2", t)); /* its own holder renews it */
	json_decref(l);
	l = lease("", "2026-12-08T04:00:00.000000Z", 300);
	assert_true(certs_lease_available(l, "cp1", t));
	json_decref(l);
	l = lease(NULL, NULL, 0);
	assert_true(certs_lease_available(l, "cp1", t));
	json_decref(l);
	/* without fraction, and an unparsable time (counts as expired) */
	l = lease("cp2", "2026-12-08T04:00:00Z", 60);
	assert_false(certs_lease_available(l, "cp1", t + 59));
	json_decref(l);
	l = lease("cp2", "yesterday", 300);
	assert_true(certs_lease_available(l, "cp1", t));
	json_decref(l);
	l = lease("cp2", "2026-12-08T04:00:00+01:00", 300);
	assert_true(certs_lease_available(l, "cp1", t));
	json_decref(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_components),
		cmocka_unit_test(test_lease),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
