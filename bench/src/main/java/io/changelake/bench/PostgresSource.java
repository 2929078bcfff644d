package io.changelake.bench;

import io.changelake.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A private PostgreSQL (changelake-testkit's embedded binaries) set up like the anchors' {@code start-pg.sh}:
 * logical WAL, 1 GB shared buffers, fsync and full page writes on. Its limits: {@code COPY orders TO
 * '/dev/null'} for the snapshot, and pgoutput decoding of the stream's WAL ({@code
 * pg_logical_slot_get_binary_changes} on a slot created before the stream) for streaming.
 */
final class PostgresSource implements Source {
  static final String SLOT = "bench_slot";
  static final String PUBLICATION = "bench_pub";
  private static final String SHARED_BUFFERS = "1GB";

  private final PostgresServer server;

  private PostgresSource(PostgresServer server) {
    this.server = server;
  }

  static PostgresSource start() {
    return new PostgresSource(PostgresServer.builder()
        .setting("shared_buffers", SHARED_BUFFERS)
        .setting("fsync", "on")
        .setting("synchronous_commit", "on")
        .setting("full_page_writes", "on")
        .setting("max_connections", "50")
        .start());
  }

  @Override
  public Labels labels() {
    return new Labels("PG load (generate_series)", "PG COPY TO /dev/null — snapshot limit", "COPY",
        "PG pgoutput decoding of the stream — streaming limit", "decoding", "PG-side stream apply (100 changes/txn)");
  }

  @Override
  public String description() {
    String version;
    try (Connection c = server.connect(server.database())) {
      version = Sql.text(c, "SHOW server_version");
    } catch (SQLException e) {
      version = "unknown";
    }
    return "PostgreSQL " + version + " (changelake-testkit embedded binaries; fsync on, shared_buffers "
        + SHARED_BUFFERS + ")";
  }

  @Override
  public String sqlFolder() {
    return "postgres/";
  }

  @Override
  public void recreateDatabase() {
    server.execute(server.database(),
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + DATABASE + "'",
        "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    server.createDatabase(DATABASE);
  }

  @Override
  public Connection connect() throws SQLException {
    Connection c = server.connect(DATABASE);
    c.setAutoCommit(true);
    return c;
  }

  /** The anchors' load; {@code typed.sql} adds the typed variant's columns first. VACUUM ANALYZE, CHECKPOINT. */
  @Override
  public Workload.Load load(Connection c, long rows, Workload.Variant variant) throws SQLException {
    Sql.execute(c, Sql.resource(sqlFolder() + "schema.sql"));
    if (variant == Workload.Variant.TYPED) {
      Sql.execute(c, Sql.resource(sqlFolder() + "typed.sql"));
    }
    long start = System.nanoTime();
    Sql.execute(c, Sql.resource(sqlFolder() + "load.sql").replace("{ROWS}", Long.toString(rows)));
    Sql.execute(c, "VACUUM ANALYZE orders");
    Sql.execute(c, "CHECKPOINT");
    double seconds = Sql.since(start);
    return new Workload.Load(rows, seconds, Sql.text(c, "SELECT pg_size_pretty(pg_total_relation_size('orders'))"));
  }

  /** {@code checksum.sql}, then {@code checksum-typed.sql}'s fields when the table has the typed variant's columns. */
  @Override
  public String digest(Connection c) throws SQLException {
    String digest = Sql.text(c, Sql.resource(sqlFolder() + "checksum.sql"));
    boolean typed = Sql.number(c, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'orders'::regclass"
        + " AND attname = '" + OrderRow.MOOD + "' AND NOT attisdropped") > 0;
    return typed ? digest + "|" + Sql.text(c, Sql.resource(sqlFolder() + "checksum-typed.sql")) : digest;
  }

  /** Server-side {@code COPY orders TO '/dev/null'} (text format). */
  @Override
  public Rate scanLimit(Connection c, long rows) throws SQLException {
    long start = System.nanoTime();
    Sql.execute(c, "COPY orders TO '/dev/null'");
    return new Rate(rows, Sql.since(start), rows + " rows");
  }

  /** Creates the publication and the pgoutput slot whose changes {@link #changeLogLimit} decodes. */
  @Override
  public String openChangeLog(Connection c) throws SQLException {
    Sql.execute(c, "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE orders");
    return Sql.text(c, "SELECT lsn FROM pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
  }

  @Override
  public String changeLogEnd(Connection c) throws SQLException {
    return Sql.text(c, "SELECT pg_current_wal_lsn()");
  }

  /**
   * Decodes everything up to {@code to} from the slot (pgoutput protocol 1, in the server), then drops
   * the slot; the detail counts the messages pgoutput sent.
   */
  @Override
  public Rate changeLogLimit(Connection c, String from, String to, long changes) throws SQLException {
    long start = System.nanoTime();
    long messages = Sql.number(c, "SELECT count(*) FROM pg_logical_slot_get_binary_changes('" + SLOT + "', '"
        + to + "', NULL, 'proto_version', '1', 'publication_names', '" + PUBLICATION + "')");
    double seconds = Sql.since(start);
    Sql.execute(c, "SELECT pg_drop_replication_slot('" + SLOT + "')");
    return new Rate(changes, seconds, messages + " messages");
  }

  @Override
  public List<String> syncArguments(String capture) {
    return List.of("--source-conf", "hostname=" + server.host(), "--source-conf", "port=" + server.port(),
        "--source-conf", "username=" + server.username(), "--source-conf", "password=" + server.password(),
        "--source-conf", "database-name=" + DATABASE, "--source-conf", "schema-name=public",
        "--source-conf", "table-name=orders", "--source-conf", "slot.name=" + capture);
  }

  @Override
  public void releaseCaptures() {
    server.dropInactiveSlots();
  }

  @Override
  public void close() {
    server.close();
  }
}
