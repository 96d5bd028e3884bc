/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gates of the upgrade addon phases (UnupgradedControlPlaneInstances and the skip lines)
 * over a dry-run client without a server: the kube-apiserver Pods are written into its
 * tracker, which answers the LIST.
 */
#include "util/testing.h"

#include <stdlib.h>
#include <string.h>

#include "addons/addons.h"
#include "config/config.h"
#include "kube/client.h"
#include "util/error.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char cfg_yaml[] =
	"apiVersion: kubeadm.k8s.io/v1beta4\n"
	"kind: InitConfiguration\n"
	"localAPIEndpoint:\n"
	"  advertiseAddress: 10.0.0.5\n"
	"nodeRegistration:\n"
	"  name: cp1\n"
	"  criSocket: unix:///run/containerd/containerd.sock\n"
	"---\n"
	"apiVersion: kubeadm.k8s.io/v1beta4\n"
	"kind: ClusterConfiguration\n"
	"kubernetesVersion: v1.37.2\n";

static struct init_config *load(void)
{
	struct config_load_options lo = { .skip_cri_detect = true };
	struct init_config *c = NULL;
	int r = config_init_from_bytes(cfg_yaml, strlen(cfg_yaml), NULL, &lo, &c);
	if (r < 0)
		fail_msg("config: %s", error_message(r));
	return c;
}

static FILE *devnull(void)
{
	FILE *f = fopen("/dev/null", "w");
	assert_non_null(f);
	return f;
}

/* A dry-run client without a server whose tracker holds one kube-apiserver Pod per
 * "node=tag" entry ("node=" : a Pod without the kube-apiserver container). */
static struct kube_client *cluster(FILE *log, const char *const *pods)
{
	struct kube_client *c = NULL;
	assert_int_equal(kube_client_new_dry_run(NULL, log, 0, &c), 0);
	for (size_t i = 0; pods[i]; i++) {
		const char *eq = strchr(pods[i], '=');
		_cleanup_free_ char *node = strndup(pods[i], (size_t)(eq - pods[i]));
		_cleanup_free_ char *name = xasprintf("kube-apiserver-%s", node);
		_cleanup_free_ char *image = xasprintf("registry.k8s.io/kube-apiserver:%s", eq + 1);
		_cleanup_json_ json_t *pod = json_pack(
			"{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:{s:s, s:[{s:s, s:s}]}}", "apiVersion", "v1",
			"kind", "Pod", "metadata", "name", name, "namespace", "kube-system", "labels",
			"component", "kube-apiserver", "spec", "nodeName", node, "containers", "name",
			eq[1] ? "kube-apiserver" : "sidecar", "image", image);
		assert_int_equal(kube_create(c, &kube_res_pods, pod, NULL), 0);
	}
	return c;
}

static void expect_unupgraded(const char *const *pods, const char *node, const char *want,
			      const char *want_err)
{
	_cleanup_fclose_ FILE *log = devnull();
	struct kube_client *c = cluster(log, pods);
	char **nodes = NULL;
	int r = addons_unupgraded_control_planes(c, node, &nodes);
	if (want_err) {
		assert_true(r < 0);
		assert_string_equal(error_message(r), want_err);
		error_clear();
	} else {
		assert_int_equal(r, 0);
		_cleanup_free_ char *got = strv_join(nodes ? nodes : (char *[]){ NULL }, ",");
		assert_string_equal(got, want);
	}
	strv_free(nodes);
	kube_client_free(c);
}

static void test_unupgraded(void **state)
{
	const char *const none[] = { NULL };
	const char *const three[] = { "cp1=v1.37.2", "cp3=v1.37.1", "cp2=v1.37.1", NULL };
	const char *const same[] = { "cp1=v1.37.2", "cp2=v1.37.2", NULL };
	const char *const broken[] = { "cp1=v1.37.2", "cp2=", NULL };

	expect_unupgraded(same, "cp1", "", NULL);
	expect_unupgraded(three, "cp1", "cp2,cp3", NULL);
	expect_unupgraded(three, "cp3", "cp1", NULL);
	expect_unupgraded(none, "cp1", NULL,
			  "cannot find kube-apiserver Pod by label selector: component=kube-apiserver");
	expect_unupgraded(three, "cp9", NULL,
			  "cannot find kube-apiserver image for current control plane instance cp9");
	expect_unupgraded(broken, "cp1", NULL,
			  "cannot find container by name \"kube-apiserver\" for Pod "
			  "kube-system/kube-apiserver-cp2");
}

/* Runs one addon phase with out captured; returns its output (owned). */
static char *run_phase(int (*fn)(const struct addons_upgrade *), struct init_config *cfg,
		       const char *const *pods, bool control_plane, int want_r)
{
	_cleanup_fclose_ FILE *log = devnull();
	struct kube_client *c = cluster(log, pods);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	struct addons_upgrade u = { .cfg = cfg, .client = c, .control_plane = control_plane,
				    .dry_run = true, .out = out };
	int r = fn(&u);
	if (r < 0)
		fail_msg("phase: %s", error_message(r));
	assert_int_equal(r, want_r);
	fclose(out);
	kube_client_free(c);
	return buf;
}

static void test_gates(void **state)
{
	const char *const behind[] = { "cp1=v1.37.2", "cp2=v1.37.1", NULL };
	const char *const done[] = { "cp1=v1.37.2", NULL };
	struct init_config *cfg = load();
	_cleanup_free_ char *a = run_phase(addons_upgrade_coredns, cfg, behind, false, 0);
	assert_string_equal(a, "[upgrade/addon] Skipping the addon/coredns phase. Not a control "
			       "plane node.\n");
	_cleanup_free_ char *b = run_phase(addons_upgrade_proxy, cfg, behind, true, 0);
	assert_string_equal(b, "[upgrade/addon] Skipping upgrade of addons because control plane "
			       "instances [cp2] have not been upgraded\n");
	cfg->cluster.dns.disabled = true;
	_cleanup_free_ char *c = run_phase(addons_upgrade_coredns, cfg, behind, true, 0);
	assert_string_equal(c, "[upgrade/addon] Skipping the addon/coredns phase. The addon is "
			       "disabled.\n");
	cfg->cluster.dns.disabled = false;
	/* all upgraded, dry-run: the manifests are printed (kubeadm's printManifest) */
	_cleanup_free_ char *d = run_phase(addons_upgrade_coredns, cfg, done, true, 0);
	assert_non_null(strstr(d, "kind: Deployment"));
	assert_non_null(strstr(d, "image: registry.k8s.io/coredns/coredns:v1.14.6"));
	assert_null(strstr(d, "Skipping"));
	_cleanup_free_ char *e = run_phase(addons_upgrade_proxy, cfg, done, true, 0);
	assert_non_null(strstr(e, "kind: DaemonSet"));
	config_init_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unupgraded),
		cmocka_unit_test(test_gates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
