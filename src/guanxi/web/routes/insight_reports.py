"""Insight reports: a user's own "my year" and "us" pages (HTML), the operator's figures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from guanxi.insight.report_html import HEADERS
from guanxi.web.auth import Me, Svc
from guanxi.web.responses import JSONOut
from guanxi.web.routes.params import HandlePath
from guanxi.web.schemas.insight_reports import OperatorInsightOut

router = APIRouter(tags=["insight"])
YearQuery = Annotated[int, Query(ge=1970, le=9999, description="A year, e.g. 2026 (UTC).")]
HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "A self-contained HTML page."}
}


def _page(html: str) -> HTMLResponse:
    return HTMLResponse(html, headers=HEADERS)


@router.get("/me/insight/report", response_class=HTMLResponse, responses=HTML)
async def my_year(me: Me, svc: Svc, year: YearQuery) -> HTMLResponse:
    return _page(await svc.insight_reports.my_year(me, year))


@router.get("/me/insight/report/us/{handle}", response_class=HTMLResponse, responses=HTML)
async def us(handle: HandlePath, me: Me, svc: Svc) -> HTMLResponse:
    return _page(await svc.insight_reports.us(me, handle))


@router.get("/admin/insight", response_model=OperatorInsightOut)
async def operator_insight(me: Me, svc: Svc) -> JSONOut:
    return JSONOut(await svc.operator_insight.figures(me))


@router.get("/admin/insight/report", response_class=HTMLResponse, responses=HTML)
async def operator_report(me: Me, svc: Svc) -> HTMLResponse:
    return _page(await svc.operator_insight.report(me))
