"""Every row lock of the orders app is a named function of orders/services/locks.py."""

from pathlib import Path

import orders


def test_only_the_locks_module_takes_row_locks_in_orders():
    root = Path(orders.__file__).parent
    takers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "select_for_update" in path.read_text() and path.name != "locks.py"
    )
    assert takers == []
