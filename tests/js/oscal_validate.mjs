// oscal_validate.mjs: validates OSCAL JSON documents against the official
// v1.2.1 JSON schemas (draft-07) with ajv, strictly: every error listed.
//
//   node oscal_validate.mjs SCHEMA_DIR FILE...            each must be valid
//   node oscal_validate.mjs SCHEMA_DIR --invalid FILE...  each must be rejected
//
// The model is the document's one top-level member (catalog, profile, ...),
// which names its schema file. Exit status 1 on any failure.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const schemaFile = {
  'catalog': 'oscal_catalog_schema.json',
  'profile': 'oscal_profile_schema.json',
  'system-security-plan': 'oscal_ssp_schema.json',
  'mapping-collection': 'oscal_mapping_schema.json',
  'assessment-results': 'oscal_assessment-results_schema.json',
  'plan-of-action-and-milestones': 'oscal_poam_schema.json',
};

const [dir, ...args] = process.argv.slice(2);
const expectInvalid = args[0] === '--invalid';
const files = expectInvalid ? args.slice(1) : args;
if (!dir || !files.length) {
  console.error('usage: oscal_validate.mjs SCHEMA_DIR [--invalid] FILE...');
  process.exit(2);
}

// \p{L} and \p{N} in the schemas' patterns need the unicode flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: true });
addFormats(ajv);
const validators = {};
function validatorFor(model) {
  if (!validators[model]) {
    const schema = JSON.parse(readFileSync(join(dir, schemaFile[model]), 'utf8'));
    validators[model] = ajv.compile(schema);
  }
  return validators[model];
}

let failed = 0;
for (const file of files) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.log(`${file}: not JSON: ${err.message}`);
    failed++;
    continue;
  }
  const model = Object.keys(doc).find((k) => k in schemaFile);
  if (!model) {
    console.log(`${file}: no OSCAL model isms validates (${Object.keys(doc).join(', ')})`);
    failed++;
    continue;
  }
  const validate = validatorFor(model);
  const ok = validate(doc);
  if (ok && !expectInvalid) {
    console.log(`${file}: valid ${model} (OSCAL ${doc[model].metadata['oscal-version']})`);
  } else if (!ok && expectInvalid) {
    console.log(`${file}: rejected as expected (${validate.errors.length} errors; first: ` +
                `${validate.errors[0].instancePath} ${validate.errors[0].message})`);
  } else if (ok) {
    console.log(`${file}: valid, but it should have been rejected`);
    failed++;
  } else {
    failed++;
    console.log(`${file}: INVALID ${model}, ${validate.errors.length} errors:`);
    for (const err of validate.errors.slice(0, 50))
      console.log(`  ${err.instancePath || '/'} ${err.message} ${JSON.stringify(err.params)}`);
  }
}
process.exit(failed ? 1 : 0);
