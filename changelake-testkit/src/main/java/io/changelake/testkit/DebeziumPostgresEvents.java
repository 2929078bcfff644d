package io.changelake.testkit;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * The Connect schemas and {@code source} block of the change events Debezium's PostgreSQL connector emits, for tests
 * and benchmarks that produce such events without running the connector. Needs {@code connect-api} (through the
 * optional {@code connect-json}).
 */
public final class DebeziumPostgresEvents {
  /** The connector version the {@code source} blocks name. */
  public static final String VERSION = "3.6.1.Final";

  private static final Schema SNAPSHOT = SchemaBuilder.string().name("io.debezium.data.Enum").version(1)
      .parameter("allowed", "true,last,false,incremental").defaultValue("false").optional().build();
  private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
      .field("version", Schema.STRING_SCHEMA)
      .field("connector", Schema.STRING_SCHEMA)
      .field("name", Schema.STRING_SCHEMA)
      .field("ts_ms", Schema.INT64_SCHEMA)
      .field("snapshot", SNAPSHOT)
      .field("db", Schema.STRING_SCHEMA)
      .field("schema", Schema.STRING_SCHEMA)
      .field("table", Schema.STRING_SCHEMA)
      .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
      .build();

  private DebeziumPostgresEvents() { }

  /** The envelope schema {@code name} (e.g. {@code server.schema.table.Envelope}) around rows of {@code row}. */
  public static Schema envelope(String name, Schema row) {
    return SchemaBuilder.struct().name(name).version(2)
        .field("before", row)
        .field("after", row)
        .field("source", SOURCE)
        .field("op", Schema.STRING_SCHEMA)
        .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
        .build();
  }

  /** The {@code source} block of an event of {@code db.schema.table} at {@code lsn}, read by a snapshot or not. */
  public static Struct source(String server, String db, String schema, String table, long tsMs, boolean snapshot,
      long lsn) {
    return new Struct(SOURCE).put("version", VERSION).put("connector", "postgresql").put("name", server)
        .put("ts_ms", tsMs).put("snapshot", String.valueOf(snapshot)).put("db", db).put("schema", schema)
        .put("table", table).put("lsn", lsn);
  }
}
