import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_configuration_table_lists_every_environment_variable():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    procfile = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "Procfile").read_text()))
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in read | procfile if f"| `{name}` |" not in readme)
    assert read, "no environment variables found: the pattern is out of date"
    assert missing == []
