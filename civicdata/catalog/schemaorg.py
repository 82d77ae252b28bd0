"""schema.org `Dataset` JSON-LD for a dataset page, so search engines can index the catalog."""

from __future__ import annotations

from typing import Any


def schema_org_dataset(dataset: dict[str, Any], *, url: str) -> dict[str, Any]:
    """The schema.org Dataset description of a POD dataset object shown at `url`."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": dataset.get("title") if isinstance(dataset.get("title"), str) else str(dataset.get("title", "")),
        "description": dataset.get("description") if isinstance(dataset.get("description"), str) else "",
        "url": url,
    }
    if isinstance(dataset.get("identifier"), str):
        data["identifier"] = dataset["identifier"]
    keywords = dataset.get("keyword")
    if isinstance(keywords, list):
        data["keywords"] = [k for k in keywords if isinstance(k, str)]
    for source, target in (
        ("modified", "dateModified"),
        ("issued", "datePublished"),
        ("license", "license"),
        ("temporal", "temporalCoverage"),
        ("landingPage", "sameAs"),
    ):
        if isinstance(dataset.get(source), str):
            data[target] = dataset[source]
    if isinstance(dataset.get("spatial"), str):
        data["spatialCoverage"] = dataset["spatial"]
    publisher = dataset.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        data["publisher"] = {"@type": "Organization", "name": publisher["name"]}
    contact = dataset.get("contactPoint")
    if isinstance(contact, dict):
        point: dict[str, Any] = {"@type": "ContactPoint", "contactType": "data steward"}
        if isinstance(contact.get("fn"), str):
            point["name"] = contact["fn"]
        email = contact.get("hasEmail")
        if isinstance(email, str) and email:
            point["email"] = email.removeprefix("mailto:")
        # schema.org hangs contact points off the organisation, not the dataset.
        if "publisher" in data:
            data["publisher"]["contactPoint"] = point
    if dataset.get("accessLevel") in ("public", "restricted public"):
        data["isAccessibleForFree"] = dataset.get("accessLevel") == "public"
    downloads = []
    for dist in dataset.get("distribution") or []:
        if not isinstance(dist, dict):
            continue
        link = dist.get("downloadURL") or dist.get("accessURL")
        if not isinstance(link, str):
            continue
        item: dict[str, Any] = {"@type": "DataDownload", "contentUrl": link}
        if isinstance(dist.get("mediaType"), str):
            item["encodingFormat"] = dist["mediaType"]
        elif isinstance(dist.get("format"), str):
            item["encodingFormat"] = dist["format"]
        if isinstance(dist.get("title"), str):
            item["name"] = dist["title"]
        downloads.append(item)
    if downloads:
        data["distribution"] = downloads
    return data
