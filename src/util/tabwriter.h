/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go's text/tabwriter as kubeadm configures it for its tables (`token list`, `certs
 * check-expiration`, `upgrade plan`): tabwriter.NewWriter(w, 10, 4, 3, ' ', 0).
 */
#pragma once

#include "util/strbuf.h"

/*
 * Appends to out what Write(text) then Flush() writes: cells end with '\t', lines with '\n';
 * the text after a line's last tab is not aligned; each column block (consecutive lines that
 * have a cell in that column) is as wide as its widest cell in runes plus 3, at least 10, and
 * padded with spaces. Text after the last '\n' is written without a newline.
 */
void tabwriter_write(struct strbuf *out, const char *text);
