"""Computes mlgate profiles in Apache Spark (local mode) the way a team without a direct
connection would: mlgate prints each pass's SQL, Spark runs it, the answer is saved as JSON
Lines, and mlgate builds the profile from the saved answers. One Spark session for all passes.

usage: spark_sql.py MLGATE DATA_DIR OUT_DIR
DATA_DIR holds train.csv and serving.csv (written by tests/engines/run.sh). OUT_DIR receives
pass1.sql, pass1.json, pass2.sql, pass2.json (the reference), current.sql, current.json
(serving, counted over the reference's edges), the profiles train.profile.json and
serving.profile.json, and pass1_approx.json (pass 1 with Spark's approximate percentiles).
"""
import os
import subprocess
import sys
import time

from pyspark.sql import SparkSession

SCHEMA = "id BIGINT, x DOUBLE, n_int BIGINT, flag INT, city STRING, y DOUBLE, ok BOOLEAN, ts TIMESTAMP"
COLUMNS = ["--numeric", "id,x,n_int,flag,y", "--categorical", "city,ok", "--other", "ts"]


def mlgate(binary, query, *args):
    cmd = [binary, "profile", "--sql", query, "--dialect", "spark", *COLUMNS, *args]
    subprocess.run(cmd, check=True, stdout=subprocess.PIPE)
    return cmd


def run(spark, out, name):
    with open(os.path.join(out, name + ".sql")) as f:
        sql = f.read()
    start = time.monotonic()
    rows = [r.asDict(recursive=True) for r in spark.sql(sql).collect()]
    import json
    with open(os.path.join(out, name + ".json"), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(f"spark: {name} took {time.monotonic() - start:.1f} s", file=sys.stderr)


def main():
    binary, data, out = sys.argv[1:4]
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("mlgate-engine-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "2g"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for name in ("train", "serving"):
        (spark.read.option("header", True).option("nanValue", "NaN").option("positiveInf", "inf")
         .option("negativeInf", "-inf").schema(SCHEMA).csv(os.path.join(data, f"{name}.csv"))
         .createOrReplaceTempView(name))
    p = lambda n: os.path.join(out, n)
    ref, cur = "SELECT * FROM train", "SELECT * FROM serving"
    mlgate(binary, ref, "--emit-sql", "-o", p("pass1.sql"), "--force")
    run(spark, out, "pass1")
    mlgate(binary, ref, "--from-result", p("pass1.json"), "--emit-sql", "-o", p("pass2.sql"), "--force")
    run(spark, out, "pass2")
    mlgate(binary, ref, "--from-result", p("pass1.json"), "--from-result", p("pass2.json"),
           "-o", p("train.profile.json"), "--force")
    mlgate(binary, cur, "--edges-from", p("train.profile.json"), "--emit-sql", "-o", p("current.sql"), "--force")
    run(spark, out, "current")
    mlgate(binary, cur, "--edges-from", p("train.profile.json"), "--from-result", p("current.json"),
           "-o", p("serving.profile.json"), "--force")
    # Approximate quantiles (percentile_approx, accuracy 10000): pass 1 only, for the rank check.
    mlgate(binary, ref, "--quantiles", "approx", "--emit-sql", "-o", p("pass1_approx.sql"), "--force")
    run(spark, out, "pass1_approx")
    spark.stop()


if __name__ == "__main__":
    main()
