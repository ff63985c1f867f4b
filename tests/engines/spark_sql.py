"""Runs mlgate's profile SQL in Apache Spark (local mode) over CSV tables and saves the answer
as JSON Lines, as a team would in a Databricks or Spark job.

usage: spark_sql.py DATA_DIR SQL_FILE OUT_FILE
DATA_DIR holds train.csv and serving.csv (written by tests/engines/run.sh); both become views.
"""
import os
import sys

from pyspark.sql import SparkSession

SCHEMA = "id BIGINT, x DOUBLE, n_int BIGINT, flag INT, city STRING, y DOUBLE, ok BOOLEAN, ts TIMESTAMP"


def main():
    data, sql_file, out = sys.argv[1:4]
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("mlgate-engine-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "2g"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for name in ("train", "serving"):
        path = os.path.join(data, f"{name}.csv")
        (spark.read.option("header", True).option("nanValue", "NaN").option("positiveInf", "inf")
         .option("negativeInf", "-inf").schema(SCHEMA).csv(path).createOrReplaceTempView(name))
    with open(sql_file) as f:
        sql = f.read()
    rows = spark.sql(sql).toJSON().collect()
    with open(out, "w") as f:
        for r in rows:
            f.write(r + "\n")
    spark.stop()


if __name__ == "__main__":
    main()
