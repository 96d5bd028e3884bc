/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the patches engine (src/manifests): the first byte picks the patch
 * type, the rest is a patch file (YAML or JSON, multi-document) applied to a control-plane
 * Pod or a KubeletConfiguration as kubeadm applies patch files; a patched Pod is then decoded
 * and re-encoded as a v1.Pod and printed. Also feeds the input to the Quantity parser.
 * Invariants: no crash, no leak, and a normalised Pod normalises to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifests/patches.h"
#include "manifests/schema.h"
#include "util/error.h"
#include "util/json.h"
#include "util/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pod[] =
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"etcd\",\"labels\":{\"a\":\"b\"}},"
	"\"spec\":{\"containers\":[{\"name\":\"etcd\",\"command\":[\"etcd\"],\"env\":[{\"name\":\"A\",\"value\":\"1\"}],"
	"\"ports\":[{\"containerPort\":2381}],\"resources\":{\"requests\":{\"cpu\":\"100m\"}},"
	"\"volumeMounts\":[{\"name\":\"d\",\"mountPath\":\"/d\"}]}],"
	"\"volumes\":[{\"name\":\"d\",\"hostPath\":{\"path\":\"/d\"}}]},\"status\":{}}";

static const char kubelet[] =
	"{\"apiVersion\":\"kubelet.config.k8s.io/v1beta1\",\"kind\":\"KubeletConfiguration\","
	"\"featureGates\":{\"A\":true},\"clusterDNS\":[\"10.96.0.10\"],\"maxPods\":110}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	unsigned mode = data[0] % 5;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;

	if (mode == 4) {
		char *s = strndup(text, len);
		char *q = NULL;
		if (s && quantity_canonical(s, &q) >= 0) {
			char *again = NULL;
			if (quantity_canonical(q, &again) < 0 || strcmp(q, again) != 0)
				abort(); /* a canonical quantity is a fixed point */
			free(again);
		}
		free(q);
		free(s);
		error_clear();
		return 0;
	}

	char **docs = NULL;
	if (yaml_split_documents(text, len, &docs) < 0) {
		error_clear();
		return 0;
	}
	json_error_t e;
	bool is_kubelet = mode == 3;
	json_t *doc = json_loads(is_kubelet ? kubelet : pod, 0, &e);
	for (char **d = docs; d && *d; d++) {
		json_t *patch = NULL;
		if (yaml_to_json(*d, strlen(*d), 0, &patch) < 0)
			break;
		int r;
		if (mode == 0)
			r = patch_json_apply(&doc, patch);
		else if (mode == 1)
			r = patch_merge_apply(&doc, patch);
		else
			r = patch_strategic_apply(&doc, patch, schema_root(is_kubelet ? "kubelet" : "pod"));
		json_decref(patch);
		if (r < 0)
			break;
	}
	if (!is_kubelet) {
		json_t *n = NULL;
		if (schema_normalize(schema_root("pod"), doc, &n) >= 0) {
			json_t *n2 = NULL;
			if (schema_normalize(schema_root("pod"), n, &n2) < 0 || !json_equal(n, n2))
				abort(); /* decoding what we encode gives the same Pod */
			free(yaml_from_json(n2));
			json_decref(n2);
			json_decref(n);
		}
	}
	json_decref(doc);
	for (char **d = docs; d && *d; d++)
		free(*d);
	free(docs);
	error_clear();
	return 0;
}
