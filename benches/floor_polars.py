"""The floor a drift check is measured against: Python polars reads both files completely,
computes each numeric column's reference decile edges and both sides' counts in those bins,
and each categorical column's value counts on both sides. Nothing else: no statistics, no
report, no hashing.

    python3 benches/floor_polars.py REFERENCE CURRENT

`examples/bench_drift.rs` runs it (when `python3 -c "import polars"` works) next to mlgate,
whole-process, so both pay interpreter or binary start-up alike.
"""

import sys

import polars as pl


def read(path: str) -> pl.DataFrame:
    if path.endswith(".parquet"):
        return pl.read_parquet(path)
    return pl.read_csv(path)


def main() -> None:
    reference, current = read(sys.argv[1]), read(sys.argv[2])
    numeric = [c for c, t in reference.schema.items() if t.is_numeric()]
    categorical = [c for c in reference.columns if c not in numeric]
    # One multi-quantile per column (a quantile expression per edge would sort nine times).
    edges = reference.select([pl.col(c).quantile([i / 10 for i in range(1, 10)], "linear") for c in numeric])
    edges = {c: edges.get_column(c).item(0).to_list() for c in numeric}
    for df in (reference, current):
        df.select([(pl.col(c) < e).sum().alias(f"{c}_lt{i}") for c in numeric for i, e in enumerate(edges[c])])
        for c in categorical:
            df.group_by(c).len()


if __name__ == "__main__":
    main()
