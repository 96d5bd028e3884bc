/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnosis when the control plane does not come up (beyond-kubeadm.md §2): read-only,
 * bounded collectors gather facts (CRI state of the static pods, their exit codes and log
 * tails, the kubelet's health, config and log, host facts, PKI, etcd's data directory), then
 * one const table of rules names the cause. Used on failure of init's and join's waits and by
 * `ckubeadm diagnose`. Nothing here writes anything.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <jansson.h>

#include "util/strbuf.h"

enum diag_severity { DIAG_INFO, DIAG_LIKELY, DIAG_FATAL };

/* A tri-state fact: unknown when its collector could not tell. */
enum diag_tri { DIAG_UNKNOWN = -1, DIAG_NO = 0, DIAG_YES = 1 };

/* One static pod of this node (kube-system, from its manifest and the CRI). */
struct diag_component {
	char *name;             /* "kube-apiserver", "etcd", ... */
	char *manifest_image;   /* the image of its manifest, or NULL */
	int image_present;      /* enum diag_tri: ImageStatus of manifest_image */
	bool has_sandbox;       /* a pod sandbox exists */
	bool sandbox_ready;
	uint32_t sandbox_attempt;
	bool has_container;     /* a container exists (latest attempt below) */
	int state;              /* enum cri_container_state */
	uint32_t attempt;       /* restart count */
	int32_t exit_code;
	char *reason;           /* ContainerStatus reason */
	char *message;
	char **log;             /* the tail of its latest attempts' log (strv, may be empty) */
};

struct diag_listener {
	unsigned port;
	char *addr;  /* textual local address */
	pid_t pid;   /* 0 when the owner was not found */
	char *comm;  /* the owner's comm, or NULL */
};

struct diag_cert {
	char *name;       /* "apiserver", ... (file base name) */
	time_t not_before;
	time_t not_after;
	int ca_ok;        /* enum diag_tri: signed by ca.crt */
};

struct diag_facts {
	time_t now;
	/* container runtime */
	char *cri_endpoint;
	int cri_errno;            /* 0, or why the CRI could not be asked */
	char *cri_error;
	int runtime_ready;        /* enum diag_tri */
	char *runtime_message;
	char *sandbox_image;      /* the runtime's sandbox image (CRI Status config), or NULL */
	int sandbox_image_present;/* enum diag_tri */
	int runtime_systemd_cgroup; /* enum diag_tri: runc's SystemdCgroup */
	/* kubelet */
	int kubelet_healthy;      /* enum diag_tri: /healthz answered ok */
	char *kubelet_health_error;
	int kubelet_running;      /* enum diag_tri: a process named kubelet */
	char *kubelet_cgroup_driver;
	char *kubelet_static_pod_path;
	int kubelet_fail_swap_on; /* enum diag_tri */
	char *kubelet_runtime_endpoint;
	char **kubelet_log;       /* tail (strv, may be empty) */
	char *manifests_dir;      /* where kubeadm wrote the static pods */
	/* host */
	uint64_t swap_kb;
	int systemd_running;      /* enum diag_tri: /run/systemd/system exists */
	int cgroup_v2;            /* enum diag_tri */
	uint64_t mem_available_kb;
	long ncpu;
	int disk_free_pct;        /* lowest free % of /var/lib/etcd and the image fs, -1 unknown */
	char *disk_low_path;
	struct diag_listener *listeners;
	size_t n_listeners;
	/* PKI */
	struct diag_cert *certs;
	size_t n_certs;
	/* etcd */
	int etcd_data_predates;   /* enum diag_tri: /var/lib/etcd/member older than the run */
	/* static pods */
	struct diag_component *components;
	size_t n_components;
};

struct diag_facts *diag_facts_new(void);
struct diag_facts *diag_facts_free(struct diag_facts *f);
static inline void diag_facts_freep(struct diag_facts **f) { diag_facts_free(*f); }

/* What to look at. Every path is under rootfd. */
struct diag_options {
	int rootfd;
	const char *cri_socket;      /* NULL: kubeadm's default */
	const char *manifests_dir;   /* /etc/kubernetes/manifests */
	const char *pki_dir;         /* /etc/kubernetes/pki */
	const char *kubelet_config;  /* /var/lib/kubelet/config.yaml */
	const char *kubelet_log;     /* a file (CKUBEADM_KUBELET_LOG), or NULL: journalctl */
	int kubelet_healthz_port;    /* 10248 */
	time_t run_start;            /* when the run began (0: now − since) */
	long since_s;                /* how far back logs matter (journalctl --since) */
	const char *component;       /* only this static pod, or NULL */
};

/* When this process started (wall clock, seconds): what "before this run" means. */
time_t diag_process_start(void);

/* Runs every collector within about 5 s in all. *ret is owned (diag_facts_free). Never fails:
 * what could not be collected stays unknown. */
void diag_collect(const struct diag_options *o, struct diag_facts **ret);

/* One rule of the catalogue (rules.c): the table is ordered from most to least specific. */
struct diag_rule {
	const char *code;
	enum diag_severity severity;
	/* true when the facts show it: summary and evidence lines (strv) appended */
	bool (*match)(const struct diag_facts *f, struct strbuf *summary, char ***evidence);
	const char *fix;
	const char *refs;
};
extern const struct diag_rule diag_rules[];
extern const size_t diag_n_rules;

struct diag_finding {
	const struct diag_rule *rule;
	char *summary;
	char **evidence;
};

#define DIAG_MAX_FINDINGS 5

struct diag_report {
	struct diag_finding findings[DIAG_MAX_FINDINGS];
	size_t n;          /* the first is the headline */
	long long duration_ms;
};
/* Runs the table on facts: up to DIAG_MAX_FINDINGS matches, a Fatal one first. */
void diag_evaluate(const struct diag_facts *f, struct diag_report *ret);
void diag_report_release(struct diag_report *r);
/* True when a finding is Fatal. */
bool diag_report_fatal(const struct diag_report *r);

/* The `[diagnose]` block (nothing when there is no finding), appended to sb. */
void diag_render_text(const struct diag_report *r, bool verbose, struct strbuf *sb);
/* The DiagnosisReport object (ckubeadm.io/v1alpha1); with facts, they are included. Owned. */
json_t *diag_report_json(const struct diag_report *r, const struct diag_facts *facts);

/* Parsers (exposed for tests and fuzzing). */
/* /proc/swaps: total used+size kB of active swap areas; -EBADMSG on a bad line. */
int diag_parse_swaps(const char *text, uint64_t *ret_kb);
/* /proc/net/tcp{,6}: LISTEN sockets, appended as (port, addr, inode). -EBADMSG on bad input. */
struct diag_tcp_listen {
	unsigned port;
	char addr[48];
	unsigned long inode;
};
int diag_parse_proc_net_tcp(const char *text, bool v6, struct diag_tcp_listen **v, size_t *n);

/* The time of a klog line ("I1208 04:05:06.123456 ..."), 0 without a klog header. */
time_t diag_klog_time(const char *line, time_t now);

/*
 * The diagnosis of a failed wait (init's and join's): collects, evaluates and prints the block
 * on stderr, emits a Diagnosis event when the stream is open. Off with CKUBEADM_DIAGNOSE=0.
 */
void diag_on_failure(const struct diag_options *o, const char *phase);
