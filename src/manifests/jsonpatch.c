/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "json" and "merge" patch types of the patches engine. Both are util/json.c's
 * json_patch_apply and json_merge_patch_new (gopkg.in/evanphx/json-patch.v4 with its quirks
 * and error texts, checked against Go vectors in util/yaml-test.c and
 * manifests/patches-test.c); kube/dryrun.c uses the same code.
 */
#include <jansson.h>

#include "manifests/patches.h"
#include "util/json.h"

int patch_json_apply(json_t **doc, const json_t *patch)
{
	return json_patch_apply(doc, patch);
}

int patch_merge_apply(json_t **doc, const json_t *patch)
{
	json_t *merged = NULL;
	int r = json_merge_patch_new(*doc, patch, &merged);
	if (r < 0)
		return r;
	json_decref(*doc);
	*doc = merged;
	return 0;
}
