"""paper-claims: quantitative claims of ML paper abstracts as Parquet tables.

Data flow, read top to bottom:

    ingest      raw files -> RawPaper records, streamed      (pipeline/ingest/)
                  formats by name or content, compressed or piped;
                  a bad record is a Problem (a rejected row); dates
                  and year (ingest/dates.py); each input read once,
                  into a scratch file the batches come from
                  (ingest/spill.py)
    identity    title -> paper_id                            (pipeline/identity.py)
    rules       resource files -> one Rules value            (pipeline/rules.py)
    find        abstract -> Doc: layers of spans             (pipeline/find/)
                  reading copy, one gazetteer scan (devices, benchmarks,
                  metrics, cues, number words, baseline phrases), sentences,
                  quantities, devices with their counts
    decide      Doc -> records                               (pipeline/decide/)
                  claims (construction records, resources/constructions.toml),
                  attributes (subject, baseline, dataset, hardware),
                  normalize (SI values)
    extract     find + decide for one paper                  (pipeline/extract.py)
    validate    rows -> good + rejected rows                 (pipeline/validate.py)
                  Arrow checks compiled from the suites (pipeline/checks.py);
                  great-expectations once per build, for the data docs
    compare     claims -> comparisons, canonical names       (pipeline/compare.py)
    write       Arrow tables -> Parquet in a generation      (pipeline/write.py)
                  OUT/.generations/<id>/ with manifest.json,
                  switched in by the one link OUT/current,
                  under OUT/.lock: a build is one transaction
    database    Parquet -> claims.duckdb with views          (pipeline/database.py)

`pipeline/build.py` chains them over bounded batches on this machine,
`pipeline/distributed.py` on Dask; `pipeline/cli.py` is the thin command
line; `pipeline/evaluate.py` and `pipeline/outside.py` measure; and
`pipeline/report.py` draws the HTML report. Extraction knowledge lives in
`pipeline/resources/` (checked against resources/schema.toml and compiled
by pipeline/rules.py; its gazetteers run through pipeline/gazetteer.py,
which tries each pattern only where the literals its matches start with
occur), table contracts in `schemas/`. A claim's `rule` column is the chain
of the construction ids that made it.
"""

__version__ = "0.1.0"
