/* SPDX-License-Identifier: Apache-2.0 */
/* The phase engine: order, filters, --skip-phases, dependencies, errors and help text. */
#include "util/testing.h"

#include <string.h>

#include "phases/workflow.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/strv.h"

struct run_ctx {
	struct strbuf log;
	const char *fail;
};

#define PHASE_FN(fn, nm)                                                                           \
	static int fn(struct run_ctx *c)                                                           \
	{                                                                                          \
		strbuf_addstr(&c->log, nm " ");                                                    \
		if (c->fail && streq(c->fail, nm))                                                 \
			return error_set(-EIO, "boom");                                            \
		return 0;                                                                          \
	}
PHASE_FN(run_pre, "preflight")
PHASE_FN(run_certs, "certs")
PHASE_FN(run_ca, "certs/ca")
PHASE_FN(run_sa, "certs/sa")
PHASE_FN(run_show, "show")

static int skip_if(struct run_ctx *c)
{
	return 0;
}

static const char *const deps_show[] = { "certs", NULL };

static const struct phase certs_children[] = {
	{ .name = "all", .short_desc = "Run all", .run_all_siblings = true },
	{ .name = "ca", .short_desc = "The CA", .run = run_ca },
	{ .name = "sa", .short_desc = "The SA key", .run = run_sa },
	{ .name = "hidden", .short_desc = "never shown", .hidden = true, .run_if = skip_if,
	  .run = run_sa },
	{ 0 },
};

static const struct phase tree[] = {
	{ .name = "preflight", .short_desc = "Checks", .run = run_pre },
	{ .name = "certs", .short_desc = "Certificates", .run = run_certs,
	  .children = certs_children },
	{ .name = "show-join Command", .short_desc = "Show", .run = run_show,
	  .dependencies = deps_show },
	{ 0 },
};

static const struct workflow wf = { .name = "init", .phases = tree };

static int run(const char *filter, const char *skip, const char *fail, struct strbuf *log)
{
	struct run_ctx c = { .log = STRBUF_INIT, .fail = fail };
	struct run_ctx *data = &c;
	struct workflow_options o = { .filter = filter,
				      .skip = skip ? strv_split(skip, ',', true) : NULL };
	int r = workflow_run(&wf, &o, NULL, NULL, &data);
	strv_free(o.skip);
	strbuf_addstr(log, c.log.buf);
	strbuf_release(&c.log);
	return r;
}

static void test_help(void **state)
{
	char *h = workflow_help(&wf, "init");
	assert_string_equal(h, "The \"init\" command executes the following phases:\n```\n"
			       "preflight  Checks\n"
			       "certs      Certificates\n"
			       "  /ca        The CA\n"
			       "  /sa        The SA key\n"
			       "show-join  Show\n"
			       "```");
	free(h);
}

static void test_run(void **state)
{
	struct strbuf log = STRBUF_INIT;
	assert_int_equal(run(NULL, NULL, NULL, &log), 0);
	assert_string_equal(log.buf, "preflight certs certs/ca certs/sa show ");
	strbuf_reset(&log);
	assert_int_equal(run("certs", NULL, NULL, &log), 0);
	assert_string_equal(log.buf, "certs certs/ca certs/sa ");
	strbuf_reset(&log);
	assert_int_equal(run("certs/ca", NULL, NULL, &log), 0);
	assert_string_equal(log.buf, "certs/ca ");
	strbuf_reset(&log);
	assert_int_equal(run(NULL, "certs/sa,preflight", NULL, &log), 0);
	assert_string_equal(log.buf, "certs certs/ca show ");
	strbuf_reset(&log);
	assert_int_equal(run(NULL, "foo", NULL, &log), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "invalid phase name: foo");
	assert_string_equal(log.buf, "");
	assert_int_equal(run(NULL, "certs", NULL, &log), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "unresolved dependencies:\n\tmissing [certs] phase(s) needed by \"show-join Command\" phase");
	strbuf_reset(&log);
	assert_int_equal(run(NULL, NULL, "certs/ca", &log), -EIO);
	assert_string_equal(error_message(-EIO), "error execution phase certs/ca: boom");
	assert_string_equal(log.buf, "preflight certs certs/ca ");
	strbuf_release(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
