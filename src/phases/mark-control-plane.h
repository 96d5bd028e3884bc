/* SPDX-License-Identifier: Apache-2.0 */
/* The node marking that init and join share (phases/markcontrolplane in kubeadm). */
#pragma once

#include "config/types.h"
#include "kube/client.h"

/*
 * Prints kubeadm's "[mark-control-plane] Marking the node ..." lines and patches the Node
 * called name: the control-plane labels, then taints (struct cfg_taint) before the node's own
 * ones. Returns 0 or -errno with the message set.
 */
int phases_mark_control_plane(struct kube_client *c, const char *name,
			      const struct cfg_list *taints);
