/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml-glue.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"

#ifdef HAVE_UTIL_YAML
#include "util/json.h"
#include "util/yaml.h"

int yg_split(const char *data, size_t len, char ***ret_docs)
{
	return yaml_split_documents(data, len, ret_docs);
}

int yg_to_json(const char *data, size_t len, bool strict, json_t **ret)
{
	return yaml_to_json(data, len, strict ? YAML_STRICT : 0, ret);
}

int yg_from_json(const json_t *v, struct strbuf *out)
{
	char *y = yaml_from_json(v);
	if (!y)
		return error_set(-EINVAL, "error marshaling into YAML");
	strbuf_addstr(out, y);
	free(y);
	return 0;
}

int yg_json_indent(const json_t *v, struct strbuf *out)
{
	char *j = json_dump_go(v, "", "    ");
	strbuf_addstr(out, j);
	strbuf_addch(out, '\n');
	free(j);
	return 0;
}
#else
/* Fallback: documents are separated by "---" lines and written in JSON. */
int yg_split(const char *data, size_t len, char ***ret_docs)
{
	char **docs = NULL;
	struct strbuf cur = STRBUF_INIT;
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l >= 3 && strneq(p, "---", 3) && (l == 3 || p[3] == ' ')) {
			if (cur.len)
				strv_push(&docs, cur.buf);
			strbuf_reset(&cur);
		} else {
			strbuf_add(&cur, p, l);
			strbuf_addch(&cur, '\n');
		}
		p += l + (nl ? 1 : 0);
	}
	if (cur.len)
		strv_push(&docs, cur.buf);
	strbuf_release(&cur);
	if (!docs)
		docs = xcalloc(1, sizeof(char *));
	*ret_docs = docs;
	return 0;
}

int yg_to_json(const char *data, size_t len, bool strict, json_t **ret)
{
	json_error_t e;
	json_t *j = json_loadb(data, len, JSON_DECODE_ANY | (strict ? JSON_REJECT_DUPLICATES : 0), &e);
	if (!j)
		return error_set(-EINVAL, "yaml: line %d: %s", e.line, e.text);
	*ret = j;
	return 0;
}

int yg_from_json(const json_t *v, struct strbuf *out)
{
	char *s = json_dumps(v, JSON_SORT_KEYS | JSON_INDENT(2));
	strbuf_addstr(out, s);
	strbuf_addch(out, '\n');
	free(s);
	return 0;
}

int yg_json_indent(const json_t *v, struct strbuf *out)
{
	char *s = json_dumps(v, JSON_INDENT(4));
	strbuf_addstr(out, s);
	strbuf_addch(out, '\n');
	free(s);
	return 0;
}
#endif
