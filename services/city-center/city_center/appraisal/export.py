"""The appraisal as CSV, in the columns of the city's review of departments' conduct: one row
per unit, Chinese headers with the English name, rates as percentages."""

from __future__ import annotations

import csv
import io

from city_center.appraisal.service import Report

UNIT_ZH = {
    "window": "窗口",
    "staff": "工作人员",
    "department": "部门",
    "town": "乡镇便民服务大厅",
    "village": "村便民服务室",
}
COLUMNS = [
    "考核期间 period",
    "考核类别 unit",
    "层级 tier",
    "考核对象 key",
    "办件量 handled",
    "按时办结 on_time",
    "按时办结率 on_time_rate",
    "超时默认 defaults",
    "不予许可 refusals",
    "投诉 complaints",
    "投诉成立 complaints_upheld",
    "评价数 ratings",
    "平均满意度 satisfaction",
    "满意率 satisfied_rate",
]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f}%"


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in report.rows:
        writer.writerow(
            [
                report.period.label,
                f"{UNIT_ZH[r.unit]} {r.unit}",
                r.tier,
                r.key,
                r.handled,
                r.on_time,
                _pct(r.on_time_rate),
                r.defaults,
                r.refusals,
                r.complaints,
                r.complaints_upheld,
                r.ratings,
                "" if r.satisfaction is None else f"{r.satisfaction:.2f}",
                _pct(r.satisfied_rate),
            ]
        )
    return out.getvalue()
