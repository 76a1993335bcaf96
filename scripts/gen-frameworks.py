#!/usr/bin/env python3
"""gen-frameworks.py: the built-in framework catalogues as C data.

Reads the CSV files under data/frameworks/ (sources and licences:
data/frameworks/README.md) and writes framework_data.c: one table of
frameworks, one of requirements (each framework's rows contiguous, parents
before children), one of crosswalks (pairs of requirement indexes with their
NIST IR 8477 relationship). The build runs it (CMakeLists.txt) and writes
the file into the build directory: generated code is not tracked, and the
binary reads no file at run time. With --check it writes nothing and fails
when OUT is not what the data makes (ctest arch.frameworks: the compiled
catalogue is the data's).

Usage: scripts/gen-frameworks.py [--check] OUT
"""
import csv
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DATA = os.path.join(ROOT, "data", "frameworks")

TITLE_MAX = 300

# Baseline bits, in the order of requirement_baselines[] (frameworks.c).
LOW, MODERATE, HIGH, PRIVACY = 1, 2, 4, 8
# Flags.
WITHDRAWN, ASSESSABLE = 1, 2

RELATIONSHIPS = ["equivalent-to", "equal-to", "subset-of", "superset-of", "intersects-with"]


def rows(path):
    with open(os.path.join(DATA, path), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class Framework:
    def __init__(self, name):
        """A framework of frameworks.csv (its title, version, publisher, licence, source)."""
        meta = next((m for m in rows("frameworks.csv") if m["name"] == name), None)
        if meta is None:
            raise SystemExit(f"{name}: not in data/frameworks/frameworks.csv")
        self.name, self.title, self.version = name, meta["title"], meta["version"]
        self.publisher, self.licence, self.source = meta["publisher"], meta["licence"], meta["source"]
        self.reqs = []  # dicts: code parent level title statement baselines flags
        self.codes = {}

    def add(self, code, parent, level, title, statement="", baselines=0, flags=0):
        code = code.strip()
        if code in self.codes:
            raise SystemExit(f"{self.name}: duplicate requirement {code}")
        if parent and parent not in self.codes:
            raise SystemExit(f"{self.name}: {code}: parent {parent} comes later or is missing")
        title = " ".join((title or "").split())
        if not title:
            title = code
        if len(title.encode("utf-8")) > TITLE_MAX:  # the field's limit is in bytes
            while len(title.encode("utf-8")) > TITLE_MAX - 3:
                title = title.rsplit(" ", 1)[0]
            title += "..."
        if len(code.encode()) > 100 or len((parent or "").encode()) > 100 or len(level) > 40:
            raise SystemExit(f"{self.name}: {code}: too long for its field")
        self.codes[code] = len(self.reqs)
        self.reqs.append(dict(code=code, parent=parent or "", level=level, title=title,
                              statement=(statement or "").strip(), baselines=baselines,
                              flags=flags))


def iso27001():
    fw = Framework('iso27001-2022')
    themes = {}
    data = rows("iso27001-2022/iso27001-2022_ids.csv")
    children = {r["parent"] for r in data if r["parent"]}
    for r in data:
        if r["kind"] == "annex-a" and r["parent"] not in fw.codes:
            fw.add(r["parent"], "", "theme", r["theme"])
            themes[r["parent"]] = r["theme"]
        level = "clause" if r["kind"] == "clause" else "control"
        flags = 0 if r["id"] in children else ASSESSABLE
        fw.add(r["id"], r["parent"], level, r["short_title"], flags=flags)
    return fw


def iso42001():
    fw = Framework('iso42001-2023')
    data = rows("iso42001-2023/iso42001-2023_ids.csv")
    children = {r["parent"] for r in data if r["parent"]}
    levels = {"clause-group": "clause", "clause": "clause", "annex-a-group": "objective",
              "annex-a-control": "control"}
    for r in data:
        flags = 0 if r["id"] in children else ASSESSABLE
        fw.add(r["id"], r["parent"], levels[r["kind"]], r["short_title"], flags=flags)
    return fw


def csf_id(i):
    """CSF 1.1 writes ID.BE-2, 2.0 writes ID.BE-02."""
    m = re.fullmatch(r"([A-Z]{2}\.[A-Z]{2})-(\d+)", i)
    return f"{m.group(1)}-{int(m.group(2)):02d}" if m else i


def csf():
    fw = Framework('csf-2.0')
    for r in rows("nist-csf-2.0/csf-2.0_core.csv"):
        withdrawn = r["status"] == "withdrawn"
        sub = r["level"] == "subcategory"
        title = r["statement"] if sub else r["title"].title() if r["level"] == "function" \
            else r["title"]
        flags = (WITHDRAWN if withdrawn else 0) | (ASSESSABLE if sub and not withdrawn else 0)
        fw.add(r["id"], r["parent"], r["level"], title, r["statement"], flags=flags)
    return fw


def sp800_53():
    fw = Framework('sp800-53r5')
    data = rows("nist-sp800-53r5/sp800-53r5_controls.csv")
    label = {r["id"]: r["label"] for r in data}
    for r in data:
        fam = r["family"].upper()
        if fam not in fw.codes:
            fw.add(fam, "", "family", r["family_title"])
        b = (LOW if r["LOW"] else 0) | (MODERATE if r["MODERATE"] else 0) | \
            (HIGH if r["HIGH"] else 0) | (PRIVACY if r["PRIVACY"] else 0)
        withdrawn = r["status"] == "withdrawn"
        parent = label[r["parent"]] if r["parent"] else fam
        statement = ""
        if withdrawn and r["withdrawn_to"]:
            statement = "Withdrawn: incorporated into " + ", ".join(
                label.get(t.strip(), t.strip().upper()) for t in r["withdrawn_to"].split(";")
                if t.strip())
        fw.add(r["label"], parent, "enhancement" if r["parent"] else "control", r["title"],
               statement, b, WITHDRAWN if withdrawn else ASSESSABLE)
    fw.oscal = {r["id"]: r["label"] for r in data}
    return fw


def nis2():
    fw = Framework('nis2')
    # Art. 20 is not in the extracted CSV; the key control areas refer to
    # it, so its two paragraphs are here by their subject (no legal text).
    fw.add("Art.20", "", "article", "Governance")
    fw.add("20.1", "Art.20", "paragraph",
           "Management bodies approve the cybersecurity risk-management measures, oversee their "
           "implementation and can be held liable", flags=ASSESSABLE)
    fw.add("20.2", "Art.20", "paragraph",
           "Members of management bodies follow cybersecurity training", flags=ASSESSABLE)
    for r in rows("nis2/nis2-art21.csv"):
        i = r["id"]
        if i == "Art.21":
            fw.add(i, "", "article", r["text"])
            continue
        m = re.fullmatch(r"21\.(\d)(\.([a-z]|sp\d))?", i)
        parent = "Art.21" if not m.group(2) else f"21.{m.group(1)}"
        point = bool(m.group(3)) and not m.group(3).startswith("sp")
        level = "point" if point else "subparagraph" if m.group(2) else "paragraph"
        flags = ASSESSABLE if point else 0
        text = r["text"]
        fw.add(i, parent, level, text, text, flags=flags)
    return fw


def nis2_ir():
    fw = Framework('nis2-ir-2024-2690')
    levels = {"1": "section", "2": "requirement", "3": "paragraph", "4": "point"}
    unnumbered = {}
    for r in rows("nis2/nis2-ir-2024-2690-annex.csv"):
        title = r["heading"] or r["text"]
        code = r["id"]
        if not code:  # an unnumbered subparagraph: parent.spN, N counting from 1
            unnumbered[r["parent"]] = unnumbered.get(r["parent"], 0) + 1
            code = f"{r['parent']}.sp{unnumbered[r['parent']]}"
        fw.add(code, r["parent"], levels.get(r["depth"], "point"), title, r["text"],
               flags=ASSESSABLE if r["assessable"] == "y" else 0)
    return fw


ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}


def dora():
    fw = Framework('dora')
    for r in rows("dora/dora-2022-2554_articles.csv"):
        ch = "Chapter " + r["chapter"].split()[1].upper()
        if ch not in fw.codes:
            fw.add(ch, "", "chapter", r["chapter_title"])
        fw.add("Art." + r["article"], ch, "article", r["article_title"], flags=ASSESSABLE)
    return fw


def dora_rts():
    fw = Framework('dora-rts-2024-1774')
    for r in rows("dora/rts-2024-1774-ict-risk-management_articles.csv"):
        words = r["title"].split()
        t = "Title " + words[1]
        if t not in fw.codes:
            fw.add(t, "", "title", " ".join(words[2:]).capitalize())
        fw.add("Art." + r["article"], t, "article", r["article_title"], flags=ASSESSABLE)
    return fw


def soc2():
    fw = Framework('soc2-tsc')
    for r in rows("soc2-tsc/soc2-tsc-2017-rev2022_ids.csv"):
        if r["series"] not in fw.codes:
            fw.add(r["series"], "", "series", f"{r['series_title']} ({r['category']})")
        title = f"{r['series_title']} {r['id']}"
        if r["coso_principle"]:
            title += f" ({r['coso_principle']})"
        fw.add(r["id"], r["series"], "criterion", title, flags=ASSESSABLE)
    return fw


# The seven key control areas of the ISMS pattern, in isms's own words,
# with the clauses, categories and articles each area answers to.
KCA = [
    ("KCA-1", "Context, scope and stakeholders",
     "Know the organisation's internal and external issues, its interested parties and their "
     "requirements, and record the scope of the ISMS as an approved, documented boundary; "
     "inventory what is in scope and how much protection each part needs (BSI: structure "
     "analysis and protection-needs assessment).",
     {"iso27001-2022": ["4.1", "4.2", "4.3"], "csf-2.0": ["GV.OC"], "dora": ["Art.8"],
      "sp800-53r5": ["PM-11", "RA-3", "RA-9", "PL-10"]}),
    ("KCA-2", "Leadership and management body accountability",
     "The management body commits resources, approves the strategy and the risk measures, "
     "oversees them, is trained to judge cyber risk and answers for it personally where the law "
     "says so; a named security officer reports to it.",
     {"iso27001-2022": ["5.1"], "csf-2.0": ["GV.RR-01"], "nis2": ["20.1", "20.2"],
      "dora": ["Art.5"], "sp800-53r5": ["PM-1", "PM-2", "PM-3", "PM-13", "PM-29", "PS-9"]}),
    ("KCA-3", "Policy framework",
     "A top-level security policy and topic-specific policies, approved, communicated, "
     "followed and reviewed; compliance with them is tracked.",
     {"iso27001-2022": ["5.2", "A.5.1"], "csf-2.0": ["GV.PO"], "nis2": ["21.2.a"],
      "dora": ["Art.9"], "sp800-53r5": ["PL-1", "PL-4", "PL-9", "AT-1", "PS-1"]}),
    ("KCA-4", "Risk management and treatment",
     "A documented method to identify, assess and treat risk against an approved appetite and "
     "tolerance; controls are chosen because of risk and the choice is recorded in an "
     "applicability statement or profile; assessments are repeated at least yearly.",
     {"iso27001-2022": ["6.1", "8.2", "8.3"], "csf-2.0": ["GV.RM", "ID.RA"], "nis2": ["21.2.a"],
      "dora": ["Art.6"],
      "sp800-53r5": ["RA-1", "RA-2", "RA-3", "RA-7", "RA-9", "PM-9", "PL-10", "CA-5"]}),
    ("KCA-5", "Resources, competence and documented information",
     "Enough people, budget and tools; competence and awareness for every role that matters to "
     "security; documented information created, kept current, distributed, retained and "
     "disposed of under control.",
     {"iso27001-2022": ["7.1", "7.2", "7.3", "7.4", "7.5"], "csf-2.0": ["GV.RR-03", "PR.AT"],
      "nis2": ["21.2.g", "21.2.i"], "dora": ["Art.13"],
      "sp800-53r5": ["PM-3", "PM-13", "AT-1", "AT-2", "AT-3", "PL-2", "PL-4", "AU-1", "SA-2"]}),
    ("KCA-6", "Supplier and third-party governance",
     "Suppliers and their own providers are known, tiered by criticality, bound by contract, "
     "monitored and can be exited; concentration on few providers is seen and decided on.",
     {"iso27001-2022": ["A.5.19", "A.5.20", "A.5.21", "A.5.22", "A.5.23"],
      "csf-2.0": ["GV.SC"], "nis2": ["21.2.d"], "dora": ["Art.28", "Art.29", "Art.30"],
      "sp800-53r5": ["SR-1", "SR-2", "SR-3", "CA-3"]}),
    ("KCA-7", "Performance evaluation, audit and continual improvement",
     "Monitoring and measurement of whether controls work, independent internal audit, "
     "management review at planned intervals, and corrective action that closes findings; "
     "the method itself improves each cycle.",
     {"iso27001-2022": ["9.1", "9.2", "9.3", "10.1", "10.2"],
      "csf-2.0": ["GV.OV", "DE.CM", "ID.IM"], "nis2": ["21.2.f"], "dora": ["Art.6", "Art.13"],
      "sp800-53r5": ["CA-1", "CA-2", "CA-5", "CA-7", "AU-1", "PM-6", "PM-31", "PL-9"]}),
]


def kca():
    fw = Framework('isms-kca')
    for code, title, statement, _ in KCA:
        fw.add(code, "", "area", title, statement, flags=ASSESSABLE)
    return fw


def main():
    args = sys.argv[1:]
    check = "--check" in args
    outs = [a for a in args if a != "--check"]
    if len(outs) != 1:
        raise SystemExit("usage: scripts/gen-frameworks.py [--check] OUT")
    out = outs[0]
    fws = [iso27001(), csf(), sp800_53(), nis2(), nis2_ir(), dora(), dora_rts(), soc2(),
           iso42001(), kca()]
    by_name = {f.name: f for f in fws}
    base, index = 0, {}
    for f in fws:
        f.base = base
        for k, r in enumerate(f.reqs):
            index[(f.name, r["code"])] = base + k
        base += len(f.reqs)

    xw, seen, skipped = [], set(), {}

    def cross(src, scode, dst, dcode, rel="intersects-with", label=""):
        a, b = index.get((src, scode)), index.get((dst, dcode))
        if a is None or b is None:
            skipped[label] = skipped.get(label, 0) + 1
            return
        if (a, b) in seen:
            return
        seen.add((a, b))
        xw.append((a, b, RELATIONSHIPS.index(rel)))

    oscal = by_name["sp800-53r5"].oscal
    for r in rows("mappings/csf2_to_iso27001-2022.csv"):
        cross("csf-2.0", r["csf2_id"], "iso27001-2022", r["iso27001_id"], label="csf2-iso")
    for r in rows("mappings/csf2_to_sp800-53r5.csv"):
        code = oscal.get(r["sp800_53_oscal_id"], r["sp800_53_label"].upper())
        cross("csf-2.0", r["csf2_id"], "sp800-53r5", code, label="csf2-800-53")
    for r in rows("mappings/sp800-53r5_to_iso27001-2022.csv"):
        sid = re.sub(r"\((\d+)\)$", r".\1", r["sp800_53_id"])  # ac-2(12) is ac-2.12
        cross("sp800-53r5", oscal.get(sid, "?"), "iso27001-2022", r["iso27001_id"],
              label="800-53-iso")
    for r in rows("mappings/nis2-ir-2024-2690_to_iso27001-2022.csv"):
        cross("nis2-ir-2024-2690", r["nis2_ir_id"], "iso27001-2022", r["iso27001_id"],
              label="nis2ir-iso")
    for r in rows("mappings/nis2-ir-2024-2690_to_csf2.csv"):
        cross("nis2-ir-2024-2690", r["nis2_ir_id"], "csf-2.0", r["csf2_id"], label="nis2ir-csf2")
    for r in rows("mappings/csf1.1_to_csf2.csv"):
        cross("csf-2.0", csf_id(r["csf11_id"]), "csf-2.0", r["csf2_id"], label="csf11-csf2")
    # The implementing regulation's sections implement Art. 21(2) points (a)..(j).
    for r in by_name["nis2-ir-2024-2690"].reqs:
        if r["level"] == "section":
            m = re.search(r"ARTICLE 21\(2\), POINTS? (.*?) OF DIRECTIVE", r["title"].upper())
            for point in re.findall(r"\(([A-J])\)", m.group(1) if m else ""):
                cross("nis2-ir-2024-2690", r["code"], "nis2", "21.2." + point.lower(),
                      "subset-of", "nis2ir-nis2")
    for code, _, _, refs in KCA:
        for fwname, codes in refs.items():
            for c in codes:
                cross("isms-kca", code, fwname, c, label="kca-" + fwname)
    for label, n in sorted(skipped.items()):
        print(f"gen-frameworks: {label}: {n} pairs name a requirement not in the catalogue, "
              "left out", file=sys.stderr)

    text = render(fws, xw)
    if check:
        with open(out, encoding="utf-8") as f:
            if f.read() != text:
                print(f"gen-frameworks: {out} is not what scripts/gen-frameworks.py makes "
                      "from data/frameworks; rebuild", file=sys.stderr)
                sys.exit(1)
        print(f"gen-frameworks: {out} is up to date")
        return
    # Written whole under another name first, so that an interrupted run
    # leaves no half file that the build would take as current.
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(out + ".tmp", out)
    print(f"gen-frameworks: {sum(len(f.reqs) for f in fws)} requirements in {len(fws)} "
          f"frameworks, {len(xw)} crosswalk pairs", file=sys.stderr)


def c_str(s):
    if s is None or s == "":
        return "NULL"
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return '"' + s + '"'


def render(fws, xw):
    out = ["/* framework_data.c: the built-in framework catalogues and crosswalks.",
           " *",
           " * GENERATED at build time by scripts/gen-frameworks.py from the CSV files of",
           " * data/frameworks (sources and licences: data/frameworks/README.md). */",
           '#include "domain/registers/framework_data.h"',
           "",
           "#include <stddef.h>",
           "",
           "/* clang-format off */",
           "const fw_builtin fw_builtins[] = {"]
    for f in fws:
        out.append(f"    {{ {c_str(f.name)}, {c_str(f.title)}, {c_str(f.version)}, "
                   f"{c_str(f.publisher)}, {c_str(f.licence)}, {c_str(f.source)}, "
                   f"{f.base}, {len(f.reqs)} }},")
    out.append("};")
    out.append(f"const int fw_nbuiltins = {len(fws)};")
    out.append("")
    out.append("const fw_req fw_reqs[] = {")
    for f in fws:
        for r in f.reqs:
            out.append(f"    {{ {c_str(r['code'])}, {c_str(r['parent'])}, {c_str(r['level'])}, "
                       f"{c_str(r['title'])}, {c_str(r['statement'])}, {r['baselines']}, "
                       f"{r['flags']} }},")
    out.append("};")
    out.append(f"const int fw_nreqs = {sum(len(f.reqs) for f in fws)};")
    out.append("")
    out.append("const fw_xwalk fw_xwalks[] = {")
    for a, b, rel in xw:
        out.append(f"    {{ {a}, {b}, {rel} }},")
    out.append("};")
    out.append(f"const int fw_nxwalks = {len(xw)};")
    out.append("/* clang-format on */")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
