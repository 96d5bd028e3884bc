/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parts of github.com/coredns/corefile-migration v1.0.34 (`migration`) kubeadm's upgrade
 * uses, over the release chain generated from that module (corefile-versions.c). Versions are
 * CoreDNS versions without the "v" ("1.14.2"). Errors carry the Go library's message.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

/* migration.Default("", corefile): whether a Corefile is the default of any CoreDNS release
 * (fuzzy: "*" matches one token, "***" the rest of the line; the order of server blocks,
 * plugins and options does not matter). */
bool corefile_is_default(const char *corefile);

/* migration.ValidUpMigration: 0, or -EINVAL "start version '…' not supported" / "cannot
 * migrate up to '…' from '…'". */
int corefile_valid_up_migration(const char *from, const char *to);

/*
 * migration.Deprecated / migration.Unsupported: *ret is a new JSON array of notices
 * ({plugin, option, severity, replacedBy, additional, version}, "" where Go has ""), empty
 * when from == to. -EINVAL as corefile_valid_up_migration, or for a Corefile Go would panic on.
 */
int corefile_deprecated(const char *from, const char *to, const char *corefile, json_t **ret);
int corefile_unsupported(const char *from, const char *to, const char *corefile, json_t **ret);

/* Notice.ToString of one notice of the above; the caller frees it. */
char *corefile_notice_string(const json_t *notice);

/*
 * migration.Migrate: the Corefile migrated release by release up to `to` (deprecated plugins
 * and options migrated only once removed or ignored unless deprecations), as its ToString
 * prints it; *ret is owned by the caller. from == to returns the input unchanged. -EINVAL with
 * the Go library's message.
 */
int corefile_migrate(const char *from, const char *to, const char *corefile, bool deprecations,
		     char **ret);
