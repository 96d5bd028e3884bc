/* SPDX-License-Identifier: Apache-2.0 */
/* app/util/output.PrintFlags.ToPrinter and cli-runtime's JSON, YAML, KYAML and JSONPath printers. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/printer.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/jsonpath.h"
#include "util/kyaml.h"
#include "util/macro.h"
#include "util/xalloc.h"
#include "util/yaml.h"

enum printer_format { PRINTER_TEXT, PRINTER_JSON, PRINTER_YAML, PRINTER_KYAML, PRINTER_JSONPATH };

struct printer {
	enum printer_format format;
	struct jsonpath *jsonpath;
	char *template; /* as given, for the execution error */
	size_t printed;
};

/* genericclioptions.NoCompatiblePrinterError with kubeadm's allowed formats, sorted */
static int no_compatible_printer(const char *format)
{
	_cleanup_(strbuf_releasep) struct strbuf q = STRBUF_INIT;
	go_quote(format, &q);
	return error_set(-EINVAL,
			 "could not construct output printer: unable to match a printer suitable for "
			 "the output format %s, allowed formats are: go-template,go-template-file,"
			 "json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,template,templatefile,"
			 "text,yaml",
			 q.buf);
}

/* JSONPathPrintFlags.ToPrinter for "<format>=<template>" */
static int jsonpath_printer(const char *name, const char *value, bool allow_missing,
			    struct printer *p)
{
	if (!*value)
		return error_set(-EINVAL, "could not construct output printer: template format "
					  "specified but no template given");
	_cleanup_free_ char *data = NULL;
	size_t len = strlen(value);
	const char *text = value;
	if (streq(name, "jsonpath-file")) {
		int r = fs_read_file(AT_FDCWD, value, 64u << 20, &data, &len);
		if (r < 0)
			return error_set(r, "could not construct output printer: error reading "
					    "--template %s, %s %s: %s",
					 value, r == -EISDIR ? "read" : "open", value,
					 go_strerror(-r));
		text = data;
	}
	int r = jsonpath_parse(text, len, &p->jsonpath);
	if (r < 0) {
		_cleanup_free_ char *why = xstrdup(error_message(r));
		return error_set(r, "could not construct output printer: error parsing jsonpath %.*s, %s",
				 (int)len, text, why);
	}
	jsonpath_allow_missing_keys(p->jsonpath, allow_missing);
	jsonpath_enable_json_output(p->jsonpath, streq(name, "jsonpath-as-json"));
	p->template = xstrndup(text, len);
	p->format = PRINTER_JSONPATH;
	return 0;
}

int printer_new(const struct flagset *fs, struct printer **ret)
{
	const char *format = flagset_get_string(fs, "output");
	_cleanup_(printer_freep) struct printer *p = xnew0(struct printer);
	/* the command's text printer matches exactly, the JSON and YAML printers any case */
	if (streq(format, "text")) {
		p->format = PRINTER_TEXT;
	} else if (strcasecmp(format, "json") == 0) {
		p->format = PRINTER_JSON;
	} else if (strcasecmp(format, "yaml") == 0) {
		p->format = PRINTER_YAML;
	} else if (strcasecmp(format, "kyaml") == 0) {
		p->format = PRINTER_KYAML;
	} else {
		static const char *const names[] = { "jsonpath", "jsonpath-file", "jsonpath-as-json" };
		const char *eq = strchr(format, '=');
		size_t n = eq ? (size_t)(eq - format) : strlen(format);
		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			if (strlen(names[i]) != n || strncmp(format, names[i], n) != 0)
				continue;
			int r = jsonpath_printer(names[i], eq ? eq + 1 : "",
						 flagset_get_bool(fs, "allow-missing-template-keys"), p);
			if (r < 0)
				return r;
			*ret = TAKE_PTR(p);
			return 0;
		}
		/* the Go template printers are not built */
		return no_compatible_printer(format);
	}
	*ret = TAKE_PTR(p);
	return 0;
}

struct printer *printer_free(struct printer *p)
{
	if (p) {
		jsonpath_free(p->jsonpath);
		free(p->template);
		free(p);
	}
	return NULL;
}

bool printer_is_text(const struct printer *p)
{
	return p->format == PRINTER_TEXT;
}

int printer_print(struct printer *p, const json_t *obj, struct strbuf *out)
{
	p->printed++;
	switch (p->format) {
	case PRINTER_JSON: {
		_cleanup_free_ char *s = json_dump_go(obj, "", "    ");
		strbuf_addstr(out, s);
		strbuf_addch(out, '\n');
		return 0;
	}
	case PRINTER_YAML: {
		_cleanup_free_ char *s = yaml_from_json(obj);
		if (p->printed > 1)
			strbuf_addstr(out, "---\n");
		strbuf_addstr(out, s ? s : "");
		return 0;
	}
	case PRINTER_KYAML:
		/* every object is a document of its own, "---" included */
		kyaml_from_json(obj, out);
		return 0;
	case PRINTER_JSONPATH:
		break;
	case PRINTER_TEXT:
		return error_set(-EINVAL, "the text printer prints no objects");
	}
	int r = jsonpath_execute(p->jsonpath, obj, out);
	if (r >= 0)
		return 0;
	_cleanup_(strbuf_releasep) struct strbuf msg = STRBUF_INIT;
	_cleanup_(strbuf_releasep) struct strbuf q = STRBUF_INIT;
	go_quote(p->template, &q);
	strbuf_addf(&msg, "error executing jsonpath %s: Error executing template: %s. Printing more "
			  "information for debugging the template:\n\ttemplate was:\n\t\t%s\n\tobject "
			  "given to jsonpath engine was:\n\t\t",
		    q.buf, error_message(r), p->template);
	jsonpath_go_syntax(obj, &msg);
	strbuf_addstr(&msg, "\n\n\n");
	return error_set(r, "%s", msg.buf);
}
