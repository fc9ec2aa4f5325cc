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


def test_the_readme_says_where_the_spec_is_and_how_to_start_the_first_admin():
    readme = (ROOT / "README.md").read_text()
    assert "are not in this\nrepository" in readme
    assert "manage.py createsuperuser" in readme
    assert "verification code" in readme.split("createsuperuser", 1)[1][:400]


def test_the_readme_says_how_to_run_the_procfile_locally():
    readme = (ROOT / "README.md").read_text()
    assert "honcho start release" in readme
    assert "honcho start web worker beat" in readme
