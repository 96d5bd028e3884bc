/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pki-driver: produces ckubeadm's certificate and kubeconfig trees from command-line
 * parameters. The tests exercise the shipped binary (`ckubeadm init phase certs|kubeconfig
 * all`, the scripts of tests/pki); this driver is kept only for tests/pki/bench.sh, because
 * what it measures cannot be reached from the command line: the size of the key pool
 * (--threads N) and the inline mode without a pool (--threads 0), timed in one process.
 *
 *   pki-driver [options] certs|kubeconfig|all|csr|user|expiration
 *     --cert-dir D --kubeconfig-dir D --node-name N --advertise-address A --bind-port P
 *     --service-subnet S --dns-domain D --cert-sans a,b --control-plane-endpoint E
 *     --algo RSA-2048|... --external-etcd --etcd-server-sans a,b --etcd-peer-sans a,b
 *     --threads N (key pool; 0 = inline) --client-name N --org O --token T
 *     --validity SECONDS --ca-validity SECONDS
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kubeconfig/kubeconfig.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/parse.h"
#include "util/strv.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct pki_params p = {
		.node_name = "node-a",
		.advertise_address = "192.168.10.5",
		.bind_port = 6443,
		.service_subnet = "10.96.0.0/12",
		.dns_domain = "cluster.local",
		.cert_dir = "/etc/kubernetes/pki",
		.cluster_name = "kubernetes",
		.local_etcd = true,
		.cert_validity = 8760LL * 3600,
		.ca_cert_validity = 87600LL * 3600,
		.out = stdout,
	};
	const char *kdir = "/etc/kubernetes", *cmd = NULL, *client = NULL, *token = NULL;
	_cleanup_strv_free_ char **sans = NULL, **ssans = NULL, **psans = NULL, **orgs = NULL;
	int threads = 2;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (streq(a, name) && v && (i++, true))
		if (OPT("--cert-dir"))
			p.cert_dir = v;
		else if (OPT("--kubeconfig-dir"))
			kdir = v;
		else if (OPT("--node-name"))
			p.node_name = v;
		else if (OPT("--advertise-address"))
			p.advertise_address = v;
		else if (OPT("--bind-port"))
			parse_int(v, 0, 65535, &p.bind_port);
		else if (OPT("--service-subnet"))
			p.service_subnet = v;
		else if (OPT("--dns-domain"))
			p.dns_domain = v;
		else if (OPT("--cert-sans"))
			sans = strv_split(v, ',', true);
		else if (OPT("--etcd-server-sans"))
			ssans = strv_split(v, ',', true);
		else if (OPT("--etcd-peer-sans"))
			psans = strv_split(v, ',', true);
		else if (OPT("--control-plane-endpoint"))
			p.control_plane_endpoint = v;
		else if (OPT("--cluster-name"))
			p.cluster_name = v;
		else if (OPT("--algo")) {
			if (pki_algo_parse(v, &p.algo) < 0) {
				fprintf(stderr, "error: %s\n", error_message(-EINVAL));
				return 1;
			}
		} else if (OPT("--threads"))
			parse_int(v, 0, 64, &threads);
		else if (OPT("--client-name"))
			client = v;
		else if (OPT("--org"))
			strv_push(&orgs, v);
		else if (OPT("--token"))
			token = v;
		else if (OPT("--validity"))
			parse_int64(v, 0, INT64_MAX, &p.cert_validity);
		else if (OPT("--ca-validity"))
			parse_int64(v, 0, INT64_MAX, &p.ca_cert_validity);
		else if (streq(a, "--external-etcd"))
			p.local_etcd = false;
		else if (streq(a, "--quiet"))
			p.out = NULL;
		else if (a[0] != '-' && !cmd)
			cmd = a;
		else {
			fprintf(stderr, "unknown argument %s\n", a);
			return 2;
		}
#undef OPT
	}
	if (!cmd)
		cmd = "all";
	p.cert_sans = sans;
	p.etcd_server_sans = ssans;
	p.etcd_peer_sans = psans;
	p.rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	double t0 = now_ms();
	unsigned nkeys = pki_init_key_count(p.local_etcd);
	if (streq(cmd, "certs"))
		nkeys -= 5;
	else if (streq(cmd, "kubeconfig"))
		nkeys = 5;
	_cleanup_(pki_keypool_freep) struct pki_keypool *pool =
		threads > 0 ? pki_keypool_new(p.algo, (unsigned)threads, nkeys) : NULL;
	p.pool = pool;
	int r = 0;
	bool external = false;
	if (streq(cmd, "certs") || streq(cmd, "all") || streq(cmd, "kubeconfig")) {
		/* cmd/init.go newInitData: external CA mode needs valid leaves and kubeconfigs */
		r = pki_using_external_ca(&p, &external);
		if (external && r < 0)
			r = error_wrap(r, "invalid or incomplete external CA");
		else if (external)
			r = kubeconfig_validate_for_external_ca(&p, kdir);
		else {
			r = 0;
			error_clear();
		}
	}
	if (r >= 0 && (streq(cmd, "certs") || streq(cmd, "all")))
		r = pki_phase_all(&p, external);
	if (r >= 0 && (streq(cmd, "kubeconfig") || streq(cmd, "all")))
		r = kubeconfig_phase_all(&p, kdir, external);
	if (r >= 0 && streq(cmd, "csr")) {
		r = pki_create_default_keys_and_csrs(&p, stdout);
		if (r >= 0)
			r = kubeconfig_create_default_csrs(&p, kdir, stdout);
	}
	if (r >= 0 && streq(cmd, "user"))
		r = kubeconfig_user(&p, client ? client : "someone", orgs, token, p.cert_validity,
				    stdout);
	if (r >= 0 && streq(cmd, "expiration")) {
		struct pki_expiration *c = NULL, *ca = NULL;
		size_t nc = 0, na = 0;
		r = kubeconfig_expiration_list(&p, kdir, &c, &nc, &ca, &na);
		time_t now = time(NULL);
		for (size_t i = 0; r >= 0 && i < nc + na; i++) {
			struct pki_expiration *e = i < nc ? &c[i] : &ca[i - nc];
			_cleanup_free_ char *res = pki_residual_time(e->not_after, now);
			printf("%s %s %s %s %s\n", e->name, e->missing ? "missing" : "present",
			       e->missing ? "-" : res, e->ca_name ? e->ca_name : "-",
			       e->externally_managed ? "yes" : "no");
		}
		for (size_t i = 0; i < nc; i++)
			pki_expiration_release(&c[i]);
		for (size_t i = 0; i < na; i++)
			pki_expiration_release(&ca[i]);
		free(c);
		free(ca);
	}
	double t1 = now_ms();
	if (getenv("PKI_DRIVER_TIMING"))
		fprintf(stderr, "elapsed_ms %.1f\n", t1 - t0);
	if (r < 0) {
		fprintf(stderr, "error: %s\n", error_message(r));
		return 1;
	}
	return 0;
}
