// Read every table of a Data Package with the npm `datapackage` 1.1.10 reader (run by
// tests/test_readers.py) and print {"valid": ..., "errors": [...], "rows": {name: n}}.
const {Package} = require('datapackage')

async function main() {
  const pkg = await Package.load(process.argv[2])
  const rows = {}
  for (const resource of pkg.resources) {
    if (!resource.tabular) continue  // the GeoJSON resource is not a table
    rows[resource.name] = (await resource.read()).length
  }
  console.log(JSON.stringify({valid: pkg.valid, errors: pkg.errors.map(String), rows}))
}

main().catch((error) => {
  console.error(String((error && error.stack) || error))
  for (const e of (error && error.errors) || []) console.error(String(e))
  process.exit(1)
})
