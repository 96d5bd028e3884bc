/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's kubeconfig files (phases/kubeconfig, util/kubeconfig): admin.conf,
 * super-admin.conf, kubelet.conf, controller-manager.conf, scheduler.conf and `kubeconfig
 * user`, built as json_t (client-go's v1 Config) and written as YAML through one call
 * (kubeconfig_to_yaml). Reuse rules as kubeadm: an existing file with the same CA is kept (a
 * different server URL only warns), a different CA is an error, nothing is overwritten.
 *
 * Console lines ("[kubeconfig] Writing "admin.conf" kubeconfig file", ...) go to p->out.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "pki/pki.h"

/* One row of kubeadm's kubeconfig table (getKubeConfigSpecsBase). */
struct kubeconfig_spec {
	const char *file_name;   /* "admin.conf" */
	const char *phase_name;  /* "admin" (init phase kubeconfig <name>) */
	const char *client_name; /* NULL: "system:node:<node name>" */
	const char *organization; /* NULL: none */
	bool local_endpoint;     /* controller-manager/scheduler: local API endpoint */
	const char *long_name;   /* the renewal manager's long name; NULL for kubelet.conf */
};
extern const struct kubeconfig_spec kubeconfig_table[];
extern const size_t kubeconfig_table_len;
/* By file name ("admin.conf") or phase name ("admin"); NULL if unknown. */
const struct kubeconfig_spec *kubeconfig_spec_find(const char *name);

/*
 * kubeconfigutil.CreateBasic/CreateWithCerts/CreateWithToken as a json_t v1 Config. PEM
 * inputs may be NULL (field omitted, as []byte omitempty). Returns a new reference.
 */
json_t *kubeconfig_build(const char *server, const char *cluster_name, const char *user,
			 const char *ca_pem, const char *client_key_pem,
			 const char *client_cert_pem, const char *token);
/* The YAML text clientcmd.Write produces for cfg. Owned. */
char *kubeconfig_to_yaml(const json_t *cfg);
/* Parses a kubeconfig file's text (YAML or JSON) into a json_t. -EBADMSG on bad input. */
int kubeconfig_parse(const char *data, size_t len, json_t **ret);
/* Writes cfg to <dir>/<file> with mode 0600 (clientcmd.WriteToFile). */
int kubeconfig_write(int rootfd, const char *dir, const char *file, const json_t *cfg);

/* `[kubeconfig] Using kubeconfig folder "<dir>"` (the phase parent). */
void kubeconfig_print_dir(const struct pki_params *p, const char *dir);
/*
 * CreateKubeConfigFile: loads ca.crt/ca.key from p's write dir, builds the file's config with
 * a new client certificate, and writes it unless a valid one exists. The init phase
 * (runKubeConfigFile) is kubeconfig_phase: external CA mode, kubelet.conf at the local
 * endpoint, dry-run copy.
 */
int kubeconfig_create_file(const struct pki_params *p, const char *dir, const char *file);
int kubeconfig_phase(const struct pki_params *p, const char *dir, const char *file,
		     bool external_ca);
/* All five, in kubeadm's phase order. */
int kubeconfig_phase_all(const struct pki_params *p, const char *dir, bool external_ca);
/* CreateJoinControlPlaneKubeConfigFiles: admin, controller-manager, scheduler. */
int kubeconfig_create_join_control_plane_files(const struct pki_params *p, const char *dir);
/* ValidateKubeconfigsForExternalCA. */
/*
 * Whether dir/file trusts one of cas (NULL-terminated) in its current context's cluster, as
 * kubeadm's validation of an existing kubeconfig, the server URL left unchecked. -ENOENT when
 * the file does not exist; another -errno, with kubeadm's text, when it trusts another CA.
 */
int kubeconfig_check_ca(const struct pki_params *p, const char *dir, const char *file,
			struct pki_cert *const *cas);
int kubeconfig_validate_for_external_ca(const struct pki_params *p, const char *dir);

/*
 * `kubeadm kubeconfig user`: appends to out the kubeconfig text kubeadm prints (followed by
 * the extra newline of fmt.Fprintln). token NULL: client certificate with orgs, valid for
 * validity seconds from the start time (<= 0: 8760h).
 */
int kubeconfig_user(const struct pki_params *p, const char *client_name, char *const *orgs,
		    const char *token, int64_t validity, FILE *out);

/* `certs generate-csr` for kubeconfig files (CreateDefaultKubeConfigsAndCSRFiles). */
int kubeconfig_create_default_csrs(const struct pki_params *p, const char *dir, FILE *out);

/*
 * check-expiration rows: the PKI rows plus admin.conf, super-admin.conf,
 * controller-manager.conf and scheduler.conf, sorted by name as kubeadm's renewal manager.
 */
int kubeconfig_expiration_list(const struct pki_params *p, const char *dir,
			       struct pki_expiration **ret_certs, size_t *ret_ncerts,
			       struct pki_expiration **ret_cas, size_t *ret_ncas);
/* `certs renew <file>` for a kubeconfig file: new key and certificate inside the file. */
int kubeconfig_renew(const struct pki_params *p, const char *dir, const char *file,
		     bool *ret_renewed);
