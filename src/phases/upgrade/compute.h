/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kubeadm upgrade plan`'s computation (phases/upgrade/compute.go GetAvailableUpgrades, the
 * VersionGetter of versiongetter.go) and its UpgradePlan object (cmd/upgrade/plan.go
 * genUpgradePlan and the text printer).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "util/strbuf.h"

/* map[string][]string of the version getter: version -> node names, in first-seen order. */
struct upgrade_version_map {
	size_t n;
	struct {
		char *version;
		char **nodes;
	} *v;
};

void upgrade_version_map_add(struct upgrade_version_map *m, const char *version, const char *node);
void upgrade_version_map_release(struct upgrade_version_map *m);

/*
 * kubeadm's VersionGetter, as callbacks (errors: -errno with the message set; ret owned):
 * component_versions for "kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"
 * (image tags of the kube-system pods component=<c>,tier=control-plane), kubelet_versions (the
 * Nodes' kubelet versions), dns_version (DeployedDNSAddon), version_from_label (an online
 * label lookup). offline_version: OfflineVersionGetter's version ("" or NULL: online).
 */
struct upgrade_version_getter {
	void *ud;
	int (*component_versions)(void *ud, const char *component, struct upgrade_version_map *ret);
	int (*kubelet_versions)(void *ud, struct upgrade_version_map *ret);
	int (*dns_version)(void *ud, char **ret);
	int (*version_from_label)(void *ud, const char *label, const char *description, char **ret);
	const char *offline_version;
	const char *kubeadm_version; /* KubeadmVersion (v1.37.2) */
};

/* ClusterState */
struct upgrade_cluster_state {
	char *kube_version, *dns_version, *kubeadm_version, *etcd_version;
	/* Before only (borrowed from the list's shared maps) */
	const struct upgrade_version_map *apiserver, *controller_manager, *scheduler, *etcd,
		*kubelet;
};

/* Upgrade */
struct upgrade_available {
	char *description;
	struct upgrade_cluster_state before, after;
};

/* The result of GetAvailableUpgrades: the upgrades and the maps their Before states share. */
struct upgrade_list {
	size_t n;
	struct upgrade_available *v;
	struct upgrade_version_map maps[5]; /* apiserver, kcm, scheduler, etcd, kubelet */
};

void upgrade_list_release(struct upgrade_list *l);

/*
 * GetAvailableUpgrades: asks g in kubeadm's order, prints kubeadm's lines ("[upgrade]
 * Fetching available versions to upgrade to", "[upgrade/versions] Cluster version: ...", ...,
 * then an empty line) to out (NULL for a structured printer) and klog warnings to stderr.
 * *ret is filled in place (its Before states point at its own maps: do not copy it), possibly
 * with no upgrade; on error it is left empty and -errno is returned with the message.
 */
int upgrade_available_upgrades(const struct upgrade_version_getter *g, bool allow_experimental,
			       bool allow_rc, FILE *out, struct upgrade_list *ret);

/*
 * genUpgradePlan: the output.kubeadm.k8s.io/v1alpha3 UpgradePlan of the upgrades and the
 * component config states (a JSON array of ComponentConfigVersionState, borrowed; NULL for
 * none). New reference.
 */
json_t *upgrade_plan_object(const struct upgrade_list *l, const json_t *config_versions,
			    bool etcd_upgrade);

/*
 * upgradePlanTextPrinter.PrintObj of an UpgradePlan object: the tables, the apply command and
 * the component config table, appended to out. -EINVAL "Unable to parse normalized version
 * ..." when an upgrade's kube-apiserver target is not a semantic version.
 */
int upgrade_plan_print_text(const json_t *plan, struct strbuf *out);
