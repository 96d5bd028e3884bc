/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's patches engine (cmd/kubeadm/app/util/patches): patch files in a directory named
 * <target>[suffix][+<type>].{json,yaml}, applied in file order to a target document, with the
 * three patch types kubeadm knows:
 *   - "json":      RFC 6902 JSON patch, as gopkg.in/evanphx/json-patch.v4 applies it
 *   - "merge":     RFC 7386 JSON merge patch, as json-patch.v4's MergePatch
 *   - "strategic": Kubernetes strategic merge patch (k8s.io/apimachinery strategicpatch) with
 *                  the merge keys and strategies of the target's Go type (manifests/schema.h)
 */
#pragma once

#include <jansson.h>
#include <stdio.h>

/*
 * RFC 6902 patch (a JSON array of operations) applied to *doc, replacing *doc on success.
 * Returns 0 or -EINVAL with json-patch.v4's error message set.
 */
int patch_json_apply(json_t **doc, const json_t *patch);
/* json-patch.v4 MergePatch(*doc, patch); -EINVAL "Invalid JSON Patch" for a null/scalar patch. */
int patch_merge_apply(json_t **doc, const json_t *patch);
/*
 * strategicpatch.StrategicMergePatch(*doc, patch, <Go type of desc>); desc is a schema
 * descriptor (schema_root("pod")). Returns 0 or -EINVAL with apimachinery's message set.
 */
int patch_strategic_apply(json_t **doc, const json_t *patch, const char *desc);

/* The patch targets kubeadm knows (patches.KnownTargets()), NULL-terminated. */
extern const char *const patch_known_targets[];

struct patch_manager;

/*
 * patches.GetPatchManagerForPath: reads the patch files of dir (recursively, in lexical order)
 * and prints kubeadm's "[patches] ..." lines to out (NULL: nothing printed). Managers are
 * cached per path for the life of the process, as kubeadm's pathCache: the second call for
 * the same path prints nothing. *ret is borrowed. Returns 0 or -errno with kubeadm's message.
 */
int patch_manager_for_path(const char *dir, FILE *out, struct patch_manager **ret);

/*
 * The output the manager was made with (NULL: none): kubeadm's cached PatchManager keeps the
 * writer of its first GetPatchManagerForPath call for its "[patches] Applied ..." lines.
 */
FILE *patch_manager_output(const struct patch_manager *pm);

/*
 * ApplyPatchesToTarget: applies the manager's patches for target (a known target name) to
 * *doc (JSON), in order, printing "[patches] Applied patch of type ..." lines to out.
 * desc is the schema descriptor of the target's Go type for strategic merge patches.
 * Returns 0 or -errno with kubeadm's message ("could not apply the following patch ...").
 */
int patch_manager_apply(struct patch_manager *pm, const char *target, const char *desc,
			json_t **doc, FILE *out);

/*
 * A manager over one strategic merge patch set built from data (CreatePatchSet +
 * NewPatchManager): what kubeadm uses for the kubelet instance configuration. Owned:
 * patch_manager_free().
 */
int patch_manager_from_data(const char *target, const char *data, size_t len,
			    struct patch_manager **ret);
void patch_manager_free(struct patch_manager *pm);
