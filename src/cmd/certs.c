/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kubeadm certs` (cmd/kubeadm/app/cmd/certs.go): certificate-key, check-expiration, renew,
 * generate-csr. The PKI work is in pki/ and kubeconfig/; this file holds the console texts,
 * the check-expiration tab-writer layout and the -o json|yaml object.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cmd/certs-renew.h"
#include "cmd/cmdutil.h"
#include "cmd/commands.h"
#include "cmd/printer.h"
#include "config/config.h"
#include "kube/client.h"
#include "kubeconfig/kubeconfig.h"
#include "phases/cluster-config.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/tabwriter.h"
#include "util/yaml.h"
#include "util/xalloc.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct init_config *, config_init_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free)

/* kubeadmconstants.KubernetesDir: the renewal manager's kubeconfig dir (not a flag). */
#define KUBERNETES_DIR "/etc/kubernetes"

/* The PKI parameters of a loaded configuration (certs commands never dry-run). */
static void params_from(const struct init_config *c, int rootfd, struct pki_params *p)
{
	phases_pki_params(c, p);
	p->rootfd = rootfd;
}

/*
 * configutil.LoadOrDefaultInitConfiguration with an InitConfiguration{} and the command's
 * ClusterConfiguration (certificatesDir from --cert-dir when set), CRI detection skipped.
 */
static int load_config(const char *cfg_path, const char *cert_dir, struct init_config **ret)
{
	_cleanup_(json_decrefp) json_t *ov = json_object();
	json_t *cc = json_object();
	json_object_set_new(ov, "ClusterConfiguration", cc);
	if (cert_dir && *cert_dir)
		json_object_set_new(cc, "certificatesDir", json_string(cert_dir));
	/* the commands' ClusterConfiguration carries CurrentKubernetesVersion: no version
	 * lookup on the network */
	json_object_set_new(cc, "kubernetesVersion", json_string("v1.37.0"));
	struct config_load_options lo = { .skip_cri_detect = true };
	return config_load_init_opts(cfg_path && *cfg_path ? cfg_path : NULL, ov, &lo, ret);
}

/*
 * getInternalCfg: without --config, the configuration comes from the cluster named by
 * --kubeconfig when a client can be made from it; when reading it fails, the defaults.
 * text: the printer is kubeadm's text printer (json/yaml printers drop these lines).
 */
static int internal_cfg(struct cmd_ctx *ctx, const char *prefix, bool text,
			struct init_config **ret)
{
	const char *cfg_path = flagset_get_string(&ctx->flags, "config");
	const char *kubeconfig = flagset_get_string(&ctx->flags, "kubeconfig");
	/* the flag's ClusterConfiguration is defaulted, so certificatesDir is never empty */
	const char *cert_dir = flagset_get_string(&ctx->flags, "cert-dir");
	if (!*cert_dir)
		cert_dir = "/etc/kubernetes/pki";
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	if (!*cfg_path && kubeconfig && *kubeconfig &&
	    kube_client_new_from_file(kubeconfig, &c) >= 0) {
		/*
		 * Unlike kubeadm, the node registration, the API endpoint and the component
		 * configs are not fetched: these commands never read them (and kubeadm falls back
		 * to the defaults when one of those reads fails).
		 */
		const struct phases_fetch_options fo = { .log_prefix = text ? prefix : NULL };
		struct init_config *ic = NULL;
		if (phases_fetch_init_config(c, &fo, &ic) >= 0) {
			if (text)
				printf("\n");
			log_v(1, "Overriding the cluster certificate directory with the value from command line flag --cert-dir: %s",
			      cert_dir);
			free(ic->cluster.certificates_dir);
			ic->cluster.certificates_dir = xstrdup(cert_dir);
			*ret = ic;
			return 0;
		}
		if (text)
			printf("[%s] Error reading configuration from the Cluster. Falling back to default configuration\n\n",
			       prefix);
		fflush(stdout);
	}
	error_clear();
	return load_config(cfg_path, cert_dir, ret);
}

/* ---- certificate-key ---------------------------------------------------------------- */

int cmd_certs_certificate_key(struct cmd_ctx *ctx)
{
	char *key = NULL;
	int r = pki_certificate_key_new(&key);
	if (r < 0)
		return r;
	printf("%s\n", key);
	pki_secret_free(key, strlen(key));
	return 0;
}

/* ---- generate-csr ----------------------------------------------------------------------- */

int cmd_certs_generate_csr(struct cmd_ctx *ctx)
{
	_cleanup_(config_init_freep) struct init_config *cfg = NULL;
	int r = load_config(flagset_get_string(&ctx->flags, "config"), NULL, &cfg);
	if (r < 0)
		return r;
	/* genCSRConfig.load: --cert-dir wins over the file's certificatesDir */
	const char *cert_dir = flagset_get_string(&ctx->flags, "cert-dir");
	if (*cert_dir) {
		free(cfg->cluster.certificates_dir);
		cfg->cluster.certificates_dir = xstrdup(cert_dir);
	}
	struct pki_params p;
	params_from(cfg, ctx->rootfd, &p);
	r = pki_create_default_keys_and_csrs(&p, stdout);
	if (r >= 0)
		r = kubeconfig_create_default_csrs(&p, flagset_get_string(&ctx->flags, "kubeconfig-dir"),
						   stdout);
	fflush(stdout);
	return r;
}

/* ---- check-expiration ----------------------------------------------------------------- */

/* duration.HumanDuration */
static void human_duration(int64_t secs, struct strbuf *out)
{
	if (secs < -1) {
		strbuf_addstr(out, "<invalid>");
		return;
	}
	if (secs < 0) {
		strbuf_addstr(out, "0s");
		return;
	}
	if (secs < 60 * 2) {
		strbuf_addf(out, "%llds", (long long)secs);
		return;
	}
	int64_t minutes = secs / 60;
	if (minutes < 10) {
		int64_t s = secs % 60;
		if (s == 0)
			strbuf_addf(out, "%lldm", (long long)minutes);
		else
			strbuf_addf(out, "%lldm%llds", (long long)minutes, (long long)s);
		return;
	}
	if (minutes < 60 * 3) {
		strbuf_addf(out, "%lldm", (long long)minutes);
		return;
	}
	int64_t hours = secs / 3600;
	if (hours < 8) {
		int64_t m = minutes % 60;
		if (m == 0)
			strbuf_addf(out, "%lldh", (long long)hours);
		else
			strbuf_addf(out, "%lldh%lldm", (long long)hours, (long long)m);
		return;
	}
	if (hours < 48) {
		strbuf_addf(out, "%lldh", (long long)hours);
		return;
	}
	if (hours < 24 * 8) {
		int64_t h = hours % 24;
		if (h == 0)
			strbuf_addf(out, "%lldd", (long long)(hours / 24));
		else
			strbuf_addf(out, "%lldd%lldh", (long long)(hours / 24), (long long)h);
		return;
	}
	if (hours < 24 * 365 * 2) {
		strbuf_addf(out, "%lldd", (long long)(hours / 24));
		return;
	}
	if (hours < 24 * 365 * 8) {
		int64_t dy = (hours / 24) % 365;
		if (dy == 0)
			strbuf_addf(out, "%lldy", (long long)(hours / 24 / 365));
		else
			strbuf_addf(out, "%lldy%lldd", (long long)(hours / 24 / 365), (long long)dy);
		return;
	}
	strbuf_addf(out, "%lldy", (long long)(hours / 24 / 365));
}

/* int64(time.Until(notAfter) / time.Second): truncated toward zero at nanosecond precision. */
static int64_t residual_seconds(time_t not_after, const struct timespec *now)
{
	int64_t ns = ((int64_t)not_after - (int64_t)now->tv_sec) * 1000000000LL - now->tv_nsec;
	return ns / 1000000000LL;
}

/* RFC 3339 (metav1.Time) or kubeadm's "Jan 02, 2006 15:04 MST" of a UTC time. */
static void format_time(time_t t, bool rfc3339, char *buf, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	if (rfc3339)
		strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		strftime(buf, n, "%b %d, %Y %H:%M UTC", &tm);
}

static json_t *expiration_json(const struct pki_expiration *e, const struct timespec *now,
			       bool with_ca)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(e->name));
	if (e->missing) {
		json_object_set_new(o, "expirationDate", json_null());
		json_object_set_new(o, "residualTime", json_integer(0));
		json_object_set_new(o, "externallyManaged", json_false());
	} else {
		char buf[64];
		format_time(e->not_after, true, buf, sizeof(buf));
		json_object_set_new(o, "expirationDate", json_string(buf));
		json_object_set_new(o, "residualTime",
				    json_integer(residual_seconds(e->not_after, now)));
		json_object_set_new(o, "externallyManaged", json_boolean(e->externally_managed));
	}
	/* caName is omitempty; a missing row has no CA in kubeadm's object */
	if (with_ca && !e->missing && e->ca_name && *e->ca_name)
		json_object_set_new(o, "caName", json_string(e->ca_name));
	json_object_set_new(o, "missing", json_boolean(e->missing));
	return o;
}

/* One row of the table, its cells ended by tabs, appended to sb with its newline. */
static void expiration_text_row(const struct pki_expiration *e, const struct timespec *now,
				bool with_ca, struct strbuf *sb)
{
	if (e->missing) {
		strbuf_addf(sb, "!MISSING! %s\t\t\t%s\n", e->name, with_ca ? "\t" : "");
	} else {
		char date[64];
		format_time(e->not_after, false, date, sizeof(date));
		strbuf_addf(sb, "%s\t%s\t", e->name, date);
		human_duration(residual_seconds(e->not_after, now), sb);
		if (with_ca)
			strbuf_addf(sb, "\t%s", e->ca_name ? e->ca_name : "");
		strbuf_addf(sb, "\t%-8s\n", e->externally_managed ? "yes" : "no");
	}
}

static int print_expiration(const struct pki_expiration *certs, size_t nc,
			    const struct pki_expiration *cas, size_t na, struct printer *printer)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	if (printer_is_text(printer)) {
		_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
		strbuf_addstr(&text, "CERTIFICATE\tEXPIRES\tRESIDUAL TIME\tCERTIFICATE "
				     "AUTHORITY\tEXTERNALLY MANAGED\n");
		for (size_t i = 0; i < nc; i++)
			expiration_text_row(&certs[i], &now, true, &text);
		strbuf_addstr(&text, "\nCERTIFICATE AUTHORITY\tEXPIRES\tRESIDUAL TIME\tEXTERNALLY "
				     "MANAGED\n");
		for (size_t i = 0; i < na; i++)
			expiration_text_row(&cas[i], &now, false, &text);
		tabwriter_write(&out, text.buf);
	} else {
		_cleanup_(json_decrefp) json_t *o = json_object();
		json_object_set_new(o, "kind", json_string("CertificateExpirationInfo"));
		json_object_set_new(o, "apiVersion",
				    json_string("output.kubeadm.k8s.io/v1alpha3"));
		json_t *a = json_array();
		for (size_t i = 0; i < nc; i++)
			json_array_append_new(a, expiration_json(&certs[i], &now, true));
		json_object_set_new(o, "certificates", nc ? a : (json_decref(a), json_null()));
		a = json_array();
		for (size_t i = 0; i < na; i++)
			json_array_append_new(a, expiration_json(&cas[i], &now, false));
		json_object_set_new(o, "certificateAuthorities",
				    na ? a : (json_decref(a), json_null()));
		int r = printer_print(printer, o, &out);
		if (r < 0)
			return r;
	}
	fwrite(out.buf, 1, out.len, stdout);
	fflush(stdout);
	return 0;
}

/* The kubelet's client certificate: kubelet.conf's client-certificate, else kubeadm's path. */
#define KUBELET_CLIENT_CERT "/var/lib/kubelet/pki/kubelet-client-current.pem"

static char *kubelet_client_cert_path(int rootfd)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	_cleanup_(json_decrefp) json_t *kc = NULL;
	if (fs_read_file(rootfd, KUBERNETES_DIR "/kubelet.conf", 1 << 20, &data, &len) >= 0 &&
	    yaml_to_json(data, len, 0, &kc) >= 0) {
		const char *path = json_string_value(json_object_get(
			json_object_get(json_array_get(json_object_get(kc, "users"), 0), "user"),
			"client-certificate"));
		if (path && *path)
			return xstrdup(path);
	}
	error_clear();
	return xstrdup(KUBELET_CLIENT_CERT);
}

/* NotAfter of the first certificate of a PEM file (the kubelet's holds its key too). */
static int pem_not_after(int rootfd, const char *path, time_t *ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = fs_read_file(rootfd, path, 1 << 20, &data, &len);
	if (r < 0)
		return r;
	struct pki_cert **v = NULL;
	r = pki_certs_from_pem(data, len, &v);
	if (r >= 0 && (!v || !v[0]))
		r = -EBADMSG;
	if (r >= 0)
		*ret = pki_cert_not_after(v[0]);
	pki_certs_free(v);
	explicit_bzero(data, len); /* the kubelet's file holds its private key */
	return r;
}

/*
 * --warn-within (beyond-kubeadm.md §4.3): after kubeadm's unchanged output, each non-CA
 * certificate expiring within the window is named on stderr and the command fails (exit 1).
 */
static int warn_within(struct cmd_ctx *ctx, const struct pki_expiration *certs, size_t nc)
{
	int64_t within = flagset_get_duration(&ctx->flags, "warn-within");
	const char *text = flagset_get_string(&ctx->flags, "warn-within");
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	size_t n = 0;
	char date[64];
	for (size_t i = 0; i < nc; i++) {
		if (certs[i].missing || certs[i].externally_managed ||
		    !certs_renew_due(certs[i].not_after, &now, within))
			continue;
		format_time(certs[i].not_after, false, date, sizeof(date));
		fprintf(stderr, "[check-expiration] %s expires within %s (%s)\n", certs[i].name, text,
			date);
		n++;
	}
	_cleanup_free_ char *kubelet = kubelet_client_cert_path(ctx->rootfd);
	time_t not_after;
	if (pem_not_after(ctx->rootfd, kubelet, &not_after) >= 0 &&
	    certs_renew_due(not_after, &now, within)) {
		format_time(not_after, false, date, sizeof(date));
		fprintf(stderr, "[check-expiration] the kubelet client certificate %s expires within %s (%s)\n",
			kubelet, text, date);
		n++;
	}
	error_clear();
	if (n)
		return error_set(-ETIME, "%zu certificate%s expire%s within %s", n, n == 1 ? "" : "s",
				 n == 1 ? "s" : "", text);
	return 0;
}

int cmd_certs_check_expiration(struct cmd_ctx *ctx)
{
	_cleanup_(printer_freep) struct printer *printer = NULL;
	int r = printer_new(&ctx->flags, &printer);
	if (r < 0)
		return r;
	_cleanup_(config_init_freep) struct init_config *cfg = NULL;
	r = internal_cfg(ctx, "check-expiration", printer_is_text(printer), &cfg);
	if (r < 0)
		return r;
	struct pki_params p;
	params_from(cfg, ctx->rootfd, &p);
	struct pki_expiration *certs = NULL, *cas = NULL;
	size_t nc = 0, na = 0;
	r = kubeconfig_expiration_list(&p, KUBERNETES_DIR, &certs, &nc, &cas, &na);
	if (r >= 0)
		r = print_expiration(certs, nc, cas, na, printer);
	if (r >= 0 && flagset_changed(&ctx->flags, "warn-within"))
		r = warn_within(ctx, certs, nc);
	pki_expirations_free(certs, nc);
	pki_expirations_free(cas, na);
	return r;
}

/* ---- renew ------------------------------------------------------------------------------ */

/* The renewal manager's handlers: its long name and CA base name for `name`. */
static bool renew_handler(const struct pki_params *p, const char *name, const char **ret_long,
			  const char **ret_ca_base)
{
	const struct kubeconfig_spec *k = kubeconfig_spec_find(name);
	if (k && k->long_name && strchr(name, '.')) {
		*ret_long = k->long_name;
		*ret_ca_base = "ca";
		return true;
	}
	const struct pki_cert_spec *s = pki_cert_spec_find(name);
	if (!s || !s->ca_name || strchr(name, '/'))
		return false;
	*ret_long = s->long_name;
	*ret_ca_base = pki_cert_spec_ca(s)->base_name;
	return !s->etcd || p->local_etcd;
}

/* What the ckubeadm flags of `certs renew` ask for (all off: kubeadm's renew). */
struct renew_run {
	bool threshold;           /* --if-expiring-within */
	int64_t within_ns;
	const char *within_text;
	bool restart;             /* --restart-control-plane=auto */
	struct timespec now;
	struct pki_expiration *rows; /* NotAfter of every certificate, for the threshold */
	size_t nrows;
	size_t renewed;
	unsigned components;      /* certs_component_mask of what was renewed */
};

static void renew_run_release(struct renew_run *run)
{
	pki_expirations_free(run->rows, run->nrows);
	run->rows = NULL;
	run->nrows = 0;
}

/* --if-expiring-within: true when name is left as it is (the line says why). */
static bool renew_skipped(const struct renew_run *run, const char *name, const char *long_name)
{
	if (!run->threshold)
		return false;
	for (size_t i = 0; i < run->nrows; i++) {
		const struct pki_expiration *e = &run->rows[i];
		if (e->missing || !streq(e->name, name))
			continue;
		if (certs_renew_due(e->not_after, &run->now, run->within_ns))
			return false;
		char date[64];
		format_time(e->not_after, false, date, sizeof(date));
		printf("%s not renewed: it expires on %s, not within %s\n", long_name, date,
		       run->within_text);
		return true;
	}
	return false;
}

/* renewCert */
static int renew_one(const struct pki_params *p, const char *name, struct renew_run *run)
{
	const char *long_name = NULL, *ca_base = NULL;
	bool known = renew_handler(p, name, &long_name, &ca_base);
	if (!known) {
		/* rm.CertificateExists fails for a name the manager lacks (external etcd) */
		const struct pki_cert_spec *s = pki_cert_spec_find(name);
		printf("MISSING! %s\n", s ? s->long_name : name);
		return 0;
	}
	bool kubeconfig = strchr(name, '.') != NULL;
	_cleanup_free_ char *path = NULL;
	if (kubeconfig)
		path = xasprintf("%s/%s", KUBERNETES_DIR, name);
	else
		path = xasprintf("%s/%s.crt", p->cert_dir, pki_cert_spec_find(name)->base_name);
	if (!fs_exists(p->rootfd, path)) {
		printf("MISSING! %s\n", long_name);
		return 0;
	}
	if (renew_skipped(run, name, long_name))
		return 0;
	bool renewed = false;
	int r = kubeconfig ? kubeconfig_renew(p, KUBERNETES_DIR, name, &renewed)
			   : pki_renew_cert(p, name, &renewed);
	if (r < 0)
		return r;
	if (!renewed)
		printf("Detected external %s, %s can't be renewed\n", ca_base, long_name);
	else
		printf("%s renewed\n", long_name);
	if (renewed) {
		run->renewed++;
		run->components |= certs_component_mask(name);
	}
	return 0;
}

static int renew_setup(struct cmd_ctx *ctx, struct init_config **ret_cfg, struct pki_params *p,
		       struct renew_run *run)
{
	/* the ckubeadm flags are checked first: bad input writes nothing */
	const char *restart = flagset_get_string(&ctx->flags, "restart-control-plane");
	if (!streq(restart, "none") && !streq(restart, "auto"))
		return error_set(-EINVAL,
				 "invalid value \"%s\" for --restart-control-plane: none or auto",
				 restart);
	run->restart = streq(restart, "auto");
	run->threshold = flagset_changed(&ctx->flags, "if-expiring-within");
	run->within_ns = flagset_get_duration(&ctx->flags, "if-expiring-within");
	run->within_text = flagset_get_string(&ctx->flags, "if-expiring-within");
	int r = internal_cfg(ctx, "renew", true, ret_cfg);
	if (r < 0)
		return r;
	params_from(*ret_cfg, ctx->rootfd, p);
	p->out = NULL;
	if (run->threshold) {
		struct pki_expiration *cas = NULL;
		size_t na = 0;
		clock_gettime(CLOCK_REALTIME, &run->now);
		r = kubeconfig_expiration_list(p, KUBERNETES_DIR, &run->rows, &run->nrows, &cas, &na);
		pki_expirations_free(cas, na);
	}
	return r;
}

/* --restart-control-plane=auto after the renewal. */
static int renew_restart(struct cmd_ctx *ctx, const struct pki_params *p,
			 const struct renew_run *run)
{
	_cleanup_free_ char *kubeconfig = cmd_kubeconfig_path(&ctx->flags);
	const struct certs_restart_options o = {
		.rootfd = ctx->rootfd,
		.cert_dir = p->cert_dir,
		.kubeconfig = kubeconfig,
		.manifest_dir = KUBERNETES_DIR "/manifests",
		.lock = true,
	};
	int r = certs_restart_control_plane(&o, run->components);
	fflush(stdout);
	return r;
}

int cmd_certs_renew(struct cmd_ctx *ctx)
{
	_cleanup_(config_init_freep) struct init_config *cfg = NULL;
	struct pki_params p;
	_cleanup_(renew_run_release) struct renew_run run = { 0 };
	int r = renew_setup(ctx, &cfg, &p, &run);
	if (r < 0)
		return r;
	_cleanup_free_ char *name = cmd_name(ctx->cmd);
	r = renew_one(&p, name, &run);
	fflush(stdout);
	if (r >= 0 && run.restart)
		r = renew_restart(ctx, &p, &run);
	return r;
}

/* The manager's certificates sorted by name (rm.Certificates()). */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_certs_renew_all(struct cmd_ctx *ctx)
{
	_cleanup_(config_init_freep) struct init_config *cfg = NULL;
	struct pki_params p;
	_cleanup_(renew_run_release) struct renew_run run = { 0 };
	int r = renew_setup(ctx, &cfg, &p, &run);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **names = NULL;
	for (size_t i = 0; i < pki_cert_table_len; i++) {
		const struct pki_cert_spec *s = &pki_cert_table[i];
		if (s->ca_name && (!s->etcd || p.local_etcd))
			strv_push(&names, s->name);
	}
	for (size_t i = 0; i < kubeconfig_table_len; i++)
		if (kubeconfig_table[i].long_name)
			strv_push(&names, kubeconfig_table[i].file_name);
	qsort(names, strv_length(names), sizeof(char *), name_cmp);
	STRV_FOREACH(n, names) {
		r = renew_one(&p, *n, &run);
		fflush(stdout);
		if (r < 0)
			return r;
	}
	if (run.threshold && !run.renewed)
		printf("\nNo certificate expires within %s: nothing renewed.\n", run.within_text);
	else if (run.restart)
		printf("\nDone renewing certificates.\n");
	else
		printf("\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.\n");
	fflush(stdout);
	return run.restart ? renew_restart(ctx, &p, &run) : 0;
}
