"""reports/seeds.md: one column per draw, each row's spread over the draws."""

from __future__ import annotations

import json
from pathlib import Path

from convert.evaluate.seeds import Draw, write


def test_the_report_has_a_column_per_draw_and_each_rows_spread(tmp_path: Path) -> None:
    found = [
        Draw(0, 0.9136, {"Negation failing (%)": 41.5, "hand-written right (%)": 87.3}),
        Draw(1, 0.9132, {"Negation failing (%)": 50.2, "hand-written right (%)": 83.4}),
        Draw(2, 0.9140, {"Negation failing (%)": 44.0, "hand-written right (%)": 85.0}),
    ]
    json_path, md_path = write(found, tmp_path)
    lines = md_path.read_text().splitlines()
    assert "| signal | shift 0 (shipped) | shift 1 | shift 2 | spread |" in lines
    assert "| Negation failing (%) | 41.50 | 50.20 | 44.00 | 8.70 |" in lines
    assert "| hand-written right (%) | 87.30 | 83.40 | 85.00 | 3.90 |" in lines
    assert "| validation, mixed (%) | 91.36 | 91.32 | 91.40 | 0.08 |" in lines
    assert [d["shift"] for d in json.loads(json_path.read_text())] == [0, 1, 2]
