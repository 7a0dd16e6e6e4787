#!/usr/bin/env python3
"""The JSON Schemas shipped for editors list the keys the loader knows, accept the bundled
examples and templates and reject broken ones. TAP output.

Usage: test-schemas.py SOURCE_ROOT DUMP_KEYS
DUMP_KEYS is tests/dump-keys.c built: it prints the loader's tables of known keys. The
validation checks are skipped when the jsonschema module is missing."""
import copy
import json
import os
import subprocess
import sys

root, dump_keys = sys.argv[1], sys.argv[2]


def load(*path):
    with open(os.path.join(root, *path), encoding="utf-8") as f:
        return json.load(f)


issue_schema = load("docs", "issue.schema.json")
template_schema = load("docs", "template.schema.json")

n = 0


def check(name, ok):
    global n
    n += 1
    print(("ok" if ok else "not ok") + f" {n} {name}")


# Where the schemas describe each kind of object the loader reads (the kinds are named as in
# the loader's warnings about unknown keys).
schema_of_kind = {
    "issue": {
        "issue": "",
        "masthead": "/properties/masthead",
        "story": "/$defs/story",
        "photo": "/$defs/photo",
        "page": "/$defs/page",
        "item": "/$defs/item",
        "item photo": "/$defs/item/properties/photo",
        "pool entry": "/$defs/poolEntry/oneOf/1",
        "pin": "/$defs/poolEntry/oneOf/1/properties/pin",
        "section": "/$defs/section",
        "item box": "/$defs/item/properties/box/oneOf/1",
        "inset photo": "/$defs/item/properties/inset_photos/items",
        "pull quote": "/$defs/item/properties/pull_quotes/items",
        "guide": "/$defs/guide",
        "guide entry": "/$defs/guide/properties/entries/items",
    },
    "template": {
        "template": "",
        "trim": "/properties/trim",
        "margins": "/properties/margins",
        "columns": "/properties/columns",
        "styles": "/properties/styles",
        "style": "/$defs/style",
        "headline style": "/$defs/headlineStyle",
        "spot colour": "/properties/spot_colors/additionalProperties",
    },
}
schemas = {"issue": issue_schema, "template": template_schema}


def at(schema, pointer):
    for part in pointer.split("/")[1:]:
        schema = schema[int(part)] if isinstance(schema, list) else schema[part]
    return schema


def closed_objects(node, pointer=""):
    """Pointers of the schema's objects that allow only the keys they list."""
    if isinstance(node, dict):
        if "properties" in node and node.get("additionalProperties") is False:
            yield pointer
        for key, value in node.items():
            yield from closed_objects(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from closed_objects(value, f"{pointer}/{i}")


known = json.loads(subprocess.run([dump_keys], check=True, capture_output=True,
                                  text=True).stdout)
for doc, kinds in schema_of_kind.items():
    check(f"the loader reads the same kinds of {doc} objects as listed here",
          sorted(known[doc]) == sorted(kinds))
    for kind in sorted(set(known[doc]) - set(kinds)):
        print(f"# the loader's {doc} kind \"{kind}\" has no schema here")
    closed = set(closed_objects(schemas[doc]))
    check(f"every closed object of docs/{doc}.schema.json is a kind the loader reads",
          closed == set(kinds.values()))
    for pointer in sorted(closed - set(kinds.values())):
        print(f"# \"{pointer or '/'}\" of the schema is not listed here")
    for kind, pointer in sorted(kinds.items()):
        loader = set(known[doc].get(kind, []))
        schema = set(at(schemas[doc], pointer)["properties"])
        check(f"{doc} {kind}: the loader and the schema know the same keys", loader == schema)
        for key in sorted(loader - schema):
            print(f"# \"{key}\" is known to the loader only")
        for key in sorted(schema - loader):
            print(f"# \"{key}\" is in the schema only")

try:
    import jsonschema
except ImportError:
    print("# python3-jsonschema is not installed: the validation checks are skipped")
    print(f"1..{n}")
    sys.exit(0)


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


issues = validator(issue_schema)
templates = validator(template_schema)
for example, plan in (("front-page", "issue.json"), ("front-page", "broadsheet.json"),
                      ("full-issue", "issue.json"), ("full-issue", "broadsheet.json"),
                      ("desk", "issue.json"),
                      ("auto-makeup", "issue.json")):
    doc = load("examples", example, plan)
    errors = list(issues.iter_errors(doc))
    check(f"examples/{example}/{plan} is valid", not errors)
    for e in errors[:3]:
        print(f"# {e.message}")
for name in sorted(os.listdir(os.path.join(root, "layouts"))):
    errors = list(templates.iter_errors(load("layouts", name)))
    check(f"layouts/{name} is valid", not errors)
errors = list(templates.iter_errors(load("examples", "desk", "desk.json")))
check("examples/desk/desk.json is valid", not errors)
for e in errors[:3]:
    print(f"# {e.message}")

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
