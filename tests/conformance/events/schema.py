#!/usr/bin/env python3
"""A small JSON Schema (2020-12) validator for the subset docs/schemas/*.json use: type, const,
enum, required, properties, items, prefixItems, minItems, minimum, minLength, pattern, allOf, if/then, $ref to
#/$defs. When the jsonschema package is installed, its verdict must agree with ours.

  schema.py SCHEMA FILE...   validates each FILE: a JSON document, or JSON Lines (.jsonl)
"""
import json
import re
import sys

TYPES = {
    "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
}


def _is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, TYPES[t])


def _errors(v, s, root, path):
    if "$ref" in s:
        ref = s["$ref"]
        assert ref.startswith("#/$defs/"), ref
        yield from _errors(v, root["$defs"][ref[len("#/$defs/"):]], root, path)
    if "type" in s:
        ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(_is_type(v, t) for t in ts):
            yield "%s: %r is not of type %s" % (path or "/", v, s["type"])
            return
    if "const" in s and v != s["const"]:
        yield "%s: %r is not %r" % (path or "/", v, s["const"])
    if "enum" in s and v not in s["enum"]:
        yield "%s: %r is not one of %s" % (path or "/", v, s["enum"])
    if isinstance(v, str):
        if "minLength" in s and len(v) < s["minLength"]:
            yield "%s: shorter than %d" % (path or "/", s["minLength"])
        if "pattern" in s and not re.search(s["pattern"], v):
            yield "%s: %r does not match %s" % (path or "/", v, s["pattern"])
    if _is_type(v, "number") and "minimum" in s and v < s["minimum"]:
        yield "%s: %r is less than %r" % (path or "/", v, s["minimum"])
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                yield "%s: %r is required" % (path or "/", k)
        for k, sub in s.get("properties", {}).items():
            if k in v:
                yield from _errors(v[k], sub, root, path + "/" + k)
        if s.get("additionalProperties") is False:
            for k in v:
                if k not in s.get("properties", {}):
                    yield "%s: unexpected %r" % (path or "/", k)
    if isinstance(v, list) and "minItems" in s and len(v) < s["minItems"]:
        yield "%s: fewer than %d items" % (path or "/", s["minItems"])
    if isinstance(v, list):
        for i, sub in enumerate(s.get("prefixItems", [])[:len(v)]):
            yield from _errors(v[i], sub, root, "%s/%d" % (path, i))
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            yield from _errors(x, s["items"], root, "%s/%d" % (path, i))
    for sub in s.get("allOf", []):
        yield from _errors(v, sub, root, path)
    if "if" in s and not list(_errors(v, s["if"], root, path)) and "then" in s:
        yield from _errors(v, s["then"], root, path)


def validate(doc, schema):
    """The list of problems of doc against schema (empty when valid)."""
    errs = list(_errors(doc, schema, schema, ""))
    try:
        import jsonschema
    except ImportError:
        return errs
    theirs = not jsonschema.Draft202012Validator(schema).is_valid(doc)
    if theirs != bool(errs):
        errs.append("the jsonschema package disagrees (it says %s)" % ("invalid" if theirs else "valid"))
    return errs


def main(argv):
    schema = json.load(open(argv[1]))
    bad = 0
    for f in argv[2:]:
        text = open(f, encoding="utf-8").read()
        docs = [json.loads(l) for l in text.splitlines() if l] if f.endswith(".jsonl") else [json.loads(text)]
        for i, d in enumerate(docs):
            for e in validate(d, schema):
                print("%s:%d: %s" % (f, i + 1, e))
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
