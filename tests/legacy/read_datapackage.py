"""Read every table (every tabular resource) of a Data Package with the Python `datapackage` 1.15.4 reader (run in
.venv-legacy/ by tests/test_readers.py) and print {"valid": ..., "errors": [...], "rows": {name: n}}."""
import json
import sys
import warnings

warnings.simplefilter("ignore")  # the old libraries' deprecation warnings are not findings
from datapackage import Package  # noqa: E402

package = Package(sys.argv[1])
rows = {r.name: len(r.read()) for r in package.resources if r.tabular}  # the GeoJSON resource is not a table
print(json.dumps({"valid": package.valid, "errors": [str(e) for e in package.errors], "rows": rows}))
