"""Turn one wrk report into a row of the results table."""

import re
import sys
from pathlib import Path

name, path, report_path = sys.argv[1:4]
report = Path(report_path).read_text()


def latency_ms(percent: str) -> str:
    match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", report, re.M)
    if not match:
        return "?"
    value, unit = float(match.group(1)), match.group(2)
    return f"{value * {'us': 0.001, 'ms': 1, 's': 1000}[unit]:.1f}"


rate = re.search(r"Requests/sec:\s+([\d.]+)", report)
non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
socket_errors = re.search(r"Socket errors: (.*)", report)
errors = int(non_2xx.group(1)) if non_2xx else 0
errors_text = str(errors) + (f" ({socket_errors.group(1)})" if socket_errors else "")
print(
    f"| {name} | `{path}` | {float(rate.group(1)) if rate else 0:.0f} | "
    f"{latency_ms('50')} | {latency_ms('99')} | {errors_text} |"
)
