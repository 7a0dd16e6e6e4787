#!/usr/bin/env python3
"""The JSON Schemas shipped for editors accept the bundled examples and templates and reject
broken ones. TAP output; skipped when the jsonschema module is missing."""
import copy
import json
import os
import sys

root = sys.argv[1]
try:
    import jsonschema
except ImportError:
    print("1..0 # SKIP python3-jsonschema is not installed")
    sys.exit(0)


def load(*path):
    with open(os.path.join(root, *path), encoding="utf-8") as f:
        return json.load(f)


issue_schema = load("docs", "issue.schema.json")
template_schema = load("docs", "template.schema.json")


def validator(schema):
    cls = jsonschema.Draft202012Validator
    try:
        from referencing import Registry, Resource
        registry = Registry().with_resources([
            ("template.schema.json", Resource.from_contents(template_schema)),
            ("issue.schema.json", Resource.from_contents(issue_schema))])
        return cls(schema, registry=registry)
    except ImportError:  # jsonschema before 4.18
        base = "file:///paiban/schemas/"
        resolver = jsonschema.RefResolver(base, schema, store={
            base + "template.schema.json": template_schema,
            base + "issue.schema.json": issue_schema})
        return cls(schema, resolver=resolver)


n = 0


def check(name, ok):
    global n
    n += 1
    print(("ok" if ok else "not ok") + f" {n} {name}")


issues = validator(issue_schema)
templates = validator(template_schema)
for example in ("front-page", "full-issue"):
    doc = load("examples", example, "issue.json")
    errors = list(issues.iter_errors(doc))
    check(f"examples/{example} is valid", not errors)
    for e in errors[:3]:
        print(f"# {e.message}")
for name in sorted(os.listdir(os.path.join(root, "layouts"))):
    errors = list(templates.iter_errors(load("layouts", name)))
    check(f"layouts/{name} is valid", not errors)

doc = load("examples", "front-page", "issue.json")
bad = copy.deepcopy(doc)
del bad["stories"][0]["headline"]
check("a story without a headline is rejected", not issues.is_valid(bad))
bad = copy.deepcopy(doc)
bad["pages"][0]["items"][0]["colour"] = "red"
check("an unknown item key is rejected", not issues.is_valid(bad))
bad = copy.deepcopy(doc)
bad["pages"][0]["items"][0]["span"] = "six"
check("a span that is not a number is rejected", not issues.is_valid(bad))
tpl = load("layouts", "tabloid.json")
bad = copy.deepcopy(tpl)
bad["styles"]["body"]["weight"] = "extra-heavy-ish"
check("an unknown weight name is rejected", not templates.is_valid(bad))
print(f"1..{n}")
