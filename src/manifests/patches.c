/* SPDX-License-Identifier: Apache-2.0 */
/* The patch manager (cmd/kubeadm/app/util/patches/patches.go). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifests/patches.h"
#include "manifests/schema.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/yaml.h"
#include "config/validation.h"

const char *const patch_known_targets[] = {
	"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler",
	"kubeletconfiguration", "corednsdeployment", "kubeproxydaemonset", NULL,
};

enum patch_type { PATCH_JSON, PATCH_MERGE, PATCH_STRATEGIC };

static const char *const patch_type_names[] = {
	[PATCH_JSON] = "application/json-patch+json",
	[PATCH_MERGE] = "application/merge-patch+json",
	[PATCH_STRATEGIC] = "application/strategic-merge-patch+json",
};

struct patch_set {
	char *target;
	enum patch_type type;
	char **patches; /* compact JSON texts, as kubeadm keeps them */
};

struct patch_manager {
	char *path;
	FILE *out; /* the output given when the manager was made (PatchManager.output) */
	struct patch_set *sets;
	size_t n;
	struct patch_manager *next;
};

/* Go's syscall.Errno texts for what a directory walk can hit. */
static const char *go_errno(int e)
{
	switch (e) {
	case ENOENT: return "no such file or directory";
	case EACCES: return "permission denied";
	case ENOTDIR: return "not a directory";
	case ELOOP: return "too many levels of symbolic links";
	case EFBIG: return "file too large";
	default: return strerror(e);
	}
}

/* Patch files larger than this are refused. */
#define PATCH_FILE_MAX (4u * 1024 * 1024)

/* kubeadm's pathCache: one manager per path for the life of the process. */
static struct patch_manager *cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

void patch_manager_free(struct patch_manager *pm)
{
	if (!pm)
		return;
	for (size_t i = 0; i < pm->n; i++) {
		free(pm->sets[i].target);
		strv_free(pm->sets[i].patches);
	}
	free(pm->sets);
	free(pm->path);
	free(pm);
}

/* CreatePatchSet: splits data on "---" and converts every document to JSON. */
static int create_patch_set(const char *target, enum patch_type type, const char *data, size_t len,
			    struct patch_set *ret)
{
	_cleanup_strv_free_ char **docs = NULL;
	int r = yaml_split_documents(data, len, &docs);
	if (r < 0)
		return error_wrap(r, "could not split patches for data:\n%.*s\n", (int)len, data);
	char **patches = NULL;
	STRV_FOREACH(d, docs) {
		/* bytes.TrimSpace */
		const char *s = *d, *e = *d + strlen(*d);
		while (s < e && strchr(" \t\n\r\v\f", *s))
			s++;
		while (e > s && strchr(" \t\n\r\v\f", e[-1]))
			e--;
		if (s == e)
			continue;
		json_t *j = NULL;
		r = yaml_to_json(s, (size_t)(e - s), 0, &j);
		if (r < 0) {
			strv_free(patches);
			return error_wrap(r, "could not convert patch to JSON:\n%.*s\n", (int)(e - s), s);
		}
		strv_consume(&patches, json_dump_go_ex(j, "", "", JSON_GO_COMPACT | JSON_GO_SORT_KEYS));
		json_decref(j);
	}
	ret->target = xstrdup(target);
	ret->type = type;
	ret->patches = patches;
	return 0;
}

/* regExtension: `.+\.(json|yaml)$` */
static bool known_extension(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && (streq(name + n - 5, ".json") || streq(name + n - 5, ".yaml")));
}

static void go_list(struct strbuf *sb, char *const *v)
{
	strbuf_addch(sb, '[');
	STRV_FOREACH(s, v) {
		if (s != v)
			strbuf_addch(sb, ' ');
		strbuf_addstr(sb, *s);
	}
	strbuf_addch(sb, ']');
}

/*
 * parseFilename: returns 0 with the target and type, 1 with a warning in *warn (the file is
 * ignored), or -EINVAL for an unknown patch type after '+'.
 */
static int parse_filename(const char *name, const char **ret_target, enum patch_type *ret_type,
			  struct strbuf *warn)
{
	if (!known_extension(name)) {
		strbuf_addstr(warn, "the file extension must be one of [json yaml]");
		return 1;
	}
	/* ^(targets)([^.+\n]*)?(\+)?(json|merge|strategic)? with Go's leftmost-first alternation */
	const char *target = NULL;
	for (const char *const *t = patch_known_targets; *t; t++)
		if (strneq(name, *t, strlen(*t))) {
			target = *t;
			break;
		}
	if (!target) {
		strbuf_addstr(warn, "unknown target, must be one of ");
		go_list(warn, (char *const *)patch_known_targets);
		return 1;
	}
	const char *p = name + strlen(target);
	p += strcspn(p, ".+\n");
	enum patch_type type = PATCH_STRATEGIC;
	if (*p == '+') {
		p++;
		if (strneq(p, "json", 4))
			type = PATCH_JSON;
		else if (strneq(p, "merge", 5))
			type = PATCH_MERGE;
		else if (strneq(p, "strategic", 9))
			type = PATCH_STRATEGIC;
		else
			return error_set(-EINVAL, "unknown or missing patch type after '+', must be one of [json merge strategic]");
	}
	*ret_target = target;
	*ret_type = type;
	return 0;
}

struct walk {
	struct patch_manager *pm;
	char **files;
	char **ignored;
	FILE *out;
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* filepath.Walk over dir: lexical order, directories descended, symlinks not followed. */
static int walk_dir(const char *dir, struct walk *w)
{
	DIR *d = opendir(dir);
	if (!d)
		return error_set(-errno, "open %s: %s", dir, go_errno(errno));
	char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			strv_push(&names, de->d_name);
	closedir(d);
	size_t n = strv_length(names);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	int r = 0;
	STRV_FOREACH(name, names) {
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, *name);
		struct stat st;
		if (lstat(path, &st) < 0) {
			r = error_set(-errno, "lstat %s: %s", path, go_errno(errno));
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			r = walk_dir(path, w);
			if (r < 0)
				break;
			continue;
		}
		const char *target = NULL;
		enum patch_type type = PATCH_STRATEGIC;
		_cleanup_strbuf_ struct strbuf warn = STRBUF_INIT;
		r = parse_filename(*name, &target, &type, &warn);
		if (r < 0)
			break;
		if (r == 1) {
			if (w->out) {
				_cleanup_free_ char *q = cfg_go_quote(*name);
				fprintf(w->out, "[patches] Ignoring file %s: %s\n", q, warn.buf);
			}
			strv_push(&w->ignored, *name);
			r = 0;
			continue;
		}
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		/* fs_read_file resolves against a root fd; a patch path is a plain host path */
		_cleanup_close_ int rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = rootfd < 0 ? -errno : fs_read_file(rootfd, path, PATCH_FILE_MAX, &data, &len);
		if (r < 0) {
			r = error_set(r, "could not read the file \"%s\": open %s: %s", path, path, go_errno(-r));
			break;
		}
		if (len == 0) {
			if (w->out) {
				_cleanup_free_ char *q = cfg_go_quote(*name);
				fprintf(w->out, "[patches] Ignoring empty file: %s\n", q);
			}
			strv_push(&w->ignored, *name);
			continue;
		}
		struct patch_set set;
		r = create_patch_set(target, type, data, len, &set);
		if (r < 0)
			break;
		w->pm->sets = xrealloc(w->pm->sets, (w->pm->n + 1) * sizeof(*w->pm->sets));
		w->pm->sets[w->pm->n++] = set;
		strv_push(&w->files, *name);
	}
	strv_free(names);
	return r;
}

int patch_manager_for_path(const char *dir, FILE *out, struct patch_manager **ret)
{
	pthread_mutex_lock(&cache_lock);
	for (struct patch_manager *pm = cache; pm; pm = pm->next)
		if (streq(pm->path, dir)) {
			pthread_mutex_unlock(&cache_lock);
			*ret = pm;
			return 0;
		}
	pthread_mutex_unlock(&cache_lock);

	_cleanup_free_ char *qdir = cfg_go_quote(dir);
	if (out)
		fprintf(out, "[patches] Reading patches from path %s\n", qdir);
	struct stat st;
	int r;
	if (lstat(dir, &st) < 0)
		return error_set(-errno, "could not list patch files for path %s: lstat %s: %s",
				 qdir, dir, go_errno(errno));
	if (!S_ISDIR(st.st_mode)) {
		const char *base = strrchr(dir, '/');
		base = base && base[1] ? base + 1 : dir;
		return error_set(-ENOTDIR, "could not list patch files for path %s: getPatchSetsFromPath %s: not a directory",
				 qdir, base);
	}
	struct walk w = { .pm = xnew0(struct patch_manager), .out = out };
	w.pm->path = xstrdup(dir);
	w.pm->out = out;
	r = walk_dir(dir, &w);
	if (r < 0) {
		patch_manager_free(w.pm);
		strv_free(w.files);
		strv_free(w.ignored);
		return error_wrap(r, "could not list patch files for path %s", qdir);
	}
	if (out && w.files) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		go_list(&sb, w.files);
		fprintf(out, "[patches] Found the following patch files: %s\n", sb.buf);
	}
	if (out && w.ignored) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		go_list(&sb, w.ignored);
		fprintf(out, "[patches] Ignored the following files: %s\n", sb.buf);
	}
	strv_free(w.files);
	strv_free(w.ignored);
	pthread_mutex_lock(&cache_lock);
	w.pm->next = cache;
	cache = w.pm;
	pthread_mutex_unlock(&cache_lock);
	*ret = w.pm;
	return 0;
}

FILE *patch_manager_output(const struct patch_manager *pm)
{
	return pm->out;
}

int patch_manager_from_data(const char *target, const char *data, size_t len,
			    struct patch_manager **ret)
{
	struct patch_set set;
	int r = create_patch_set(target, PATCH_STRATEGIC, data, len, &set);
	if (r < 0)
		return r;
	struct patch_manager *pm = xnew0(struct patch_manager);
	pm->path = xstrdup("");
	pm->sets = xmalloc(sizeof(*pm->sets));
	pm->sets[0] = set;
	pm->n = 1;
	*ret = pm;
	return 0;
}

int patch_manager_apply(struct patch_manager *pm, const char *target, const char *desc,
			json_t **doc, FILE *out)
{
	bool known = false;
	for (const char *const *t = patch_known_targets; *t; t++)
		if (streq(*t, target))
			known = true;
	if (!known) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		go_list(&sb, (char *const *)patch_known_targets);
		return error_set(-EINVAL, "unknown patch target name \"%s\", must be one of %s", target, sb.buf);
	}
	for (size_t i = 0; i < pm->n; i++) {
		const struct patch_set *ps = &pm->sets[i];
		if (!streq(ps->target, target))
			continue;
		STRV_FOREACH(p, ps->patches) {
			json_error_t je;
			json_t *patch = json_loads(*p, JSON_DECODE_ANY, &je);
			int r;
			if (!patch)
				r = error_set(-EINVAL, "invalid JSON document");
			else if (ps->type == PATCH_JSON)
				r = patch_json_apply(doc, patch);
			else if (ps->type == PATCH_MERGE)
				r = patch_merge_apply(doc, patch);
			else
				r = patch_strategic_apply(doc, patch, desc);
			json_decref(patch);
			if (r < 0)
				return error_wrap(r, "could not apply the following patch of type \"%s\" to target \"%s\":\n%s\n",
						  patch_type_names[ps->type], target, *p);
			if (out)
				fprintf(out, "[patches] Applied patch of type \"%s\" to target \"%s\"\n",
					patch_type_names[ps->type], target);
		}
	}
	return 0;
}
