"""Validation profiles: which shipped schema applies, compiled once per process, and profile detection.

All `$ref`s resolve against the JSON files in ``civicdata/catalog/schemas``; nothing is fetched.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import jsonschema_rs

if TYPE_CHECKING:
    import jsonschema

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
    """Per-property compiled checks, built the first time a property fails.

    Most catalogs never need one, so none is built up front.
    """

    def __init__(self, schemas: dict[str, dict[str, Any]], compiler: Callable[[dict[str, Any]], Any]) -> None:
        self._schemas = schemas
        self._compiler = compiler
        self._compiled: dict[str, Callable[[Any], bool]] = {}

    def __bool__(self) -> bool:
        return bool(self._schemas)

    def names(self) -> list[str]:
        return list(self._schemas)

    def get(self, prop: str) -> Callable[[Any], bool]:
        check = self._compiled.get(prop)
        if check is None:
            check = self._compiled[prop] = self._compiler(self._schemas[prop])
        return check


# Python jsonschema follows a recursive schema with a dozen stack frames per level and overflows near
# 250 levels; jsonschema-rs does not. A value nested deeper than this along the schema's recursion is
# reported as schema.too_deep (as the reference cannot check it), whatever jsonschema-rs says.
MAX_SCHEMA_DEPTH = 100


def _publisher_chain_too_deep(ds: Any) -> bool:
    """v1.1: the only recursion is publisher.subOrganizationOf; follow that chain (a few lookups)."""
    node = ds.get("publisher") if type(ds) is dict else None
    depth = 0
    while type(node) is dict:
        depth += 1
        if depth > MAX_SCHEMA_DEPTH:
            return True
        node = node.get("subOrganizationOf")
    return False


def _nested_too_deep(ds: Any) -> bool:
    """DCAT-US 3.0 recurses in many places: measure the nesting of every object and list."""
    level = [ds]
    for _ in range(MAX_SCHEMA_DEPTH + 1):
        below: list[Any] = []
        for node in level:
            children = node.values() if type(node) is dict else node if type(node) is list else ()
            below.extend(c for c in children if type(c) is dict or type(c) is list)
        if not below:
            return False
        level = below
    return True


def _no_recursion(ds: Any) -> bool:
    return False


class CompiledProfile:
    """Schemas of one profile, ready to run.

    ``shell_*`` check the catalog without its datasets (the dataset list only has to be a list);
    ``item_*`` check one dataset. Together they are equivalent to the full catalog schema, because
    the catalog's ``items`` schema is the dataset schema and nothing else constrains the list.
    ``*_valid`` are jsonschema-rs verdicts (True or False, never an exception); ``*_full`` are the
    Python jsonschema validators that list every error with its path, built on first use because
    only catalogs with errors need them.
    """

    def __init__(
        self,
        *,
        spec: ProfileSpec,
        shell_schema: dict[str, Any],
        item_schema: dict[str, Any],
        property_schemas: dict[str, dict[str, Any]],
        store: dict[str, dict[str, Any]],
    ) -> None:
        self.spec = spec
        self.shell_schema = shell_schema
        self.item_schema = item_schema
        self._store = store
        rs_cls = jsonschema_rs.Draft4Validator if spec.draft == "4" else jsonschema_rs.Draft202012Validator
        rs_registry = jsonschema_rs.Registry(list(store.items()))

        def compile_valid(schema: dict[str, Any]) -> Callable[[Any], bool]:
            # Formats are not checked, as in jsonschema without a format checker; every $ref resolves
            # through the registry of shipped files (a missing one fails here, never over the network).
            return rs_cls(schema, registry=rs_registry, validate_formats=False).is_valid

        self.shell_valid = compile_valid(shell_schema)
        self.item_valid = compile_valid(item_schema)
        # one check per top-level dataset property, to find which parts of a failing dataset failed
        self.property_valid = LazyChecks(property_schemas, compile_valid)
        # (property, its value as JSON) -> the reference validator's errors for it (see engine.py)
        self.property_errors: dict[tuple[str, bytes], list[Any]] = {}
        if spec.draft != "4":
            self.too_deep: Callable[[Any], bool] = _nested_too_deep
        else:
            self.too_deep = _no_recursion if spec.root_is_list else _publisher_chain_too_deep

    @functools.cached_property
    def _full_validator(self) -> Callable[[dict[str, Any]], jsonschema.protocols.Validator]:
        # Python jsonschema is imported here: a catalog without errors never needs it.
        import jsonschema
        from referencing import Registry
        from referencing.jsonschema import DRAFT4, DRAFT202012

        if self.spec.draft == "4":
            resource, validator_cls = DRAFT4.create_resource, jsonschema.Draft4Validator
        else:
            resource, validator_cls = DRAFT202012.create_resource, jsonschema.Draft202012Validator
        registry: Registry = Registry().with_resources((uri, resource(s)) for uri, s in self._store.items())
        return lambda schema: validator_cls(schema, registry=registry)

    @functools.cached_property
    def shell_full(self) -> jsonschema.protocols.Validator:
        return self._full_validator(self.shell_schema)

    @functools.cached_property
    def item_full(self) -> jsonschema.protocols.Validator:
        return self._full_validator(self.item_schema)

    @functools.cached_property
    def top_full(self) -> jsonschema.protocols.Validator:
        """The dataset object schema without its properties (type, required), for root-level errors."""
        return self._full_validator({k: v for k, v in self.item_schema.items() if k != "properties"})


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


@functools.cache
def compiled_profile(name: str) -> CompiledProfile:
    """Load and compile a profile's schemas once per process."""
    spec = PROFILES[name]
    files = _load_folder(spec.folder)
    store = {_file_uri(spec, fname, schema): schema for fname, schema in files.items()}
    catalog = files[spec.catalog_file]
    catalog_uri = _file_uri(spec, spec.catalog_file, catalog)

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
        spec=spec, shell_schema=shell_schema, item_schema=item_schema, property_schemas=property_schemas, store=store
    )


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
