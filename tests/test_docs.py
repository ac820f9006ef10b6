"""The documentation against the code: ``docs/*.md`` and ``README.md``.

- every ``levelup-pos ...`` command in inline or fenced code names a real command (and
  subcommand) of the parser;
- every ``section.key`` in the configuration reference is a setting, and every setting is
  documented there; ``config set`` examples and ``LEVELUP_POS_*`` variables are real;
- every command and subcommand has help text;
- every relative link (and its ``#anchor``) points at something that exists.

The markdown is read with markdown-it-py (CommonMark and tables; heading anchors as GitHub
makes them, by mdit-py-plugins): fenced code blocks line by line, inline code spans, links,
link reference definitions and table rows, each with the line it is on.
"""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from pydantic import BaseModel

from pos_app.cli import _parser
from pos_app.host.settings import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CONFIGURATION = DOCS / "configuration.md"

INSTALLER_VARIABLES = {"LEVELUP_POS_PROVISIONING_FILE", "LEVELUP_POS_ALLOW_PENDING"}
"""Read by the installers' package scripts at install time (docs/install.md), not by pos_app."""

FILE_SUFFIXES = {"toml", "json", "jsonl", "csv", "sqlite3", "log", "txt", "md", "py", "key"}
"""``name.suffix`` in backticks is a file name, not a ``section.key`` setting."""


def markdown_files() -> list[Path]:
    return [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT))


# ----- reading markdown ---------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    """A code span, or one line of a fenced block, and where it is."""

    path: Path
    line: int
    text: str
    language: str | None = None
    """The info string of a fenced block (``sh``, ``text``, ...); None for a code span."""


@dataclass
class Markdown:
    path: Path
    code: list[Code] = field(default_factory=list)
    links: list[tuple[int, str]] = field(default_factory=list)
    """The target of every link, image and link reference definition, with its line."""
    first_cells: list[Code] = field(default_factory=list)
    """The first cell of each table row, when it is one code span."""
    anchors: set[str] = field(default_factory=set)
    """The ``#anchors`` GitHub makes of the headings (``-1``, ``-2`` ... for repeats)."""


_MARKDOWN = MarkdownIt("commonmark").enable("table").use(anchors_plugin, max_level=6)


def read_markdown(path: Path) -> Markdown:
    document = Markdown(path)
    env: dict[str, Any] = {}
    tokens = _MARKDOWN.parse(path.read_text(encoding="utf-8"), env)
    for index, token in enumerate(tokens):
        if token.type == "fence" and token.map:
            language = (token.info.split() or [""])[0].lower()
            for number, line in enumerate(token.content.splitlines(), start=token.map[0] + 2):
                document.code.append(Code(path, number, line.strip(), language))
        elif token.type == "heading_open":
            document.anchors.add(str(token.attrGet("id")))
        elif token.type == "inline":
            spans = []
            for number, child in _placed(token):
                if child.type == "code_inline":
                    spans.append(Code(path, number, child.content))
                elif child.type in ("link_open", "image"):
                    target = child.attrGet("href" if child.type == "link_open" else "src")
                    document.links.append((number, unquote(str(target))))
            document.code.extend(spans)
            cell = tokens[index - 1].type in ("th_open", "td_open")
            if cell and tokens[index - 2].type == "tr_open" and len(token.children or []) == 1:
                document.first_cells.extend(spans)
    for reference in env.get("references", {}).values():
        document.links.append((reference["map"][0] + 1, unquote(reference["href"])))
    return document


def _placed(inline: Token) -> Iterator[tuple[int, Token]]:
    """The children of an inline token, each with the line it starts on. markdown-it gives
    lines to blocks only: count the line breaks, and find each code span in the source (its
    content has its line breaks turned into spaces)."""
    assert inline.map is not None
    first = inline.map[0] + 1
    number, position = first, 0
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            number += 1
        elif child.type == "code_inline":
            spaced = r"[ \n]".join(re.escape(word) for word in child.content.split(" "))
            ticks = re.escape(child.markup)
            source = re.compile(rf"(?<!`){ticks}[ \n]?{spaced}[ \n]?{ticks}(?!`)")
            if found := source.search(inline.content, position):
                number = first + inline.content.count("\n", 0, found.start())
                yield number, child
                number += found.group().count("\n")
                position = found.end()
                continue
        yield number, child


_DOCUMENTS = {path: read_markdown(path) for path in markdown_files()}


def documents() -> list[Markdown]:
    return list(_DOCUMENTS.values())


# ----- (a) commands -------------------------------------------------------------------------

_SEPARATORS = re.compile(r"&&|\|\||[;|]|\$\(")
_OPTIONAL = re.compile(r"\[[^\[\]]*\]")
_PROGRAM = re.compile(r"(?:^|[\\/])levelup-pos(?:\.exe)?$")
_END = ("#", ">", "<", "\\", "2>", ")")
"""Words that end a command: a comment, a redirection, an escaped table pipe."""


def commands_in(text: str) -> Iterator[list[str]]:
    """The words after each ``levelup-pos`` (or ``./dev app``) that is run in ``text``.

    Optional parts of usage lines (``[--host H]``) are dropped first; ``a && b``, ``a; b``,
    ``a | b`` and ``$(a)`` are separate commands; ``sudo``, variables set before the command and
    a path in front of the program do not matter.
    """
    for part in _SEPARATORS.split(_OPTIONAL.sub(" ", text)):
        try:
            words = shlex.split(part, posix=False)
        except ValueError:
            words = part.split()
        words = [word.strip("\"'") for word in words]
        for index, word in enumerate(words):
            if _PROGRAM.search(word):
                yield words[index + 1 :]
                break
            if word.endswith("dev") and words[index + 1 : index + 2] == ["app"]:
                yield words[index + 2 :]
                break


def _subcommands(
    parser: argparse.ArgumentParser,
) -> argparse._SubParsersAction[argparse.ArgumentParser] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def command_problem(parser: argparse.ArgumentParser, words: list[str]) -> str | None:
    """Why ``levelup-pos WORDS`` names no real command, or None. Only the command and its
    subcommand are checked (and the options before them); what follows is not."""
    path = ["levelup-pos"]
    index = 0
    current = parser
    while (subcommands := _subcommands(current)) is not None:
        while index < len(words) and words[index].startswith("-"):
            option = words[index].split("=", 1)[0]
            action = current._option_string_actions.get(option)
            if action is None:
                return f"{' '.join(path)} has no option {option}"
            index += 1 if "=" in words[index] or action.nargs == 0 else 2
        if index >= len(words) or words[index].startswith(_END):
            return None  # the command alone, or a group named as a whole ("levelup-pos staff")
        name = words[index]
        if name not in subcommands.choices:
            known = ", ".join(subcommands.choices)
            return f"{' '.join(path)} has no command {name!r} (it has: {known})"
        path.append(name)
        current = subcommands.choices[name]
        index += 1
    return None


OUTPUT = {"text", "json", "toml", "python", "diff"}
"""Fenced blocks of these languages show output or files, not commands to run."""


def command_mentions(document: Markdown) -> Iterator[tuple[Code, list[str]]]:
    for code in document.code:
        if code.language in OUTPUT:
            continue
        for words in commands_in(code.text):
            yield code, words


@pytest.mark.parametrize("document", documents(), ids=lambda d: shown(d.path))
def test_every_command_in_the_docs_exists(document: Markdown) -> None:
    parser = _parser()
    problems = [
        f"{shown(code.path)}:{code.line}: `{code.text}`: {problem}"
        for code, words in command_mentions(document)
        if (problem := command_problem(parser, words))
    ]
    assert not problems, "\n".join(problems)


def test_the_docs_name_many_commands() -> None:
    """The check above is not vacuous: the guides are full of commands."""
    mentioned = {
        " ".join(words[:2]) for document in documents() for _, words in command_mentions(document)
    }
    assert len(mentioned) >= 20, mentioned


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("levelup-pos paths", None),
        ("levelup-pos --data-dir /tmp/x journal pending", None),
        ("sudo LEVELUP_POS_HOME=/x /usr/bin/levelup-pos api --url U --sandbox ping", None),
        ("levelup-pos staff add ID NAME [--role cashier|manager|admin] | list", None),
        ("levelup-pos staff", None),
        ("dpkg -r levelup-pos", None),
        ("./dev app calc 22.00 2.00 0 10.00", None),
        ("levelup-pos nosuch", "levelup-pos has no command 'nosuch'"),
        ("levelup-pos journal nosuch", "levelup-pos journal has no command 'nosuch'"),
        ("levelup-pos -v paths", "levelup-pos has no option -v"),
        ("levelup-pos paths && levelup-pos nosuch", "levelup-pos has no command 'nosuch'"),
    ],
)
def test_command_check_finds_what_is_wrong(text: str, problem: str | None) -> None:
    found = [command_problem(_parser(), words) for words in commands_in(text)]
    assert found
    wrong = [p for p in found if p]
    if problem is None:
        assert not wrong
    else:
        assert wrong
        assert wrong[0].startswith(problem)


# ----- (b) settings -------------------------------------------------------------------------


def settings() -> set[str]:
    """Every ``section.key``; sections by their TOML name (``register`` for ``register_``)."""
    names: set[str] = set()
    for name, section in Settings.model_fields.items():
        model = section.annotation
        assert isinstance(model, type)
        assert issubclass(model, BaseModel)
        names.update(f"{section.alias or name}.{key}" for key in model.model_fields)
    return names


_SETTING = re.compile(r"^([a-z_]+)\.([a-z_][a-z0-9_]*)$")


def table_settings(document: Markdown) -> dict[str, int]:
    """The `section.key` in the first column of the document's tables, with their lines."""
    found: dict[str, int] = {}
    for cell in document.first_cells:
        match = _SETTING.match(cell.text)
        if match and match.group(2) not in FILE_SUFFIXES:
            found.setdefault(cell.text, cell.line)
    return found


def test_every_setting_in_the_reference_exists() -> None:
    document = _DOCUMENTS[CONFIGURATION]
    known = settings()
    documented = table_settings(document)
    assert documented, "docs/configuration.md has no table of `section.key` settings"
    unknown = [f"line {line}: `{name}`" for name, line in documented.items() if name not in known]
    assert not unknown, "not settings of pos_app.host.settings.Settings:\n" + "\n".join(unknown)


def test_every_setting_is_in_the_reference() -> None:
    documented = table_settings(_DOCUMENTS[CONFIGURATION])
    missing = sorted(settings() - set(documented))
    assert not missing, "settings missing from docs/configuration.md's tables: " + ", ".join(
        missing
    )


@pytest.mark.parametrize("document", documents(), ids=lambda d: shown(d.path))
def test_settings_named_in_the_docs_exist(document: Markdown) -> None:
    """Any `section.key` in backticks, and any ``config set KEY``, is a real setting; in the
    configuration reference a `name.suffix` that is no file name is taken for a setting too."""
    known = settings()
    sections = {name.partition(".")[0] for name in known}
    problems = []
    for code in document.code:
        match = _SETTING.match(code.text)
        if match is None:
            continue
        section, key = match.groups()
        if key in FILE_SUFFIXES:
            continue
        if (section in sections or document.path == CONFIGURATION) and code.text not in known:
            problems.append(f"{shown(code.path)}:{code.line}: `{code.text}` is not a setting")
    for code, words in command_mentions(document):
        if words[:2] == ["config", "set"] and len(words) > 2 and words[2] not in known:
            problems.append(f"{shown(code.path)}:{code.line}: config set {words[2]}: no such key")
    assert not problems, "\n".join(problems)


_VARIABLE = re.compile(rf"\b{ENV_PREFIX}[A-Z0-9_]+")


def variables_in_the_code() -> set[str]:
    found = {f"{ENV_PREFIX}{name.replace('.', '_')}".upper() for name in settings()}
    sources = [*(ROOT / "pos_app").rglob("*.py"), *(ROOT / "installer").rglob("*")]
    for source in sources:
        if source.is_file():
            found.update(_VARIABLE.findall(source.read_text(encoding="utf-8", errors="ignore")))
    return found | INSTALLER_VARIABLES


@pytest.mark.parametrize("document", documents(), ids=lambda d: shown(d.path))
def test_environment_variables_in_the_docs_exist(document: Markdown) -> None:
    real = variables_in_the_code()
    text = document.path.read_text(encoding="utf-8")
    unknown = sorted(set(_VARIABLE.findall(text)) - real)
    assert not unknown, f"{shown(document.path)}: no such variable: {', '.join(unknown)}"


# ----- (c) help texts -----------------------------------------------------------------------


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, str | None, argparse.ArgumentParser]]:
    """Every command and subcommand: its name, the help of its line in ``--help``, its parser."""
    subcommands = _subcommands(parser)
    if subcommands is None:
        return
    helps = {action.dest: action.help for action in subcommands._choices_actions}
    for name, child in subcommands.choices.items():
        yield " ".join((*path, name)), helps.get(name), child
        yield from commands(child, (*path, name))


@pytest.mark.parametrize(
    ("name", "summary", "parser"),
    list(commands(_parser())),
    ids=[name for name, _, _ in commands(_parser())],
)
def test_every_command_has_help(
    name: str, summary: str | None, parser: argparse.ArgumentParser
) -> None:
    assert (summary or "").strip(), f"levelup-pos {name} has no help= in the list of commands"
    assert (parser.description or summary or "").strip(), f"levelup-pos {name} says nothing"


def test_help_check_finds_a_command_without_help() -> None:
    parser = argparse.ArgumentParser(prog="levelup-pos")
    group = parser.add_subparsers().add_parser("journal", help="read the journal")
    group.add_subparsers().add_parser("pending")
    found = {name: summary for name, summary, _ in commands(parser)}
    assert found == {"journal": "read the journal", "journal pending": None}


def test_the_command_itself_is_described() -> None:
    assert (_parser().description or "").strip()


# ----- (d) links ----------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _document(path: Path) -> Markdown:
    return _DOCUMENTS.get(path) or read_markdown(path)


def links(document: Markdown) -> Iterator[tuple[int, str]]:
    yield from document.links


@pytest.mark.parametrize("document", documents(), ids=lambda d: shown(d.path))
def test_every_relative_link_points_at_something(document: Markdown) -> None:
    problems = []
    for number, target in links(document):
        if _SCHEME.match(target):
            continue
        where, _, anchor = target.partition("#")
        path = (document.path.parent / where).resolve() if where else document.path
        if not path.exists():
            problems.append(f"{shown(document.path)}:{number}: {target}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in _document(path).anchors:
            problems.append(f"{shown(document.path)}:{number}: {target}: no such heading")
    assert not problems, "\n".join(problems)


def test_the_index_links_every_guide() -> None:
    index = _DOCUMENTS[DOCS / "README.md"]
    linked = {target.partition("#")[0] for _, target in links(index)}
    guides = {path.name for path in DOCS.glob("*.md")} - {"README.md"}
    assert guides <= linked, f"docs/README.md does not link: {', '.join(sorted(guides - linked))}"


def test_the_reader_finds_code_links_anchors_and_table_cells(tmp_path: Path) -> None:
    """What the checks above read, each at its line (a code span may run over lines)."""
    page = tmp_path / "page.md"
    page.write_text(
        "# Setup `levelup-pos`\n"  # 1
        "\n"
        "Run `levelup-pos\n"  # 3
        "journal pending` then [the guide](guide.md#setup-levelup-pos) and\n"  # 4
        "`levelup-pos paths` ![logo](logo%20big.png)\n"  # 5
        "\n"
        "| Key | Meaning [see](#setup-levelup-pos) |\n"  # 7
        "|---|---|\n"
        "| `scanner.url` | `a \\| b` |\n"  # 9
        "\n"
        "```sh\n"  # 11
        "levelup-pos demo\n"  # 12
        "```\n"
        "\n"
        "## Setup `levelup-pos`\n"  # 15
        "\n"
        "[guide]: other.md#x\n",  # 17
        encoding="utf-8",
    )
    document = read_markdown(page)
    assert [(c.line, c.text, c.language) for c in document.code] == [
        (1, "levelup-pos", None),
        (3, "levelup-pos journal pending", None),
        (5, "levelup-pos paths", None),
        (9, "scanner.url", None),
        (9, "a | b", None),
        (12, "levelup-pos demo", "sh"),
        (15, "levelup-pos", None),
    ]
    assert sorted(links(document)) == [
        (4, "guide.md#setup-levelup-pos"),
        (5, "logo big.png"),
        (7, "#setup-levelup-pos"),
        (17, "other.md#x"),
    ]
    assert document.anchors == {"setup-levelup-pos", "setup-levelup-pos-1"}
    assert table_settings(document) == {"scanner.url": 9}
