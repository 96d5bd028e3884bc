/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ckubeadm beyond kubeadm §4: `certs renew --if-expiring-within` (the threshold) and
 * `--restart-control-plane=auto` (restarting, one at a time, exactly the control-plane
 * components that use a renewed certificate, under a Lease lock in kube-system).
 * Nothing here runs without those flags: kubeadm's `certs renew` stays as it is.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

/* The static-pod components that consume kubeadm's certificates, in restart order. */
enum certs_component {
	CERTS_ETCD,
	CERTS_APISERVER,
	CERTS_CONTROLLER_MANAGER,
	CERTS_SCHEDULER,
	CERTS_COMPONENT_COUNT,
};

/* The component's static pod (and container) name: "etcd", "kube-apiserver", ... */
const char *certs_component_name(enum certs_component c);

/*
 * The threshold: true when NotAfter - now < within_ns (so a certificate already expired is
 * always due; within 0 renews only the expired ones).
 */
bool certs_renew_due(time_t not_after, const struct timespec *now, int64_t within_ns);

/*
 * The components that use the certificate or kubeconfig `name` as the renewal manager names
 * it ("apiserver", "etcd-server", "scheduler.conf"): a bit mask of 1u << enum certs_component;
 * 0 for those no component uses (admin.conf, super-admin.conf, etcd-healthcheck-client).
 */
unsigned certs_component_mask(const char *name);

/*
 * The lock's rule: true when holder may take the Lease `lease` (borrowed; NULL when it does
 * not exist) at now: it is free (no holder), already held by holder, or its holder's
 * renewTime + leaseDurationSeconds has passed (an unparsable renewTime counts as passed).
 */
bool certs_lease_available(const json_t *lease, const char *holder, time_t now);

/* What certs_restart_control_plane needs; all borrowed. */
struct certs_restart_options {
	int rootfd;             /* the --rootfs root */
	const char *cert_dir;   /* the PKI directory (certificatesDir) */
	const char *kubeconfig; /* the client for the Lease (admin.conf) */
	const char *manifest_dir; /* /etc/kubernetes/manifests */
	bool lock;              /* take the Lease kube-system/ckubeadm-certs-renewal */
};

/*
 * Restarts the components of mask (certs_component_mask bits), in the order of enum
 * certs_component, each through the CRI (StopContainer, the kubelet starts a new container
 * in the same sandbox), and verifies it before the next: a new container running, its health
 * endpoint answering, and for etcd and kube-apiserver the new certificate's serial in a TLS
 * handshake. Every component's container is found before any is stopped, and the Lease is
 * taken before the first stop, so a failure there restarts nothing. Prints one line per step.
 * Returns 0 or -errno with the message set.
 */
int certs_restart_control_plane(const struct certs_restart_options *o, unsigned mask);
