/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command-line flags as spf13/pflag parses and prints them (kubeadm's CLI is cobra + pflag):
 * one const table of `struct flag` per command, a `struct flagset` holding the flags that apply
 * to one command (its own, its persistent ones and its parents' persistent ones) with the values
 * parsed from argv, and FlagUsages() rendering byte-identical to pflag's.
 *
 * Names are matched exactly: kubeadm sets WordSepNormalizeFunc only on pflag.CommandLine, which
 * cobra's per-command flag sets do not use, so `--dry_run` is an unknown flag in the reference
 * too. Values are validated by the flag's type exactly as the Go value types do, with the same
 * error messages (strconv / time.ParseDuration / encoding/csv).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/strbuf.h"

enum flag_type {
	FLAG_BOOL,          /* "bool": --x, --x=false; no value word */
	FLAG_STRING,        /* "string" */
	FLAG_STRING_SLICE,  /* "stringSlice" (CSV, repeated flags append); shown as "strings" */
	FLAG_STRING_ARRAY,  /* "stringArray" (no CSV, repeated flags append) */
	FLAG_STRING_TO_STRING, /* "stringToString": a=b,c=d */
	FLAG_INT,           /* "int": strconv.ParseInt(s, 0, 64) */
	FLAG_INT32,         /* "int32": strconv.ParseInt(s, 0, 32) */
	FLAG_DURATION,      /* "duration": time.ParseDuration */
	FLAG_LEVEL,         /* klog "Level": strconv.ParseInt(s, 10, 32) */
	FLAG_MODULE_SPEC,   /* klog "moduleSpec": pattern=N,... */
	FLAG_ARG_SLICE,     /* kubeadm's "[]kubeadmapiv1.Arg": k=v,k=v (deprecated extra-args) */
};

/*
 * One flag, as declared in a command's table. def is pflag's DefValue: the default as shown in
 * help (and the value when the flag is not given). config_path, when set, is where the value
 * goes in the configuration "overrides" object (see config/config.h), as dotted keys starting
 * with the kind: "InitConfiguration.localAPIEndpoint.advertiseAddress".
 */
struct flag {
	const char *name;
	char shorthand;               /* 0: none */
	enum flag_type type;
	const char *def;              /* NULL: the type's zero value ("", "false", "0", "[]", "0s") */
	const char *usage;
	const char *no_opt_def;       /* NoOptDefVal; bools get "true" implicitly */
	const char *deprecated;       /* non-NULL: hidden, prints "Flag --x has been deprecated, ..." */
	const char *shorthand_deprecated;
	bool hidden;
	bool required;                /* cobra's MarkFlagRequired */
	const char *config_path;
};

/* A flag that applies to a command and its parsed value(s). */
struct flag_value {
	const struct flag *flag;
	bool changed;
	bool local;          /* declared on the command itself (Flags: section), else inherited */
	char *value;         /* owned: the last value set (String() form for scalars) */
	char **values;       /* owned: accumulated values of slice/array/map/argslice flags */
};

struct flagset {
	struct flag_value *v;
	size_t n;
	char **args;         /* owned: non-flag arguments, in order */
	int args_len_at_dash; /* -1, or len(args) when "--" was seen */
	struct strbuf warnings; /* deprecation messages, printed by the caller on success */
};

void flagset_init(struct flagset *fs);
void flagset_release(struct flagset *fs);
/* Adds a flag unless one of the same name is already present (pflag's AddFlagSet). */
void flagset_add(struct flagset *fs, const struct flag *f, bool local);
/* Adds every flag of a table terminated by an entry with name == NULL. */
void flagset_add_table(struct flagset *fs, const struct flag *table, bool local);

/* Lookup by long name or shorthand; NULL when absent. */
struct flag_value *flagset_lookup(const struct flagset *fs, const char *name);
struct flag_value *flagset_lookup_shorthand(const struct flagset *fs, char c);

/*
 * Parses argv as pflag's FlagSet.Parse (interspersed). Returns 0, -EINVAL with the error message
 * set exactly as pflag's errors ("unknown flag: --x", "flag needs an argument: --x",
 * "invalid argument \"v\" for \"--x\" flag: ..."), or 1 when -h/--help is asked for and
 * undefined (pflag's ErrHelp; cobra always defines help so this does not happen in practice).
 */
int flagset_parse(struct flagset *fs, char *const *argv, size_t argc);
/* Sets a flag by name as pflag's FlagSet.Set (validation, Changed, deprecation warning). */
int flagset_set(struct flagset *fs, struct flag_value *fv, const char *value);

/* Accessors; the flag must be present (else the zero value). Borrowed results. */
const char *flagset_get_string(const struct flagset *fs, const char *name);
bool flagset_get_bool(const struct flagset *fs, const char *name);
int64_t flagset_get_int(const struct flagset *fs, const char *name);
/* Duration in nanoseconds. */
int64_t flagset_get_duration(const struct flagset *fs, const char *name);
/* Slice/array values (NULL when empty). Borrowed. */
char *const *flagset_get_strv(const struct flagset *fs, const char *name);
bool flagset_changed(const struct flagset *fs, const char *name);

/*
 * Builds the config overrides object (see config/config.h) from every changed flag that has a
 * config_path. *ret is a new reference (an empty object when nothing applies).
 */
int flagset_overrides(const struct flagset *fs, json_t **ret);

/*
 * Appends pflag's FlagUsages() for the flags with local == want_local (hidden ones skipped),
 * sorted by name, with trailing whitespace trimmed as cobra's template does.
 */
void flagset_usages(const struct flagset *fs, bool want_local, struct strbuf *out);
/*
 * The flags that help lists with local == want_local (neither hidden nor deprecated), sorted by
 * name: *ret is an owned, NULL-terminated array of borrowed pointers; returns their number.
 */
size_t flagset_listed(const struct flagset *fs, bool want_local, const struct flag_value ***ret);
/*
 * One flag's two columns in pflag's FlagUsages(): line gets "  -c, --name type[=nooptdef]" and
 * usage the text with its default and deprecation appended (both appended to).
 */
void flag_usage_parts(const struct flag *f, struct strbuf *line, struct strbuf *usage);
/* True when a non-hidden flag with local == want_local exists. */
bool flagset_has_available(const struct flagset *fs, bool want_local);

/* pflag's type name as Value.Type() returns it. */
const char *flag_type_name(enum flag_type t);
/* The DefValue string of a flag (def or the type's zero value). */
const char *flag_default(const struct flag *f);

/* Go helpers shared with other layers. */
/* strconv.ParseInt(s, base, bits); error message as Go's *NumError. */
int go_parse_int(const char *s, int base, int bits, int64_t *ret);
/* time.ParseDuration; error message as Go's ("time: invalid duration \"x\""). */
int go_parse_duration(const char *s, int64_t *ret_ns);
/* time.Duration.String(): "24h0m0s", "1.5s", "0s". */
void go_format_duration(int64_t ns, struct strbuf *out);
/* strconv.Quote (%q): appends s quoted as Go does. */
void go_quote(const char *s, struct strbuf *out);
