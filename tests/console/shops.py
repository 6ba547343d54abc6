"""Shop databases for console tests."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tests.conftest import ROOT

DEMO_MAPPING = ROOT / "core" / "demo" / "mapping.toml"


def demo_shop_with_an_unreadable_order(folder: Path) -> Path:
    """A copy of the demo shop's database whose first order has a total that is no amount."""
    shop = folder / "shop.sqlite"
    shutil.copy(ROOT / "core" / "demo" / "shop.sqlite", shop)
    db = sqlite3.connect(shop)
    db.execute("update orders set grand_total = 'lots' where id = (select min(id) from orders)")
    db.commit()
    db.close()
    return shop
