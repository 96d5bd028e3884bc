/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `kubeadm upgrade` reads from and checks in a running cluster: the VersionGetter over
 * the API (phases/upgrade/versiongetter.go), the cluster health checks (health.go
 * CheckClusterHealth), the CoreDNS migration checks (preflight.go RunCoreDNSMigrationCheck)
 * and the component config version states (componentconfigs.GetVersionStates).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"
#include "kube/client.h"
#include "phases/upgrade/compute.h"

/* KubeadmVersion: this build's version. */
#define UPGRADE_KUBEADM_VERSION "v1.37.2"

/*
 * NewOfflineVersionGetter(NewKubeVersionGetter(c), offline_version): *ret borrows c and
 * offline_version for its lifetime.
 */
void upgrade_kube_version_getter(struct kube_client *c, const char *offline_version,
				 struct upgrade_version_getter *ret);

/*
 * CheckClusterHealth: prints "[upgrade] Running cluster health checks" to out (NULL: a
 * structured printer, nothing printed) and runs CreateJob, ControlPlaneNodesReady and
 * StaticPodManifest as preflight checks (warnings and errors on stderr, names ignorable
 * through ignore). dry_run: the manifests are not looked at, "[dryrun] would check if ...
 * exists" is printed instead. -ECANCELED "preflight checks failed" when one fails.
 */
int upgrade_check_cluster_health(struct kube_client *c, const struct init_config *cfg,
				 char *const *ignore, bool dry_run, FILE *out);

/* RunCoreDNSMigrationCheck: CoreDNSUnsupportedPlugins and CoreDNSMigration. */
int upgrade_coredns_migration_check(struct kube_client *c, char *const *ignore);

/*
 * GetVersionStates: ComponentConfigVersionState objects for kube-proxy then the kubelet, read
 * again from their ConfigMaps (the kube-proxy one may be absent: its current version is
 * empty, with kubeadm's warning). *ret: a new JSON array.
 */
int upgrade_component_config_states(struct kube_client *c, json_t **ret);
