/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "kubeconfig/kubeconfig.h"
#include "phases/resume.h"
#include "token/token.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* The kubeconfigs init and join write (kubeadm's constants). */
static const char *const kubeconfigs[] = { "admin.conf", "super-admin.conf", "kubelet.conf",
					   "controller-manager.conf", "scheduler.conf" };

bool phases_resume_wanted(const struct flagset *fs)
{
	if (fs && flagset_lookup(fs, "resume") && flagset_get_bool(fs, "resume"))
		return true;
	const char *e = getenv("CKUBEADM_RESUME");
	return e && (streq(e, "1") || streq(e, "true"));
}

static int foreign(const char *pin, const char *what)
{
	return error_set(-EEXIST,
			 "this node holds state of another cluster (CA %s): %s; run 'ckubeadm reset' first",
			 pin ? pin : "none", what);
}

/* "<name>.tmp-<pid>" of fs_write_atomic, the pid no longer running: the pid, else 0. */
static pid_t stale_temp(const char *name)
{
	const char *t = strstr(name, ".tmp-");
	if (!t || t == name)
		return 0;
	char *end;
	long pid = strtol(t + 5, &end, 10);
	if (*end || end == t + 5 || pid <= 0 || pid == getpid())
		return 0;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH ? (pid_t)pid : 0;
}

/* Removes the stale temporary files of killed atomic writes directly under dir. */
static int sweep_dir(int rootfd, const char *dir)
{
	int fd = openat(rootfd, fs_path_at(rootfd, dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_type == DT_REG && stale_temp(de->d_name))
			strv_push(&names, de->d_name);
	closedir(d);
	STRV_FOREACH(n, names) {
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, *n);
		log_v(1, "[resume] removing %s, left by a killed write", path);
		int r = fs_unlink(rootfd, path);
		if (r < 0 && r != -ENOENT)
			return error_set(r, "remove %s: %s", path, go_strerror(-r));
	}
	return 0;
}

/* A pin among pins, compared as kubeadm's pubkeypin does: case-insensitive hex. */
static bool pinned(char *const *pins, const char *pin)
{
	STRV_FOREACH(x, pins)
		if (strcasecmp(*x, pin) == 0)
			return true;
	return false;
}

int phases_resume_gate(const struct pki_params *p, const char *kubeconfig_dir, char *const *pins)
{
	/* the identity: ca.crt's pin, when there is one */
	_cleanup_free_ char *ca_path = xasprintf("%s/ca.crt", p->cert_dir);
	_cleanup_free_ char *ca_pem = NULL, *pin = NULL;
	size_t ca_len = 0;
	_cleanup_(pki_cert_freep) struct pki_cert *ca = NULL;
	int r = fs_read_file(p->rootfd, ca_path, 1 << 20, &ca_pem, &ca_len);
	if (r >= 0) {
		if (token_ca_pin(ca_pem, ca_len, &pin) < 0 ||
		    pki_load_cert(p->rootfd, p->cert_dir, "ca", &ca) < 0) {
			_cleanup_free_ char *what = xasprintf("%s is not a certificate", ca_path);
			return foreign(NULL, what);
		}
	} else if (r != -ENOENT) {
		return error_set(r, "open %s: %s", ca_path, go_strerror(-r));
	}
	error_clear();
	if (pin && pins && pins[0] && !pinned(pins, pin)) {
		_cleanup_free_ char *what = xasprintf("%s is not pinned by the discovery CA hashes",
						      ca_path);
		return foreign(pin, what);
	}

	/* every leaf certificate on disk is signed by its CA */
	for (size_t i = 0; i < pki_cert_table_len; i++) {
		const struct pki_cert_spec *s = &pki_cert_table[i];
		if (!s->ca_name)
			continue;
		const struct pki_cert_spec *cs = pki_cert_spec_ca(s);
		_cleanup_free_ char *crt = xasprintf("%s/%s.crt", p->cert_dir, s->base_name);
		if (!fs_exists(p->rootfd, crt))
			continue;
		_cleanup_(pki_cert_freep) struct pki_cert *cac = NULL;
		struct pki_cert **chain = NULL;
		r = pki_load_cert(p->rootfd, p->cert_dir, cs->base_name, &cac);
		if (r >= 0)
			r = pki_load_cert_chain(p->rootfd, p->cert_dir, s->base_name, &chain);
		_cleanup_(pki_certs_freep) struct pki_cert **v = chain;
		if (r >= 0)
			r = pki_cert_verify_chain(v[0], v + 1, cac);
		error_clear();
		if (r < 0) {
			_cleanup_free_ char *what = xasprintf("%s is not signed by %s/%s.crt", crt,
							      p->cert_dir, cs->base_name);
			return foreign(pin, what);
		}
	}
	/* every kubeconfig trusts ca.crt */
	for (size_t i = 0; i < ARRAY_SIZE(kubeconfigs); i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", kubeconfig_dir, kubeconfigs[i]);
		if (!fs_exists(p->rootfd, path))
			continue;
		struct pki_cert *const cas[] = { ca, NULL };
		r = ca ? kubeconfig_check_ca(p, kubeconfig_dir, kubeconfigs[i], cas) : -EEXIST;
		error_clear();
		if (r < 0) {
			_cleanup_free_ char *what = xasprintf("%s does not trust %s", path, ca_path);
			return foreign(pin, what);
		}
	}
	if (p->dry_run)
		return 0;
	log_v(1, "[resume] the node's state is of this cluster (CA %s)", pin ? pin : "not made yet");
	_cleanup_free_ char *manifests = xasprintf("%s/manifests", kubeconfig_dir);
	_cleanup_free_ char *etcd = xasprintf("%s/etcd", p->cert_dir);
	const char *dirs[] = { kubeconfig_dir, manifests, p->cert_dir, etcd, "/var/lib/kubelet" };
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		r = sweep_dir(p->rootfd, dirs[i]);
		if (r < 0)
			return r;
	}
	return 0;
}
