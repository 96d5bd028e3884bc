/* SPDX-License-Identifier: Apache-2.0 */
/*
 * corefile-migration's data (migration.Versions and its plugin tables), generated into
 * corefile-versions.c by tests/peers/corefilemigration; only corefile.c reads it. The Go
 * library keeps actions as functions: here each is one of the few actions it has.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum corefile_severity {
	COREFILE_SEV_NONE,
	COREFILE_SEV_DEPRECATED,  /* still works */
	COREFILE_SEV_IGNORED,     /* ignored by CoreDNS */
	COREFILE_SEV_REMOVED,     /* CoreDNS exits if present */
	COREFILE_SEV_NEWDEFAULT,  /* added to the default Corefile */
	COREFILE_SEV_UNSUPPORTED, /* not known to the migration tool (notices only) */
};

enum corefile_option_action {
	COREFILE_OPT_KEEP,
	COREFILE_OPT_REMOVE,             /* removeOption */
	COREFILE_OPT_FIRST_ARG_ONLY,     /* useFirstArgumentOnly */
	COREFILE_OPT_DROP_HTTPS_GOOGLE,  /* proxyRemoveHttpsGoogleProtocol */
	COREFILE_OPT_PROXY_POLICY,       /* proxy → forward: "policy least_conn" → "force_tcp" */
	COREFILE_OPT_PROXY_PROTOCOL,     /* proxy → forward: "protocol force_tcp x" → "force_tcp" */
};

enum corefile_plugin_action {
	COREFILE_PLUGIN_KEEP,
	COREFILE_PLUGIN_RENAME_FORWARD, /* proxyToForwardPluginAction */
};

enum corefile_action {
	COREFILE_CF_NONE,
	COREFILE_PRE_COPY_KUBERNETES_TRANSFER,    /* copyKubernetesTransferOptToPlugin */
	COREFILE_POST_BREAK_FORWARD_STUB_DOMAINS, /* breakForwardStubDomainsIntoServerBlocks */
};

struct corefile_option {
	const char *name; /* a POSIX extended regex (unanchored) when pattern */
	bool pattern;
	enum corefile_severity status;
	enum corefile_option_action action;
	const char *add; /* newdefault: the option appended to the plugin */
};

struct corefile_plugin {
	const char *name;
	enum corefile_severity status;
	const char *replaced_by, *additional;
	enum corefile_plugin_action action;
	const char *add;             /* newdefault: the plugin appended to server blocks ... */
	const char *const *add_with; /* ... holding one of these plugins (NULL: every block) */
	const struct corefile_option *options; /* sorted by name, patterns last */
	size_t noptions;
};

struct corefile_release {
	const char *version, *next, *prior, *image_sha;
	const char *const *k8s_releases;
	const struct corefile_plugin *plugins; /* sorted by name */
	size_t nplugins;
	enum corefile_action pre, post;
	const char *default_conf; /* NULL: none */
};

extern const struct corefile_release corefile_releases[];
extern const size_t corefile_nreleases;
