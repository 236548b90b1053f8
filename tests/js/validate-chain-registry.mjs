// Validates a localnet's chain-registry files against the registry's own JSON schemas (which
// localnet/chain-registry.py copies beside them). Prints one JSON line for
// tests/tests/chain_registry.rs; exits 1 when a file does not validate.
// Usage: node validate-chain-registry.mjs REGISTRY_DIR CHAIN_NAME
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";

const [registry, chain] = process.argv.slice(2);
const read = (path) => JSON.parse(readFileSync(path, "utf8"));
// The registry's schemas are draft-07 with a few later keywords (minContains), which strict
// mode would refuse to compile; unknown keywords are ignored, every other rule holds. Their
// "$schema" names draft-07 by an https URL ajv does not know as its meta-schema's id, so the
// schemas themselves are not validated against it.
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
const results = {};
let valid = true;
for (const [file, schema] of [
  ["chain.json", "chain.schema.json"],
  ["assetlist.json", "assetlist.schema.json"],
]) {
  const check = ajv.compile(read(join(registry, schema)));
  const ok = check(read(join(registry, chain, file)));
  results[file] = ok ? "valid" : check.errors;
  valid &&= ok;
}
console.log(JSON.stringify({ valid, results }));
process.exit(valid ? 0 : 1);
