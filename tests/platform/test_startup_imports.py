"""A web process starts without importing the heavy libraries it may never use (docs/performance.md,
"Start-up"): they made `schoolbot serve` take about 8 s to answer /readyz."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.harness import production_keys

# Each costs from a tenth of a second to over two seconds of CPU to import.
HEAVY = ("linebot.v3.messaging", "pyhanko", "pyhanko_certvalidator", "openpyxl", "weasyprint", "httpx",
         "aiohttp", "holidays", "geothai", "pypdfium2", "zxingcpp", "qrcode")

BUILD_THE_APP = f"""
import json, sys
from bot.config import load_settings
from bot.app import create_app
create_app(load_settings(port=8000), run_worker=True)
print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))
"""


def test_building_the_web_app_imports_none_of_the_heavy_libraries(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "DATABASE_", "REDIS_"))}
    env.update({
        "LINE_CHANNEL_SECRET": "startup-test-secret", "LINE_CHANNEL_ACCESS_TOKEN": "startup-test-token",
        "PUBLIC_BASE_URL": "https://bot.school.test", "DATA_DIR": str(tmp_path / "data"),
        **production_keys(tmp_path / "keys"),
    })
    result = subprocess.run([sys.executable, "-c", BUILD_THE_APP], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_a_long_lived_process_moves_its_start_up_objects_out_of_the_collectors_way_and_a_test_process_does_not():
    """`schoolbot serve` and `worker` freeze what start-up made (a full collection then walks only
    what came after: docs/performance.md); a process that did not ask, like this test run, which
    builds many apps, keeps collecting everything."""
    import gc

    from backend import lazy

    assert not lazy._FREEZING["enabled"]
    frozen = gc.get_freeze_count()
    lazy.freeze_start_up_objects()
    assert gc.get_freeze_count() == frozen
    lazy.enable_start_up_freeze()
    try:
        lazy.freeze_start_up_objects()
        assert gc.get_freeze_count() > frozen
    finally:
        lazy._FREEZING["enabled"] = False
        gc.unfreeze()
