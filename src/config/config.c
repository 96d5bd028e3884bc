/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the config layer lands; every entry point reports that it is missing. */
#include <errno.h>

#include "config/config.h"
#include "util/error.h"

int config_print_defaults(enum config_defaults which, char *const *component_configs,
			  struct strbuf *out)
{
	return error_set(-ENOSYS, "config print is not implemented in this build");
}
