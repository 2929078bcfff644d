package io.changelake.bench.query;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The same queries in a local Spark 3.5 session over the same files, with each format's own Spark runtime:
 * {@code SparkQuery FORMAT LOCATION RUNS SQL...}, printing {@link Timings}' lines. Compiled by {@code bench/query.sh}
 * against Spark's classpath (changelake-interop-tests' test dependencies), never on changelake's.
 */
public final class SparkQuery {
  private SparkQuery() { }

  public static void main(String[] args) throws Exception {
    String format = args[0];
    Path location = Path.of(args[1]).toAbsolutePath();
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("query-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", location.resolve("spark-warehouse").toString())
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.catalog.iceberg", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.iceberg.type", "hadoop")
        .config("spark.sql.catalog.iceberg.warehouse", location.toString())
        .config("spark.sql.catalog.paimon", "org.apache.paimon.spark.SparkCatalog")
        .config("spark.sql.catalog.paimon.warehouse", location.toUri().toString())
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    String table = switch (format) {
      case "iceberg" -> "iceberg.bench.orders";
      case "paimon" -> "paimon.bench.orders";
      default -> "delta.`" + location.resolve("bench/orders") + "`";
    };
    Timings.run(Integer.parseInt(args[2]), List.of(args).subList(3, args.length), sql -> {
      List<org.apache.spark.sql.Row> rows = spark.sql(sql.replace("{table}", table)).collectAsList();
      return rows.isEmpty() ? "(no row)" : rows.get(0).toString();
    });
    spark.stop();
  }
}
