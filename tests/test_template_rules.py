"""The default theme's templates lay values out; the rules behind the values live in the
view layer (model/) or in named theme filters (render/theme.py).

A rule written in a template is repeated by every template that needs it (the web page
and its PDF drift apart) and cannot be unit-tested. This scans each template's syntax
tree for the constructs that signal one, so that none creeps back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from catalogpress.render.theme import builtin_theme_dir

TEMPLATES = builtin_theme_dir() / "templates"

ARITHMETIC = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow)
SIGNS = (nodes.Neg, nodes.Pos)
ORDERING = {"gt", "lt", "gteq", "lteq"}
# Filters that compute values from data rather than format one.
COMPUTING_FILTERS = {"sum", "selectattr", "rejectattr", "abs", "min", "max", "round", "groupby"}
# Functions a template may call: links are the route helper's, not a business rule, and
# where a printed document's two columns break is layout (pdf/columns.py).
LAYOUT_CALLS = {"url", "url_for", "absolute", "range", "two_columns", "html_columns"}


def _mentions_as_of(node: nodes.Node) -> bool:
    return any(n.attr == "as_of" for n in node.find_all(nodes.Getattr))


def _is_heading_level(node: nodes.Node) -> bool:
    """`h + 1`: the next heading level inside a partial, layout and not an amount."""
    return (
        isinstance(node, nodes.Add)
        and isinstance(node.left, nodes.Name)
        and node.left.name == "h"
        and isinstance(node.right, nodes.Const)
    )


def _is_count(node: nodes.Node) -> bool:
    """`items|length` or a constant: how many things to lay out, not what they are worth."""
    return isinstance(node, nodes.Const) or (
        isinstance(node, nodes.Filter) and node.name == "length"
    )


def _theme_macros(tree: nodes.Template) -> set[str]:
    """Macros the template defines or imports from the theme: layout, like an include."""
    names = {m.name for m in tree.find_all(nodes.Macro)}
    for imported in tree.find_all(nodes.FromImport):
        names |= {n if isinstance(n, str) else n[1] for n in imported.names}
    return names


def _findings(tree: nodes.Template) -> Iterator[tuple[int, str]]:
    macros = _theme_macros(tree)
    for node in tree.find_all(nodes.Node):
        line = getattr(node, "lineno", 0)
        if isinstance(node, nodes.Test) and node.name == "sameas":
            yield line, "identity test `is sameas`: the view should say which record it is"
        elif isinstance(node, nodes.Compare):
            if _mentions_as_of(node):
                yield line, "date comparison with `site.as_of`: a view state should say it"
            else:
                operands = [node.expr, *(op.expr for op in node.ops)]
                if any(op.op in ORDERING for op in node.ops) and not all(
                    _is_count(o) for o in operands
                ):
                    yield line, "ordering comparison of values: a view property should decide"
        elif isinstance(node, nodes.Getattr) and node.attr == "period":
            yield line, "billing period test `.period`: belongs to model/billing.py"
        elif isinstance(node, ARITHMETIC) and not _is_heading_level(node):
            yield line, f"arithmetic `{type(node).__name__}`: compute it in the view layer"
        elif isinstance(node, SIGNS):
            yield line, "a sign taken in the template: compute it in the view layer"
        elif isinstance(node, nodes.Filter) and node.name in COMPUTING_FILTERS:
            yield line, f"computing filter `|{node.name}`: compute it in the view layer"
        elif isinstance(node, nodes.For) and node.test is not None:
            yield line, "records selected in a loop (`for ... if`): a view should list them"
        elif (
            isinstance(node, nodes.Call)
            and isinstance(node.node, nodes.Name)
            and node.node.name not in LAYOUT_CALLS | macros
        ):
            yield line, f"helper `{node.node.name}()` computes a value: read a view property"


def business_rules(source: str, name: str = "<template>") -> list[str]:
    """Every construct in a template's source that computes a business rule, as 'name:line: why'."""
    tree = jinja2.Environment().parse(source)
    return [f"{name}:{line}: {why}" for line, why in sorted(set(_findings(tree)))]


def theme_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".xml"))


def test_there_are_templates_to_scan() -> None:
    names = {p.relative_to(TEMPLATES).as_posix() for p in theme_templates()}
    assert {"rates.html", "service.html", "pdf/sla.html", "partials/service_list.html"} <= names


@pytest.mark.parametrize(
    "path", theme_templates(), ids=lambda p: p.relative_to(TEMPLATES).as_posix()
)
def test_default_theme_template_holds_no_business_rule(path: Path) -> None:
    found = business_rules(path.read_text(encoding="utf-8"), path.relative_to(TEMPLATES).as_posix())
    assert not found, "move these rules into model/ or a theme filter:\n" + "\n".join(found)


# Constructs the default theme held before the rules moved out: each must be caught.
RULES = {
    "sheet identity": "{% if site.current_sheet.sheet is sameas s %}now{% endif %}",
    "sheet ahead": "{% if sheet.first_day > site.as_of %}ahead{% endif %}",
    "version scheduled": "{% if version.effective > site.as_of %} (scheduled){% endif %}",
    "join in a loop": "{% for n in site.notices if n.notice.new is sameas x %}{{ n }}{% endfor %}",
    "selection in a loop": "{% for p in pages if p.meta.summary %}{{ p }}{% endfor %}",
    "billing period": '{% if row.unit.period in ("hour", "use") %}a month{% endif %}',
    "negated amount": "{{ -b.benchmark_difference }}%",
    "sign by comparison": '{{ "+" if c.new > c.old else "-" }}',
    "amount compared with zero": "{% if b.benchmark_difference > 0 %}lower{% endif %}",
    "column split": "{% set half = (groups|length + 1) // 2 %}",
    "absolute value": "{{ c.percent|abs }}",
    "total": "{{ lines|map(attribute='amount')|sum }}",
    "categories selected": '{% set sections = site.categories|selectattr("services")|list %}',
    "helper call": "{% set low = from_price(s) %}",
}


@pytest.mark.parametrize("source", RULES.values(), ids=RULES.keys())
def test_scanner_finds_business_rule(source: str) -> None:
    assert business_rules(source)


LAYOUT = {
    "heading level": "<h{{ h + 1 }}>Included</h{{ h + 1 }}>",
    "state chosen wording": '{% if service.status == "retiring" %}Retiring{% endif %}',
    "how many to show": "{% if site.sheets|length > 1 %}list{% endif %}",
    "plural": '{{ "s" if n != 1 }}',
    "link": "{{ url_for('service', s.id) }}",
    "view method": "{{ notice.notice.summary() }}",
    "formatting filter": "{{ line.amount|money }} {{ c.percent|percent_change }}",
}


@pytest.mark.parametrize("source", LAYOUT.values(), ids=LAYOUT.keys())
def test_scanner_leaves_layout_alone(source: str) -> None:
    assert business_rules(source) == []
