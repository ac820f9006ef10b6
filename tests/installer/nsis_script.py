"""Reading an NSIS script as makensis does, for tests/installer/test_windows_installer.py.

Continued lines are joined and comments dropped; the script's own ``!define`` constants and
``!macro`` bodies are expanded; the result is split into top-level lines, functions and
sections, with the ``!ifdef __UNINSTALL__`` branch each block compiles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CONDITIONALS = ("!if", "!ifdef", "!ifndef", "!ifmacrodef", "!ifmacrondef")


def _scan(line: str) -> tuple[str, list[str]]:
    """The line without its comment, and its tokens (quotes removed)."""
    tokens: list[str] = []
    i = 0
    while i < len(line):
        char = line[i]
        if char.isspace():
            i += 1
        elif char in ";#":
            return line[:i].rstrip(), tokens
        elif char in "\"'`":
            end = line.find(char, i + 1)
            end = len(line) if end < 0 else end
            tokens.append(line[i + 1 : end])
            i = end + 1
        else:
            end = i
            while end < len(line) and not line[end].isspace():
                end += 1
            tokens.append(line[i:end])
            i = end
    return line.rstrip(), tokens


def _logical_lines(text: str) -> list[str]:
    """Lines as makensis sees them: a trailing backslash continues a line (the next one's
    indentation dropped), comments go."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        if pending:
            raw = raw.lstrip()
        if raw.endswith("\\"):
            pending += raw[:-1]
            continue
        code, _ = _scan(pending + raw)
        pending = ""
        if code.strip():
            lines.append(code.strip())
    return lines


@dataclass
class Script:
    """The expanded script: its top-level lines, functions and sections, as token strings."""

    lines: list[str]
    top: list[str] = field(default_factory=list)
    functions: dict[str, list[str]] = field(default_factory=dict)
    sections: dict[str, list[str]] = field(default_factory=dict)

    def function(self, name: str) -> list[str]:
        assert name in self.functions, f"the script has no function {name}"
        return self.functions[name]

    def reachable(self, start: str) -> list[str]:
        """The lines of ``start`` and of every function it calls, directly or not."""
        seen: list[str] = []
        todo = [start]
        while todo:
            name = todo.pop()
            if name in seen or name not in self.functions:
                continue
            seen.append(name)
            todo += [m[1] for m in map(CALL.fullmatch, self.functions[name]) if m]
        return [line for name in seen for line in self.functions[name]]

    def everything(self) -> list[str]:
        return [
            *self.top,
            *(line for body in self.functions.values() for line in body),
            *(line for body in self.sections.values() for line in body),
        ]


CALL = re.compile(r"Call (\S+)")


def read_script(text: str) -> Script:
    """Expands the script's own macros and top-level defines, then splits it into blocks."""
    macros: dict[str, tuple[list[str], list[str]]] = {}
    defines: dict[str, str] = {}
    body: list[str] = []
    depth = 0
    current: tuple[str, list[str], list[str]] | None = None
    for line in _logical_lines(text):
        _, tokens = _scan(line)
        if current is not None:
            if tokens[0] == "!macroend":
                macros[current[0]] = (current[1], current[2])
                current = None
            else:
                current[2].append(line)
            continue
        if tokens[0] == "!macro":
            current = (tokens[1], tokens[2:], [])
            continue
        if tokens[0] in _CONDITIONALS:
            depth += 1
        elif tokens[0] == "!endif":
            depth -= 1
        elif tokens[0] == "!define" and depth == 0 and len(tokens) > 2:
            defines[tokens[1]] = tokens[2]
        body.append(line)

    def expand(lines: list[str], level: int = 0) -> list[str]:
        assert level < 10, "macros nest too deep"
        out: list[str] = []
        for line in lines:
            for _ in range(10):
                replaced = _substitute(line, defines)
                if replaced == line:
                    break
                line = replaced
            _, tokens = _scan(line)
            if tokens[0] == "!insertmacro" and tokens[1] in macros:
                params, lines_of_macro = macros[tokens[1]]
                args = dict(zip(params, tokens[2:], strict=False))
                inserted = [_substitute(macro_line, args) for macro_line in lines_of_macro]
                out += expand(inserted, level + 1)
            else:
                out.append(" ".join(tokens))
        return out

    script = Script(expand(body))
    block: list[str] | None = None
    for line in script.lines:
        words = line.split(" ")
        if words[0] == "Function":
            block = script.functions.setdefault(words[1], [])
        elif words[0] == "Section":
            name = " ".join(w for w in words[1:] if w != "/o")
            block = script.sections.setdefault(name, [])
        elif words[0] in ("FunctionEnd", "SectionEnd"):
            block = None
        elif block is not None:
            block.append(line)
        else:
            script.top.append(line)
    for blocks in (script.functions, script.sections):
        for name, lines in blocks.items():
            uninstall = name.startswith("un.") or name == "Uninstall"
            blocks[name] = _resolve_uninstall(lines, uninstall)
    return script


def _resolve_uninstall(lines: list[str], uninstall: bool) -> list[str]:
    """Keeps the branch of ``!ifdef __UNINSTALL__`` makensis compiles in this block."""
    out: list[str] = []
    stack: list[bool | None] = []  # None: another conditional, whose lines stay
    for line in lines:
        word = line.split(" ")[0]
        if line == "!ifdef __UNINSTALL__":
            stack.append(uninstall)
        elif word in _CONDITIONALS:
            stack.append(None)
            out.append(line)
        elif word == "!else" and stack and stack[-1] is not None:
            stack[-1] = not stack[-1]
        elif word == "!endif" and stack:
            if stack.pop() is None:
                out.append(line)
        elif all(keep is not False for keep in stack):
            out.append(line)
    return out


def _substitute(line: str, values: dict[str, str]) -> str:
    """``${NAME}`` replaced by ``values[NAME]`` where there is one."""
    return re.sub(r"\$\{([\w.]+)\}", lambda m: values.get(m[1], m[0]), line)


def index(lines: list[str], pattern: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if re.search(pattern, lines[i]):
            return i
    raise AssertionError(f"no line matches {pattern!r} after line {start}")


def fail_codes(lines: list[str]) -> list[tuple[int, int]]:
    """(line, exit code) of each ``Call Fail``/``Call un.Fail`` with the code pushed first."""
    return [
        (i, int(lines[i - 2].split(" ")[1]))
        for i, line in enumerate(lines)
        if re.fullmatch(r"Call (un\.)?Fail", line) and re.fullmatch(r"Push \d+", lines[i - 2])
    ]
