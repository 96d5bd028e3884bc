/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "phases/upgrade/policy.h"
#include "util/error.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* policy.go's constants. */
#define MAX_MINOR_UPGRADE_SKEW 1
#define MAX_MINOR_DOWNGRADE_SKEW 1
#define MAX_MINOR_KUBELET_SKEW 3

void upgrade_skew_errors_release(struct upgrade_skew_errors *e)
{
	e->mandatory = strv_free(e->mandatory);
	e->skippable = strv_free(e->skippable);
}

/* A release's error is mandatory, a pre-release's only skippable (kubeadm's rule). */
static void add_by_release(struct upgrade_skew_errors *e, const struct semver *v, char *msg)
{
	strv_consume(*v->pre ? &e->skippable : &e->mandatory, msg);
}

int upgrade_enforce_version_policies(const struct upgrade_policy_input *in, const char *new_version,
				     bool allow_experimental, bool allow_rc, FILE *out,
				     struct upgrade_skew_errors *ret)
{
	struct upgrade_skew_errors e = { 0 };
	struct semver nv, cv, kv, min;
	int r = semver_parse(new_version, &nv);
	if (r < 0)
		return r;
	if (in->cluster_error) {
		strv_consume(&e.mandatory, xasprintf("Unable to fetch cluster version: %s",
						     in->cluster_error));
		*ret = e;
		return 0;
	}
	r = semver_parse(in->cluster_version, &cv);
	if (r < 0)
		return r;
	fprintf(out, "[upgrade/versions] Cluster version: %s\n", in->cluster_version);
	r = semver_parse(in->kubeadm_version, &kv);
	if (r < 0)
		return r;
	fprintf(out, "[upgrade/versions] kubeadm version: %s\n", in->kubeadm_version);
	_cleanup_strv_free_ char **fetched = NULL;
	char *const *kubelets = in->kubelet_versions;
	if (in->kubelet_fetch) {
		fflush(out);
		r = in->kubelet_fetch(in->ud, &fetched);
		kubelets = fetched;
		if (r < 0) {
			strv_consume(&e.skippable, xasprintf("Unable to fetch kubelet version: %s",
							     error_message(r)));
			error_clear();
		}
	} else if (in->kubelet_error) {
		strv_consume(&e.skippable, xasprintf("Unable to fetch kubelet version: %s",
						     in->kubelet_error));
	}
	r = semver_parse(in->min_control_plane, &min);
	if (r < 0)
		return r;

	if (semver_cmp(&nv, &min) < 0)
		strv_consume(&e.mandatory,
			     xasprintf("Specified version to upgrade to \"%s\" is equal to or lower than "
				       "the minimum supported version \"%s\". Please specify a higher "
				       "version to upgrade to",
				       new_version, in->cluster_version));
	if (nv.minor > cv.minor + MAX_MINOR_UPGRADE_SKEW)
		add_by_release(&e, &nv,
			       xasprintf("Specified version to upgrade to \"%s\" is too high; kubeadm "
					 "can upgrade only %d minor version at a time",
					 new_version, MAX_MINOR_UPGRADE_SKEW));
	/* Go computes clusterVersion.Minor()-1 in uint: a cluster minor of 0 wraps around, so
	 * kubeadm reports every target as too low there; kept as kubeadm has it */
	if (cv.minor < MAX_MINOR_DOWNGRADE_SKEW || nv.minor < cv.minor - MAX_MINOR_DOWNGRADE_SKEW)
		add_by_release(&e, &nv,
			       xasprintf("Specified version to downgrade to \"%s\" is too low; kubeadm "
					 "can downgrade only %d minor version at a time",
					 new_version, MAX_MINOR_DOWNGRADE_SKEW));
	if (semver_cmp(&kv, &nv) < 0) {
		if (nv.minor > kv.minor)
			add_by_release(&e, &nv,
				       xasprintf("Specified version to upgrade to \"%s\" is at least one "
						 "minor release higher than the kubeadm minor release "
						 "(%llu > %llu). Such an upgrade is not supported",
						 new_version, (unsigned long long)nv.minor,
						 (unsigned long long)kv.minor));
		else
			strv_consume(&e.skippable,
				     xasprintf("Specified version to upgrade to \"%s\" is higher than the "
					       "kubeadm version \"%s\". Upgrade kubeadm first using the "
					       "tool you used to install kubeadm",
					       new_version, in->kubeadm_version));
	}
	if (kv.major > nv.major || kv.minor > nv.minor)
		strv_consume(&e.skippable,
			     xasprintf("Kubeadm version %s can only be used to upgrade to Kubernetes "
				       "version %llu.%llu",
				       in->kubeadm_version, (unsigned long long)kv.major,
				       (unsigned long long)kv.minor));
	/* detectUnstableVersionError */
	if (*nv.pre && !allow_experimental && !(strncmp(nv.pre, "rc", 2) == 0 && allow_rc))
		strv_consume(&e.skippable,
			     xasprintf("Specified version to upgrade to \"%s\" is an unstable version and "
				       "such upgrades weren't allowed via setting the --allow-*-upgrades "
				       "flags",
				       new_version));
	/* detectTooOldKubelets */
	_cleanup_strv_free_ char **too_old = NULL;
	STRV_FOREACH(k, kubelets) {
		struct semver v;
		if (semver_parse(*k, &v) < 0) {
			error_clear();
			strv_free(too_old);
			too_old = NULL;
			strv_consume(&e.skippable, xasprintf("couldn't parse kubelet version %s", *k));
			break;
		}
		if (nv.minor > v.minor + MAX_MINOR_KUBELET_SKEW)
			strv_push(&too_old, *k);
	}
	if (too_old) {
		_cleanup_free_ char *list = strv_join(too_old, " ");
		strv_consume(&e.skippable, xasprintf("There are kubelets in this cluster that are too "
						     "old that have these versions [%s]",
						     list));
	}
	*ret = e;
	return 0;
}

/* formatErrorMsg */
static void format_errors(struct strbuf *sb, char *const *errs)
{
	STRV_FOREACH(x, errs)
		strbuf_addf(sb, "\t- %s\n", *x);
}

int upgrade_check_version_policies(const struct upgrade_policy_input *in, const char *new_version,
				   bool allow_experimental, bool allow_rc, bool force, FILE *out)
{
	fprintf(out, "[upgrade/preflight] You have chosen to upgrade the cluster version to \"%s\"\n",
		new_version);
	struct upgrade_skew_errors e = { 0 };
	int r = upgrade_enforce_version_policies(in, new_version, allow_experimental, allow_rc, out,
						 &e);
	if (r < 0)
		return r;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	if (e.mandatory) {
		format_errors(&sb, e.mandatory);
		upgrade_skew_errors_release(&e);
		return error_set(-EINVAL, "the version argument is invalid due to these fatal errors:\n\n"
				 "%s\nPlease fix the misalignments highlighted above and try upgrading again",
				 sb.buf);
	}
	if (e.skippable) {
		format_errors(&sb, e.skippable);
		size_t n = strv_length(e.skippable);
		upgrade_skew_errors_release(&e);
		if (!force)
			return error_set(-EINVAL, "the version argument is invalid due to these errors:\n\n"
					 "%s\nCan be bypassed if you pass the --force flag",
					 sb.buf);
		fprintf(out, "[upgrade/preflight] Found %zu potential version compatibility errors but "
			"skipping since the --force flag is set: \n\n%s",
			n, sb.buf);
	}
	return 0;
}
