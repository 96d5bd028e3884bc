/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test driver of the cri layer (not installed): one CRI operation per run, for
 * tests/cri/run.sh. Usage: cri-probe [-t timeout_ms] ENDPOINT COMMAND [ARGS...]
 *                          cri-probe detect ROOTDIR
 *                          cri-probe log-tail FILE N
 * Prints results on stdout; on failure "error: <message>" on stderr and exit status 1.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cri/cri.h"
#include "util/error.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

static int fail(int r)
{
	fprintf(stderr, "error: %s\n", error_message(r));
	return 1;
}

static void print_sandboxes(const struct cri_sandbox *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%s %s %s %s\n", v[i].id, v[i].name, v[i].namespace,
		       v[i].state == CRI_SANDBOX_READY ? "SANDBOX_READY" : "SANDBOX_NOTREADY");
}

static int run(struct cri_client *c, const char *cmd, char **args)
{
	int r;
	size_t nargs = strv_length(args);
	if (streq(cmd, "connect")) {
		r = cri_client_connect(c);
		if (r < 0)
			return fail(r);
		printf("connected\n");
	} else if (streq(cmd, "version")) {
		_cleanup_(cri_version_freep) struct cri_version *v = NULL;
		if ((r = cri_version(c, &v)) < 0)
			return fail(r);
		printf("%s %s %s %s\n", v->runtime_name, v->runtime_version, v->runtime_api_version,
		       v->version);
	} else if (streq(cmd, "status")) {
		_cleanup_(cri_status_freep) struct cri_status *s = NULL;
		if ((r = cri_status(c, nargs > 0 && streq(args[0], "-v"), &s)) < 0)
			return fail(r);
		for (size_t i = 0; i < s->n_conditions; i++)
			printf("%s=%s\n", s->conditions[i].type, s->conditions[i].status ? "true" : "false");
		for (size_t i = 0; i < s->n_info; i++)
			printf("info %s (%zu bytes)\n", s->info[i].key, strlen(s->info[i].value));
	} else if (streq(cmd, "running")) {
		if ((r = cri_is_running(c)) < 0)
			return fail(r);
		printf("running\n");
	} else if (streq(cmd, "runtime-config")) {
		r = cri_runtime_config_implemented(c);
		if (r < 0)
			return fail(r);
		if (r == 0) {
			printf("unimplemented\n");
			return 0;
		}
		struct cri_runtime_config rc;
		if ((r = cri_runtime_config(c, &rc)) < 0)
			return fail(r);
		printf("cgroup-driver %s\n", rc.cgroup_driver == CRI_CGROUP_DRIVER_SYSTEMD ? "systemd" : "cgroupfs");
	} else if (streq(cmd, "sandbox-image")) {
		_cleanup_free_ char *img = NULL;
		if ((r = cri_sandbox_image(c, &img)) < 0)
			return fail(r);
		printf("%s\n", img);
	} else if (streq(cmd, "image-status") && nargs == 1) {
		_cleanup_(cri_image_freep) struct cri_image *img = NULL;
		if ((r = cri_image_status(c, args[0], &img)) < 0)
			return fail(r);
		if (!img) {
			printf("absent\n");
			return 0;
		}
		_cleanup_free_ char *tags = strv_join(img->repo_tags, ",");
		printf("present %s %" PRIu64 " %s\n", img->id, img->size, tags);
	} else if (streq(cmd, "image-exists") && nargs == 1) {
		if ((r = cri_image_exists(c, args[0])) < 0)
			return fail(r);
		printf("%s\n", r ? "true" : "false");
	} else if (streq(cmd, "list-images")) {
		struct cri_image *v = NULL;
		size_t n = 0;
		if ((r = cri_list_images(c, nargs ? args[0] : NULL, &v, &n)) < 0)
			return fail(r);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *tags = strv_join(v[i].repo_tags, ",");
			printf("%s %s\n", v[i].id, tags);
		}
		cri_images_free(v, n);
	} else if (streq(cmd, "pull") && nargs >= 1) {
		int timeout = 0;
		if (nargs > 1 && parse_int(args[1], 0, 3600000, &timeout) < 0)
			return fail(error_set(-EINVAL, "bad timeout %s", args[1]));
		_cleanup_free_ char *ref = NULL;
		if ((r = cri_pull_image(c, args[0], timeout, &ref)) < 0)
			return fail(r);
		printf("%s\n", ref);
	} else if (streq(cmd, "pull-retry") && nargs == 1) {
		if ((r = cri_pull_image_retry(c, args[0])) < 0)
			return fail(r);
		printf("pulled\n");
	} else if (streq(cmd, "pull-images") && nargs >= 1) {
		bool inp = streq(args[0], "--if-not-present");
		if ((r = cri_pull_images(c, args + (inp ? 1 : 0), inp)) < 0)
			return fail(r);
		printf("pulled\n");
	} else if (streq(cmd, "list-sandboxes")) {
		struct cri_sandbox_filter f = { 0 };
		struct cri_kv sel[8];
		_cleanup_strv_free_ char **parts = NULL;
		for (size_t i = 0; i + 1 < nargs; i += 2) {
			if (streq(args[i], "--state")) {
				f.has_state = true;
				f.state = streq(args[i + 1], "ready") ? CRI_SANDBOX_READY : CRI_SANDBOX_NOTREADY;
			} else if (streq(args[i], "--id")) {
				f.id = args[i + 1];
			} else if (streq(args[i], "--label") && f.n_label_selector < ARRAY_SIZE(sel)) {
				char *eq = strchr(args[i + 1], '=');
				if (!eq)
					return fail(error_set(-EINVAL, "bad label %s", args[i + 1]));
				strv_consume(&parts, xstrndup(args[i + 1], (size_t)(eq - args[i + 1])));
				sel[f.n_label_selector].key = parts[strv_length(parts) - 1];
				sel[f.n_label_selector++].value = eq + 1;
			}
		}
		f.label_selector = sel;
		struct cri_sandbox *v = NULL;
		size_t n = 0;
		if ((r = cri_list_sandboxes(c, nargs ? &f : NULL, &v, &n)) < 0)
			return fail(r);
		print_sandboxes(v, n);
		cri_sandboxes_free(v, n);
	} else if (streq(cmd, "list-kube-sandboxes")) {
		_cleanup_strv_free_ char **ids = NULL;
		if ((r = cri_list_kube_sandboxes(c, &ids)) < 0)
			return fail(r);
		STRV_FOREACH(id, ids)
			printf("%s\n", *id);
	} else if (streq(cmd, "stop-sandbox") && nargs == 1) {
		if ((r = cri_stop_sandbox(c, args[0])) < 0)
			return fail(r);
		printf("stopped\n");
	} else if (streq(cmd, "remove-sandbox") && nargs == 1) {
		if ((r = cri_remove_sandbox(c, args[0])) < 0)
			return fail(r);
		printf("removed\n");
	} else if (streq(cmd, "remove-kube-sandboxes")) {
		if ((r = cri_remove_kube_sandboxes(c, args)) < 0)
			return fail(r);
		printf("removed\n");
	} else if (streq(cmd, "list-containers")) {
		struct cri_container_filter f = { 0 };
		if (nargs == 2 && streq(args[0], "--sandbox"))
			f.pod_sandbox_id = args[1];
		struct cri_container *v = NULL;
		size_t n = 0;
		if ((r = cri_list_containers(c, nargs ? &f : NULL, &v, &n)) < 0)
			return fail(r);
		for (size_t i = 0; i < n; i++)
			printf("%s %s %s %d\n", v[i].id, v[i].pod_sandbox_id, v[i].name, v[i].state);
		cri_containers_free(v, n);
	} else if (streq(cmd, "container-status") && nargs == 1) {
		_cleanup_(cri_container_status_freep) struct cri_container_status *s = NULL;
		if ((r = cri_container_status(c, args[0], &s)) < 0)
			return fail(r);
		printf("id=%s name=%s attempt=%u state=%d exit=%d reason=%s image=%s started=%d "
		       "finished=%d log=%s\n",
		       s->id, s->name, s->attempt, s->state, s->exit_code, s->reason, s->image,
		       s->started_at > 0, s->finished_at > 0, s->log_path);
		if (*s->message)
			printf("message=%s\n", s->message);
	} else if (streq(cmd, "sandbox-status") && nargs == 1) {
		_cleanup_(cri_sandbox_status_freep) struct cri_sandbox_status *s = NULL;
		if ((r = cri_sandbox_status(c, args[0], &s)) < 0)
			return fail(r);
		printf("id=%s name=%s namespace=%s uid=%s attempt=%u state=%s\n", s->id, s->name,
		       s->namespace, s->uid, s->attempt,
		       s->state == CRI_SANDBOX_READY ? "SANDBOX_READY" : "SANDBOX_NOTREADY");
	} else {
		fprintf(stderr, "error: unknown command or wrong arguments: %s\n", cmd);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int timeout = 0;
	int i = 1;
	if (argc > 2 && streq(argv[1], "-t")) {
		if (parse_int(argv[2], 1, 3600000, &timeout) < 0)
			return fail(error_set(-EINVAL, "bad timeout %s", argv[2]));
		i = 3;
	}
	if (argc - i == 3 && streq(argv[i], "log-tail")) {
		_cleanup_strv_free_ char **lines = NULL;
		int n;
		if (parse_int(argv[i + 2], 1, 100000, &n) < 0)
			return fail(error_set(-EINVAL, "bad line count %s", argv[i + 2]));
		int r = cri_log_tail(AT_FDCWD, argv[i + 1], (size_t)n, 1 << 20, &lines);
		if (r < 0)
			return fail(r);
		for (char **l = lines; *l; l++)
			printf("%s\n", *l);
		return 0;
	}
	if (argc - i == 2 && streq(argv[i], "detect")) {
		_cleanup_close_ int rootfd = open(argv[i + 1], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return fail(error_set(-errno, "open %s: %m", argv[i + 1]));
		_cleanup_free_ char *ep = NULL;
		int r = cri_detect_socket(rootfd, &ep);
		if (r < 0)
			return fail(r);
		printf("%s\n", ep);
		return 0;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: cri-probe [-t timeout_ms] ENDPOINT COMMAND [ARGS...]\n"
				"       cri-probe detect ROOTDIR\n");
		return 2;
	}
	_cleanup_(cri_client_freep) struct cri_client *c = cri_client_new(argv[i], timeout);
	return run(c, argv[i + 1], argv + i + 2);
}
