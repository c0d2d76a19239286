"""The `dondoc …` commands the documents show exist as written: each subcommand, each option, and no
more arguments than the command takes — a renamed command or option fails here, not at an
administrator's terminal."""
from __future__ import annotations

import re
import shlex

import click
import pytest

from engine.config import REPO_ROOT
from webui.cli import cli

DOCUMENTS = [REPO_ROOT / "README.md", REPO_ROOT / "bench" / "README.md",
             *sorted((REPO_ROOT / "docs").glob("*.md"))]
# Where a command line ends: a comment, a pipe or the next command of a shell line.
_END = re.compile(r"\s(?:#|\||&&|;|>)")
_OMITTED = ("…", "...")


def shown_commands(text: str) -> list[str]:
    """The `dondoc …` commands of a document's code: inline spans and the lines of fenced blocks."""
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    # a line of a block runs the command at its start or by its path (ExecStart=…/bin/dondoc serve)
    found = [match.group(1) for line in lines if (match := re.match(r"\s*(?:\S*/bin/)?(dondoc [a-z].*)", line))]
    found += [span for span in spans if re.match(r"dondoc [a-z]", span)]
    return [_END.split(command)[0].strip() for command in found]


def problem(line: str) -> str | None:
    """What is wrong with `line` as a `dondoc` command, or None."""
    words = shlex.split(line.replace("$(date +%F)", "DATE"))[1:]
    command: click.Command = cli
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        if words[0] in _OMITTED or words[0].startswith("<"):
            return None
        if words[0] not in command.commands:
            return f"no command {words[0]!r} in {command.name!r}"
        command = command.commands[words.pop(0)]
    options = {name: param for param in command.params if isinstance(param, click.Option)
               for name in param.opts + param.secondary_opts}
    arguments = [param for param in command.params if isinstance(param, click.Argument)]
    positional = 0
    while words:
        word = words.pop(0)
        if word in _OMITTED:
            return None
        if word.startswith("--"):
            name, _, given = word.partition("=")
            if name not in options:
                return f"{command.name!r} has no option {name}"
            if not options[name].is_flag and not given:
                words = words[1:]
        else:
            positional += 1
    if isinstance(command, click.Group):
        return None  # the group alone: its help lists the commands
    takes = sum(-1e9 if argument.nargs == -1 else argument.nargs for argument in arguments)
    if 0 <= takes < positional:
        return f"{command.name!r} takes {int(takes)} argument(s), the line gives {positional}"
    return None


def test_the_commands_found_are_the_documents_commands():
    text = "Run `dondoc ruleset check tinh-moi` once.\n```sh\ndondoc org seed --province 01   # seeds\n```\n"
    assert shown_commands(text) == ["dondoc org seed --province 01", "dondoc ruleset check tinh-moi"]
    assert problem("dondoc ruleset load dak-lak") == "'load' takes 0 argument(s), the line gives 1"
    assert problem("dondoc users set-password --name x") == "'set-password' has no option --name"
    assert problem("dondoc timer run") == "no command 'timer' in 'cli'"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(REPO_ROOT)))
def test_every_command_a_document_shows_exists_as_written(document):
    commands = shown_commands(document.read_text(encoding="utf-8"))
    wrong = [f"{line}: {why}" for line in commands if (why := problem(line))]
    assert not wrong, "\n".join(wrong)


def commands(command: click.Command, path: str = "dondoc"):
    """(`dondoc a b`, its options' names) for the root and every command below it."""
    yield path, [name for param in command.params if isinstance(param, click.Option)
                 for name in param.opts + param.secondary_opts]
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands(sub, f"{path} {name}")


def test_every_command_and_option_is_documented():
    """Each command of `dondoc` is named in a document, and each of its options in a paragraph (or
    table row) that names the command."""
    text = "\n\n".join(document.read_text(encoding="utf-8") for document in DOCUMENTS)
    paragraphs = re.split(r"\n\s*\n|\n(?=\|)", text)
    missing = []
    for path, options in commands(cli):
        naming = [paragraph for paragraph in paragraphs if re.search(rf"{path}(?![\w-])", paragraph)]
        if not naming:
            missing.append(path)
        missing += [f"{path} {option}" for option in options
                    if not any(re.search(rf"{option}(?![\w-])", paragraph) for paragraph in naming)]
    assert not missing, f"not in README.md, bench/README.md nor docs/*.md: {missing}"
