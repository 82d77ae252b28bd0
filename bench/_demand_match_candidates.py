"""Candidate request/dataset pairs for the demand-matching labelled set (not run in CI).

Writes the pairs to label for `civicdata/demand/tests/data/match_pairs.csv` (docs/demand.md, "How the
threshold is fitted"). For every request in `REQUESTS` (real LA 311 request types and USDA APHIS FOIA
log subjects, personal names left out) it takes, from the real catalogs in ../shared/realdata/datajson:

- ``top``: the 5 datasets the term overlap ranks highest, unweighted (score, then the ungated overlap;
  the scorer before rarity weights, which proposed the committed pairs);
- ``one-word``: 3 datasets sharing exactly one word with the request in their title or keywords
  (hard negatives: what the two-word rule is for);
- ``random``: 2 datasets drawn at random;
- ``search``: datasets a person found by searching titles for the request's subject (`SEARCHES`), so
  that answers the scorer misses are in the set and recall is not measured only on what it found.

Seeded (``random.Random(11)``), so a rerun gives the same candidates. Labels and reasons are added by
hand in the committed CSV; this tool only proposes pairs::

    .venv/bin/python bench/_demand_match_candidates.py > /tmp/candidates.csv

With ``--term-counts`` it writes instead how many of the catalogs' datasets use each term of the
labelled requests (`matching.Rarity` over all 5,222 datasets, cut to the requests' terms), the table the
tests weigh the labelled pairs with (``civicdata/demand/tests/data/catalog_term_counts.json``)::

    .venv/bin/python bench/_demand_match_candidates.py --term-counts \
        > civicdata/demand/tests/data/catalog_term_counts.json
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from civicdata.demand import matching

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
CATALOGS = [
    *sorted((REALDATA / "datajson" / "federal_agencies_2025-02").glob("*.json")),
    REALDATA / "datajson" / "hhs" / "healthdata.gov.data.2021-08-01.json",
    REALDATA / "datajson" / "datagov-harvester_fixtures" / "dcatus_with_none.json",
    REALDATA / "datajson" / "ckanext-datajson_samples" / "usda.gov.data.json",
]
LA311 = "la311/MyLA311_2020_requests_seed.csv"
FOIA = "usda_aphis_foia_log_2010-2015_MERGED_normalized.csv"

#: (request text, source file). LA 311 request types as residents pick them; FOIA subjects verbatim,
#: only ones that name no person.
REQUESTS: list[tuple[str, str]] = [
    *(
        (kind, LA311)
        for kind in [
            "Bulky Items",
            "Graffiti Removal",
            "Illegal Dumping Pickup",
            "Metal/Household Appliances",
            "Homeless Encampment",
            "Electronic Waste",
            "Dead Animal Removal",
            "Single Streetlight Issue",
            "Multiple Streetlight Issue",
            "Report Water Waste",
        ]
    ),
    *(
        (text, FOIA)
        for text in [
            "Requesting Congressional correspondence logs from 2005 to present.",
            (
                "Requesting FOIA logs from March 1, 2013, thru February 5, 2014. (Date Range for Record Search: "
                "From 03/01/2013 To 02/05/2014)"
            ),
            "Requesting a list of farms by name that have lost chickens due to the avian flu in 2014-2015 in the US.",
            (
                "A copy of data for how many cattle, and in which states, have contracted Bovine Spongiform "
                "Encephalopathy (BSE) in the United States, from January 1, 1996 to October 24, 2011."
            ),
            (
                "Requesting the statistics for the number of dogs imported into Wisconsin from other states or "
                "countries in the year of 2013."
            ),
            (
                "Requesting any official statistics depicting plant introductions (species, amount of import, "
                "country of origin, etc.) to the United States."
            ),
            (
                "Requesting a complete list of all USDA Certificate Holders for dealers, exhibtors, research "
                "facilities, handlers and carrieres for the calendar years of 2009, 2010, 2011 and 2012."
            ),
            "This request involves violations at animal research facilities between the years 2011-present.",
            "Request May 2013 inspection photographs from the ACIS database for all dog breeders.",
            (
                "Requesting the entire marine mammal inventory database (inclusive of all marine mammals that fall "
                "under APHIS jurisdiction) maintained by the USDA/APHIS."
            ),
            (
                "Requesting a copy of the list/dataset of closed investigations in the IES database during the "
                "years 2000 to present."
            ),
            (
                "Requesting the dollar amount APHIS spends on animal research annually and what percentage of "
                "APHIS budget is allotted for animal research."
            ),
            (
                "Requesting the annual number of head of hogs, cattle, and horses, by species, that are exported "
                "through the port of Chicago in the most recent year that records are available."
            ),
            (
                "Requesting the incidence, in dogs, of rabies vaccine failure due to inappropriate "
                "administration/injection."
            ),
            (
                "Requesting a copy of the most recent report on plant pest and disease management and disaster "
                "prevention produced under 7 U.S.C. 7721(c )(3)."
            ),
            (
                "Requesting the number of inspectors conducting inspections on behalf of APHIS's Animal Care "
                "program and the total number of facilities the Animal Care program oversees and is responsible "
                "for inspecting."
            ),
            (
                "Requesting all USDA APHIS Wildlife Services Reportable Action Reports (ADC Form 33) for wildlife "
                "species taken in the state of California during the calendar years 2009 and 2010."
            ),
            (
                "Requesting all cost-benefit analyses conducted by Wildlife Services between October 1, 2007 and "
                "the present and the underlying data collected and reviewed to produce the analyses."
            ),
            (
                "Requesting certain information on (APHIS) bargaining unit employees: Names of employee Position "
                "(series and title), organizational component, geographic location, grade, email address and "
                "telephone number."
            ),
            (
                "Requests the total number of veterinarians employed by the USDA in Minnesota. Also, the total "
                "wage and benefits paid to these employees, if possible. Time period is 07/01/2010 through "
                "06/30/2011."
            ),
            (
                "Requesting a copy of all documented importations and exportations of poultry, which would "
                "include all chickens, waterfowl and gamebirds for the time frame of January 1, 2010 to the date "
                "of this response."
            ),
            (
                "Requesting copies of all USDA import permits issued in the relevant time period for domestic "
                "chickens or their hatching eggs imported from the United Kingdom, Germany, Holland, Belgium or "
                "France."
            ),
            (
                "Requesting records regarding the export and drug residue requirements of equine meat, from "
                "January 1, 2011 to November 18, 2013."
            ),
            (
                "Requesting all correspondence between USDA and any senator or representative between Jan. 1, "
                "2013 and the present concerning budget cuts, and/or sequestration."
            ),
            (
                "Requesting a list of all viruses, chemicals, or other pathogens stored at the Plum Island "
                "Research Center."
            ),
            (
                "Requesting all applications to poison, gas or shoot birds by APHIS in New Jersey. (Date Range "
                "for Record Search: From 03/11/2014 To 03/17/2014)"
            ),
            (
                "Requesting copies of all records pertaining to the removal of feral cats in New York City by the "
                "USDA and USDA contractors from January 2013 to December 2014."
            ),
            (
                "Requesting contact information of all Contracting Officers. The contract information should "
                "include the name, business address, phone number and email of each Contracting Officer."
            ),
            (
                "Requesting all complaints filed regarding animal welfare issues, between June 2010 and March "
                "2012, at Harvard Medical School's research facilities. This includes the New England Primate "
                "Research Center."
            ),
            (
                "Requesting the Cost-benefit analysis of a reduction in elk brucellosis seroprevalence in the "
                "Southern Greater Yellowstone Area."
            ),
            # near misses found by scoring every subject of the log: generic words meet other agencies' files
            "Requesting the results of complaint number W11-021.",
            "Requesting the investigation case file TN11076-AC.",
            "Requesting award information for FY13 for contract AG 6395-C-13-0017.",
            "Requesting copies of the Department of Agriculture FOIA logs for the years 2009, 2010 and 2012.",
            "Requesting all FOIA logs from the first to the last available date.",
            "Requesting a list of all purchase card holders in the DC, MD, and VA area.",
            (
                "Requesting all documents relating to reports or summaries regarding enforcement actions of the HPA "
                "during the last five years."
            ),
            "Requesting a list of any and all companies that import PMSG (KMSG).",
        ]
    ),
]

#: Title searches (regular expressions) a person ran for requests whose answers the scorer may miss.
SEARCHES: dict[str, str] = {
    "Bulky Items": r"sanitation|trash|311",
    "Graffiti Removal": r"311|code violation|clean",
    "Illegal Dumping Pickup": r"311|litter|cleanup",
    "Metal/Household Appliances": r"recycl|sanitation convenience",
    "Homeless Encampment": r"homeless|shelter",
    "Electronic Waste": r"recycl|sanitation convenience",
    "Dead Animal Removal": r"311",
    "Single Streetlight Issue": r"street pole|311|light",
    "Multiple Streetlight Issue": r"street pole|311",
    "Report Water Waste": r"PWD customer|water use|311",
    "Requesting Congressional correspondence logs": r"congressional (log|correspondence)",
    "Requesting FOIA logs": r"foia log",
    "A copy of data for how many cattle": r"spongiform|BSE|prion",
    "Requesting the incidence, in dogs, of rabies": r"rabies|vaccine adverse",
    "Requesting certain information on (APHIS) bargaining": r"fedscope|personnel data|headcount",
    "Requests the total number of veterinarians": r"fedscope",
    "Requesting award information": r"usaspending",
    "Requesting copies of the Department of Agriculture FOIA": r"foia log",
    "Requesting all FOIA logs": r"foia log",
    "Requesting the number of inspectors": r"fedscope|employment cubes",
    "Requesting contact information of all Contracting Officers": r"contract",
    "Requesting all correspondence between USDA and any senator": r"congressional",
}


def _keywords(record: dict) -> list[str]:
    value = record.get("keyword") or []
    if isinstance(value, str):
        value = value.split(",")
    return [str(k).strip() for k in value if k and str(k).strip()]


def _labelled_requests() -> set[str]:
    """Requests of the committed labelled set (it also keeps rows of an earlier set)."""
    path = Path(__file__).resolve().parents[1] / "civicdata" / "demand" / "tests" / "data" / "match_pairs.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["request"] for row in csv.DictReader(handle)}


def load_datasets() -> list[dict]:
    """Every dataset of the catalogs once (by title), with the catalog's file name."""
    seen: set[str] = set()
    datasets = []
    for path in CATALOGS:
        for record in json.loads(path.read_text(encoding="utf-8")).get("dataset") or []:
            title = (record.get("title") or "").strip()
            if not title or title.lower() in seen:
                continue
            seen.add(title.lower())
            keywords = _keywords(record)
            description = (record.get("description") or "").strip()[: matching.DESCRIPTION_CHARS]
            description = description.encode("utf-8", "ignore").decode()  # lone surrogates in some catalogs
            datasets.append(
                {
                    "title": title,
                    "keywords": keywords,
                    "description": description,
                    "source": f"{path.parent.name}/{path.name}",
                    "terms": matching.DatasetTerms.build(title, keywords, description),
                    "title_words": {w for part in [title, *keywords] for w in matching.words(part)},
                }
            )
    return datasets


def term_counts(datasets: list[dict], requests: Iterable[str]) -> dict:
    """The catalogs' document count and, for every term of `requests`, how many datasets use it."""
    rarity = matching.Rarity.of(d["terms"] for d in datasets)
    terms = sorted({term for text in requests for term in matching.query_from_text(text)})
    return {
        "documents": rarity.documents,
        "catalogs": [f"{path.parent.name}/{path.name}" for path in CATALOGS],
        "counts": {term: rarity.counts.get(term, 0) for term in terms},
    }


def _ungated(query: dict[str, float], terms: matching.DatasetTerms) -> float:
    total = sum(query.values()) or 1.0
    found = sum(
        w if t in terms.strong else w * matching.DESCRIPTION_WEIGHT if t in terms.weak else 0.0
        for t, w in query.items()
    )
    return found / total


def candidates(datasets: list[dict]) -> list[dict]:
    rng = random.Random(11)
    rows = []
    for text, source in REQUESTS:
        query = matching.query_from_text(text)
        request_words = set(matching.words(text))
        ranked = sorted(
            datasets, key=lambda d: (-matching.score(query, d["terms"]).score, -_ungated(query, d["terms"]))
        )
        chosen: dict[str, tuple[dict, str]] = {}
        for dataset in ranked[:5]:
            chosen.setdefault(dataset["title"], (dataset, "top"))
        one_word = [d for d in datasets if len(request_words & d["title_words"]) == 1 and d["title"] not in chosen]
        for dataset in rng.sample(one_word, min(3, len(one_word))):
            chosen.setdefault(dataset["title"], (dataset, "one-word"))
        for dataset in rng.sample(datasets, 2):
            chosen.setdefault(dataset["title"], (dataset, "random"))
        pattern = next((p for prefix, p in SEARCHES.items() if text.startswith(prefix)), None)
        if pattern:
            for dataset in [d for d in datasets if re.search(pattern, d["title"], re.I)][:6]:
                chosen.setdefault(dataset["title"], (dataset, "search"))
        for dataset, how in chosen.values():
            rows.append(
                {
                    "request": text,
                    "dataset_title": dataset["title"],
                    "dataset_keywords": ";".join(dataset["keywords"]),
                    "dataset_description": dataset["description"],
                    "candidate": how,
                    "source": f"{source} x {dataset['source']}",
                    "score": matching.score(query, dataset["terms"]).score,
                }
            )
    return rows


def main() -> None:
    if "--term-counts" in sys.argv:
        requests = sorted({text for text, _source in REQUESTS} | _labelled_requests())
        json.dump(term_counts(load_datasets(), requests), sys.stdout, indent=0, sort_keys=True)
        sys.stdout.write("\n")
        return
    rows = candidates(load_datasets())
    sys.stdout.reconfigure(encoding="utf-8", newline="")
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)


if __name__ == "__main__":
    main()
