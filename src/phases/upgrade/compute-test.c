/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/printer.h"
#include "phases/upgrade/compute.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char config_states_json[] =
	"[{\"group\":\"kubeproxy.config.k8s.io\",\"currentVersion\":\"v1alpha1\","
	"\"preferredVersion\":\"v1alpha1\",\"manualUpgradeRequired\":false},"
	"{\"group\":\"kubelet.config.k8s.io\",\"currentVersion\":\"v1beta1\","
	"\"preferredVersion\":\"v1beta1\",\"manualUpgradeRequired\":false}]";

static const char config_table[] =
	"\n"
	"The table below shows the current state of component configs as understood by this version of kubeadm.\n"
	"Configs that have a \"yes\" mark in the \"MANUAL UPGRADE REQUIRED\" column require manual config upgrade or\n"
	"resetting to kubeadm defaults before a successful upgrade can be performed. The version to manually\n"
	"upgrade to is denoted in the \"PREFERRED VERSION\" column.\n"
	"\n"
	"API GROUP                 CURRENT VERSION   PREFERRED VERSION   MANUAL UPGRADE REQUIRED\n"
	"kubeproxy.config.k8s.io   v1alpha1          v1alpha1            no\n"
	"kubelet.config.k8s.io     v1beta1           v1beta1             no\n"
	"_____________________________________________________________________\n"
	"\n";

/* One Upgrade of plan_test.go: every component on node1, kubelets as given. */
static void one_upgrade(struct upgrade_list *l, const char *desc, const char *before,
			const char *kubeadm_before, const char *dns_before, const char *etcd_before,
			const char *after, const char *kubeadm_after, const char *dns_after,
			const char *etcd_after, char *const *kubelets)
{
	memset(l, 0, sizeof(*l));
	for (int i = 0; i < 3; i++)
		upgrade_version_map_add(&l->maps[i], before, "node1");
	upgrade_version_map_add(&l->maps[3], etcd_before, "node1");
	for (char *const *k = kubelets; *k; k += 2)
		upgrade_version_map_add(&l->maps[4], k[0], k[1]);
	l->n = 1;
	l->v = xcalloc(1, sizeof(*l->v));
	struct upgrade_available *u = &l->v[0];
	u->description = xstrdup(desc);
	u->before = (struct upgrade_cluster_state){
		.kube_version = xstrdup(before), .dns_version = xstrdup(dns_before),
		.kubeadm_version = xstrdup(kubeadm_before), .etcd_version = xstrdup(""),
		.apiserver = &l->maps[0], .controller_manager = &l->maps[1],
		.scheduler = &l->maps[2], .etcd = &l->maps[3], .kubelet = &l->maps[4],
	};
	u->after = (struct upgrade_cluster_state){
		.kube_version = xstrdup(after), .dns_version = xstrdup(dns_after),
		.kubeadm_version = xstrdup(kubeadm_after), .etcd_version = xstrdup(etcd_after),
	};
}

static char *text_of(const struct upgrade_list *l)
{
	json_t *states = json_loads(config_states_json, 0, NULL);
	assert_non_null(states);
	json_t *plan = upgrade_plan_object(l, states, true);
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(upgrade_plan_print_text(plan, &sb), 0);
	json_decref(plan);
	json_decref(states);
	return strbuf_detach(&sb, NULL);
}

/* TestPrintUpgradePlan "Patch version available" */
static void test_text_patch(void **state)
{
	(void)state;
	struct upgrade_list l;
	char *kubelets[] = { "v1.18.1", "node1", NULL };
	one_upgrade(&l, "version in the v1.18 series", "v1.18.1", "v1.18.1", "1.6.7", "3.4.3-0",
		    "v1.18.4", "v1.18.4", "1.6.7", "3.4.3-0", kubelets);
	char *t = text_of(&l);
	struct strbuf want = STRBUF_INIT;
	strbuf_addstr(&want,
		      "Components that must be upgraded manually after you have upgraded the control plane with 'kubeadm upgrade apply':\n"
		      "COMPONENT   NODE      CURRENT   TARGET\n"
		      "kubelet     node1     v1.18.1   v1.18.4\n"
		      "\n"
		      "Upgrade to the latest version in the v1.18 series:\n"
		      "\n"
		      "COMPONENT                 NODE      CURRENT   TARGET\n"
		      "kube-apiserver            node1     v1.18.1   v1.18.4\n"
		      "kube-controller-manager   node1     v1.18.1   v1.18.4\n"
		      "kube-scheduler            node1     v1.18.1   v1.18.4\n"
		      "kube-proxy                          v1.18.1   v1.18.4\n"
		      "CoreDNS                             1.6.7     1.6.7\n"
		      "etcd                      node1     3.4.3-0   3.4.3-0\n"
		      "\n"
		      "You can now apply the upgrade by executing the following command:\n"
		      "\n"
		      "\tkubeadm upgrade apply v1.18.4\n"
		      "\n"
		      "Note: Before you can perform this upgrade, you have to update kubeadm to v1.18.4.\n"
		      "\n"
		      "_____________________________________________________________________\n"
		      "\n");
	strbuf_addstr(&want, config_table);
	assert_string_equal(t, want.buf);
	strbuf_release(&want);
	free(t);
	upgrade_list_release(&l);
}

/* TestPrintUpgradePlan "multiple kubelet versions" */
static void test_text_kubelets(void **state)
{
	(void)state;
	struct upgrade_list l;
	char *kubelets[] = { "v1.19.3", "node2", "v1.19.2", "node1", "v1.19.3", "node3", NULL };
	one_upgrade(&l, "version in the v1.19 series", "v1.19.2", "v1.19.2", "1.7.0", "3.4.7-0",
		    "v1.19.3", "v1.19.3", "1.7.0", "3.4.7-0", kubelets);
	char *t = text_of(&l);
	struct strbuf want = STRBUF_INIT;
	strbuf_addstr(&want,
		      "Components that must be upgraded manually after you have upgraded the control plane with 'kubeadm upgrade apply':\n"
		      "COMPONENT   NODE      CURRENT   TARGET\n"
		      "kubelet     node1     v1.19.2   v1.19.3\n"
		      "kubelet     node2     v1.19.3   v1.19.3\n"
		      "kubelet     node3     v1.19.3   v1.19.3\n"
		      "\n"
		      "Upgrade to the latest version in the v1.19 series:\n"
		      "\n"
		      "COMPONENT                 NODE      CURRENT   TARGET\n"
		      "kube-apiserver            node1     v1.19.2   v1.19.3\n"
		      "kube-controller-manager   node1     v1.19.2   v1.19.3\n"
		      "kube-scheduler            node1     v1.19.2   v1.19.3\n"
		      "kube-proxy                          v1.19.2   v1.19.3\n"
		      "CoreDNS                             1.7.0     1.7.0\n"
		      "etcd                      node1     3.4.7-0   3.4.7-0\n"
		      "\n"
		      "You can now apply the upgrade by executing the following command:\n"
		      "\n"
		      "\tkubeadm upgrade apply v1.19.3\n"
		      "\n"
		      "Note: Before you can perform this upgrade, you have to update kubeadm to v1.19.3.\n"
		      "\n"
		      "_____________________________________________________________________\n"
		      "\n");
	strbuf_addstr(&want, config_table);
	assert_string_equal(t, want.buf);
	strbuf_release(&want);
	free(t);
	upgrade_list_release(&l);
}

/* TestPrintUpgradePlanStructured: JSON and YAML through the shared printer. */
static char *structured(const char *format)
{
	struct upgrade_list l;
	char *kubelets[] = { "v1.8.1", "node1", NULL };
	one_upgrade(&l, "version in the v1.8 series", "v1.8.1", "v1.8.2", "1.14.5", "3.0.17",
		    "v1.8.3", "v1.8.3", "1.14.5", "3.0.17", kubelets);
	json_t *states = json_loads(config_states_json, 0, NULL);
	json_t *plan = upgrade_plan_object(&l, states, true);
	static const struct flag table[] = {
		{ .name = "allow-missing-template-keys", .type = FLAG_BOOL, .def = "true", .usage = "x" },
		{ .name = "output", .shorthand = 'o', .type = FLAG_STRING, .def = "text", .usage = "x" },
		{ 0 },
	};
	struct flagset fs;
	flagset_init(&fs);
	flagset_add_table(&fs, table, true);
	char *argv[] = { "-o", (char *)format };
	assert_int_equal(flagset_parse(&fs, argv, 2), 0);
	struct printer *p = NULL;
	assert_int_equal(printer_new(&fs, &p), 0);
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(printer_print(p, plan, &sb), 0);
	printer_free(p);
	flagset_release(&fs);
	json_decref(plan);
	json_decref(states);
	upgrade_list_release(&l);
	return strbuf_detach(&sb, NULL);
}

static void test_structured(void **state)
{
	(void)state;
	char *j = structured("json");
	assert_string_equal(j,
			    "{\n"
			    "    \"kind\": \"UpgradePlan\",\n"
			    "    \"apiVersion\": \"output.kubeadm.k8s.io/v1alpha3\",\n"
			    "    \"availableUpgrades\": [\n"
			    "        {\n"
			    "            \"description\": \"version in the v1.8 series\",\n"
			    "            \"components\": [\n"
			    "                {\n"
			    "                    \"name\": \"kubelet\",\n"
			    "                    \"currentVersion\": \"v1.8.1\",\n"
			    "                    \"newVersion\": \"v1.8.3\",\n"
			    "                    \"nodeName\": \"node1\"\n"
			    "                },\n"
			    "                {\n"
			    "                    \"name\": \"kube-apiserver\",\n"
			    "                    \"currentVersion\": \"v1.8.1\",\n"
			    "                    \"newVersion\": \"v1.8.3\",\n"
			    "                    \"nodeName\": \"node1\"\n"
			    "                },\n"
			    "                {\n"
			    "                    \"name\": \"kube-controller-manager\",\n"
			    "                    \"currentVersion\": \"v1.8.1\",\n"
			    "                    \"newVersion\": \"v1.8.3\",\n"
			    "                    \"nodeName\": \"node1\"\n"
			    "                },\n"
			    "                {\n"
			    "                    \"name\": \"kube-scheduler\",\n"
			    "                    \"currentVersion\": \"v1.8.1\",\n"
			    "                    \"newVersion\": \"v1.8.3\",\n"
			    "                    \"nodeName\": \"node1\"\n"
			    "                },\n"
			    "                {\n"
			    "                    \"name\": \"kube-proxy\",\n"
			    "                    \"currentVersion\": \"v1.8.1\",\n"
			    "                    \"newVersion\": \"v1.8.3\"\n"
			    "                },\n"
			    "                {\n"
			    "                    \"name\": \"CoreDNS\",\n"
			    "                    \"currentVersion\": \"1.14.5\",\n"
			    "                    \"newVersion\": \"1.14.5\"\n"
			    "                },\n"
			    "                {\n"
			    "                    \"name\": \"kubeadm\",\n"
			    "                    \"currentVersion\": \"v1.8.2\",\n"
			    "                    \"newVersion\": \"v1.8.3\"\n"
			    "                },\n"
			    "                {\n"
			    "                    \"name\": \"etcd\",\n"
			    "                    \"currentVersion\": \"3.0.17\",\n"
			    "                    \"newVersion\": \"3.0.17\",\n"
			    "                    \"nodeName\": \"node1\"\n"
			    "                }\n"
			    "            ]\n"
			    "        }\n"
			    "    ],\n"
			    "    \"configVersions\": [\n"
			    "        {\n"
			    "            \"group\": \"kubeproxy.config.k8s.io\",\n"
			    "            \"currentVersion\": \"v1alpha1\",\n"
			    "            \"preferredVersion\": \"v1alpha1\",\n"
			    "            \"manualUpgradeRequired\": false\n"
			    "        },\n"
			    "        {\n"
			    "            \"group\": \"kubelet.config.k8s.io\",\n"
			    "            \"currentVersion\": \"v1beta1\",\n"
			    "            \"preferredVersion\": \"v1beta1\",\n"
			    "            \"manualUpgradeRequired\": false\n"
			    "        }\n"
			    "    ]\n"
			    "}\n");
	free(j);
	char *y = structured("yaml");
	assert_string_equal(y,
			    "apiVersion: output.kubeadm.k8s.io/v1alpha3\n"
			    "availableUpgrades:\n"
			    "- components:\n"
			    "  - currentVersion: v1.8.1\n"
			    "    name: kubelet\n"
			    "    newVersion: v1.8.3\n"
			    "    nodeName: node1\n"
			    "  - currentVersion: v1.8.1\n"
			    "    name: kube-apiserver\n"
			    "    newVersion: v1.8.3\n"
			    "    nodeName: node1\n"
			    "  - currentVersion: v1.8.1\n"
			    "    name: kube-controller-manager\n"
			    "    newVersion: v1.8.3\n"
			    "    nodeName: node1\n"
			    "  - currentVersion: v1.8.1\n"
			    "    name: kube-scheduler\n"
			    "    newVersion: v1.8.3\n"
			    "    nodeName: node1\n"
			    "  - currentVersion: v1.8.1\n"
			    "    name: kube-proxy\n"
			    "    newVersion: v1.8.3\n"
			    "  - currentVersion: 1.14.5\n"
			    "    name: CoreDNS\n"
			    "    newVersion: 1.14.5\n"
			    "  - currentVersion: v1.8.2\n"
			    "    name: kubeadm\n"
			    "    newVersion: v1.8.3\n"
			    "  - currentVersion: 3.0.17\n"
			    "    name: etcd\n"
			    "    newVersion: 3.0.17\n"
			    "    nodeName: node1\n"
			    "  description: version in the v1.8 series\n"
			    "configVersions:\n"
			    "- currentVersion: v1alpha1\n"
			    "  group: kubeproxy.config.k8s.io\n"
			    "  manualUpgradeRequired: false\n"
			    "  preferredVersion: v1alpha1\n"
			    "- currentVersion: v1beta1\n"
			    "  group: kubelet.config.k8s.io\n"
			    "  manualUpgradeRequired: false\n"
			    "  preferredVersion: v1beta1\n"
			    "kind: UpgradePlan\n");
	free(y);
}

/* ---- GetAvailableUpgrades over a fake version getter (compute_test.go's fakeVersionGetter) */

struct fake {
	const char *cluster, *kubelet, *component, *etcd, *dns;
	const char *stable, *stable_patch, *latest, *latest_dev;
};

static int fake_components(void *ud, const char *name, struct upgrade_version_map *ret)
{
	const struct fake *f = ud;
	if (streq(name, "kube-apiserver"))
		upgrade_version_map_add(ret, f->cluster, "node1");
	else if (streq(name, "etcd")) {
		if (f->etcd)
			upgrade_version_map_add(ret, f->etcd, "node1");
	} else
		upgrade_version_map_add(ret, f->component, "node1");
	return 0;
}

static int fake_kubelets(void *ud, struct upgrade_version_map *ret)
{
	const struct fake *f = ud;
	upgrade_version_map_add(ret, f->kubelet, "node1");
	return 0;
}

static int fake_dns(void *ud, char **ret)
{
	const struct fake *f = ud;
	*ret = xstrdup(f->dns);
	return 0;
}

static int fake_label(void *ud, const char *label, const char *desc, char **ret)
{
	const struct fake *f = ud;
	(void)desc;
	if (!f->stable)
		return error_set(-EIO, "fake error");
	const char *v = streq(label, "stable")	       ? f->stable
			: streq(label, "latest")       ? f->latest
			: strncmp(label, "latest-", 7) == 0 ? f->latest_dev
							   : f->stable_patch;
	*ret = xstrdup(v);
	return 0;
}

static char *compute(const struct fake *f, const char *offline, bool exp, bool rc,
		     struct upgrade_list *l)
{
	struct upgrade_version_getter g = {
		.ud = (void *)f,
		.component_versions = fake_components,
		.kubelet_versions = fake_kubelets,
		.dns_version = fake_dns,
		.version_from_label = fake_label,
		.offline_version = offline,
		.kubeadm_version = "v1.37.2",
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_int_equal(upgrade_available_upgrades(&g, exp, rc, out, l), 0);
	fclose(out);
	return buf;
}

static void test_compute(void **state)
{
	(void)state;
	struct upgrade_list l;
	/* the offline quirk: every label answers the given version, so a minor upgrade is
	 * described as "version in the v1.36 series" and there is no "stable version" entry */
	const struct fake minor = { "v1.36.3", "v1.36.3", "v1.36.3", "3.6.8-0", "v1.14.2" };
	char *o = compute(&minor, "v1.37.2", false, false, &l);
	assert_string_equal(o, "[upgrade] Fetching available versions to upgrade to\n"
			       "[upgrade/versions] Cluster version: 1.36.3\n"
			       "[upgrade/versions] kubeadm version: v1.37.2\n"
			       "[upgrade/versions] Target version: v1.37.2\n"
			       "[upgrade/versions] Latest version in the v1.36 series: v1.37.2\n"
			       "\n");
	free(o);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].description, "version in the v1.36 series");
	assert_string_equal(l.v[0].before.kube_version, "1.36.3");
	assert_string_equal(l.v[0].after.kube_version, "v1.37.2");
	assert_string_equal(l.v[0].after.kubeadm_version, "v1.37.2");
	assert_string_equal(l.v[0].after.dns_version, "v1.14.6");
	assert_string_equal(l.v[0].after.etcd_version, "3.7.0-0");
	/* the Before maps are the list's own (a copied list once left them dangling) */
	assert_ptr_equal(l.v[0].before.kubelet, &l.maps[4]);
	assert_ptr_equal(l.v[0].before.apiserver, &l.maps[0]);
	json_t *plan = upgrade_plan_object(&l, NULL, true);
	assert_int_equal(json_array_size(json_get_path(json_array_get(json_object_get(plan, "availableUpgrades"), 0), "components")), 8);
	json_decref(plan);
	upgrade_list_release(&l);

	/* same version: nothing to upgrade */
	const struct fake same = { "v1.37.2", "v1.37.2", "v1.37.2", "3.7.0-0", "v1.14.6" };
	o = compute(&same, "v1.37.2", false, false, &l);
	assert_int_equal(l.n, 0);
	free(o);
	upgrade_list_release(&l);

	/* compute_test.go "simple patch version upgrade" shape online: a patch in the cluster's
	 * series and a newer stable minor give two upgrades */
	const struct fake online = { "v1.36.1", "v1.36.1", "v1.36.1", "3.6.8-0", "v1.14.2",
				     "v1.37.2", "v1.36.3" };
	o = compute(&online, NULL, false, false, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].description, "version in the v1.36 series");
	assert_string_equal(l.v[0].after.kube_version, "v1.36.3");
	assert_string_equal(l.v[0].after.kubeadm_version, "v1.37.2"); /* kubeadm is newer */
	assert_string_equal(l.v[1].description, "stable version");
	assert_string_equal(l.v[1].after.kube_version, "v1.37.2");
	free(o);
	upgrade_list_release(&l);

	/* external etcd: no etcd version suggested */
	const struct fake ext = { "v1.36.1", "v1.36.1", "v1.36.1", NULL, "v1.14.2" };
	o = compute(&ext, "v1.37.2", false, false, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].after.etcd_version, "");
	free(o);
	upgrade_list_release(&l);

	/* experimental: latest alpha.0 means the previous branch's latest */
	const struct fake exp = { "v1.36.1", "v1.36.1", "v1.36.1", "3.6.8-0", "v1.14.2",
				  "v1.36.1", "v1.36.1", "v1.38.0-alpha.0", "v1.37.0-rc.1" };
	o = compute(&exp, NULL, true, true, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].description, "release candidate version");
	assert_string_equal(l.v[0].after.kube_version, "v1.37.0-rc.1");
	assert_string_equal(l.v[1].description, "experimental version");
	assert_string_equal(l.v[1].after.kube_version, "v1.37.0-rc.1");
	free(o);
	upgrade_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_patch),
		cmocka_unit_test(test_text_kubelets),
		cmocka_unit_test(test_structured),
		cmocka_unit_test(test_compute),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
