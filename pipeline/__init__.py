"""paper-claims: quantitative claims of ML paper abstracts as Parquet tables.

Data flow, one module per stage (read top to bottom):

    ingest      raw files -> RawPaper records          (pipeline/ingest/)
    identity    title -> paper_id                      (pipeline/identity.py)
    sentences   abstract -> sentence spans             (pipeline/sentences.py)
    quantities  sentence -> Mention (numbers + units)  (pipeline/quantities.py)
    hardware    abstract -> hardware mentions          (pipeline/hardware.py)
    claims      mentions -> typed claims               (pipeline/claims.py)
    attributes  claims -> subject, baseline, metric... (pipeline/attributes.py)
    normalize   value -> SI (pint), factor             (pipeline/normalize.py)
    validate    rows -> good rows + rejected rows (GX) (pipeline/validate.py)
    write       Arrow tables -> Parquet, atomically    (pipeline/write.py)

`pipeline/build.py` chains them over bounded batches; `pipeline/cli.py` is the
thin command line on top.
"""

__version__ = "0.1.0"
