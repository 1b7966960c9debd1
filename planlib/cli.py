"""The ``planlib`` command: parse options, call the library, print, turn errors into one line."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from . import _data
from .compare import compare
from .errors import PlanlibError
from .matching import DEFAULT_MIN_SCORE, DEFAULT_TOP, match
from .model import Plan, Provision
from .plans import load_plan
from .render import FORMATS, LAYOUTS, render_pieces
from .render._progress import Progress
from .render.compare import COMPARE_FORMATS
from .render.json import JSON_EVIDENCE
from .render.versions import MULTI_FORMATS
from .scale import auto_jobs, executor
from .sources import PlanlibWarning, iter_sources, read_sources, speaker_index, stream_sources
from .versions import match_plans

__all__ = ["EXIT_CODES", "main"]

EXIT_CODES = {
    0: "success",
    1: "bad input or output: a plan, source or data file could not be used, or the output not written (the message names it)",
    2: "bad usage: unknown command or option, or a bad option value",
    130: "interrupted",
}
"""Exit statuses of every planlib command."""

_EPILOG = "exit status: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items())
_SUFFIX_FORMAT = {".md": "md", ".markdown": "md", ".csv": "csv", ".json": "json", ".html": "html", ".htm": "html"}


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must lie in 0..100, got {text}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def _jobs(text: str) -> int | str:
    if text == "auto":
        return text
    try:
        return _positive(text)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; give a number of processes or auto") from None


def _output_options(p: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """The output options every table-printing command shares."""
    p.add_argument("--format", "-f", choices=formats, help="output format (default: from the -o file's extension, else md)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output (written whole or not at all)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planlib",
        description="Map the provisions of a peace plan to the statements and reporting that support them.",
        epilog=_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"planlib {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    t = sub.add_parser(
        "table", help="print the provision-to-source table",
        description="Match sources against a plan and print, for every provision, the statements that support it. "
                    "While sources are read, a progress line shows on standard error when it is a terminal.",
        epilog=_EPILOG,
    )
    t.add_argument("--plan", action="append", metavar="FILE",
                   help=f"plan file or bundled plan id (default: {_data.DEFAULT_PLAN}); repeat to match several versions")
    t.add_argument("--sources", nargs="+", metavar="PATH", help="files or folders to read (default: the bundled seeds/)")
    _output_options(t, list(FORMATS))
    t.add_argument("--layout", choices=LAYOUTS, default="provision",
                   help="provision: each provision with its evidence (default); source: each statement with the "
                        "provisions it supports; coverage: counts per provision, those with none flagged")
    t.add_argument("--min-score", type=_score, default=DEFAULT_MIN_SCORE, metavar="N",
                   help=f"leave out evidence scoring below N, 0-100 (default: {DEFAULT_MIN_SCORE:g})")
    t.add_argument("--top", type=_positive, default=DEFAULT_TOP, metavar="N",
                   help="list at most N statements per provision (default: all, evidence beyond a few"
                        " thousand pieces kept in a temporary file in TMPDIR); all are counted either way")
    t.add_argument("--provision", action="append", metavar="ID|REF", help="only these provisions (repeatable)")
    t.add_argument("--include-all", action="store_true",
                   help="also match labels, stage directions, datelines and boilerplate")
    t.add_argument("--jobs", "-j", type=_jobs, default="auto", metavar="N|auto",
                   help="match on N local processes; auto (the default): one per core when the sources hold "
                        "1 MB or more, else this process. The table is the same either way")
    t.add_argument("--dask", metavar="tcp://HOST:PORT",
                   help="match on the Dask cluster whose scheduler listens here (needs planlib[dask])")
    t.add_argument("--dask-timeout", type=_positive, default=30, metavar="SECONDS",
                   help="give up reaching the Dask scheduler after this long (default: 30)")
    t.set_defaults(run=_table)

    e = sub.add_parser(
        "evaluate", help="score the matcher against labelled provision-statement links",
        description=(
            "Match the sources against the plan at the given settings and report precision, recall and F1, "
            "overall and per provision, against a labelled-links file (format: docs/evaluate.md)."
        ),
        epilog=_EPILOG,
    )
    e.add_argument("--gold", required=True, metavar="FILE", help="labelled links (TOML [[link]] tables)")
    e.add_argument("--plan", metavar="FILE", help=f"plan file or bundled plan id (default: {_data.DEFAULT_PLAN})")
    e.add_argument("--sources", nargs="+", metavar="PATH", help="files or folders (default: the files the gold file names)")
    e.add_argument("--min-score", type=_score, default=DEFAULT_MIN_SCORE, metavar="N",
                   help=f"the threshold to evaluate (default: {DEFAULT_MIN_SCORE:g})")
    e.add_argument("--top", type=_positive, default=DEFAULT_TOP, metavar="N", help="evidence per provision (default: all)")
    _output_options(e, ["md", "json"])
    e.set_defaults(run=_evaluate)

    c = sub.add_parser(
        "compare", help="say what changed between two versions of a plan",
        description="Align the provisions of two plan versions one-to-one and say which were kept, "
        "modified, added or removed, and what changed.",
        epilog=_EPILOG,
    )
    c.add_argument("old", metavar="OLD", help="the earlier version: a plan file or bundled plan id")
    c.add_argument("new", metavar="NEW", help="the later version: a plan file or bundled plan id")
    _output_options(c, list(COMPARE_FORMATS))
    c.set_defaults(run=_compare)

    s = sub.add_parser(
        "statements", help="list every statement read from sources",
        description="Read sources and list every statement with its span, kind, speaker and outlet.",
        epilog=_EPILOG,
    )
    s.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds/)")
    _output_options(s, ["md", "json"])
    s.set_defaults(run=_statements)

    k = sub.add_parser(
        "speakers", help="list who speaks in sources, with the spellings seen",
        description="Read sources and list each canonical speaker, the variants of the name seen and the "
        "number of statements; speakers no registry person fits are listed separately, as written.",
        epilog=_EPILOG,
    )
    k.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds/)")
    _output_options(k, ["md", "json"])
    k.set_defaults(run=_speakers)
    return parser


def _version() -> str:
    from .render._common import version

    return version()


def _fmt(args: argparse.Namespace, allowed: Sequence[str]) -> str:
    if args.format:
        return str(args.format)
    if args.output:
        guess = _SUFFIX_FORMAT.get(Path(args.output).suffix.lower())
        if guess in allowed:
            return str(guess)
    return "md"


def _emit(text: str | Iterable[str], output: str | None) -> None:
    """Print, or write the file atomically: a failed run never leaves a partial file behind.
    ``text`` may come in pieces, written as they come. A write that fails (a full disk, a
    closed standard output) is a :class:`PlanlibError`; what standard output already took
    stays there, but the command then exits non-zero."""
    pieces = (text,) if isinstance(text, str) else text
    if output is None:
        if sys.stdout is None:
            raise PlanlibError("cannot write: standard output is closed", where="standard output",
                               hint="give -o FILE")
        try:
            sys.stdout.writelines(pieces)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise PlanlibError(f"cannot write: {exc.strerror or exc}; the output is incomplete",
                               where="standard output", hint="free some space, or write elsewhere with -o FILE") from None
        return
    target = Path(output)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or Path("."))
    except OSError as exc:
        raise PlanlibError(f"cannot write: {exc.strerror or exc}", where=output) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(pieces)
        os.chmod(tmp, _mode(target))
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise PlanlibError(f"cannot write: {exc.strerror or exc}; nothing was written", where=output,
                               hint="free some space, or choose another folder") from None
        raise


def _mode(target: Path) -> int:
    """The permissions a new file gets from the umask (an existing file keeps its own), not mkstemp's 0600."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _table(args: argparse.Namespace) -> int:
    loaded = [load_plan(p) for p in (args.plan or [None])]
    plans = [_chosen(p, args.provision, strict=len(loaded) == 1) for p in loaded]
    for key in args.provision or ():
        if len(loaded) > 1 and not any(p.select(key) for p in loaded):
            raise PlanlibError(f"no plan has a provision with id or ref {key!r}", where="--provision",
                               hint="see `planlib table --layout coverage`")
    ids = [p.id for p in plans]
    if len(set(ids)) != len(ids):
        raise PlanlibError(f"the same plan is given twice: {', '.join(ids)}", where="--plan", hint="give each plan once")
    fmt = _fmt(args, list(FORMATS))
    jobs = auto_jobs(args.sources or ()) if args.jobs == "auto" else int(args.jobs)
    with executor(jobs, args.dask, timeout=args.dask_timeout) as ex:
        if len(plans) > 1:
            sources = Progress().track(iter_sources(args.sources) if args.sources else iter_sources())
            multi = match_plans(plans, sources, min_score=args.min_score, top=args.top, include_all=args.include_all,
                                executor=ex)
            _emit(MULTI_FORMATS[fmt](multi, layout=args.layout), args.output)
            return 0
        # With workers, JSONL lines go to them unparsed: they parse what they match.
        streamed = Progress().track(stream_sources(args.sources or None, raw=ex is not None))
        # Evidence written as JSON is made into its text on the workers, side by side.
        prerender = JSON_EVIDENCE if fmt == "json" and ex is not None else None
        table = match(plans[0], streamed, min_score=args.min_score, top=args.top, include_all=args.include_all,
                      executor=ex, prerender=prerender)
    _emit(render_pieces(table, fmt, args.layout), args.output)
    return 0


def _compare(args: argparse.Namespace) -> int:
    comparison = compare(load_plan(args.old), load_plan(args.new))
    _emit(COMPARE_FORMATS[_fmt(args, list(COMPARE_FORMATS))](comparison), args.output)
    return 0


def _chosen(plan: Plan, keys: Sequence[str] | None, *, strict: bool = True) -> Plan:
    """The plan cut down to the provisions ``--provision`` names (all when none are named).

    ``strict``: a key the plan lacks is an error (with several plans, only a key no plan has).
    """
    if keys:
        chosen: list[Provision] = []
        for key in keys:
            picked = plan.select(key)
            if not picked and strict:
                raise PlanlibError(f"no provision with id or ref {key!r}", where=plan.path, hint="see `planlib table --layout coverage`")
            chosen.extend(p for p in picked if p not in chosen)
        import attrs

        plan = attrs.evolve(plan, provisions=[p for p in plan.provisions if p in chosen])
    return plan


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, load_gold
    from .render.json import dumps

    gold = load_gold(args.gold)
    plan = load_plan(args.plan)
    sources = iter_sources(args.sources if args.sources else gold.source_paths())
    table = match(plan, sources, min_score=args.min_score, top=args.top)
    report = evaluate(table, gold)
    if _fmt(args, ["md", "json"]) == "json":
        data = {"plan": plan.id, "gold": args.gold, "settings": table.options, **report.to_dict()}
        _emit(dumps(data), args.output)
    else:
        _emit(report.to_markdown(), args.output)
    return 0


def _statements(args: argparse.Namespace) -> int:
    from .render.json import dumps, statement_dict
    from .render.markdown import cell

    sources = read_sources(args.paths) if args.paths else read_sources()
    fmt = _fmt(args, ["md", "json"])
    if fmt == "json":
        data = {
            "sources": [s.info for s in sources],
            "statements": [statement_dict(st) for s in sources for st in s.statements],
        }
        _emit(dumps(data), args.output)
        return 0
    lines = ["| Statement | Span | Kind | Speaker | Outlet | Cited | Text |", "|---|---|---|---|---|---|---|"]
    for s in sources:
        for st in s.statements:
            lines.append(
                f"| {cell(st.id)} | {st.start}-{st.end} | {st.kind} | {cell(st.speaker)} | {cell(st.outlet)} "
                f"| {cell(st.cited)} | {cell(st.text)} |"
            )
    _emit("\n".join(lines) + "\n", args.output)
    return 0


def _speakers(args: argparse.Namespace) -> int:
    from .render.json import dumps
    from .render.markdown import cell

    index = speaker_index(read_sources(args.paths) if args.paths else read_sources())
    if _fmt(args, ["md", "json"]) == "json":
        _emit(dumps(index.to_dict()), args.output)
        return 0
    lines = ["| Speaker | Variants seen | Statements |", "|---|---|---:|"]
    lines += [f"| {cell(s.name)} | {cell(', '.join(s.variants))} | {s.statements} |" for s in index.known]
    if index.unknown:
        lines += ["", "Unknown speakers (no registry person fits; kept as written):", "",
                  "| Speaker | Variants seen | Statements |", "|---|---|---:|"]
        lines += [f"| {cell(s.name)} | {cell(', '.join(s.variants))} | {s.statements} |" for s in index.unknown]
    _emit("\n".join(lines) + "\n", args.output)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see ``EXIT_CODES``)."""
    parser = _parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return 2
    with warnings.catch_warnings():
        warnings.simplefilter("always", PlanlibWarning)
        warnings.showwarning = _show_warning
        try:
            return run(args)
        except PlanlibError as exc:
            print(f"planlib: error: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("planlib: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            sys.stderr.close()
            return 0


def _show_warning(message: Warning | str, category: type[Warning], *_args: object, **_kw: object) -> None:
    print(f"planlib: warning: {message}", file=sys.stderr)
