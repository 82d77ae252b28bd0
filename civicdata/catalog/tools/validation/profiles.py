"""Validation profiles: which shipped schema applies, compiled once per process, and profile detection.

All `$ref`s resolve against the JSON files in ``civicdata/catalog/schemas``; nothing is fetched.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import fastjsonschema
import jsonschema
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
POD_V11_URI = "https://project-open-data.cio.gov/v1.1/schema"
_POD_V11_BASE = POD_V11_URI + "/"
_POD_V10_BASE = "http://project-open-data.github.io/schema/1_0_final/"


@dataclass(frozen=True, slots=True)
class ProfileSpec:
    """Where a profile's schemas live and how datasets sit inside its catalog."""

    name: str
    label: str
    folder: str
    catalog_file: str
    base_uri: str
    draft: str  # "4" or "2020-12"
    root_is_list: bool = False
    federal: bool = False


PROFILES: dict[str, ProfileSpec] = {
    "federal-v1.1": ProfileSpec(
        "federal-v1.1", "DCAT-US v1.1 (federal)", "pod-v1.1", "catalog.json", _POD_V11_BASE, "4", federal=True
    ),
    "federal-v1.1-edi": ProfileSpec(
        "federal-v1.1-edi",
        "DCAT-US v1.1 (federal Enterprise Data Inventory, [[REDACTED]] values allowed)",
        "federal-v1.1-edi",
        "catalog.json",
        _POD_V11_BASE,
        "4",
        federal=True,
    ),
    "non-federal-v1.1": ProfileSpec(
        "non-federal-v1.1", "DCAT-US v1.1 (non-federal)", "non-federal-v1.1", "catalog.json", _POD_V11_BASE, "4"
    ),
    "v1.0": ProfileSpec(
        "v1.0", "Project Open Data v1.0", "v1.0", "catalog.json", _POD_V10_BASE, "4", root_is_list=True
    ),
    "dcat-us-3": ProfileSpec(
        "dcat-us-3",
        "DCAT-US 3.0",
        "dcat-us-3",
        "Catalog.json",
        "https://resources.data.gov/dcat-us/3.0.0/definitions/",
        "2020-12",
    ),
}


class LazyChecks:
    """Per-property compiled checks, generated the first time a property fails.

    Compiling all of them up front would cost seconds for DCAT-US 3.0 (sixty properties, each
    pulling in the whole definition graph) although most catalogs never need one.
    """

    def __init__(self, schemas: dict[str, dict[str, Any]], compiler: Callable[[dict[str, Any]], Any]) -> None:
        self._schemas = schemas
        self._compiler = compiler
        self._compiled: dict[str, Callable[[Any], Any]] = {}

    def __bool__(self) -> bool:
        return bool(self._schemas)

    def names(self) -> list[str]:
        return list(self._schemas)

    def get(self, prop: str) -> Callable[[Any], Any]:
        check = self._compiled.get(prop)
        if check is None:
            check = self._compiled[prop] = self._compiler(self._schemas[prop])
        return check


@dataclass(frozen=True, slots=True)
class CompiledProfile:
    """Schemas of one profile, ready to run.

    ``shell_*`` check the catalog without its datasets (the dataset list only has to be a list);
    ``item_*`` check one dataset. Together they are equivalent to the full catalog schema, because
    the catalog's ``items`` schema is the dataset schema and nothing else constrains the list.
    """

    spec: ProfileSpec
    shell_schema: dict[str, Any]
    item_schema: dict[str, Any]
    shell_fast: Callable[[Any], Any]
    item_fast: Callable[[Any], Any]
    shell_full: jsonschema.protocols.Validator
    item_full: jsonschema.protocols.Validator
    # one compiled fast check per top-level dataset property, to find which parts failed
    property_fast: LazyChecks
    # the dataset object schema without its properties (type, required), for root-level errors
    top_full: jsonschema.protocols.Validator


def _load_folder(folder: str) -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted((SCHEMA_DIR / folder).glob("*.json"))}


def load_codes(kind: str) -> dict[str, dict[str, str]]:
    """Return the shipped OMB code list ``bureau`` or ``program`` as {code: names}."""
    return _codes(kind)


@functools.cache
def _codes(kind: str) -> dict[str, dict[str, str]]:
    name = {"bureau": "bureau_codes.json", "program": "program_codes.json"}[kind]
    return json.loads((SCHEMA_DIR / "codes" / name).read_text(encoding="utf-8"))["codes"]


def _file_uri(spec: ProfileSpec, fname: str, schema: dict[str, Any]) -> str:
    declared = schema.get("id") or schema.get("$id")
    return (declared or spec.base_uri + fname).split("#", 1)[0]


def _as_draft7(schema: dict[str, Any]) -> dict[str, Any]:
    # fastjsonschema knows drafts 4, 6 and 7.  The DCAT-US 3.0 definitions are marked 2020-12 but
    # use only keywords whose meaning is the same in draft 7 (no $ref siblings, no
    # unevaluated*/prefixItems/$dynamicRef); a test guards that assumption.
    out = dict(schema)
    out["$schema"] = "http://json-schema.org/draft-07/schema#"
    return out


@functools.cache
def compiled_profile(name: str) -> CompiledProfile:
    """Load and compile a profile's schemas once per process (the expensive part is code generation)."""
    spec = PROFILES[name]
    files = _load_folder(spec.folder)
    store = {_file_uri(spec, fname, schema): schema for fname, schema in files.items()}
    catalog = files[spec.catalog_file]
    catalog_uri = _file_uri(spec, spec.catalog_file, catalog)
    modern = spec.draft == "2020-12"
    fast_store = {uri: _as_draft7(s) for uri, s in store.items()} if modern else store

    def handler(uri: str) -> dict[str, Any]:
        # fastjsonschema asks for every remote $ref: answer from the shipped files, never the network.
        key = uri.split("#", 1)[0]
        if key in fast_store:
            return fast_store[key]
        raise LookupError(f"schema {uri} is not shipped with civicdata")

    handlers = {"https": handler, "http": handler}
    if spec.draft == "4":
        resource = DRAFT4.create_resource
        validator_cls: type = jsonschema.Draft4Validator
    else:
        resource = DRAFT202012.create_resource
        validator_cls = jsonschema.Draft202012Validator
    registry: Registry = Registry().with_resources((uri, resource(s)) for uri, s in store.items())

    id_key = "id" if spec.draft == "4" else "$id"
    if spec.root_is_list:
        list_schema = catalog
        shell_schema = {k: v for k, v in catalog.items() if k != "items"}
    else:
        list_schema = catalog["properties"]["dataset"]
        shell_schema = copy.deepcopy(catalog)
        shell_schema["properties"]["dataset"] = {k: v for k, v in list_schema.items() if k != "items"}
    # A distinct id so the shell never shadows the real catalog schema in a resolver.
    shell_schema[id_key] = catalog_uri.rsplit("/", 1)[0] + "/civicdata-shell-" + catalog_uri.rsplit("/", 1)[1]
    item_schema = store[urljoin(catalog_uri, list_schema["items"]["$ref"]).split("#", 1)[0]]

    def fast(schema: dict[str, Any]) -> Callable[[Any], Any]:
        return _compile_fast(_as_draft7(schema) if modern else schema, handlers)

    item_top = {k: v for k, v in item_schema.items() if k != "properties"}
    property_schemas: dict[str, dict[str, Any]] = {}
    # Per-property checks only work when the dataset schema is a plain object schema whose
    # properties are independent (true for every shipped dataset schema).
    independent = not {"patternProperties", "additionalProperties", "dependencies", "allOf", "anyOf", "oneOf"} & set(
        item_schema
    )
    if "properties" in item_schema and independent:
        for prop, sub in item_schema["properties"].items():
            holder = {k: v for k, v in item_schema.items() if k in ("$schema", "$defs", "definitions")}
            holder[id_key] = item_schema[id_key].split("#", 1)[0] + "-civicdata-" + prop
            holder["properties"] = {prop: sub}
            property_schemas[prop] = holder

    return CompiledProfile(
        spec=spec,
        shell_schema=shell_schema,
        item_schema=item_schema,
        shell_fast=fast(shell_schema),
        item_fast=fast(item_schema),
        shell_full=validator_cls(shell_schema, registry=registry),
        item_full=validator_cls(item_schema, registry=registry),
        property_fast=LazyChecks(property_schemas, fast),
        top_full=validator_cls(item_top, registry=registry),
    )


# fastjsonschema formats every nested object's name with ``str.format(**locals())`` even when
# the object is valid; on real catalogs that is half the run time.  We only use the fast path
# for its verdict (messages come from jsonschema), so the generated code passes the parent
# name through instead.  The replacement is checked to apply, so a fastjsonschema upgrade that
# changes the generated code cannot silently change behaviour, only speed.
_NAME_FORMAT_RE = re.compile(r'custom_formats, \(name_prefix or "data"\) \+ "[^"]*"\.format\(\*\*locals\(\)\)\)')


def _compile_fast(schema: dict[str, Any], handlers: dict[str, Callable[[str], Any]]) -> Callable[[Any], Any]:
    code = fastjsonschema.compile_to_code(
        schema, handlers=handlers, use_default=False, use_formats=False, detailed_exceptions=True
    )
    code = _NAME_FORMAT_RE.sub("custom_formats, name_prefix)", code)
    namespace: dict[str, Any] = {}
    exec(compile(code, "<fastjsonschema>", "exec"), namespace)  # noqa: S102 - code generated from our own schema files
    func_names = [k for k in namespace if k.startswith("validate")]
    # compile_to_code puts the root validator first; the generated module names it after the schema id.
    root = _root_function_name(code)
    return namespace[root] if root in namespace else namespace[func_names[0]]


def _root_function_name(code: str) -> str:
    match = re.search(r"^def (validate\w*)\(", code, re.MULTILINE)
    return match.group(1) if match else "validate"


def detect_profile(doc: Any) -> tuple[str, str]:
    """Guess the profile of a parsed document; returns (profile name, explanation)."""
    if isinstance(doc, list):
        return "v1.0", "The catalog is a list of entries, as in Project Open Data v1.0."
    if not isinstance(doc, dict):
        return "federal-v1.1", "The document is not a catalog object; checked against DCAT-US v1.1."
    conforms = doc.get("conformsTo")
    context = doc.get("@context")
    context_text = json.dumps(context) if isinstance(context, (dict, list)) else str(context or "")
    if (
        isinstance(conforms, dict)
        or (isinstance(conforms, str) and "dcat-us/3" in conforms.lower())
        or "dcat-us/3" in context_text.lower()
        or doc.get("@type") == "Catalog"
    ):
        return "dcat-us-3", "The catalog looks like DCAT-US 3.0 (conformsTo / @type)."
    datasets = doc.get("dataset")
    has_federal_codes = isinstance(datasets, list) and any(
        isinstance(d, dict) and ("bureauCode" in d or "programCode" in d) for d in datasets
    )
    if conforms == POD_V11_URI:
        if isinstance(datasets, list) and datasets and not has_federal_codes:
            return (
                "non-federal-v1.1",
                (
                    "conformsTo names DCAT-US v1.1 and no dataset has a bureauCode or programCode, "
                    "so the non-federal rules apply."
                ),
            )
        return "federal-v1.1", "conformsTo names DCAT-US v1.1 and datasets carry federal codes."
    return "federal-v1.1", "No recognised conformsTo; checked against DCAT-US v1.1 (federal)."
