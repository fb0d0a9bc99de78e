"""paper-claims: quantitative claims of ML paper abstracts as Parquet tables.

Data flow, one module per stage (read top to bottom):

    ingest      raw files -> RawPaper records, streamed  (pipeline/ingest/)
    identity    title -> paper_id                        (pipeline/identity.py)
    sentences   abstract -> sentence spans               (pipeline/sentences.py)
    quantities  text -> Mention (numbers, units, ranges) (pipeline/quantities.py)
    hardware    abstract -> hardware mentions            (pipeline/hardware.py)
    claims      mentions -> typed claims                 (pipeline/claims.py)
    attributes  claims -> subject, baseline, dataset...  (pipeline/attributes.py)
    normalize   value -> SI through pint                 (pipeline/normalize.py)
    extract     the stages above for one paper           (pipeline/extract.py)
    validate    rows -> good + rejected rows (GX)        (pipeline/validate.py)
    compare     claims -> comparisons, canonical names   (pipeline/compare.py)
    write       Arrow tables -> Parquet, atomically      (pipeline/write.py)
    database    Parquet -> claims.duckdb with views      (pipeline/database.py)

`pipeline/build.py` chains them over bounded batches on this machine,
`pipeline/distributed.py` on Dask; `pipeline/cli.py` is the thin command
line; `pipeline/evaluate.py` and `pipeline/outside.py` measure; and
`pipeline/report.py` draws the HTML report. Extraction knowledge lives in
`pipeline/resources/` (compiled by `pipeline/lexicon.py`; its many-pattern
lists run through `pipeline/gazetteer.py`, which tries each pattern only
where the literals its matches start with occur), table contracts in `schemas/`.
"""

__version__ = "0.1.0"
