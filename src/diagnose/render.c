/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How a diagnosis is shown: the `[diagnose]` block on stderr (beyond-kubeadm.md §2.3), the
 * DiagnosisReport object of `ckubeadm diagnose -o json|yaml`, the Diagnosis event, and the
 * glue the wait phases call on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diagnose/diagnose.h"
#include "util/events.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *severity_name(enum diag_severity s)
{
	switch (s) {
	case DIAG_FATAL: return "Fatal";
	case DIAG_LIKELY: return "Likely";
	default: return "Info";
	}
}

void diag_render_text(const struct diag_report *r, bool verbose, struct strbuf *sb)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct diag_finding *f = &r->findings[i];
		strbuf_addf(sb, "[diagnose] %s (%s): %s\n", i == 0 ? "Likely cause" : "Also seen",
			    f->rule->code, f->summary);
		for (char **e = f->evidence; *e; e++)
			strbuf_addf(sb, "    evidence: %s\n", *e);
		if (i == 0 || verbose)
			strbuf_addf(sb, "    fix: %s\n", f->rule->fix);
		if (i == 0)
			strbuf_addf(sb, "    more: ckubeadm diagnose --verbose%s%s\n",
				    *f->rule->refs ? " ; " : "", f->rule->refs);
	}
	if (verbose)
		strbuf_addf(sb, "[diagnose] %zu finding(s) in %lld ms\n", r->n, r->duration_ms);
}

static json_t *tri(int v)
{
	return v == DIAG_UNKNOWN ? json_null() : json_boolean(v == DIAG_YES);
}

static json_t *facts_json(const struct diag_facts *f)
{
	json_t *comps = json_array();
	for (size_t i = 0; i < f->n_components; i++) {
		const struct diag_component *c = &f->components[i];
		json_array_append_new(
			comps,
			json_pack("{s:s,s:s?,s:o,s:b,s:b,s:I,s:b,s:I,s:I,s:I,s:s?,s:s?,s:o}", "name",
				  c->name, "image", c->manifest_image, "imagePresent",
				  tri(c->image_present), "sandbox", c->has_sandbox, "sandboxReady",
				  c->sandbox_ready, "sandboxAttempt", (json_int_t)c->sandbox_attempt,
				  "container", c->has_container, "state", (json_int_t)c->state,
				  "attempt", (json_int_t)c->attempt, "exitCode", (json_int_t)c->exit_code,
				  "reason", c->reason, "message", c->message, "logTail",
				  json_from_strv(c->log)));
	}
	json_t *ls = json_array();
	for (size_t i = 0; i < f->n_listeners; i++)
		json_array_append_new(ls, json_pack("{s:I,s:s,s:I,s:s?}", "port",
						    (json_int_t)f->listeners[i].port, "address",
						    f->listeners[i].addr, "pid",
						    (json_int_t)f->listeners[i].pid, "comm",
						    f->listeners[i].comm));
	json_t *certs = json_array();
	for (size_t i = 0; i < f->n_certs; i++)
		json_array_append_new(certs, json_pack("{s:s,s:I,s:I,s:o}", "name", f->certs[i].name,
						       "notBefore", (json_int_t)f->certs[i].not_before,
						       "notAfter", (json_int_t)f->certs[i].not_after,
						       "signedByCA", tri(f->certs[i].ca_ok)));
	json_t *o = json_object();
	json_object_set_new(o, "runtime",
			    json_pack("{s:s?,s:s?,s:o,s:s?,s:o,s:o}", "endpoint", f->cri_endpoint,
				      "error", f->cri_error, "ready", tri(f->runtime_ready),
				      "sandboxImage", f->sandbox_image, "sandboxImagePresent",
				      tri(f->sandbox_image_present), "systemdCgroup",
				      tri(f->runtime_systemd_cgroup)));
	json_object_set_new(o, "kubelet",
			    json_pack("{s:o,s:s?,s:o,s:s?,s:s?,s:o,s:s?,s:o}", "healthy",
				      tri(f->kubelet_healthy), "healthError", f->kubelet_health_error,
				      "running", tri(f->kubelet_running), "cgroupDriver",
				      f->kubelet_cgroup_driver, "staticPodPath",
				      f->kubelet_static_pod_path, "failSwapOn",
				      tri(f->kubelet_fail_swap_on), "containerRuntimeEndpoint",
				      f->kubelet_runtime_endpoint, "logTail",
				      json_from_strv(f->kubelet_log)));
	json_object_set_new(o, "host",
			    json_pack("{s:I,s:o,s:o,s:I,s:I,s:I,s:o}", "swapKB",
				      (json_int_t)f->swap_kb, "systemd", tri(f->systemd_running),
				      "cgroupV2", tri(f->cgroup_v2), "memAvailableKB",
				      (json_int_t)f->mem_available_kb, "cpus", (json_int_t)f->ncpu,
				      "diskFreePercent", (json_int_t)f->disk_free_pct, "listeners",
				      ls));
	json_object_set_new(o, "certificates", certs);
	json_object_set_new(o, "etcdDataPredatesRun", tri(f->etcd_data_predates));
	json_object_set_new(o, "components", comps);
	return o;
}

static json_t *findings_json(const struct diag_report *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct diag_finding *f = &r->findings[i];
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:o,s:s,s:s}", "code", f->rule->code,
						   "severity", severity_name(f->rule->severity),
						   "summary", f->summary, "evidence",
						   json_from_strv(f->evidence), "fix", f->rule->fix,
						   "refs", f->rule->refs));
	}
	return a;
}

json_t *diag_report_json(const struct diag_report *r, const struct diag_facts *facts)
{
	json_t *o = json_pack("{s:s,s:s}", "apiVersion", EVENTS_API_VERSION, "kind",
			      "DiagnosisReport");
	json_object_set_new(o, "headline", r->n ? json_string(r->findings[0].rule->code)
					      : json_null());
	json_object_set_new(o, "fatal", json_boolean(diag_report_fatal(r)));
	json_object_set_new(o, "durationMs", json_integer(r->duration_ms));
	json_object_set_new(o, "findings", findings_json(r));
	if (facts)
		json_object_set_new(o, "facts", facts_json(facts));
	return o;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void diag_on_failure(const struct diag_options *o, const char *phase)
{
	const char *e = getenv("CKUBEADM_DIAGNOSE");
	if (e && streq(e, "0"))
		return;
	long long t0 = now_ms();
	_cleanup_(diag_facts_freep) struct diag_facts *f = NULL;
	diag_collect(o, &f);
	struct diag_report r;
	diag_evaluate(f, &r);
	r.duration_ms = now_ms() - t0;
	/* an Info finding alone names no cause: no block */
	if (r.n && r.findings[0].rule->severity != DIAG_INFO) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		diag_render_text(&r, false, &sb);
		fflush(stdout);
		fputs(sb.buf, stderr);
		fflush(stderr);
	}
	if (events_enabled()) {
		json_t *ev = json_pack("{s:s,s:I,s:o}", "phase", phase, "durationMs",
				       (json_int_t)r.duration_ms, "findings", findings_json(&r));
		json_object_set_new(ev, "headline",
				    r.n ? json_string(r.findings[0].rule->code) : json_null());
		events_emit("Diagnosis", ev);
	}
	diag_report_release(&r);
}
