/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A port of the parts of github.com/pmezard/go-difflib (Python's difflib in Go) that kubeadm's
 * `upgrade diff` uses: SplitLines and GetUnifiedDiffString over SequenceMatcher with autojunk
 * and no junk function, byte for byte.
 */
#pragma once

/* difflib.SplitLines: s split after each "\n"; the last element gets a "\n" appended (so ""
 * gives {"\n"}). A new NULL-terminated vector owned by the caller (strv_free). */
char **difflib_split_lines(const char *s);

struct difflib_unified {
	char *const *a, *const *b;   /* the two sequences of lines (NULL-terminated) */
	const char *from_file, *to_file; /* header names; no header when both are "" or NULL */
	const char *from_date, *to_date; /* appended after a TAB when not empty */
	const char *eol;                 /* header line ending; NULL or "" is "\n" */
	int context;                     /* lines of context; negative means 3 */
};

/* difflib.GetUnifiedDiffString: "" when the sequences are equal. Owned by the caller. */
char *difflib_unified_diff(const struct difflib_unified *d);
