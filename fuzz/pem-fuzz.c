/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the PKI's parsers of outside input: certificates (certutil.ParseCertsPEM),
 * private keys (keyutil.ParsePrivateKeyPEM) and kubeconfig files. Whatever parses is read back
 * through every accessor and printed again; printed certificates and keys must parse again to
 * the same object.
 *
 * Built by fuzz/meson.build under -Dfuzzing=true (fuzz/run.sh), seed corpus fuzz/corpus/pem.
 * Without -fsanitize=fuzzer, define PEM_FUZZ_MAIN to get a driver that runs the files given on
 * the command line (regression inputs).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kubeconfig/kubeconfig.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise_cert(struct pki_cert *c)
{
	free(pki_cert_common_name(c));
	strv_free(pki_cert_organizations(c));
	strv_free(pki_cert_dns_names(c));
	strv_free(pki_cert_ips(c));
	(void)pki_cert_usages(c);
	(void)pki_cert_is_ca(c);
	(void)pki_cert_not_before(c);
	(void)pki_cert_not_after(c);
	if (pki_cert_verify_hostname(c, "kubernetes.default") < 0)
		error_clear();
	if (pki_cert_verify_hostname(c, "10.96.0.1") < 0)
		error_clear();
	if (pki_cert_validate_period(c, 0) < 0)
		error_clear();
	struct pki_cert_config cfg;
	pki_cert_to_config(c, &cfg);
	pki_cert_config_release(&cfg);
	char *pem = NULL;
	size_t len = 0;
	if (pki_cert_to_pem(c, &pem, &len) < 0)
		abort();
	struct pki_cert **again = NULL;
	if (pki_certs_from_pem(pem, len, &again) < 0 || !again[0] || again[1] ||
	    !pki_cert_equal(again[0], c))
		abort();
	pki_certs_free(again);
	free(pem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct pki_cert **certs = NULL;
	if (pki_certs_from_pem(s, size, &certs) >= 0) {
		for (struct pki_cert **c = certs; *c; c++)
			exercise_cert(*c);
		if (certs[0] && certs[1] && pki_cert_verify_chain(certs[0], certs + 1, certs[1]) < 0)
			error_clear();
		pki_certs_free(certs);
	}
	error_clear();

	struct pki_key *k = NULL;
	if (pki_key_from_pem(s, size, &k) >= 0) {
		char *pem = NULL, *pub = NULL;
		size_t len = 0, publen = 0;
		if (pki_key_to_pem(k, &pem, &len) >= 0) {
			struct pki_key *k2 = NULL;
			if (pki_key_from_pem(pem, len, &k2) < 0 || !pki_key_public_equal(k, k2))
				abort();
			pki_key_free(k2);
			pki_secret_free(pem, len);
		}
		if (pki_key_public_pem(k, &pub, &publen) >= 0)
			free(pub);
		pki_key_free(k);
	}
	error_clear();

	json_t *cfg = NULL;
	if (kubeconfig_parse(s, size, &cfg) >= 0) {
		char *y = kubeconfig_to_yaml(cfg);
		free(y);
		json_decref(cfg);
	}
	error_clear();
	return 0;
}

#ifdef PEM_FUZZ_MAIN
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f)
			return 1;
		static uint8_t buf[1 << 20];
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
