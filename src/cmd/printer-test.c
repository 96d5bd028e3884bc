/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/printer.h"
#include "util/error.h"
#include "util/flags.h"
#include "util/json.h"
#include "util/strbuf.h"

/* the -o flags of token list, config images list and certs check-expiration */
static const struct flag table[] = {
	{ .name = "allow-missing-template-keys", .type = FLAG_BOOL, .def = "true", .usage = "x" },
	{ .name = "output", .shorthand = 'o', .type = FLAG_STRING, .def = "text", .usage = "x" },
	{ 0 },
};

/* printer_new on "-o <format>" [--allow-missing-template-keys=false]; the error text or "" */
static int new_printer(const char *format, bool refuse_missing, struct printer **ret,
		       char *why, size_t size)
{
	struct flagset fs;
	flagset_init(&fs);
	flagset_add_table(&fs, table, true);
	char *argv[] = { "-o", (char *)format, "--allow-missing-template-keys=false" };
	assert_int_equal(flagset_parse(&fs, argv, refuse_missing ? 3 : 2), 0);
	*ret = NULL;
	int r = printer_new(&fs, ret);
	snprintf(why, size, "%s", r < 0 ? error_message(r) : "");
	error_clear();
	flagset_release(&fs);
	return r;
}

/* two outputapiv1alpha3.BootstrapToken objects as token list prints them, one call each */
static json_t *token(int i)
{
	if (i == 0)
		return json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s,s],s:[s]}", "kind", "BootstrapToken",
				 "apiVersion", "output.kubeadm.k8s.io/v1alpha3", "token",
				 "abcdef.0123456789abcdef", "description", "<made> & \"used\"", "expires",
				 "2026-11-28T09:00:00Z", "usages", "authentication", "signing", "groups",
				 "system:bootstrappers:kubeadm:default-node-token");
	return json_pack("{s:s,s:s,s:s,s:[s]}", "kind", "BootstrapToken", "apiVersion",
			 "output.kubeadm.k8s.io/v1alpha3", "token", "123456.0123456789abcdef", "usages",
			 "signing");
}

/* prints both tokens; returns the first error (the output of the tokens before it is kept) */
static int print_tokens(const char *format, bool refuse_missing, struct strbuf *out, char *why,
			size_t size)
{
	struct printer *p = NULL;
	assert_int_equal(new_printer(format, refuse_missing, &p, why, size), 0);
	assert_false(printer_is_text(p));
	int r = 0;
	for (int i = 0; i < 2 && r >= 0; i++) {
		json_t *o = token(i);
		r = printer_print(p, o, out);
		json_decref(o);
	}
	snprintf(why, size, "%s", r < 0 ? error_message(r) : "");
	error_clear();
	printer_free(p);
	return r;
}

static void expect_tokens(const char *format, const char *want)
{
	struct strbuf out = STRBUF_INIT;
	char why[4096];
	assert_int_equal(print_tokens(format, false, &out, why, sizeof(why)), 0);
	assert_string_equal(out.buf, want);
	strbuf_release(&out);
}

static void test_token_list_formats(void **state)
{
	(void)state;
	expect_tokens("json",
		      "{\n    \"kind\": \"BootstrapToken\",\n    \"apiVersion\": "
		      "\"output.kubeadm.k8s.io/v1alpha3\",\n    \"token\": \"abcdef.0123456789abcdef\",\n"
		      "    \"description\": \"\\u003cmade\\u003e \\u0026 \\\"used\\\"\",\n    \"expires\": "
		      "\"2026-11-28T09:00:00Z\",\n    \"usages\": [\n        \"authentication\",\n"
		      "        \"signing\"\n    ],\n    \"groups\": [\n        "
		      "\"system:bootstrappers:kubeadm:default-node-token\"\n    ]\n}\n"
		      "{\n    \"kind\": \"BootstrapToken\",\n    \"apiVersion\": "
		      "\"output.kubeadm.k8s.io/v1alpha3\",\n    \"token\": \"123456.0123456789abcdef\",\n"
		      "    \"usages\": [\n        \"signing\"\n    ]\n}\n");
	expect_tokens("YAML", "apiVersion: output.kubeadm.k8s.io/v1alpha3\n"
			      "description: <made> & \"used\"\nexpires: \"2026-11-28T09:00:00Z\"\n"
			      "groups:\n- system:bootstrappers:kubeadm:default-node-token\n"
			      "kind: BootstrapToken\ntoken: abcdef.0123456789abcdef\nusages:\n"
			      "- authentication\n- signing\n---\n"
			      "apiVersion: output.kubeadm.k8s.io/v1alpha3\nkind: BootstrapToken\n"
			      "token: 123456.0123456789abcdef\nusages:\n- signing\n");
	expect_tokens("KYAML", "---\n{\n  kind: \"BootstrapToken\",\n  apiVersion: "
			       "\"output.kubeadm.k8s.io/v1alpha3\",\n  token: \"abcdef.0123456789abcdef\",\n"
			       "  description: \"<made> & \\\"used\\\"\",\n  expires: "
			       "\"2026-11-28T09:00:00Z\",\n  usages: [\n    \"authentication\",\n"
			       "    \"signing\",\n  ],\n  groups: [\n    "
			       "\"system:bootstrappers:kubeadm:default-node-token\",\n  ],\n}\n"
			       "---\n{\n  kind: \"BootstrapToken\",\n  apiVersion: "
			       "\"output.kubeadm.k8s.io/v1alpha3\",\n  token: \"123456.0123456789abcdef\",\n"
			       "  usages: [\n    \"signing\",\n  ],\n}\n");
	/* one execution per token: no separator of its own */
	expect_tokens("jsonpath={.token} {.usages} {.description}{\"\\n\"}",
		      "abcdef.0123456789abcdef [\"authentication\",\"signing\"] <made> & \"used\"\n"
		      "123456.0123456789abcdef [\"signing\"] \n");
	expect_tokens("jsonpath={.usages[*]}|", "authentication signing|signing|");
	expect_tokens("jsonpath={.groups[0]}", "system:bootstrappers:kubeadm:default-node-token");
	expect_tokens("jsonpath-as-json={.usages[-1:]}",
		      "[\n    \"signing\"\n]\n[\n    \"signing\"\n]\n");
	expect_tokens("jsonpath={.usages[?(@==\"signing\")]}{\"\\n\"}", "signing\nsigning\n");
}

static void test_jsonpath_file(void **state)
{
	(void)state;
	char path[] = "/tmp/ckubeadm-printer-test.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char tmpl[] = "{range .usages[*]}<{@}>{end}\n";
	assert_int_equal(write(fd, tmpl, sizeof(tmpl) - 1), (ssize_t)(sizeof(tmpl) - 1));
	close(fd);
	char format[64];
	snprintf(format, sizeof(format), "jsonpath-file=%s", path);
	struct printer *p = NULL;
	char why[4096];
	assert_int_equal(new_printer(format, false, &p, why, sizeof(why)), 0);
	unlink(path);
	json_t *o = token(0);
	struct strbuf out = STRBUF_INIT;
	assert_int_equal(printer_print(p, o, &out), 0);
	assert_string_equal(out.buf, "<authentication><signing>\n");
	/* client-go's parser keeps what a range left: the next token fails */
	int r = printer_print(p, o, &out);
	assert_int_equal(r, -EINVAL);
	assert_string_equal(out.buf, "<authentication><signing>\n");
	assert_string_equal(
		error_message(r),
		"error executing jsonpath \"{range .usages[*]}<{@}>{end}\\n\": Error executing template: "
		"not in range, nothing to end. Printing more information for debugging the template:\n"
		"\ttemplate was:\n\t\t{range .usages[*]}<{@}>{end}\n\n"
		"\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"apiVersion\":"
		"\"output.kubeadm.k8s.io/v1alpha3\", \"description\":\"<made> & \\\"used\\\"\", "
		"\"expires\":\"2026-11-28T09:00:00Z\", \"groups\":[]interface {}{\"system:bootstrappers:"
		"kubeadm:default-node-token\"}, \"kind\":\"BootstrapToken\", \"token\":"
		"\"abcdef.0123456789abcdef\", \"usages\":[]interface {}{\"authentication\", "
		"\"signing\"}}\n\n\n");
	error_clear();
	strbuf_release(&out);
	json_decref(o);
	printer_free(p);

	assert_int_equal(new_printer(format, false, &p, why, sizeof(why)), -ENOENT);
	char want[256];
	snprintf(want, sizeof(want),
		 "could not construct output printer: error reading --template %s, open %s: no such "
		 "file or directory",
		 path, path);
	assert_string_equal(why, want);
	assert_true(new_printer("jsonpath-file=/", false, &p, why, sizeof(why)) < 0);
	assert_string_equal(why, "could not construct output printer: error reading --template /, "
				 "read /: is a directory");
}

static void test_missing_keys(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT;
	char why[4096];
	/* allowed by default: nothing printed for the second token */
	assert_int_equal(print_tokens("jsonpath={.description}|", false, &out, why, sizeof(why)), 0);
	assert_string_equal(out.buf, "<made> & \"used\"||");
	strbuf_reset(&out);
	assert_int_equal(print_tokens("jsonpath={.description}|", true, &out, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(out.buf, "<made> & \"used\"|");
	assert_string_equal(why, "error executing jsonpath \"{.description}|\": Error executing "
				 "template: description is not found. Printing more information for "
				 "debugging the template:\n\ttemplate was:\n\t\t{.description}|\n"
				 "\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"
				 "\"apiVersion\":\"output.kubeadm.k8s.io/v1alpha3\", \"kind\":"
				 "\"BootstrapToken\", \"token\":\"123456.0123456789abcdef\", \"usages\":"
				 "[]interface {}{\"signing\"}}\n\n\n");
	strbuf_release(&out);
}

static void test_refused(void **state)
{
	(void)state;
	struct printer *p = NULL;
	char why[4096];
	assert_int_equal(new_printer("text", false, &p, why, sizeof(why)), 0);
	assert_true(printer_is_text(p));
	p = printer_free(p);
	static const char *const no_template[] = { "jsonpath", "jsonpath=", "jsonpath-as-json",
						   "jsonpath-file=" };
	for (size_t i = 0; i < sizeof(no_template) / sizeof(*no_template); i++) {
		assert_int_equal(new_printer(no_template[i], false, &p, why, sizeof(why)), -EINVAL);
		assert_string_equal(why, "could not construct output printer: template format "
					 "specified but no template given");
	}
	static const char *const unmatched[][2] = {
		{ "Text", "\"Text\"" },
		{ "go-template={{.kind}}", "\"go-template={{.kind}}\"" },
		{ "kyamll", "\"kyamll\"" },
		{ "jsonpath-as-yaml={.a}", "\"jsonpath-as-yaml={.a}\"" },
		{ "", "\"\"" },
		{ "a\tb", "\"a\\tb\"" },
	};
	for (size_t i = 0; i < sizeof(unmatched) / sizeof(*unmatched); i++) {
		assert_int_equal(new_printer(unmatched[i][0], false, &p, why, sizeof(why)), -EINVAL);
		char want[512];
		snprintf(want, sizeof(want),
			 "could not construct output printer: unable to match a printer suitable for "
			 "the output format %s, allowed formats are: go-template,go-template-file,json,"
			 "jsonpath,jsonpath-as-json,jsonpath-file,kyaml,template,templatefile,text,yaml",
			 unmatched[i][1]);
		assert_string_equal(why, want);
	}
	assert_int_equal(new_printer("jsonpath={.usages[}", false, &p, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "could not construct output printer: error parsing jsonpath "
				 "{.usages[}, unterminated array");
	assert_int_equal(new_printer("jsonpath-as-json={.a}{", false, &p, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "could not construct output printer: error parsing jsonpath "
				 "{.a}{, unclosed action");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_list_formats),
		cmocka_unit_test(test_jsonpath_file),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
