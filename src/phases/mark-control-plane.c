/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's phases/markcontrolplane.MarkControlPlane, shared by init's mark-control-plane and
 * join's control-plane-join/mark-control-plane: the control-plane labels and the configured
 * taints on the node's Node object, by a strategic merge patch (PatchNode).
 */
#include <errno.h>
#include <stdio.h>

#include "phases/mark-control-plane.h"
#include "util/error.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char *const labels_to_add[] = {
	"node-role.kubernetes.io/control-plane",
	"node.kubernetes.io/exclude-from-external-load-balancers",
};

/* v1.Taint as JSON (value and timeAdded omitempty). */
static json_t *taint_json(const struct cfg_taint *t)
{
	json_t *o = json_pack("{s:s}", "key", strempty(t->key));
	if (t->value && *t->value)
		json_object_set_new(o, "value", json_string(t->value));
	json_object_set_new(o, "effect", json_string(strempty(t->effect)));
	if (t->time_added && *t->time_added)
		json_object_set_new(o, "timeAdded", json_string(t->time_added));
	return o;
}

/* Taint.ToString() */
static void taint_string(struct strbuf *sb, const struct cfg_taint *t)
{
	const char *k = strempty(t->key), *v = strempty(t->value), *e = strempty(t->effect);
	if (!*e) {
		if (!*v)
			strbuf_addstr(sb, k);
		else
			strbuf_addf(sb, "%s=%s:", k, v);
	} else if (!*v) {
		strbuf_addf(sb, "%s:%s", k, e);
	} else {
		strbuf_addf(sb, "%s=%s:%s", k, v, e);
	}
}

struct mark {
	const struct cfg_list *taints;
};

/* markControlPlaneNode: labels set to "", the configured taints then the node's other ones. */
static int mark_node(json_t *node, void *userdata)
{
	const struct mark *m = userdata;
	json_t *meta = json_object_get(node, "metadata");
	json_t *labels = json_object_get(meta, "labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(meta, "labels", labels);
	}
	for (size_t i = 0; i < ARRAY_SIZE(labels_to_add); i++)
		json_object_set_new(labels, labels_to_add[i], json_string(""));
	json_t *taints = json_array();
	const struct cfg_taint *t = m->taints->items;
	for (size_t i = 0; i < m->taints->n; i++)
		json_array_append_new(taints, taint_json(&t[i]));
	json_t *spec = json_object_get(node, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(node, "spec", spec);
	}
	size_t i, j;
	json_t *nt, *ct;
	json_array_foreach(json_object_get(spec, "taints"), i, nt) {
		bool found = false;
		json_array_foreach(taints, j, ct)
			if (json_equal(nt, ct))
				found = true;
		if (!found)
			json_array_append(taints, nt);
	}
	if (json_array_size(taints))
		json_object_set_new(spec, "taints", taints);
	else {
		/* a nil slice: omitted */
		json_decref(taints);
		json_object_del(spec, "taints");
	}
	return 0;
}

int phases_mark_control_plane(struct kube_client *c, const char *name,
			      const struct cfg_list *taints)
{
	printf("[mark-control-plane] Marking the node %s as control-plane by adding the labels: [%s "
	       "%s]\n",
	       name, labels_to_add[0], labels_to_add[1]);
	if (taints->n > 0) {
		_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
		const struct cfg_taint *t = taints->items;
		for (size_t i = 0; i < taints->n; i++) {
			if (i)
				strbuf_addch(&sb, ' ');
			taint_string(&sb, &t[i]);
		}
		printf("[mark-control-plane] Marking the node %s as control-plane by adding the taints "
		       "[%s]\n",
		       name, sb.buf);
	}
	fflush(stdout);
	struct mark m = { .taints = taints };
	return kube_patch_node(c, name, mark_node, &m);
}
