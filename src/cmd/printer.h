/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's output printers (app/util/output.PrintFlags over cli-runtime's printers), shared by
 * every command with -o/--output: text (the command's own), json, yaml, kyaml, jsonpath,
 * jsonpath-as-json and jsonpath-file. The Go template formats are refused.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "util/flags.h"
#include "util/macro.h"
#include "util/strbuf.h"

struct printer;

/*
 * outputFlags.ToPrinter() for the flags "output" and "allow-missing-template-keys" of fs.
 * *ret is owned (printer_free). Errors (-EINVAL, -ENOENT...) carry kubeadm's text, wrapped
 * as the commands do: "could not construct output printer: unable to match a printer
 * suitable for the output format \"x\", allowed formats are: ...", "...: template format
 * specified but no template given", "...: error parsing jsonpath {.a, unclosed action",
 * "...: error reading --template f, open f: no such file or directory".
 */
int printer_new(const struct flagset *fs, struct printer **ret);
struct printer *printer_free(struct printer *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct printer *, printer_free)

/* True for -o text: the command prints its own text and calls no printer_print(). */
bool printer_is_text(const struct printer *p);

/*
 * PrintObj of a structured printer: appends obj (the command's output API object, kind and
 * apiVersion set) to out: json.MarshalIndent with 4 spaces and a newline, YAML with "---"
 * between objects, KYAML with "---" before each, or the jsonpath template's output. A jsonpath execution error is -EINVAL
 * "error executing jsonpath \"...\": Error executing template: ..." as kubectl prints it.
 */
int printer_print(struct printer *p, const json_t *obj, struct strbuf *out);
