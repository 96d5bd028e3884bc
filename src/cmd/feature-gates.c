/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "cmd/feature-gates.h"
#include "util/error.h"
#include "util/flags.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const struct {
	const char *name;
	bool deprecated;
} init_feature_gates[] = {
	{ "RootlessControlPlane", false },
};

static char *trim(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
		s++;
	size_t n = strlen(s);
	while (n && strchr(" \t\n\r\v\f", s[n - 1]))
		n--;
	return xstrndup(s, n);
}

int cmd_feature_gates_parse(const char *value, json_t **ret)
{
	json_t *fg = json_object();
	_cleanup_strv_free_ char **items = strv_split(value, ',', false);
	STRV_FOREACH(s, items) {
		if (!**s)
			continue;
		const char *eq = strchr(*s, '=');
		if (!eq) {
			json_decref(fg);
			return error_set(-EINVAL, "missing bool value for feature-gate key:%s", *s);
		}
		_cleanup_free_ char *kraw = xstrndup(*s, (size_t)(eq - *s));
		_cleanup_free_ char *k = trim(kraw), *v = trim(eq + 1);
		bool known = false;
		for (size_t i = 0; i < sizeof(init_feature_gates) / sizeof(init_feature_gates[0]); i++)
			if (streq(init_feature_gates[i].name, k))
				known = true;
		if (!known) {
			json_decref(fg);
			return error_set(-EINVAL, "unrecognized feature-gate key: %s", k);
		}
		bool b;
		if (parse_bool(v, &b) < 0) {
			json_decref(fg);
			return error_set(-EINVAL,
					 "invalid value %s for feature-gate key: %s, use true|false instead",
					 v, k);
		}
		json_object_set_new(fg, k, json_boolean(b));
	}
	*ret = fg;
	return 0;
}

int cmd_feature_gates_override(const struct flagset *fs, json_t *overrides)
{
	json_t *fg;
	int r = cmd_feature_gates_parse(flagset_get_string(fs, "feature-gates"), &fg);
	if (r < 0)
		return r;
	if (!flagset_changed(fs, "feature-gates") || json_object_size(fg) == 0) {
		json_decref(fg);
		return 0;
	}
	json_t *cc = json_object_get(overrides, "ClusterConfiguration");
	if (!cc) {
		cc = json_object();
		json_object_set_new(overrides, "ClusterConfiguration", cc);
	}
	json_object_set_new(cc, "featureGates", fg);
	return 0;
}
