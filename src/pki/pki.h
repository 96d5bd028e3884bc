/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's PKI (cmd/kubeadm/app/util/pkiutil, phases/certs, phases/certs/renewal): keys,
 * certificates as Go's crypto/x509 builds them, the certificate table, files on disk with
 * kubeadm's names and modes, reuse and validation of existing files, CSRs, renewal, expiration
 * data and the certificate key. The only user of libcrypto besides src/token.
 *
 * Keys and certificates are opaque (struct pki_key, struct pki_cert): callers above this layer
 * never see an OpenSSL type. Key material is wiped when freed.
 *
 * Console output: the functions that kubeadm's phases call print kubeadm's "[certs] ..." lines
 * to params->out (NULL: silent); warnings go through log_warning. Errors carry kubeadm's text
 * through util/error.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "util/macro.h"

struct pki_params;

/* ---- keys ---------------------------------------------------------------------------- */

enum pki_algo {
	PKI_RSA2048,
	PKI_RSA3072,
	PKI_RSA4096,
	PKI_ECDSA_P256,
	PKI_ECDSA_P384,
};

/*
 * Parses kubeadm's encryptionAlgorithm ("RSA-2048", "RSA-3072", "RSA-4096", "ECDSA-P256",
 * "ECDSA-P384"; "" or NULL is RSA-2048). -EINVAL with kubeadm's "cannot obtain key size from
 * unknown RSA algorithm" text otherwise.
 */
int pki_algo_parse(const char *s, enum pki_algo *ret);
const char *pki_algo_name(enum pki_algo a);

struct pki_key;
/* Generates a key of algorithm a (RSA e=65537). *ret is owned (pki_key_free). -EINVAL on failure. */
int pki_key_generate(enum pki_algo a, struct pki_key **ret);
/* Frees the key (its memory is wiped); takes NULL, returns NULL. */
struct pki_key *pki_key_free(struct pki_key *k);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct pki_key *, pki_key_free)
/*
 * PEM as keyutil.MarshalPrivateKeyToPEM: "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1).
 * *ret is owned and must be wiped by the caller (pki_secret_free).
 */
int pki_key_to_pem(const struct pki_key *k, char **ret, size_t *ret_len);
/* "PUBLIC KEY" (PKIX) PEM of the key's public half. *ret owned. */
int pki_key_public_pem(const struct pki_key *k, char **ret, size_t *ret_len);
/*
 * Parses a private key as keyutil.ParsePrivateKeyPEM (first parsable "EC PRIVATE KEY",
 * "RSA PRIVATE KEY" or "PRIVATE KEY" block; RSA or ECDSA only). -EBADMSG with Go's text.
 */
int pki_key_from_pem(const char *data, size_t len, struct pki_key **ret);
/* True when both keys have the same public half. */
bool pki_key_public_equal(const struct pki_key *a, const struct pki_key *b);
/* Wipes and frees a secret string (NULL ok). */
void pki_secret_free(char *s, size_t len);

/*
 * A small pool of threads generating keys ahead of need: start it as soon as the algorithm is
 * known; pki_keypool_take() hands out a ready key, waiting for one if needed (or generating
 * inline once `count` keys have been handed out). Keys not taken are wiped by _free.
 */
struct pki_keypool;
struct pki_keypool *pki_keypool_new(enum pki_algo a, unsigned threads, unsigned count);
/* Keys `init` needs: the certificate table (without etcd rows for external etcd), sa, and
 * the five kubeconfig files: 16 with local etcd, 11 with external etcd. */
unsigned pki_init_key_count(bool local_etcd);
/* A fresh key of the pool's algorithm, owned by the caller. NULL pool: generates inline. */
int pki_keypool_take(struct pki_keypool *p, enum pki_algo a, struct pki_key **ret);
struct pki_keypool *pki_keypool_free(struct pki_keypool *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct pki_keypool *, pki_keypool_free)

/* ---- certificates -------------------------------------------------------------------- */

enum {
	PKI_USAGE_SERVER_AUTH = 1 << 0,
	PKI_USAGE_CLIENT_AUTH = 1 << 1,
};

/* certutil.Config + NotBefore/NotAfter + EncryptionAlgorithm (pkiutil.CertConfig). */
struct pki_cert_config {
	char *common_name;
	char **organizations; /* strv */
	char **dns_names;     /* strv */
	char **ips;           /* strv of textual IPs */
	unsigned usages;      /* PKI_USAGE_* in kubeadm's order: server before client */
	time_t not_before;    /* 0: the CA's NotBefore (leaf) / now (CA), as pkiutil */
	time_t not_after;     /* 0: not_before + 1y (leaf) / + 10y (CA), as pkiutil */
	enum pki_algo algo;
};
void pki_cert_config_release(struct pki_cert_config *c);

struct pki_cert;
struct pki_cert *pki_cert_free(struct pki_cert *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct pki_cert *, pki_cert_free)
struct pki_cert *pki_cert_ref(struct pki_cert *c);

/* pkiutil.NewSelfSignedCACert: self-signed CA for key. *ret owned. */
int pki_cert_new_ca(const struct pki_cert_config *cfg, const struct pki_key *key,
		    struct pki_cert **ret);
/*
 * pkiutil.NewSignedCert: signs key's public half with ca/ca_key; is_ca makes an intermediate.
 * The config's DNS names are sorted and de-duplicated and IPs de-duplicated, as kubeadm.
 */
int pki_cert_sign(const struct pki_cert_config *cfg, const struct pki_key *key,
		  const struct pki_cert *ca, const struct pki_key *ca_key, bool is_ca,
		  struct pki_cert **ret);
/* pkiutil.NewCSR: "CERTIFICATE REQUEST" PEM for cfg and key. *ret owned. */
int pki_csr_new(const struct pki_cert_config *cfg, const struct pki_key *key, char **ret,
		size_t *ret_len);

/* "CERTIFICATE" PEM. *ret owned. */
int pki_cert_to_pem(const struct pki_cert *c, char **ret, size_t *ret_len);
/*
 * Parses every "CERTIFICATE" block without headers (certutil.ParseCertsPEM). *ret is an owned
 * NULL-terminated array (pki_certs_free); -EBADMSG with Go's text when none or a bad one.
 */
int pki_certs_from_pem(const char *data, size_t len, struct pki_cert ***ret);
struct pki_cert **pki_certs_free(struct pki_cert **v);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct pki_cert **, pki_certs_free)

/* Attributes of a certificate (certToConfig + more). Strings are owned by the caller. */
char *pki_cert_common_name(const struct pki_cert *c);
char **pki_cert_organizations(const struct pki_cert *c);
char **pki_cert_dns_names(const struct pki_cert *c);
char **pki_cert_ips(const struct pki_cert *c); /* Go's net.IP.String() form */
unsigned pki_cert_usages(const struct pki_cert *c);
bool pki_cert_is_ca(const struct pki_cert *c);
time_t pki_cert_not_before(const struct pki_cert *c);
time_t pki_cert_not_after(const struct pki_cert *c);
/* The serial number in uppercase hex (OpenSSL's BN_bn2hex, as the TLS transport reports it);
 * owned by the caller. */
char *pki_cert_serial(const struct pki_cert *c);
bool pki_cert_equal(const struct pki_cert *a, const struct pki_cert *b);
/* True when key is the private half of the certificate's public key. */
bool pki_cert_matches_key(const struct pki_cert *c, const struct pki_key *k);
/* certToConfig: CN, O, SANs and usages of an existing certificate. */
void pki_cert_to_config(const struct pki_cert *c, struct pki_cert_config *ret);

/*
 * pkiutil.VerifyCertChain: cert chains through intermediates to root (any key usage, at the
 * current time). -EINVAL with Go's x509 error text otherwise.
 */
int pki_cert_verify_chain(const struct pki_cert *cert, struct pki_cert *const *intermediates,
			  const struct pki_cert *root);
/* x509.Certificate.VerifyHostname. -EINVAL with Go's HostnameError text. */
int pki_cert_verify_hostname(const struct pki_cert *c, const char *host);
/* pkiutil.ValidateCertPeriod with offset seconds. -EINVAL with kubeadm's text. */
int pki_cert_validate_period(const struct pki_cert *c, int64_t offset);

/* ---- IP helpers (netutils.ParseIPSloppy / IP.String / GetIndexedIP) -------------------- */

/* Parses an IP the way netutils.ParseIPSloppy does; *ret_len 4 or 16. */
bool pki_ip_parse(const char *s, unsigned char ret[16], size_t *ret_len);
/* Go's net.IP.String() of a 4- or 16-byte address into buf (>= 46 bytes). */
const char *pki_ip_format(const unsigned char *ip, size_t len, char *buf, size_t bufsz);
/* The first address of the first CIDR in a comma-separated list (GetAPIServerVirtualIP). */
int pki_service_vip(const char *subnets, char **ret);

/* kubeadmutil.ParseHostPort: "host", "host:port", "[v6]:port". Owned results. */
int pki_parse_host_port(const char *hostport, char **ret_host, char **ret_port);
/* GetControlPlaneEndpoint / GetLocalAPIEndpoint: "https://host:port". Owned. */
int pki_control_plane_url(const struct pki_params *p, char **ret);
int pki_local_api_url(const struct pki_params *p, char **ret);

/* ---- files (pkiutil paths, modes 0600 keys / 0644 certs, directories 0755) ----------- */

/* Writes <dir>/<base>.key (0600) and <dir>/<base>.crt (0644), key first, as WriteCertAndKey. */
int pki_write_cert_and_key(int rootfd, const char *dir, const char *base,
			   const struct pki_cert *c, const struct pki_key *k);
int pki_write_cert(int rootfd, const char *dir, const char *base, const struct pki_cert *c);
int pki_write_key(int rootfd, const char *dir, const char *base, const struct pki_key *k);
/* <dir>/<base>.pub with mode 0600, as WritePublicKey. */
int pki_write_public_key(int rootfd, const char *dir, const char *base, const struct pki_key *k);
/* <dir>/<base>.csr with mode 0600 in a 0700 directory, as WriteCSR. */
int pki_write_csr(int rootfd, const char *dir, const char *base, const char *pem, size_t len);
/* One file of the kubeadm-certs Secret, decrypted (copycerts' certsToTransfer). */
struct pki_transfer_file {
	const char *name; /* "ca.crt", "etcd/ca.key", "sa.pub", "external-etcd.key", ... */
	const char *data; /* PEM; NULL or len 0: absent from the Secret (skipped) */
	size_t len;
};
/*
 * Checks that each file is what its name says before any is written (stricter than kubeadm,
 * which writes whatever decrypts): a "*.crt" holds only CERTIFICATE blocks that parse, the
 * first one a CA for ca.crt, etcd/ca.crt and *-ca.crt; a "*.key" only private key blocks, an
 * unencrypted RSA or ECDSA key that matches the first certificate of its ".crt" and the
 * public key of its ".pub" when those are given; a "*.pub" one PUBLIC KEY. -EBADMSG naming
 * the first file that is not (-EINVAL for a name of no known kind).
 */
int pki_transfer_files_check(const struct pki_transfer_file *files, size_t n);
/* TryLoadCertChainFromDisk: *ret[0] the certificate, the rest intermediates. */
int pki_load_cert_chain(int rootfd, const char *dir, const char *base, struct pki_cert ***ret);
/* TryLoadCertFromDisk: the first certificate of <dir>/<base>.crt. -ENOENT when absent. */
int pki_load_cert(int rootfd, const char *dir, const char *base, struct pki_cert **ret);
/* TryLoadKeyFromDisk: <dir>/<base>.key (RSA or ECDSA). -ENOENT when absent. */
int pki_load_key(int rootfd, const char *dir, const char *base, struct pki_key **ret);
/* TryLoadCertAndKeyFromDisk. */
int pki_load_cert_and_key(int rootfd, const char *dir, const char *base, struct pki_cert **ret_cert,
			  struct pki_key **ret_key);
/* CertOrKeyExist / CSROrKeyExist. */
bool pki_cert_or_key_exists(int rootfd, const char *dir, const char *base);
bool pki_csr_or_key_exists(int rootfd, const char *dir, const char *base);

/* ---- kubeadm's certificate table and the parameters that drive it --------------------- */

enum pki_altnames {
	PKI_ALT_NONE,
	PKI_ALT_APISERVER,
	PKI_ALT_ETCD_SERVER,
	PKI_ALT_ETCD_PEER,
};

/* One row of kubeadm's certificate list (phases/certs/certlist.go). */
struct pki_cert_spec {
	const char *name;        /* phase / ux name: "apiserver", "etcd-ca" */
	const char *long_name;   /* phase help text */
	const char *base_name;   /* file base name under the cert dir: "etcd/ca" */
	const char *ca_name;     /* NULL for a CA */
	const char *common_name; /* NULL: the node name (etcd server/peer) */
	unsigned usages;
	enum pki_altnames alt;
	bool etcd;               /* only with local etcd */
};

/* kubeadm's GetDefaultCertList order; the sa key pair is not in it (pki_sa_*). */
extern const struct pki_cert_spec pki_cert_table[];
extern const size_t pki_cert_table_len;
/* Looks a row up by name ("apiserver") or base name ("etcd/server"); NULL if unknown. */
const struct pki_cert_spec *pki_cert_spec_find(const char *name);
/* The CA row of a leaf (NULL for a CA). */
const struct pki_cert_spec *pki_cert_spec_ca(const struct pki_cert_spec *s);

/*
 * Everything the PKI needs from the configuration; the integrator fills it from the
 * InitConfiguration. Strings are borrowed.
 */
struct pki_params {
	const char *node_name;              /* nodeRegistration.name */
	const char *advertise_address;      /* localAPIEndpoint.advertiseAddress */
	int bind_port;                      /* localAPIEndpoint.bindPort (kubeconfig) */
	const char *service_subnet;         /* networking.serviceSubnet ("a,b" dual-stack) */
	const char *dns_domain;             /* networking.dnsDomain */
	char **cert_sans;                   /* apiServer.certSANs */
	const char *control_plane_endpoint; /* may be NULL/"" */
	const char *cert_dir;               /* certificatesDir: where existing files are read */
	const char *write_dir;              /* where new files go (dry-run dir); NULL: cert_dir */
	const char *cluster_name;           /* clusterName (kubeconfig) */
	enum pki_algo algo;                 /* encryptionAlgorithm */
	int64_t cert_validity;              /* seconds; <= 0: 8760h */
	int64_t ca_cert_validity;           /* seconds; <= 0: 87600h */
	bool local_etcd;                    /* etcd.local (false: external etcd) */
	char **etcd_server_sans;            /* etcd.local.serverCertSANs */
	char **etcd_peer_sans;              /* etcd.local.peerCertSANs */
	bool dry_run;
	time_t start_time;                  /* kubeadmutil.StartTimeUTC(); 0: now */
	int rootfd;                         /* AT_FDCWD or the --rootfs root */
	FILE *out;                          /* kubeadm's console lines; NULL: silent */
	struct pki_keypool *pool;           /* optional: pre-generated keys */
	bool resume;                        /* ckubeadm --resume: finish what an interrupted run
					       left (a key without its certificate, sa.key
					       without sa.pub) instead of refusing it */
};

/*
 * The CertConfig of a table row for params (KubeadmCert.GetConfig): subject, SANs (with
 * kubeadm's warnings for invalid certSANs), usages, validity, algorithm. ret is filled.
 */
int pki_cert_config_for(const struct pki_cert_spec *s, const struct pki_params *p,
			struct pki_cert_config *ret);
/*
 * The "\n\nDefault SANs are ..." part of a certs subphase's long help (getSANDescription:
 * the row's SANs for kubeadm's bare defaults, advertise address 127.0.0.1), "" when none.
 * Owned.
 */
char *pki_cert_san_description(const struct pki_cert_spec *s);
/* The start time params stand for (p->start_time or the first call's now). */
time_t pki_params_start(const struct pki_params *p);
/* Where new files go: p->write_dir when set (the dry-run dir), else p->cert_dir. Borrowed. */
const char *pki_params_write_dir(const struct pki_params *p);
/* Prints one of kubeadm's console lines to p->out and flushes it; nothing when p->out is NULL. */
void pki_params_printf(const struct pki_params *p, const char *fmt, ...) _printf_(2, 3);

/* ---- kubeadm's certs phases ------------------------------------------------------------ */

/* `init phase certs` parent: `[certs] Using certificateDir folder "<dir>"`. */
void pki_print_cert_dir(const struct pki_params *p);
/* init phase certs <ca> (runCAPhase): reuse, keyless CA, external etcd skip, or create. */
int pki_phase_ca(const struct pki_params *p, const struct pki_cert_spec *ca);
/* init phase certs <leaf> (runCertPhase): reuse when signed by the CA on disk, or create. */
int pki_phase_cert(const struct pki_params *p, const struct pki_cert_spec *leaf);
/* init phase certs sa (runCertsSa); external_ca: "[certs] Using existing sa keys". */
int pki_phase_sa(const struct pki_params *p, bool external_ca);
/* Every row then sa, as `init phase certs all` runs them. */
int pki_phase_all(const struct pki_params *p, bool external_ca);

/* certsphase.CreatePKIAssets (join --control-plane): the tree per CA, then sa. */
int pki_create_pki_assets(const struct pki_params *p);
/* CreateCACertAndKeyFiles / CreateCertAndKeyFilesWithCA. */
int pki_create_ca_files(const struct pki_params *p, const struct pki_cert_spec *ca);
int pki_create_cert_files_with_ca(const struct pki_params *p, const struct pki_cert_spec *leaf);
/* CreateServiceAccountKeyAndPublicKeyFiles. */
int pki_create_sa_files(const struct pki_params *p);
/* LoadCertificateAuthority. */
int pki_load_ca(const struct pki_params *p, const char *base, struct pki_cert **ret_cert,
		struct pki_key **ret_key);

/* UsingExternalCA / UsingExternalFrontProxyCA / UsingExternalEtcdCA (*ret_external). */
int pki_using_external_ca(const struct pki_params *p, bool *ret_external);
int pki_using_external_front_proxy_ca(const struct pki_params *p, bool *ret_external);
int pki_using_external_etcd_ca(const struct pki_params *p, bool *ret_external);
/* SharedCertificateExists (join --control-plane preflight). */
int pki_shared_certificates_exist(const struct pki_params *p);

/* `certs generate-csr` for the certificate table (CreateDefaultKeysAndCSRFiles). */
int pki_create_default_keys_and_csrs(const struct pki_params *p, FILE *out);

/* ---- the certificate key (upload-certs) ------------------------------------------------- */

/* 32 random bytes as 64 lowercase hex characters. *ret owned (wipe with pki_secret_free). */
int pki_certificate_key_new(char **ret);

/* ---- check-expiration and renew (phases/certs/renewal) --------------------------------- */

struct pki_expiration {
	char *name;        /* "apiserver", "admin.conf", "ca", ... */
	char *ca_name;     /* "ca", "etcd-ca", "front-proxy-ca"; NULL for CA rows */
	bool missing;      /* the file does not exist */
	bool externally_managed;
	time_t not_after;
};
void pki_expiration_release(struct pki_expiration *e);
/* Releases the n rows of an array from pki_expiration_list() or kubeconfig_expiration_list()
 * and frees the array (NULL with n 0 is fine). */
void pki_expirations_free(struct pki_expiration *v, size_t n);

/*
 * The renewal manager's rows: certificates (sorted by name, kubeconfig files included) and
 * CAs. kubeconfig_dir is where admin.conf etc. live. Owned arrays of *ret_n entries.
 */
int pki_expiration_list(const struct pki_params *p, const char *kubeconfig_dir,
			struct pki_expiration **ret_certs, size_t *ret_ncerts,
			struct pki_expiration **ret_cas, size_t *ret_ncas);
/* kubeadm's residual-time text ("364d", "9y", "<invalid>") as duration.ShortHumanDuration. */
char *pki_residual_time(time_t not_after, time_t now);

/*
 * Renews one PKI-file certificate (not kubeconfig) with the local CA, keeping CN, O, SANs and
 * usages (Manager.RenewUsingLocalCA). *ret_renewed false when the CA is external.
 */
int pki_renew_cert(const struct pki_params *p, const char *name, bool *ret_renewed);
/* Renews with an explicit certificate to keep (used by kubeconfig renewal). */
int pki_renew_from(const struct pki_params *p, const struct pki_cert *old,
		   const struct pki_cert *ca, const struct pki_key *ca_key,
		   struct pki_cert **ret_cert, struct pki_key **ret_key);
