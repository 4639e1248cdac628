"""Rendering a document: Jinja2 templates (autoescaped) from the bureau's ``templates/`` first and the package's
second, so a bureau overrides any of them (provinces have their own 文书格式); the QR code as inline SVG (segno).

A template that fails is one Chinese error naming its file and line."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
import segno
from markupsafe import Markup

from shuangsuiji.core.documents import DOCUMENT_KINDS
from shuangsuiji.errors import InputError, SsjError
from shuangsuiji.workspace import Workspace

#: the bureau's own templates, relative to its repository (SPEC §2)
BUREAU_TEMPLATES = "templates"
PACKAGE_TEMPLATES = "shuangsuiji/templates/documents"


def package_folder() -> Path:
    """The templates shipped with ssj."""
    return Path(str(resources.files("shuangsuiji") / "templates" / "documents"))


def environment(ws: Workspace) -> jinja2.Environment:
    """Bureau first, package second; autoescape everywhere; an undefined name is an error, never an empty cell."""
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(ws.root / BUREAU_TEMPLATES), encoding="utf-8"),
        jinja2.FileSystemLoader(str(package_folder()), encoding="utf-8"),
    ])
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True, auto_reload=False)


def template_name(kind: str) -> str:
    """``notice.html`` for 检查通知书, and so on."""
    return f"{DOCUMENT_KINDS[kind]}.html"


def qr_svg(text: str) -> Markup:
    """The QR code of ``text`` as an inline ``<svg>`` (no external resources), safe to put in a template."""
    code = segno.make(text, error="m", micro=False, encoding="utf-8")
    return Markup(code.svg_inline(scale=2, border=2, svgclass="qr", lineclass="qr-line"))


def render(ws: Workspace, kind: str, values: dict[str, Any]) -> str:
    """The HTML of a document of ``kind``."""
    env = environment(ws)
    name = template_name(kind)
    try:
        return env.get_template(name).render(values)
    except jinja2.TemplateNotFound as missing:
        raise SsjError(f"找不到文书模板 {missing.name}（{BUREAU_TEMPLATES}/ 或 ssj 自带的 {PACKAGE_TEMPLATES}/ 中都没有）："
                       "请检查模板中 extends / include / import 的文件名") from None
    except jinja2.TemplateSyntaxError as error:
        raise InputError(_shown(ws, error.filename, error.name), error.lineno,
                         f"文书模板语法错误：{error.message}；请改正该行（Jinja2 语法）") from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError,
            ZeroDivisionError) as error:
        filename, line = _template_frame(error.__traceback__)
        raise InputError(_shown(ws, filename, name), line,
                         f"文书模板无法生成（{_reason(error)}）：请改正该行；可用的字段见 {PACKAGE_TEMPLATES}/base.html 开头的说明") from None


def _template_frame(trace: TracebackType | None) -> tuple[str | None, int | None]:
    """The innermost traceback frame that runs template code (Jinja2 gives it the template's file and line)."""
    found: tuple[str | None, int | None] = (None, None)
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".htm", ".css", ".txt")):
            found = (filename, trace.tb_lineno)
        trace = trace.tb_next
    return found


def _reason(error: Exception) -> str:
    if isinstance(error, jinja2.UndefinedError):
        return f"没有这个字段或变量：{error.message}"
    return f"{type(error).__name__}：{error}"


def _shown(ws: Workspace, filename: str | None, name: str | None) -> str:
    """The template's file as a clerk finds it: inside the repository, or ssj's own."""
    if filename is None:
        return f"文书模板 {name}"
    path = Path(filename)
    for base, shown in ((ws.root, ""), (package_folder(), PACKAGE_TEMPLATES + "/")):
        try:
            return shown + path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()
