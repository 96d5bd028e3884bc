/* SPDX-License-Identifier: Apache-2.0 */
/* `kubeadm version` (cmd/kubeadm/app/cmd/version.go). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "build-config.h"
#include "cmd/commands.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strbuf.h"

/* What tests/peers/build.sh stamps into the reference (k8s.io/component-base/version). The
 * Go toolchain version is the one the reference was built with. */
#ifndef KUBE_GIT_TREE_STATE
#define KUBE_GIT_TREE_STATE "clean"
#endif
#ifndef KUBE_GO_VERSION
#define KUBE_GO_VERSION "go1.26.8"
#endif
#ifndef KUBE_COMPILER
#define KUBE_COMPILER "gc"
#endif
#if defined(__x86_64__)
#define KUBE_ARCH "amd64"
#elif defined(__aarch64__)
#define KUBE_ARCH "arm64"
#elif defined(__powerpc64__)
#define KUBE_ARCH "ppc64le"
#elif defined(__s390x__)
#define KUBE_ARCH "s390x"
#else
#define KUBE_ARCH "unknown"
#endif
#define KUBE_PLATFORM "linux/" KUBE_ARCH

static const struct {
	const char *go, *json;
	const char *value;
} info[] = {
	{ "Major", "major", KUBE_GIT_MAJOR },
	{ "Minor", "minor", KUBE_GIT_MINOR },
	{ "EmulationMajor", "emulationMajor", "" },
	{ "EmulationMinor", "emulationMinor", "" },
	{ "MinCompatibilityMajor", "minCompatibilityMajor", "" },
	{ "MinCompatibilityMinor", "minCompatibilityMinor", "" },
	{ "GitVersion", "gitVersion", KUBE_GIT_VERSION },
	{ "GitCommit", "gitCommit", KUBE_GIT_COMMIT },
	{ "GitTreeState", "gitTreeState", KUBE_GIT_TREE_STATE },
	{ "BuildDate", "buildDate", KUBE_BUILD_DATE },
	{ "GoVersion", "goVersion", KUBE_GO_VERSION },
	{ "Compiler", "compiler", KUBE_COMPILER },
	{ "Platform", "platform", KUBE_PLATFORM },
};

/* The fields of apimachinery's version.Info that are "omitempty" in JSON/YAML. */
static bool omitempty(const char *json)
{
	return strstr(json, "emulation") || strstr(json, "minCompatibility");
}

/* sigs.k8s.io/yaml (go-yaml v2) quotes strings that would read back as another type. */
static bool yaml_needs_quotes(const char *s)
{
	if (!*s || strspn(s, "0123456789") == strlen(s))
		return true;
	/* timestamps: 2006-01-02... */
	if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-' && strspn(s, "0123456789") == 4)
		return true;
	static const char *const words[] = { "true", "false", "null", "yes", "no", "on", "off",
					     "y", "n", "~" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

int cmd_version(struct cmd_ctx *ctx)
{
	log_v(1, "[version] retrieving version info");
	const char *of = flagset_get_string(&ctx->flags, "output");
	struct strbuf sb = STRBUF_INIT;
	if (!*of) {
		strbuf_addstr(&sb, "kubeadm version: &version.Info{");
		for (size_t i = 0; i < sizeof(info) / sizeof(info[0]); i++)
			strbuf_addf(&sb, "%s%s:\"%s\"", i ? ", " : "", info[i].go, info[i].value);
		strbuf_addstr(&sb, "}\n");
	} else if (streq(of, "short")) {
		strbuf_addf(&sb, "%s\n", KUBE_GIT_VERSION);
	} else if (streq(of, "json")) {
		strbuf_addstr(&sb, "{\n  \"clientVersion\": {");
		bool first = true;
		for (size_t i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
			if (omitempty(info[i].json) && !*info[i].value)
				continue;
			strbuf_addf(&sb, "%s\n    \"%s\": \"%s\"", first ? "" : ",", info[i].json,
				    info[i].value);
			first = false;
		}
		strbuf_addstr(&sb, "\n  }\n}\n");
	} else if (streq(of, "yaml")) {
		/* keys sorted, as the YAML serializer does */
		static const char *const order[] = { "buildDate", "compiler", "gitCommit",
						     "gitTreeState", "gitVersion", "goVersion",
						     "major", "minor", "platform" };
		strbuf_addstr(&sb, "clientVersion:\n");
		for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
			for (size_t i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
				if (!streq(info[i].json, order[k]))
					continue;
				const char *v = info[i].value;
				if (yaml_needs_quotes(v))
					strbuf_addf(&sb, "  %s: \"%s\"\n", order[k], v);
				else
					strbuf_addf(&sb, "  %s: %s\n", order[k], v);
			}
		strbuf_addch(&sb, '\n');
	} else {
		strbuf_release(&sb);
		return error_set(-EINVAL, "invalid output format: %s", of);
	}
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
	return 0;
}
