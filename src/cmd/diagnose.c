/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ckubeadm diagnose` (beyond-kubeadm.md §2.3): a command kubeadm does not have (C4), hidden
 * from kubeadm's command list (C7) and described by `ckubeadm help extensions`. Read-only:
 * it collects the node's facts, runs the rules and prints the findings (the `[diagnose]`
 * block, or the DiagnosisReport object with -o json|yaml). Exits 1 when a Fatal cause is
 * found, 0 otherwise. Works while init hangs, after a failure and on a running cluster.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/command.h"
#include "cmd/commands.h"
#include "cmd/printer.h"
#include "cri/cri.h"
#include "diagnose/diagnose.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const struct flag flags_diagnose[] = {
	{ .name = "component", .type = FLAG_STRING,
	  .usage = "Only this static pod: etcd, kube-apiserver, kube-controller-manager or kube-scheduler." },
	{ .name = "since", .type = FLAG_DURATION, .def = "10m0s",
	  .usage = "How far back the kubelet's journal is read." },
	{ .name = "verbose", .type = FLAG_BOOL,
	  .usage = "Print every finding's fix, and the collected facts with -o json|yaml." },
	{ .name = "output", .shorthand = 'o', .type = FLAG_STRING, .def = "text",
	  .usage = "Output format: text, json or yaml." },
	{ .name = "allow-missing-template-keys", .type = FLAG_BOOL, .def = "true", .hidden = true,
	  .usage = "If true, ignore any errors in templates when a field or map key is missing in the template." },
	{ .name = "cri-socket", .type = FLAG_STRING,
	  .usage = "Path to the CRI socket (default: detected as kubeadm does)." },
	{ 0 },
};

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmd_diagnose(struct cmd_ctx *ctx)
{
	static const char *const comps[] = { "etcd", "kube-apiserver", "kube-controller-manager",
					     "kube-scheduler" };
	const char *component = flagset_get_string(&ctx->flags, "component");
	if (component && !*component)
		component = NULL;
	if (component) {
		bool ok = false;
		for (size_t i = 0; i < ARRAY_SIZE(comps); i++)
			ok |= streq(component, comps[i]);
		if (!ok)
			return error_set(-EINVAL,
					 "invalid --component \"%s\": one of etcd, kube-apiserver, "
					 "kube-controller-manager, kube-scheduler",
					 component);
	}
	const char *out = flagset_get_string(&ctx->flags, "output");
	if (!streq(out, "text") && !streq(out, "json") && !streq(out, "yaml"))
		return error_set(-EINVAL, "invalid --output \"%s\": one of text, json, yaml", out);
	int64_t since = flagset_get_duration(&ctx->flags, "since");
	if (since < 0)
		return error_set(-EINVAL, "invalid --since: a duration must not be negative");
	bool verbose = flagset_get_bool(&ctx->flags, "verbose");
	_cleanup_free_ char *sock = NULL;
	const char *cs = flagset_get_string(&ctx->flags, "cri-socket");
	if (cs && *cs) {
		sock = xstrdup(cs);
	} else {
		int r = cri_detect_socket(ctx->rootfd, &sock);
		if (r < 0)
			return r;
	}
	const char *klog = getenv("CKUBEADM_KUBELET_LOG");
	struct diag_options o = {
		.rootfd = ctx->rootfd,
		.cri_socket = sock,
		.manifests_dir = "/etc/kubernetes/manifests",
		.pki_dir = "/etc/kubernetes/pki",
		.kubelet_config = "/var/lib/kubelet/config.yaml",
		.kubelet_log = klog && *klog ? klog : NULL,
		.run_start = time(NULL) - since / 1000000000LL,
		.since_s = (long)(since / 1000000000LL),
		.component = component,
	};
	long long t0 = mono_ms();
	_cleanup_(diag_facts_freep) struct diag_facts *f = NULL;
	diag_collect(&o, &f);
	struct diag_report r;
	diag_evaluate(f, &r);
	r.duration_ms = mono_ms() - t0;
	int ret = 0;
	if (streq(out, "text")) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		diag_render_text(&r, verbose, &sb);
		if (!r.n)
			strbuf_addstr(&sb, "[diagnose] no problem found\n");
		fputs(sb.buf, stdout);
	} else {
		_cleanup_(printer_freep) struct printer *p = NULL;
		ret = printer_new(&ctx->flags, &p);
		_cleanup_json_ json_t *j = ret >= 0 ? diag_report_json(&r, verbose ? f : NULL) : NULL;
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		if (ret >= 0)
			ret = printer_print(p, j, &sb);
		if (ret >= 0)
			fputs(sb.buf, stdout);
	}
	if (ret >= 0 && diag_report_fatal(&r))
		ret = error_set(-EIO, "diagnose found a fatal cause: %s", r.findings[0].rule->code);
	diag_report_release(&r);
	return ret;
}

const struct command cmd_ckubeadm_diagnose = {
	.use = "diagnose",
	.short_desc = "Name the cause when the control plane does not come up (ckubeadm only)",
	.long_desc = "\nReads this node's container runtime, kubelet, host, certificates and etcd data "
		     "directory, and names the\nmost likely cause of a control plane that does not "
		     "come up. Read-only. Exits 1 when a fatal cause is found.\n",
	.flags = flags_diagnose,
	.run = cmd_diagnose,
	.args = CMD_ARGS_NONE,
	.hidden = true,
};
