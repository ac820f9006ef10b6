"""The documentation against the code: ``docs/*.md`` and ``README.md``.

- every ``levelup-pos ...`` command in inline or fenced code names a real command (and
  subcommand) of the parser;
- every ``section.key`` in the configuration reference is a setting, and every setting is
  documented there; ``config set`` examples and ``LEVELUP_POS_*`` variables are real;
- every command and subcommand has help text;
- every relative link (and its ``#anchor``) points at something that exists.

The markdown is read with a small parser of its own: fenced code blocks, inline code spans
(which may run over lines within a paragraph), ATX headings and links.
"""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
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
    code: list[Code]
    lines: list[tuple[int, str]]
    """Lines outside fenced blocks, as written."""
    prose: list[tuple[int, str]]
    """The same lines with code spans blanked out (links are looked for here)."""
    headings: list[str]
    """Heading texts, code spans as their text."""


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")


def read_markdown(path: Path) -> Markdown:
    code: list[Code] = []
    lines: list[tuple[int, str]] = []
    prose: list[tuple[int, str]] = []
    headings: list[str] = []
    paragraph: list[tuple[int, str]] = []
    fence: str | None = None
    language = ""

    def end_paragraph() -> None:
        if paragraph:
            spans, blanked = _code_spans(paragraph)
            code.extend(Code(path, number, text) for number, text in spans)
            prose.extend(blanked)
            lines.extend(paragraph)
            paragraph.clear()

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        opening = _FENCE.match(line)
        if fence is not None:
            text = line.strip()
            if opening and set(text) == {fence[0]} and len(text) >= len(fence):
                fence = None  # the closing fence
            else:
                code.append(Code(path, number, text, language))
        elif opening:
            end_paragraph()
            fence, language = opening.group(1), opening.group(2).lower()
        elif (heading := _HEADING.match(line)) or not line.strip():
            end_paragraph()
            if heading:
                headings.append(heading.group(1).replace("`", ""))
                paragraph.append((number, line))  # a paragraph of its own
                end_paragraph()
        else:
            paragraph.append((number, line))
    end_paragraph()
    return Markdown(path, code, lines, prose, headings)


def _code_spans(
    lines: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The code spans of a paragraph (as CommonMark finds them: a run of backticks closed by a
    run of the same length), and its lines with the spans blanked out."""
    text = "\n".join(line for _, line in lines)
    first = lines[0][0]
    spans: list[tuple[int, str]] = []
    blanked = list(text)
    position = 0
    while (start := text.find("`", position)) != -1:
        run = len(text[start:]) - len(text[start:].lstrip("`"))
        ticks = "`" * run
        closing = re.compile(rf"(?<!`){ticks}(?!`)")
        end = closing.search(text, start + run)
        if end is None:
            position = start + run
            continue
        content = text[start + run : end.start()].replace("\n", " ")
        if content.startswith(" ") and content.endswith(" ") and content.strip():
            content = content[1:-1]
        spans.append((first + text.count("\n", 0, start), content))
        for index in range(start, end.end()):
            if blanked[index] != "\n":
                blanked[index] = " "
        position = end.end()
    numbered = zip((n for n, _ in lines), "".join(blanked).split("\n"), strict=True)
    return spans, list(numbered)


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
    for name, field in Settings.model_fields.items():
        model = field.annotation
        assert isinstance(model, type)
        assert issubclass(model, BaseModel)
        names.update(f"{field.alias or name}.{key}" for key in model.model_fields)
    return names


_SETTING = re.compile(r"^([a-z_]+)\.([a-z_][a-z0-9_]*)$")


def table_settings(document: Markdown) -> dict[str, int]:
    """The `section.key` in the first column of the document's tables, with their lines."""
    found: dict[str, int] = {}
    for number, line in document.lines:
        cells = line.strip().split("|")
        if len(cells) > 2 and cells[0] == "":
            first = cells[1].strip()
            name = first[1:-1] if first.startswith("`") and first.endswith("`") else ""
            match = _SETTING.match(name)
            if match and match.group(2) not in FILE_SUFFIXES:
                found.setdefault(name, number)
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

_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def slugs(document: Markdown) -> set[str]:
    """The anchors GitHub makes of the headings: lower case, punctuation dropped, spaces to
    hyphens, ``-1``, ``-2`` ... for repeats."""
    seen: dict[str, int] = {}
    anchors = set()
    for heading in document.headings:
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _document(path: Path) -> Markdown:
    return _DOCUMENTS.get(path) or read_markdown(path)


def links(document: Markdown) -> Iterator[tuple[int, str]]:
    for number, line in document.prose:
        for match in _LINK.finditer(line):
            yield number, match.group(1)
        definition = _DEFINITION.match(line)
        if definition:
            yield number, definition.group(1)


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
        elif anchor and path.suffix == ".md" and anchor not in slugs(_document(path)):
            problems.append(f"{shown(document.path)}:{number}: {target}: no such heading")
    assert not problems, "\n".join(problems)


def test_the_index_links_every_guide() -> None:
    index = _DOCUMENTS[DOCS / "README.md"]
    linked = {target.partition("#")[0] for _, target in links(index)}
    guides = {path.name for path in DOCS.glob("*.md")} - {"README.md"}
    assert guides <= linked, f"docs/README.md does not link: {', '.join(sorted(guides - linked))}"
