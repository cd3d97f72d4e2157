"""The board (数据看板, docs/domain.md §3.5 and §7): a unit's published metrics for a period, their
trend, the 三事分流 split, the top categories, the ranking of the units below, the overdue cases
and the base survey — each panel also a table (usable without JavaScript) and an Excel file.

Every figure comes from ``cases.metrics`` (formulas, frozen past periods, minimum samples) and
``people.survey``; this module only chooses, lays out and exports them. The board of a unit is
open to whoever may read the people data under it (``org.access.can_read_people_in``), as the
metrics API (``api/metrics.py``) and the base survey are; any other unit is "not found". A
department handler holds no unit: their board is the overdue list of the cases they see.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from grassroots.cases import export, metrics
from grassroots.cases.choices import Color, TriageClass
from grassroots.cases.models import Case, PeriodKind
from grassroots.core.models import User
from grassroots.org import access
from grassroots.org.choices import ADMINISTRATIVE_KINDS, UnitKind
from grassroots.org.models import Unit
from grassroots.people import survey
from grassroots.web import session
from grassroots.web.views.home import default_survey_unit

XLSX = export.XLSX
TREND_LENGTH = 12  # the trend covers the chosen period and the eleven before it
OVERDUE_PER_PAGE = 25
TOP_CATEGORIES = 10
# The earliest day the period choice accepts: older than any ledger, and it keeps the trend's
# twelve periods back well inside the calendar.
EARLIEST = dt.date(1990, 1, 1)
# How many periods of each kind the period choice lists back from the current one.
PERIOD_CHOICES = {PeriodKind.MONTH: 24, PeriodKind.QUARTER: 12, PeriodKind.YEAR: 8}

# The filters (cases.filters.CaseFilter) of the overdue list: open cases with either warning.
OVERDUE_FILTER: dict[str, Any] = {"open": "true", "color": [Color.RED.value, Color.YELLOW.value]}

METRIC_LABELS: dict[str, Promise] = {
    "response": gettext_lazy("Response rate"),
    "completion": gettext_lazy("Completion rate"),
    "on_time": gettext_lazy("On-time rate"),
    "satisfaction": gettext_lazy("Satisfaction rate"),
    "reopen": gettext_lazy("Reopen rate"),
}
COUNT_LABELS: dict[str, Promise] = {
    "received": gettext_lazy("Cases received"),
    "responded_in_time": gettext_lazy("Responded in time"),
    "due": gettext_lazy("Cases due"),
    "solved": gettext_lazy("Solved of those due"),
    "solved_in_time": gettext_lazy("Solved in time"),
    "rated": gettext_lazy("Cases rated"),
    "satisfied": gettext_lazy("Satisfied or basically satisfied"),
    "closed": gettext_lazy("Closed as solved"),
    "reopened": gettext_lazy("Reopened at least once"),
}
SOURCE_LABELS: dict[str, Promise] = {
    metrics.FROZEN: gettext_lazy("frozen"),
    metrics.LIVE: gettext_lazy("live"),
    metrics.MIXED: gettext_lazy("frozen and live"),
}
CLASS_LABELS: dict[str, Promise] = {
    TriageClass.MAJOR.value: gettext_lazy("Major (大事)"),
    TriageClass.COMMUNITY.value: gettext_lazy("Community (小事)"),
    TriageClass.PRIVATE.value: gettext_lazy("Private (私事)"),
    metrics.UNCLASSIFIED: gettext_lazy("Not yet triaged"),
}
PANELS: dict[str, Promise] = {
    "metrics": gettext_lazy("Metrics"),
    "trend": gettext_lazy("Trend"),
    "split": gettext_lazy("Major, community and private matters"),
    "categories": gettext_lazy("Top categories"),
    "ranking": gettext_lazy("Ranking of the units below"),
    "overdue": gettext_lazy("Overdue and warned cases"),
    "survey": gettext_lazy("Base survey"),
}


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


# -- periods ---------------------------------------------------------------------------------------


def period_label(period: metrics.Period) -> str:
    if period.kind == PeriodKind.MONTH:
        return f"{period.start:%Y-%m}"
    if period.kind == PeriodKind.QUARTER:
        return _("%(year)s Q%(quarter)s") % {
            "year": period.start.year,
            "quarter": (period.start.month + 2) // 3,
        }
    return str(period.start.year)


def previous_period(period: metrics.Period) -> metrics.Period:
    return metrics.period_containing(period.kind, period.start - dt.timedelta(days=1))


def periods_ending(period: metrics.Period, count: int) -> list[metrics.Period]:
    """``count`` periods of the same kind ending with ``period``, oldest first."""
    periods = [period]
    while len(periods) < count and periods[-1].start > EARLIEST:
        periods.append(previous_period(periods[-1]))
    return periods[::-1]


class BoardForm(forms.Form):
    """The board's choices, read from the query string (a GET form that works without JavaScript)."""

    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PeriodKind.choices, required=False)
    start = forms.DateField(label=gettext_lazy("Which one"), required=False)
    unit = forms.CharField(label=gettext_lazy("Unit"), required=False, max_length=64)
    rank = forms.ChoiceField(
        label=gettext_lazy("Rank by"), choices=list(METRIC_LABELS.items()), required=False
    )
    export = forms.ChoiceField(choices=list(PANELS.items()), required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def clean_start(self) -> dt.date | None:
        start: dt.date | None = self.cleaned_data.get("start")
        if start is not None and not EARLIEST <= start <= timezone.localdate():
            raise forms.ValidationError(
                _("Choose a day between %(first)s and today.") % {"first": EARLIEST.isoformat()}
            )
        return start

    def chosen_period(self) -> metrics.Period:
        data = self.cleaned_data
        kind = data.get("period") or PeriodKind.MONTH
        start = data.get("start")
        return metrics.period_containing(kind, start) if start else metrics.current_period(kind)


@dataclass(frozen=True)
class PeriodOption:
    value: str
    label: str
    selected: bool


def period_options(chosen: metrics.Period) -> list[PeriodOption]:
    """The periods of the chosen kind offered for choice: the recent ones and the chosen one."""
    current = metrics.current_period(chosen.kind)
    recent = periods_ending(current, PERIOD_CHOICES[PeriodKind(chosen.kind)])[::-1]
    if chosen not in recent:
        recent.append(chosen)
    return [PeriodOption(p.start.isoformat(), period_label(p), p == chosen) for p in recent]


# -- who sees which board ------------------------------------------------------------------------------


def board_unit(user: User, code: str) -> Unit:
    """The unit of ``/board/<code>/``: visible, administrative and open to reading people data."""
    unit = access.units_visible_to(user).filter(code=code, kind__in=sorted(ADMINISTRATIVE_KINDS)).first()
    if unit is None or not access.can_read_people_in(user, unit):
        raise Http404
    return unit


def default_unit(request: HttpRequest, user: User) -> Unit | None:
    """The unit of the post chosen in the unit switcher if its board is open to the user, else the
    highest unit whose people data they read (``session``: defaults, never access)."""
    unit = session.current_unit(request)
    if unit is not None and unit.kind in ADMINISTRATIVE_KINDS and access.can_read_people_in(user, unit):
        return unit
    return default_survey_unit(user)


@dataclass(frozen=True)
class UnitLink:
    code: str
    name: str
    kind: str


def _breadcrumb(user: User, unit: Unit) -> list[UnitLink]:
    """From the highest ancestor whose board the user may open down to ``unit``."""
    return [
        UnitLink(a.code, a.name, str(UnitKind(a.kind).label))
        for a in unit.ancestors(include_self=True)
        if access.can_read_people_in(user, a)
    ]


# -- panels -----------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One published ratio with what it rests on and its formula (docs/domain.md §3.5)."""

    key: str
    label: str
    value: float | None
    numerator: int
    denominator: int
    numerator_label: str
    denominator_label: str
    formula: str

    @property
    def text(self) -> str:
        return percent(self.value)


def figures(row: metrics.MetricRow) -> list[Figure]:
    formulas = metrics.formulas()
    out = []
    for key in metrics.METRICS:
        numerator, denominator = metrics.RATIOS[key]
        out.append(
            Figure(
                key=key,
                label=str(METRIC_LABELS[key]),
                value=row.ratio(key),
                numerator=getattr(row.counts, numerator),
                denominator=getattr(row.counts, denominator),
                numerator_label=str(COUNT_LABELS[numerator]),
                denominator_label=str(COUNT_LABELS[denominator]),
                formula=formulas[key],
            )
        )
    return out


@dataclass
class UnitFigures:
    """A row of the metrics table: a unit, where its figures come from, and its figures."""

    code: str
    name: str
    kind: str
    is_self: bool
    source: str
    figures: list[Figure]
    counts: dict[str, int]
    frozen_at: dt.datetime | None = None

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])


@dataclass
class TrendPoint:
    period: metrics.Period
    label: str
    source: str
    figures: list[Figure]
    counts: dict[str, int]

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])


@dataclass
class Share:
    key: str
    label: str
    count: int
    share: float | None

    @property
    def share_text(self) -> str:
        return percent(self.share)


@dataclass
class RankLine:
    rank: int | None
    code: str
    name: str
    kind: str
    value: float | None
    numerator: int
    sample: int
    insufficient: bool

    @property
    def text(self) -> str:
        return percent(self.value)


@dataclass
class Board:
    """Everything the board of one unit and period shows; a panel left out is ``None``."""

    unit: Unit
    period: metrics.Period
    table: metrics.PeriodMetrics | None = None
    rows: list[UnitFigures] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    split: metrics.Split | None = None
    classes: list[Share] = field(default_factory=list)
    categories: list[Share] = field(default_factory=list)
    ranking: metrics.Ranking | None = None
    ranked: list[RankLine] = field(default_factory=list)
    survey: survey.SurveyRow | None = None

    @property
    def own(self) -> UnitFigures | None:
        return next((row for row in self.rows if row.is_self), None)


def _unit_figures(row: metrics.MetricRow, unit: Unit) -> UnitFigures:
    return UnitFigures(
        code=row.code,
        name=row.name,
        kind=str(UnitKind(row.kind).label),
        is_self=row.unit_id == unit.pk,
        source=row.source,
        figures=figures(row),
        counts=row.counts.as_dict(),
        frozen_at=row.frozen_at,
    )


def build_metrics(board: Board) -> None:
    """The unit and its children for the period: frozen where snapshots exist (metrics.py)."""
    board.table = metrics.period_metrics(board.unit, board.period.kind, board.period.start, levels=1)
    board.rows = [_unit_figures(row, board.unit) for row in board.table.rows]


def build_trend(board: Board) -> None:
    """The unit's figures over the last ``TREND_LENGTH`` periods, each frozen or live
    (``metrics.unit_over_periods``, two queries); the chosen period reuses the metrics table if built."""
    periods = periods_ending(board.period, TREND_LENGTH)
    rows = dict(zip(periods, metrics.unit_over_periods(board.unit, periods), strict=True))
    for period in periods:
        row = rows[period]
        if period == board.period and board.table is not None:
            row = next(r for r in board.table.rows if r.unit_id == board.unit.pk)
        board.trend.append(
            TrendPoint(period, period_label(period), row.source, figures(row), row.counts.as_dict())
        )


def build_split(board: Board) -> None:
    """大/小/私 and the top-level categories of the cases received in the period (always live)."""
    result = metrics.split(board.unit, board.period.start, board.period.end, top=TOP_CATEGORIES)
    board.split = result

    def share(n: int) -> float | None:
        return metrics.ratio(n, result.received)

    board.classes = [Share(key, str(CLASS_LABELS[key]), n, share(n)) for key, n in result.by_class.items()]
    board.categories = [Share(c.code, c.name, c.count, share(c.count)) for c in result.top_categories]
    if result.uncategorised:
        board.categories.append(
            Share("", _("No category"), result.uncategorised, share(result.uncategorised))
        )


def build_ranking(board: Board, metric: str) -> None:
    """The children ranked by ``metric``; those below the minimum sample are listed unranked."""
    if board.unit.kind == UnitKind.GRID:
        return  # a grid has no administrative units below it
    result = metrics.ranking(board.unit, board.period.kind, board.period.start, metric)
    numerator = metrics.RATIOS[metric][0]
    board.ranking = result
    board.ranked = [
        RankLine(
            rank=entry.rank,
            code=entry.row.code,
            name=entry.row.name,
            kind=str(UnitKind(entry.row.kind).label),
            value=entry.value,
            numerator=getattr(entry.row.counts, numerator),
            sample=entry.sample,
            insufficient=entry.status == metrics.INSUFFICIENT_SAMPLE,
        )
        for entry in result.entries
    ]


def build_survey(board: Board) -> None:
    board.survey = survey.survey(board.unit, levels=0)[0]


def overdue_cases(user: User, unit: Unit | None) -> QuerySet[Case]:
    """Open cases with a yellow or red warning that ``user`` reads (through the case list's
    filters, as the export does), under ``unit`` if given; red first, then the earliest due."""
    params = dict(OVERDUE_FILTER, **({"unit": unit.code} if unit is not None else {}))
    red = Q(case_color=Color.RED) | Q(stage_color=Color.RED)
    return (
        export.filtered_cases(user, params)
        .select_related("unit")
        .annotate(severity=SqlCase(When(red, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("severity", "due_at", "number")
    )


def overdue_page(user: User, unit: Unit | None, number: int | None) -> Page[Case]:
    paginator = Paginator(overdue_cases(user, unit), OVERDUE_PER_PAGE)
    return paginator.get_page(number)


# -- charts (data for board.js, embedded with json_script) ------------------------------------------------


def _chart_percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def chart_data(board: Board) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if board.trend:
        data["trend"] = {
            "labels": [point.label for point in board.trend],
            "series": [
                {
                    "name": str(METRIC_LABELS[key]),
                    "values": [_chart_percent(point.figures[index].value) for point in board.trend],
                }
                for index, key in enumerate(metrics.METRICS)
            ],
        }
    if board.split is not None:
        data["split"] = [
            {"name": share.label, "value": share.count} for share in board.classes if share.count
        ]
        data["categories"] = {
            "names": [share.label for share in board.categories],
            "values": [share.count for share in board.categories],
        }
    ranked = [line for line in board.ranked if not line.insufficient]
    if board.ranking is not None and ranked:
        data["ranking"] = {
            "name": str(METRIC_LABELS[board.ranking.metric]),
            "names": [line.name for line in ranked],
            "values": [_chart_percent(line.value) for line in ranked],
        }
    return data


# -- Excel ------------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One panel as a table: a title line, a header row, the rows, and notes (the formulas)."""

    title: str
    header: list[str]
    rows: list[list[Any]]
    percent_columns: Sequence[int] = ()  # 1-based
    notes: list[str] = field(default_factory=list)


def workbook(sheet: Sheet, name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = re.sub(r"[\\/*?:\[\]]", " ", name)[:31]
    ws.append([sheet.title])
    ws.append(sheet.header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        ws.append(row)
        for column in sheet.percent_columns:
            ws.cell(row=ws.max_row, column=column).number_format = "0.0%"
    if sheet.notes:
        ws.append([])
        for note in sheet.notes:
            ws.append([note])
    ws.freeze_panes = "A3"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 24
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title(board: Board, panel: str) -> str:
    return f"{board.unit.name} — {PANELS[panel]} ({period_label(board.period)})"


def _count_header() -> list[str]:
    return [str(COUNT_LABELS[name]) for name in metrics.COUNT_FIELDS]


def _ratio_header() -> list[str]:
    return [str(METRIC_LABELS[key]) for key in metrics.METRICS]


def _formula_notes() -> list[str]:
    return list(metrics.formulas().values())


def metrics_sheet(board: Board) -> Sheet:
    first_ratio = 5 + len(metrics.COUNT_FIELDS)
    return Sheet(
        _title(board, "metrics"),
        [_("Code"), _("Unit"), _("Kind"), _("Source"), *_count_header(), *_ratio_header()],
        [
            [
                row.code,
                row.name,
                row.kind,
                str(SOURCE_LABELS[row.source]),
                *(row.counts[name] for name in metrics.COUNT_FIELDS),
                *(figure.value for figure in row.figures),
            ]
            for row in board.rows
        ],
        range(first_ratio, first_ratio + len(metrics.METRICS)),
        _formula_notes(),
    )


def trend_sheet(board: Board) -> Sheet:
    first_ratio = 5 + len(metrics.COUNT_FIELDS)
    return Sheet(
        _title(board, "trend"),
        [_("Period"), _("First day"), _("Last day"), _("Source"), *_count_header(), *_ratio_header()],
        [
            [
                point.label,
                point.period.start,
                point.period.last_day,
                str(SOURCE_LABELS[point.source]),
                *(point.counts[name] for name in metrics.COUNT_FIELDS),
                *(figure.value for figure in point.figures),
            ]
            for point in board.trend
        ],
        range(first_ratio, first_ratio + len(metrics.METRICS)),
        _formula_notes(),
    )


def _share_sheet(board: Board, panel: str, first: str, shares: list[Share]) -> Sheet:
    received = board.split.received if board.split is not None else 0
    return Sheet(
        _title(board, panel),
        [first, _("Cases received"), _("Share")],
        [[share.label, share.count, share.share] for share in shares]
        + [[_("Total received"), received, None]],
        (3,),
        [_("Share = cases of the line / cases received in the period")],
    )


def ranking_sheet(board: Board) -> Sheet:
    assert board.ranking is not None
    metric = board.ranking.metric
    numerator, denominator = metrics.RATIOS[metric]
    return Sheet(
        _title(board, "ranking"),
        [
            _("Rank"),
            _("Code"),
            _("Unit"),
            str(METRIC_LABELS[metric]),
            str(COUNT_LABELS[numerator]),
            str(COUNT_LABELS[denominator]),
            _("Status"),
        ],
        [
            [
                line.rank,
                line.code,
                line.name,
                line.value,
                line.numerator,
                line.sample,
                _("insufficient sample") if line.insufficient else _("ranked"),
            ]
            for line in board.ranked
        ],
        (4,),
        [board.ranking.formula, min_sample_note(board.ranking.min_sample)],
    )


def min_sample_note(minimum: int) -> str:
    return _(
        "Units whose denominator is below %(n)s cases are listed as insufficient sample and not ranked."
    ) % {"n": minimum}


SHEETS: dict[str, Callable[[Board], Sheet]] = {
    "metrics": metrics_sheet,
    "trend": trend_sheet,
    "split": lambda board: _share_sheet(board, "split", _("Class"), board.classes),
    "categories": lambda board: _share_sheet(board, "categories", _("Category"), board.categories),
    "ranking": ranking_sheet,
}
# What each panel's export needs computed.
BUILDS: dict[str, Callable[[Board, str], None]] = {
    "metrics": lambda board, metric: build_metrics(board),
    "trend": lambda board, metric: build_trend(board),
    "split": lambda board, metric: build_split(board),
    "categories": lambda board, metric: build_split(board),
    "ranking": lambda board, metric: build_ranking(board, metric),
}


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_overdue(user: User, unit: Unit | None) -> HttpResponseBase:
    """The overdue list through ``cases.export`` — scoped, masked, and audit-recorded like every
    export of a case list."""
    params = dict(OVERDUE_FILTER, **({"unit": unit.code} if unit is not None else {}))
    result = export.export_cases(user, fmt="xlsx", params=params)
    response = StreamingHttpResponse(result.chunks, content_type=result.content_type)
    where = _safe(unit.code) if unit is not None else "mine"
    return _attachment(response, f"board-overdue-{where}-{timezone.localdate():%Y%m%d}.xlsx")


def export_panel(user: User, board: Board, panel: str, metric: str) -> HttpResponseBase:
    filename = f"board-{panel}-{_safe(board.unit.code)}-{_safe(period_label(board.period))}.xlsx"
    if panel == "overdue":
        return export_overdue(user, board.unit)
    if panel == "survey":
        content = survey.workbook(board.unit, survey.survey(board.unit, levels=1))
        return _attachment(HttpResponse(content, content_type=XLSX), filename)
    BUILDS[panel](board, metric)
    if panel == "ranking" and board.ranking is None:
        raise Http404  # a grid has nothing below it to rank
    content = workbook(SHEETS[panel](board), str(PANELS[panel]))
    return _attachment(HttpResponse(content, content_type=XLSX), filename)


# -- pages ------------------------------------------------------------------------------------------------


def _query(request: HttpRequest, **changes: Any) -> str:
    """The current query string with ``changes`` (``None`` drops a key)."""
    params = {key: value for key, value in request.GET.items() if key not in ("export", "page", "unit")}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return urlencode(params)


@login_required
@require_GET
def board_page(request: HttpRequest, code: str | None = None) -> HttpResponseBase:
    """The board of a unit (``/board/<code>/``) or of the user's current unit (``/board/``)."""
    user = session.account(request)
    unit = board_unit(user, code) if code is not None else default_unit(request, user)
    form = BoardForm(request.GET)
    if unit is None:
        if not access.departments_of(user):
            raise Http404
        return _department_board(request, user, form)
    if not form.is_valid():
        context = {
            "nav": "board",
            "unit": unit,
            "unit_kind": UnitKind(unit.kind).label,
            "form": form,
            "breadcrumb": _breadcrumb(user, unit),
            "period_kinds": PeriodKind.choices,
            "period_options": period_options(metrics.current_period(PeriodKind.MONTH)),
        }
        return render(request, "web/board/board.html", context, status=400)
    data = form.cleaned_data
    if data["unit"] and data["unit"] != unit.code:
        target = board_unit(user, data["unit"])
        query = _query(request)
        return redirect(reverse("web:board-unit", args=[target.code]) + (f"?{query}" if query else ""))
    board = Board(unit, form.chosen_period())
    metric = data["rank"] or "completion"
    if data["export"]:
        return export_panel(user, board, data["export"], metric)

    build_metrics(board)
    build_trend(board)
    build_split(board)
    build_ranking(board, metric)
    build_survey(board)
    overdue = overdue_page(user, unit, data["page"])
    base = reverse("web:board-unit", args=[unit.code])
    previous = previous_period(board.period)
    following = board.period.next()
    context = {
        "nav": "board",
        "unit": unit,
        "unit_kind": UnitKind(unit.kind).label,
        "form": form,
        "board": board,
        "period_label": period_label(board.period),
        "period_kinds": PeriodKind.choices,
        "period_options": period_options(board.period),
        "metric_choices": list(METRIC_LABELS.items()),
        "rank_metric": metric,
        "breadcrumb": _breadcrumb(user, unit),
        "children": [row for row in board.rows if not row.is_self],
        "table_source": str(SOURCE_LABELS[board.table.source]) if board.table else "",
        "ranking_source": str(SOURCE_LABELS[board.ranking.source]) if board.ranking else "",
        "formulas": metrics.formulas(),
        "metric_labels": [str(METRIC_LABELS[key]) for key in metrics.METRICS],
        "min_sample_note": min_sample_note(board.ranking.min_sample) if board.ranking else "",
        "survey_formulas": survey.formulas(),
        "survey_shares": {
            "elderly_share": percent(board.survey.elderly_share) if board.survey else "",
            "grid_coverage": percent(board.survey.grid_coverage) if board.survey else "",
        },
        "overdue": overdue,
        "charts": chart_data(board),
        "base_url": base,
        "query": _query(request),
        "previous_query": _query(request, start=previous.start.isoformat(), period=previous.kind),
        "next_query": (
            _query(request, start=following.start.isoformat(), period=following.kind)
            if following.start <= timezone.localdate()
            else ""
        ),
        "exports": {panel: f"{base}?{_query(request, export=panel)}" for panel in PANELS},
        "today": timezone.localdate(),
    }
    return render(request, "web/board/board.html", context)


def _department_board(request: HttpRequest, user: User, form: BoardForm) -> HttpResponseBase:
    """A department handler's board: the open cases with a warning among those they see."""
    if not form.is_valid():
        return render(request, "web/board/department.html", {"nav": "board", "form": form}, status=400)
    data = form.cleaned_data
    if data["export"] == "overdue":
        return export_overdue(user, None)
    if data["export"]:
        raise Http404
    context = {
        "nav": "board",
        "form": form,
        "departments": access.departments_of(user),
        "overdue": overdue_page(user, None, data["page"]),
        "query": _query(request),
        "export_url": f"{reverse('web:board')}?{_query(request, export='overdue')}",
    }
    return render(request, "web/board/department.html", context)


urlpatterns = [
    path("board/", board_page, name="board"),
    path("board/<str:code>/", board_page, name="board-unit"),
]
