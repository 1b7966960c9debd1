"""Streaming, executors and Dask: every way of running a match gives the same table."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planlib
from planlib.scale import executor, merge, partition
from planlib.sources import PART_STATEMENTS

from .conftest import REPORTING, ROOT

CORPUS = [*sorted(Path(REPORTING).glob("*.txt"))]


@pytest.fixture(scope="module")
def corpus_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSONL corpus of the reporting set's statements, documents interleaved and long enough to
    be cut into several parts, with titles that change after a document's first record."""
    records = []
    for src in planlib.read_sources(CORPUS):
        for i, s in enumerate(src.statements):
            records.append({"text": s.text, "source": src.id.rsplit("/", 1)[-1], "kind": "sentence",
                            "title": f"{src.id} {i}" if i % 2 else None})
    half = (len(records) + 1) // 2  # interleave the first half's lines with the second's
    records = [r for pair in itertools.zip_longest(records[:half], records[half:]) for r in pair if r is not None]
    records += [{"text": f"Filler sentence number {i}.", "source": "filler"} for i in range(PART_STATEMENTS + 7)]
    path = tmp_path_factory.mktemp("jsonl") / "corpus.jsonl"
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}) + "\n" for r in records),
                    encoding="utf-8")
    return path


def test_stream_sources_gives_the_statements_and_listings_of_iter_sources(corpus_jsonl: Path) -> None:
    """Streamed parts hold exactly the statements iter_sources reads, each document's in order
    (the parts come in the file's order, documents interleaved), under the same listings."""
    paths = [corpus_jsonl, CORPUS[0]]
    eager = list(planlib.iter_sources(paths))
    parts = list(planlib.stream_sources(paths))

    def by_document(sources: list[planlib.Source] | list[planlib.SourcePart]) -> dict[str, list[planlib.Statement]]:
        out: dict[str, list[planlib.Statement]] = {}
        for src in sources:
            for s in src.statements:
                out.setdefault(s.source, []).append(s)
        return out

    assert by_document(parts) == by_document(eager)
    assert [s.source for p in parts for s in p.statements] != [s.source for src in eager for s in src.statements]
    listing = {src.id: src.info for src in eager}
    assert all(part.info == listing[part.info["id"]] for part in parts)
    assert max(len(p.statements) for p in parts) == PART_STATEMENTS
    assert len(parts) > len(eager)


def test_streamed_match_equals_eager_match(plan, corpus_jsonl: Path) -> None:  # type: ignore[no-untyped-def]
    """Matching the streamed corpus gives the table of matching the eagerly read one, byte for byte."""
    eager = planlib.match(plan, planlib.read_sources([corpus_jsonl]), min_score=40, top=3)
    streamed = planlib.match(plan, planlib.stream_sources([corpus_jsonl]), min_score=40, top=3)
    assert streamed.to_json() == eager.to_json()
    assert any(r.evidence for r in eager.rows)


def test_parts_matched_apart_merge_into_the_whole(plan, seed_sources) -> None:  # type: ignore[no-untyped-def]
    """Sources dealt into three parts, matched apart and merged, give the table of all of them."""
    sources = [*seed_sources, *planlib.read_sources(CORPUS)]
    whole = planlib.match(plan, sources, top=2)
    tables = [planlib.match(plan, part, top=2) for part in partition(sources, 3)]
    assert merge(reversed(tables)).to_json() == whole.to_json()


def test_thread_pool_gives_the_serial_table(plan, seed_sources) -> None:  # type: ignore[no-untyped-def]
    """Any concurrent.futures executor, here threads with small batches, gives the table of a plain run."""
    sources = [*seed_sources, *planlib.read_sources(CORPUS)]
    serial = planlib.match(plan, sources)
    with ThreadPoolExecutor(3) as pool:
        threaded = planlib.match(plan, sources, executor=pool, batch_size=17)
    assert threaded.to_json() == serial.to_json()


class _Recording(ThreadPoolExecutor):
    """A thread pool that notes how many statements each submitted batch holds."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers)
        self.sizes: list[int] = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        work = args[3]  # tally_batch(key, blob, settings, statements, bars) or tally_chunk(..., chunk, bars)
        self.sizes.append(work.lines if isinstance(work, planlib.JsonlChunk) else len(work))
        return super().submit(fn, *args, **kwargs)


def test_executor_batches_start_small_and_double(plan, corpus_jsonl: Path) -> None:  # type: ignore[no-untyped-def]
    """With an executor, the first batch is an eighth of batch_size and each next one doubles up to
    it, so every worker has work at once; the table is still the serial one."""
    serial = planlib.match(plan, planlib.stream_sources([corpus_jsonl]), min_score=30, top=4)
    with _Recording(2) as pool:
        parallel = planlib.match(plan, planlib.stream_sources([corpus_jsonl]), min_score=30, top=4,
                                 executor=pool, batch_size=80)
    assert pool.sizes[:5] == [10, 20, 40, 80, 80]
    assert all(size == 80 for size in pool.sizes[3:-1]) and 0 < pool.sizes[-1] <= 80
    assert sum(pool.sizes) == serial.statements
    assert parallel.to_json() == serial.to_json()


def test_the_end_of_a_jsonl_file_goes_out_in_shrinking_chunks(plan, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Chunks grow as batches do, but near the end of the file each holds no more than a
    quarter (the chunks in flight with two workers) of the lines from it to the end, give or
    take one part, so that no worker is left with a big last piece; the table is the serial one."""
    path = tmp_path / "even.jsonl"
    lines = [json.dumps({"source": f"d{i % 7}", "text": f"Ukraine would cap its army, line {i:05d}."}) for i in range(3000)]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    serial = planlib.match(plan, planlib.stream_sources([path]), top=4)
    part = 25
    monkeypatch.setattr(planlib.sources, "PART_STATEMENTS", part)
    with _Recording(2) as pool:
        parallel = planlib.match(plan, planlib.stream_sources([path], raw=True), top=4, executor=pool, batch_size=800)
    sizes = pool.sizes
    assert sum(sizes) == len(lines) and parallel.to_json() == serial.to_json()
    assert sizes[:3] == [100, 200, 400]  # the ramp, as for batches
    rest = list(itertools.accumulate(reversed(sizes)))[::-1]  # lines from each chunk to the end
    assert all(size <= max(part, -(-left // 4)) + part for size, left in zip(sizes, rest, strict=True))
    assert sizes[-1] <= 2 * part and len(sizes) > 8


def test_process_pool_gives_the_serial_table(plan, corpus_jsonl: Path) -> None:  # type: ignore[no-untyped-def]
    """Two worker processes, with a gazetteer shipped to them, give the table of a plain run."""
    serial = planlib.match(plan, planlib.stream_sources([corpus_jsonl]), min_score=30, top=4)
    with ProcessPoolExecutor(2) as pool:
        parallel = planlib.match(plan, planlib.stream_sources([corpus_jsonl]), min_score=30, top=4,
                                 executor=pool, batch_size=50)
    assert parallel.to_json() == serial.to_json()


def test_workers_make_the_json_of_the_evidence_and_the_table_is_the_same(plan, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With JSON_EVIDENCE given, pool workers write the JSON text of the evidence they pack, and
    writing the table takes it: the bytes of a plain run, with most pieces' text not made here."""
    from planlib.render import json as render_json

    records = [{"text": s.text, "source": src.id.rsplit("/", 1)[-1]}
               for src in planlib.read_sources(CORPUS) for s in src.statements]  # each document's lines together
    path = tmp_path / "grouped.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    serial = planlib.match(plan, planlib.stream_sources([path]), min_score=30)
    monkeypatch.setattr(planlib.sources, "PART_STATEMENTS", 40)  # many chunks, each holding several documents
    with ProcessPoolExecutor(2) as pool:
        parallel = planlib.match(plan, planlib.stream_sources([path], raw=True), min_score=30, executor=pool,
                                 batch_size=80, prerender=render_json.JSON_EVIDENCE)
    made = 0
    evidence_text = render_json._evidence_text

    def counted(ev: planlib.Evidence, level: int) -> str:
        nonlocal made
        made += 1
        return evidence_text(ev, level)

    monkeypatch.setattr(render_json, "_evidence_text", counted)
    written = "".join(render_json.iter_json(parallel))
    pieces = sum(len(r.evidence) for r in parallel.rows)
    assert written == serial.to_json()
    assert pieces > 100 and made < pieces // 2


def test_progress_reports_statements_matched(plan, seed_sources) -> None:  # type: ignore[no-untyped-def]
    """The progress callback sees a rising count that ends at the number of statements read."""
    seen: list[int] = []
    table = planlib.match(plan, seed_sources, batch_size=25, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == table.statements and len(seen) > 2


def test_executor_of_one_job_is_this_process() -> None:
    """--jobs 1 matches in this process: no pool is started."""
    with executor(1) as ex:
        assert ex is None


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "planlib", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_cli_jobs_gives_the_same_json(corpus_jsonl: Path) -> None:
    """`planlib table --jobs 2` prints the bytes `--jobs 1` prints."""
    one = _cli("table", "--sources", str(corpus_jsonl), "--format", "json", "--min-score", "40")
    two = _cli("table", "--sources", str(corpus_jsonl), "--format", "json", "--min-score", "40", "--jobs", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert two.stdout == one.stdout


def test_unreachable_dask_scheduler_is_one_line_error() -> None:
    """An address where no scheduler listens gives exit status 1 and one line naming --dask."""
    pytest.importorskip("distributed")
    done = _cli("table", "--dask", "tcp://127.0.0.1:9", "--dask-timeout", "2")
    assert done.returncode == 1
    assert done.stderr.startswith("planlib: error: --dask:") and done.stderr.count("\n") == 1


@pytest.mark.slow
def test_dask_local_cluster_gives_the_identical_table(plan, corpus_jsonl: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On a two-worker Dask LocalCluster (separate processes), the table is the serial table, byte
    for byte: statements in batches, JSONL chunks, and text files laid out on the workers."""
    distributed = pytest.importorskip("distributed")
    serial = planlib.match(plan, planlib.stream_sources([corpus_jsonl]), min_score=30, top=4)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        planlib.dask_executor(cluster.scheduler_address) as ex,
    ):
        on_dask = planlib.match(plan, planlib.stream_sources([corpus_jsonl]), min_score=30, top=4,
                                executor=ex, batch_size=60)
        monkeypatch.setattr(planlib.sources, "PART_STATEMENTS", 37)  # documents straddle chunks
        raw = planlib.match(plan, planlib.stream_sources([corpus_jsonl], raw=True), min_score=30, top=4,
                            executor=ex, batch_size=20)
        texts = planlib.match(plan, planlib.stream_sources(CORPUS, raw=True), min_score=30, top=4, executor=ex,
                              batch_size=40)
    assert on_dask.to_json() == serial.to_json()
    assert raw.to_json() == serial.to_json()
    assert texts.to_json() == planlib.match(plan, planlib.read_sources(CORPUS), min_score=30, top=4).to_json()


def test_c_stemmer_gives_the_pure_python_stems() -> None:
    """The C stemmer snowballstemmer picks up stems every word of the seed and reporting sets as the Python one does."""
    import re

    from snowballstemmer.english_stemmer import EnglishStemmer

    import planlib.text

    words = {w.casefold() for f in [*ROOT.joinpath("seeds").rglob("*.txt"), *CORPUS]
             for w in re.findall(r"[^\W_]+", f.read_text(encoding="utf-8"))}
    python = EnglishStemmer()
    assert len(words) > 1000
    assert [planlib.text._STEMMER.stemWord(w) for w in sorted(words)] == [python.stemWord(w) for w in sorted(words)]


def test_cli_jobs_with_several_plans_gives_the_same_output() -> None:
    """With two --plan versions, `--jobs 2` prints the bytes `--jobs 1` prints."""
    args = ["table", "--plan", "us-28-point-2025-11", "--plan", "e3-counterproposal-2025-11", "--format", "json"]
    one, two = _cli(*args), _cli(*args, "--jobs", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert two.stdout == one.stdout and '"provisions"' in one.stdout


def test_a_batch_pickles_to_the_same_statements(corpus_jsonl: Path) -> None:
    """A batch on its way to a worker comes back as equal statements, speakers, dates and all,
    whose spans still quote the text."""
    import pickle

    from planlib.matching._parallel import Batch

    statements = [s for part in planlib.stream_sources([corpus_jsonl]) for s in part.statements]
    statements.append(planlib.Statement(id="x#1", source="x", path="x", start=3, end=5, text="hi", kind="turn",
                                        speaker="Someone", outlet="Outlet", cited="c", cue="q", label="l", date="d"))
    back = pickle.loads(pickle.dumps(Batch(statements)))
    assert list(back) == statements
    assert [hash(s) for s in back] == [hash(s) for s in statements]


def test_trimmed_tallies_merge_into_the_untrimmed_table(plan) -> None:  # type: ignore[no-untyped-def]
    """A worker's tally cut to its top evidence merges into exactly the table of tallies kept whole."""
    from planlib.matching import Matcher
    from planlib.results import Tally

    settings = {"min_score": 30.0, "top": 2, "include_all": False}
    m = Matcher(plan)
    halves = [[s for src in planlib.read_sources(CORPUS) for s in src.statements][i::2] for i in range(2)]

    def tally(statements: list[planlib.Statement], trim: bool) -> Tally:
        t = Tally(plan, settings)
        for s in statements:
            for ev in m.evidence(s):
                if ev.score >= 30:
                    t.add(ev)
        if trim:
            t.trim()
        return t

    whole = tally(halves[0], False).merge(tally(halves[1], False))
    cut = tally(halves[0], True).merge(tally(halves[1], True))
    assert any(len(e) > 2 for e in tally(halves[0], False).evidence)  # the cut does cut something
    assert cut.table(plan).to_json() == whole.table(plan).to_json()


def test_auto_jobs_uses_every_core_only_for_big_sources(tmp_path: Path) -> None:
    """--jobs auto stays in this process for a small corpus and uses a process per core for one
    of AUTO_JOBS_BYTES or more, counting the files inside folders too."""
    import os

    from planlib.scale import AUTO_JOBS_BYTES, auto_jobs

    small = tmp_path / "small.jsonl"
    small.write_text('{"text": "A sentence."}\n', encoding="utf-8")
    assert auto_jobs([small]) == 1
    folder = tmp_path / "big"
    folder.mkdir()
    with (folder / "big.jsonl").open("wb") as f:
        f.truncate(AUTO_JOBS_BYTES)
    assert auto_jobs([folder]) == len(os.sched_getaffinity(0))
    assert auto_jobs([tmp_path / "missing.jsonl"]) == 1


def test_cli_rejects_a_bad_jobs_value_in_one_line() -> None:
    """--jobs takes a number or auto, and says so."""
    proc = subprocess.run([sys.executable, "-m", "planlib", "table", "--jobs", "many"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "give a number of processes or auto" in proc.stderr


def _chunks_cut_at(path: Path, cuts: list[int]) -> list[planlib.sources.JsonlChunk]:
    """The lines of a JSONL file as chunks, a new chunk starting at each line number in ``cuts``."""
    from planlib.sources import JsonlChunk

    lines = path.read_bytes().splitlines(keepends=True)
    bounds = sorted({1, *(c for c in cuts if 1 < c <= len(lines)), len(lines) + 1})
    return [JsonlChunk(str(path), a, b - a, b"".join(lines[a - 1 : b - 1])) for a, b in itertools.pairwise(bounds)]


def test_raw_stream_cuts_a_jsonl_file_into_chunks_losing_nothing(corpus_jsonl: Path) -> None:
    """stream_sources(raw=True) gives a JSONL file as runs of whole lines, numbered from 1 on,
    that put together are the file's bytes; a text file comes unread, as the source it always is."""
    from planlib.sources import JsonlChunk

    items = list(planlib.stream_sources([corpus_jsonl, CORPUS[0]], raw=True))
    chunks = [c for c in items if isinstance(c, JsonlChunk)]
    assert b"".join(c.data for c in chunks) == corpus_jsonl.read_bytes()
    assert [c.left for c in chunks] == [sum(len(c.data) for c in chunks[i + 1 :]) for i in range(len(chunks))]
    assert chunks[0] == JsonlChunk(chunks[0].path, chunks[0].line, chunks[0].lines, chunks[0].data)  # left is only a hint
    assert [c.line for c in chunks] == list(itertools.accumulate((c.lines for c in chunks[:-1]), initial=1))
    assert max(c.lines for c in chunks) == PART_STATEMENTS and len(chunks) > 1
    assert [s.read().id for s in items if isinstance(s, planlib.TextFile)] == [s.id for s in planlib.iter_sources([CORPUS[0]])]


def test_raw_text_files_read_as_the_sources_iter_sources_reads() -> None:
    """A text file streamed raw is its decoded text, not laid out; read, it is the source
    iter_sources reads, statement for statement."""
    raw = list(planlib.stream_sources([ROOT / "seeds", *CORPUS], raw=True))
    assert all(isinstance(f, planlib.TextFile) for f in raw)
    for f, src in zip(raw, planlib.iter_sources([ROOT / "seeds", *CORPUS]), strict=True):
        assert (f.path, f.text) == (src.id, src.text)
        assert f.read() == src


def test_text_files_on_a_process_pool_give_the_serial_table(plan) -> None:  # type: ignore[no-untyped-def]
    """Text files laid out by two worker processes, a few at a time, give the serial table,
    evidence, speakers and source listings and all."""
    paths = [ROOT / "seeds", *CORPUS]
    serial = planlib.match(plan, planlib.read_sources(paths), min_score=30)
    with ProcessPoolExecutor(2) as pool:
        parallel = planlib.match(plan, planlib.stream_sources(paths, raw=True), min_score=30, executor=pool,
                                 batch_size=40)
    assert parallel.to_json() == serial.to_json()


def test_raw_text_files_carry_the_cues_they_were_read_with(plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Cues given to stream_sources travel with each text file to the worker that reads it: a
    cues file without the format credit leaves a live blog without its publisher there too."""
    bundled = (ROOT / "data" / "cues.toml").read_text(encoding="utf-8")
    rule = bundled.index('[[attribution.house]]\nname = "outlet\'s format credit"')
    custom = tmp_path / "cues.toml"
    custom.write_text(bundled[:rule] + bundled[bundled.index("[[attribution.house]]", rule + 1):], encoding="utf-8")
    cues = planlib.sources.load_cues(custom)
    blog = tmp_path / "blog.txt"
    blog.write_text("Kyiv Independent live blog. Sunday.\n\n09:05 - The army would be capped at 600,000.\n",
                    encoding="utf-8")
    (f,) = planlib.stream_sources([blog], raw=True, cues=cues)
    assert f.cues is cues and {s.outlet for s in f.read().statements} == {None}
    assert {s.outlet for s in planlib.read_sources([blog])[0].statements} == {"Kyiv Independent"}
    serial = planlib.match(plan, planlib.read_sources([blog], cues=cues))
    with ProcessPoolExecutor(2) as pool:
        parallel = planlib.match(plan, planlib.stream_sources([blog], raw=True, cues=cues), executor=pool)
    assert parallel.to_json() == serial.to_json()


def test_a_raw_text_file_that_is_not_utf8_fails_where_it_is_streamed(tmp_path: Path) -> None:
    """Decoding stays with the reading process: a bad file fails as the stream reaches it,
    naming the file and the byte, before any worker sees it."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Fine text.\n\xff\xfe broken")
    stream = planlib.stream_sources([CORPUS[0], bad], raw=True)
    assert isinstance(next(stream), planlib.TextFile)
    with pytest.raises(planlib.SourceFormatError, match="not valid UTF-8 at byte 11"):
        next(stream)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=1, max_value=1200), max_size=8))
def test_chunks_cut_anywhere_give_the_table_of_the_parsed_file(plan, corpus_jsonl: Path, cuts: list[int]) -> None:  # type: ignore[no-untyped-def]
    """However a JSONL file is cut into chunks, each parsed on its own (ids and offsets counted
    from its first line) and placed by the driver, the table is that of the file read whole:
    with an executor, where chunks are matched apart, and without, where they are parsed in turn."""
    serial = planlib.match(plan, planlib.stream_sources([corpus_jsonl]), min_score=30, top=4)
    chunks = _chunks_cut_at(corpus_jsonl, cuts)
    with ThreadPoolExecutor(2) as pool:
        apart = planlib.match(plan, chunks, min_score=30, top=4, executor=pool, batch_size=8)
    assert apart.to_json() == serial.to_json()
    assert planlib.match(plan, chunks, min_score=30, top=4).to_json() == serial.to_json()


def test_raw_chunks_on_a_process_pool_give_the_serial_table(plan, corpus_jsonl: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Chunks pickled to two worker processes, small enough that documents straddle them, and
    every piece of evidence kept (no top), give the serial table, evidence spans and all: the
    workers' packed evidence is unpacked and moved where a chunk holds a document met in an
    earlier chunk besides the one it begins in (the corpus's documents are interleaved)."""
    serial = planlib.match(plan, planlib.stream_sources([corpus_jsonl]), min_score=30)
    monkeypatch.setattr(planlib.sources, "PART_STATEMENTS", 37)
    with ProcessPoolExecutor(2) as pool:
        parallel = planlib.match(plan, planlib.stream_sources([corpus_jsonl], raw=True), min_score=30,
                                 executor=pool, batch_size=20)
    assert parallel.to_json() == serial.to_json()
    moved = [ev for row in serial.rows for ev in row.evidence if ev.statement.start > 0]
    assert moved, "the corpus must have evidence past the start of its documents"


def test_the_first_bad_line_is_the_one_reported_whichever_worker_reads_it(tmp_path: Path) -> None:
    """With workers parsing chunks, a file with two bad lines fails naming the first, as a
    plain run does, in one line."""
    good = [json.dumps({"text": f"Statement number {i} about the ceasefire.", "source": f"d{i % 3}"}) for i in range(1500)]
    lines = [*good[:4], "{not json", *good[4:1400], '{"text": 5}', *good[1400:]]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = _cli("table", "--sources", str(path), "--jobs", "1")
    two = _cli("table", "--sources", str(path), "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert two.stderr == one.stderr and f"{path}:5:" in one.stderr and one.stderr.count("\n") == 1
    assert two.stdout == ""


def test_match_leaves_the_garbage_collector_as_it_found_it(plan, seed_sources, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """match switches the cyclic collector off while it runs and back on when it ends, on an
    error too; a collector the caller switched off stays off."""
    import gc

    assert gc.isenabled()
    seen: list[bool] = []
    planlib.match(plan, seed_sources, batch_size=25, progress=lambda n: seen.append(gc.isenabled()))
    assert seen and not any(seen)  # off while matching
    assert gc.isenabled()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{oops\n', encoding="utf-8")
    with pytest.raises(planlib.SourceFormatError):
        planlib.match(plan, planlib.stream_sources([bad], raw=True))
    assert gc.isenabled()
    gc.disable()
    try:
        planlib.match(plan, seed_sources)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_process_forked_while_matching_gets_the_collector_back() -> None:
    """A worker forked while the collector is off for a match has it on again (a pool's
    workers outlive the match), while the matching process keeps it off."""
    import gc

    from planlib.matching._parallel import uncollected

    with uncollected():
        pid = os.fork()
        if pid == 0:  # the child
            os._exit(0 if gc.isenabled() else 1)
        _pid, status = os.waitpid(pid, 0)
        assert not gc.isenabled()
    assert os.waitstatus_to_exitcode(status) == 0
    assert gc.isenabled()
