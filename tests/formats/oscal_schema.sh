#!/bin/sh
# oscal_schema.sh ISMS SOURCE_DIR: every OSCAL export of the demo repository
# must validate against the official v1.2.1 JSON schemas (ajv, strict, all
# errors listed); and the validator must reject what is invalid: NIST's
# example mapping collection (provenance.method "manual") and exports
# broken on purpose. ctest: formats.oscal_schema (skipped, status 77, only
# when tests/js has no node_modules: scripts/install-deps.sh installs them).
set -eu
isms=$1
src=$2
js=$src/tests/js
schemas=$src/tests/fixtures/oscal/schemas
examples=$src/tests/fixtures/oscal/examples
if ! command -v node >/dev/null || [ ! -d "$js/node_modules/ajv" ]; then
    echo "SKIP: node or ajv missing (npm ci --prefix tests/js)"
    exit 77
fi
. "$src/tests/formats/oscal_demo.sh"
ex catalog controls-catalog.json
ex catalog --framework iso27001-2022 iso27001-catalog.json
ex catalog --framework csf-2.0 csf-catalog.json
ex catalog --framework sp800-53r5 sp800-53-catalog.json
ex profile --framework iso27001-2022 iso27001-profile.json
ex profile --framework csf-2.0 csf-profile.json
ex ssp --framework iso27001-2022 iso27001-ssp.json
ex ssp --framework csf-2.0 csf-ssp.json
ex mapping mapping-all.json
ex mapping --framework iso27001-2022 mapping-iso27001.json
validate() { node "$js/oscal_validate.mjs" "$schemas" "$@"; }
validate ./*.json "$examples/ssp-example.json" \
    "$examples/ifa_assessment-results-example.json" \
    "$examples/ifa_plan-of-action-and-milestones.json"
# Broken on purpose, one way each: a uuid that is not one, a control id
# that is no NCName, a plan without its import-profile, a relationship
# missing from a map, a timestamp without its zone.
mkdir bad
node -e '
const fs = require("fs");
const load = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
const save = (f, d) => fs.writeFileSync("bad/" + f, JSON.stringify(d));
let d = load("controls-catalog.json"); d.catalog.uuid = "not-a-uuid"; save("uuid.json", d);
d = load("iso27001-catalog.json"); d.catalog.controls[0].id = "4.1"; save("id.json", d);
d = load("iso27001-ssp.json"); delete d["system-security-plan"]["import-profile"]; save("ssp.json", d);
d = load("mapping-all.json"); delete d["mapping-collection"].mappings[0].maps[0].relationship; save("map.json", d);
d = load("iso27001-profile.json"); d.profile.metadata["last-modified"] = "2026-12-02T05:49:10"; save("time.json", d);
'
validate --invalid bad/*.json "$src/tests/fixtures/oscal/mapping-collection.json"
