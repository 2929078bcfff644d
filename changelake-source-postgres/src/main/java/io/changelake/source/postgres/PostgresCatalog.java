package io.changelake.source.postgres;

import io.changelake.api.model.Column;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.source.Preflight;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceTable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Plain-JDBC checks and catalog reads against the source database. Every failure says how to fix it. */
final class PostgresCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresCatalog.class);
  private static final Duration SLOT_POLL = Duration.ofMillis(500);

  private final PostgresSourceConfig config;

  PostgresCatalog(PostgresSourceConfig config) {
    this.config = config;
  }

  String where() {
    return config.hostname() + ":" + config.port();
  }

  /** A new connection; failures become messages about host, credentials or database. */
  Connection connect() {
    return connect(new Properties());
  }

  /**
   * A new walsender connection in database mode: replication commands such as {@code
   * CREATE_REPLICATION_SLOT} and plain SQL on the database.
   */
  Connection connectForReplication() {
    Properties props = new Properties();
    props.setProperty("replication", "database");
    props.setProperty("preferQueryMode", "simple");
    props.setProperty("assumeMinServerVersion", "10");
    return connect(props);
  }

  private Connection connect(Properties props) {
    props.setProperty("user", config.username());
    props.setProperty("password", config.password());
    props.setProperty("connectTimeout", "10");
    props.setProperty("socketTimeout", "60");
    props.setProperty("ApplicationName", "changelake");
    String url = "jdbc:postgresql://" + config.hostname() + ":" + config.port() + "/" + config.database();
    try {
      return DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw connectFailure(e);
    }
  }

  private SourceException connectFailure(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String detail = scrub(e.getMessage());
    if (state.equals("28P01") || state.equals("28000") && detail.contains("password")) {
      return new SourceException("PostgreSQL at " + where() + " rejected the password of role '"
          + config.username() + "' (" + detail + "). Check 'username' and 'password'.");
    }
    if (state.equals("28000")) {
      return new SourceException("PostgreSQL at " + where() + " refused role '" + config.username()
          + "' for database '" + config.database() + "' (" + detail + "). Allow it in pg_hba.conf"
          + " or check 'username'.");
    }
    if (state.equals("3D000")) {
      return new SourceException("Database '" + config.database() + "' does not exist on " + where()
          + ". Check 'database-name' (list databases with: psql -l), or create it.");
    }
    if (state.startsWith("08") || state.startsWith("57P")) {
      // the cause (its state tells a stream to reconnect) names no secret: the server was not reached or is down
      return new SourceException("Cannot reach PostgreSQL at " + where() + " (" + detail + "). Check 'hostname'"
          + " and 'port', that the server is running, and that it listens on that address (listen_addresses,"
          + " firewall).", e);
    }
    return new SourceException("Cannot connect to PostgreSQL at " + where() + " as '" + config.username()
        + "': " + detail, null);
  }

  private String scrub(String message) {
    String text = message == null ? "" : message;
    String password = config.password();
    return password == null || password.isEmpty() ? text : text.replace(password, "******");
  }

  /**
   * Checks wal_level, the REPLICATION privilege and that publishing the tables cannot break the
   * application's writes, each as a check of {@code preflight}; then returns the selected
   * tables (empty when a check failed and {@code preflight} collects).
   */
  List<SourceTable> discover(Connection c, Predicate<TableId> filter, String filterText, Preflight preflight)
      throws SQLException {
    preflight.check("wal_level = logical", () -> {
      String walLevel = single(c, "SHOW wal_level");
      if (!"logical".equals(walLevel)) {
        throw new SourceException("PostgreSQL at " + where() + " has wal_level = " + walLevel
            + "; change data capture needs 'logical'. Run as a superuser: ALTER SYSTEM SET wal_level = logical;"
            + " then restart PostgreSQL (on managed services set the parameter group option, e.g."
            + " rds.logical_replication = 1 on AWS RDS).");
      }
    });
    preflight.check("REPLICATION privilege of role '" + config.username() + "'", () -> {
      if (!canReplicate(c)) {
        throw new SourceException("Role '" + config.username() + "' lacks the REPLICATION privilege needed to"
            + " read a replication slot. Run as a superuser: ALTER ROLE " + quoteIdent(config.username())
            + " WITH REPLICATION;");
      }
    });
    List<SourceTable> tables = new ArrayList<>();
    if (preflight.check("tables selected (" + filterText.strip() + ")",
        () -> tables.addAll(readTables(c, filter, filterText)))) {
      preflight.check("replica identity of the selected tables", () -> checkReplicaIdentity(c, tables));
    }
    return List.copyOf(tables);
  }

  /**
   * Checks the slot without waiting, for {@code changelake check}: a free {@code max_replication_slots} entry
   * when the slot does not exist yet, the slot not lost, and no other process reading it now.
   */
  void checkSlotState(Connection c, Preflight preflight) throws SQLException {
    String slot = config.slotName();
    preflight.check("max_replication_slots has room for slot '" + slot + "'", () -> {
      String sql = "SELECT (SELECT count(*) FROM pg_replication_slots), current_setting('max_replication_slots')::int,"
          + " EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, slot);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(3) && rs.getInt(1) >= rs.getInt(2)) {
            throw new SourceException("All " + rs.getInt(2) + " replication slots of " + where() + " are taken"
                + " (max_replication_slots). Fix: drop an unused slot (SELECT slot_name, active FROM"
                + " pg_replication_slots; SELECT pg_drop_replication_slot('<name>');), or raise max_replication_slots"
                + " and restart PostgreSQL.");
          }
        }
      }
    });
    preflight.check("replication slot '" + slot + "' not lost", () -> {
      if (walStatus(c).filter("lost"::equals).isPresent()) {
        checkSlotHolds(c, "their positions");
      }
    });
    preflight.check("replication slot '" + slot + "' not in use", () -> {
      int pid = slotHolder(c);
      if (pid != 0) {
        throw new SourceException(inUse(pid));
      }
    });
  }

  /** The slot's {@code wal_status} ("" before PostgreSQL 13); empty when the slot does not exist. */
  private Optional<String> walStatus(Connection c) throws SQLException {
    boolean known = c.getMetaData().getDatabaseMajorVersion() >= 13;
    try (PreparedStatement ps = c.prepareStatement("SELECT " + (known ? "wal_status" : "''")
        + " FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, config.slotName());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(Objects.toString(rs.getString(1), "")) : Optional.empty();
      }
    }
  }

  /** The message for a slot that server process {@code pid} reads, with the ways out. */
  String inUse(int pid) {
    return "Replication slot '" + config.slotName() + "' is in use by another process (pid " + pid + "); a slot"
        + " has one reader at a time. Stop that reader (it may be another changelake or Debezium; to end it: SELECT"
        + " pg_terminate_backend(" + pid + ");), or choose another 'slot.name'.";
  }

  /**
   * Refuses tables that have no replica identity (no primary key under REPLICA IDENTITY DEFAULT,
   * or NOTHING) and are not yet in the publication: once published for updates and deletes,
   * PostgreSQL would reject every UPDATE and DELETE the application makes on them.
   */
  private void checkReplicaIdentity(Connection c, List<SourceTable> tables) throws SQLException {
    List<String> unsafe = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT t.relname FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace"
            + " LEFT JOIN pg_publication p ON p.pubname = ?"
            + " WHERE n.nspname = ? AND t.relname = ANY (?)"
            + " AND (t.relreplident = 'n' OR (t.relreplident = 'd'"
            + "   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype = 'p')))"
            + " AND (p.oid IS NULL OR (NOT p.puballtables AND (p.pubupdate OR p.pubdelete)"
            + "   AND NOT EXISTS (SELECT 1 FROM pg_publication_rel r WHERE r.prpubid = p.oid AND r.prrelid = t.oid)))"
            + " ORDER BY t.relname")) {
      ps.setString(1, config.publicationName());
      ps.setString(2, config.schema());
      ps.setArray(3, c.createArrayOf("text", tables.stream().map(t -> t.id().name()).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          unsafe.add(quoteIdent(config.schema()) + "." + quoteIdent(rs.getString(1)));
        }
      }
    }
    if (!unsafe.isEmpty()) {
      throw new SourceException("Table(s) " + String.join(", ", unsafe) + " have no primary key and no replica"
          + " identity. Adding them to publication '" + config.publicationName() + "' would make PostgreSQL reject"
          + " every UPDATE and DELETE your application runs on them. Fix: ALTER TABLE <table> REPLICA IDENTITY FULL"
          + " (or REPLICA IDENTITY USING INDEX <unique index>), or leave them out with 'table-name'.");
    }
  }

  private boolean canReplicate(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT r.rolsuper OR r.rolreplication OR EXISTS (SELECT 1 FROM pg_roles g"
            + " WHERE g.rolname = 'rds_replication' AND pg_has_role(r.oid, g.oid, 'member'))"
            + " FROM pg_roles r WHERE r.rolname = current_user")) {
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /**
   * Drops the slot when it exists, so that the engine creates it again and snapshots from the new
   * slot's exported snapshot: the copy and the stream then meet exactly, with no transaction both
   * copied and streamed. Only for starts that take a full snapshot (the old slot's WAL is not needed).
   */
  void dropSlotForSnapshot(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, config.slotName());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          LOG.info("Dropped replication slot '{}' (no table holds a position in it) so that the initial snapshot"
              + " starts from a new slot's consistent point", config.slotName());
        }
      }
    }
  }

  /** Checks that the slot can serve this source, waiting up to {@code slot.busy.timeout} while another process reads it. */
  void checkSlot(Connection c) throws SQLException {
    Instant deadline = Instant.now().plus(config.slotBusyTimeout());
    boolean logged = false;
    while (true) {
      int pid = slotHolder(c);
      if (pid == 0) {
        return;
      }
      String slot = config.slotName();
      if (Instant.now().isAfter(deadline)) {
        throw new SourceException(inUse(pid) + " It stayed so for " + config.slotBusyTimeout().toSeconds()
            + " s; wait longer with 'slot.busy.timeout'.");
      }
      if (!logged) {
        LOG.info("Replication slot '{}' is held by server process {} (a previous run that has not yet"
            + " noticed it ended?); waiting up to {} s for it to be released", slot, pid,
            config.slotBusyTimeout().toSeconds());
        logged = true;
      }
      try {
        Thread.sleep(SLOT_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SourceException("Interrupted while waiting for replication slot '" + slot + "'", e);
      }
    }
  }

  /**
   * The server process reading the slot, or 0 when the slot is free or missing.
   *
   * @throws SourceException when the slot exists but cannot serve this source
   */
  private int slotHolder(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT active, active_pid, plugin, database, slot_type FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, config.slotName());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return 0;
        }
        String slot = config.slotName();
        if (!"logical".equals(rs.getString("slot_type")) || !"pgoutput".equals(rs.getString("plugin"))) {
          throw new SourceException("Replication slot '" + slot + "' exists but is a " + rs.getString("slot_type")
              + " slot for plugin '" + rs.getString("plugin") + "', not a logical pgoutput slot. Choose another"
              + " 'slot.name', or drop it: SELECT pg_drop_replication_slot('" + slot + "');");
        }
        if (!config.database().equals(rs.getString("database"))) {
          throw new SourceException("Replication slot '" + slot + "' belongs to database '" + rs.getString("database")
              + "', not '" + config.database() + "'. Choose another 'slot.name'.");
        }
        return rs.getBoolean("active") ? rs.getInt("active_pid") : 0;
      }
    }
  }

  private List<SourceTable> readTables(Connection c, Predicate<TableId> filter, String filterText)
      throws SQLException {
    String schema = config.schema();
    Map<TableId, Long> estimates = new LinkedHashMap<>();
    Set<String> all = new TreeSet<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT c.relname, c.reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          all.add(name);
          TableId id = new TableId(schema, name);
          if (filter.test(id)) {
            estimates.put(id, Math.max(-1, rs.getLong(2)));
          }
        }
      }
    }
    if (estimates.isEmpty()) {
      throw new SourceException("No table of schema '" + schema + "' in database '" + config.database()
          + "' matches " + filterText + ". " + (all.isEmpty()
              ? "The schema has no tables (check 'schema-name')."
              : "Tables there: " + String.join(", ", all) + ".") + " Check 'table-name' (a name, a|b|c, or a"
          + " regular expression matching whole names).");
    }
    List<SourceTable> result = new ArrayList<>();
    for (Map.Entry<TableId, Long> entry : estimates.entrySet()) {
      result.add(new SourceTable(entry.getKey(), readSchema(c, entry.getKey()), entry.getValue()));
    }
    return result;
  }

  /** Columns in ordinal order and the primary key from pg_constraint. */
  static TableSchema readSchema(Connection c, TableId table) throws SQLException {
    List<String> key = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT a.attname FROM pg_constraint k"
            + " JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
            + " CROSS JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)"
            + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.attnum"
            + " WHERE k.contype = 'p' AND n.nspname = ? AND t.relname = ? ORDER BY u.ord")) {
      ps.setString(1, table.namespace());
      ps.setString(2, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
        }
      }
    }
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT a.attname, a.attnotnull, a.atttypmod, ty.typname, ty.typtype, bt.typname AS basename"
            + " FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid"
            + " JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_type ty ON ty.oid = a.atttypid"
            + " LEFT JOIN pg_type bt ON bt.oid = ty.typbasetype"
            + " WHERE n.nspname = ? AND t.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      ps.setString(1, table.namespace());
      ps.setString(2, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString("attname");
          String type = rs.getString("typname");
          int typmod = rs.getInt("atttypmod");
          boolean numeric = PostgresTypes.isNumeric(type);
          columns.add(PostgresTypes.column(name, type,
              numeric ? PostgresTypes.numericPrecision(typmod) : 0, numeric ? PostgresTypes.numericScale(typmod) : 0,
              !rs.getBoolean("attnotnull"), key.contains(name)));
        }
      }
    }
    return new TableSchema(columns, key);
  }

  /**
   * The {@link PgType} of each column of each of {@code tables}, in the order of its schema (PostgreSQL 14
   * or later: multiranges are looked up).
   */
  static Map<TableId, List<PgType>> columnTypes(Connection c, List<SourceTable> tables) throws SQLException {
    Map<TableId, Map<String, Integer>> oids = new LinkedHashMap<>();
    for (SourceTable table : tables) {
      Map<String, Integer> columns = new java.util.HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, a.atttypid::int FROM pg_attribute a"
          + " JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
          + " WHERE n.nspname = ? AND t.relname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
        ps.setString(1, table.id().namespace());
        ps.setString(2, table.id().name());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            columns.put(rs.getString(1), rs.getInt(2));
          }
        }
      }
      oids.put(table.id(), columns);
    }
    Map<Integer, PgType> known = new java.util.HashMap<>();
    PgType.load(c, oids.values().stream().flatMap(m -> m.values().stream()).toList(), known);
    Map<TableId, List<PgType>> result = new LinkedHashMap<>();
    for (SourceTable table : tables) {
      Map<String, Integer> columns = oids.get(table.id());
      result.put(table.id(), table.schema().columns().stream()
          .map(col -> known.getOrDefault(columns.getOrDefault(col.name(), 0), PgType.base(col.sourceType()))).toList());
    }
    return result;
  }

  /**
   * Refuses to resume from {@code resume} when the slot that holds the changes after it is gone (dropped by
   * someone) or invalidated ({@code wal_status = 'lost'}, e.g. past {@code max_slot_wal_keep_size}): the
   * changes between the lake's position and now can no longer be read, and a new slot would skip them.
   *
   * @throws SourceException naming the lost slot and the fix (re-snapshot the tables)
   */
  void checkSlotHolds(Connection c, String resume) throws SQLException {
    Optional<String> walStatus = walStatus(c);
    String problem = walStatus.isEmpty() ? "does not exist (dropped?)"
        : "lost".equals(walStatus.get()) ? "was invalidated (wal_status = 'lost': the WAL it needed was removed,"
            + " e.g. past max_slot_wal_keep_size)"
        : null;
    if (problem != null) {
      throw new SourceException("Replication slot '" + config.slotName() + "' on " + where() + " " + problem
          + ", but the lake tables resume from " + resume + ": the changes since then can no longer be read, and a"
          + " new slot would silently skip them. Fix: take a new snapshot: drop this pipeline's lake tables (or sync"
          + " into a new --database), then sync again, which replaces the slot; 'changelake destroy --yes' with the"
          + " same source flags drops the slot and publication first.");
    }
  }

  /** The slot's {@code confirmed_flush_lsn}; empty when the slot does not exist. */
  java.util.OptionalLong confirmedFlushLsn(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, config.slotName());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBigDecimal(1) != null ? java.util.OptionalLong.of(rs.getBigDecimal(1).longValue())
            : java.util.OptionalLong.empty();
      }
    }
  }

  /**
   * Drops the slot, waiting up to {@code slot.busy.timeout} for the server process that served the last
   * reader to let it go; a slot another reader holds after that stays.
   */
  void dropSlot(Connection c) throws SQLException {
    Instant deadline = Instant.now().plus(config.slotBusyTimeout());
    while (true) {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
        ps.setString(1, config.slotName());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() || slotHolder(c) == 0 || Instant.now().isAfter(deadline)) {
            return;
          }
        }
      }
      try {
        Thread.sleep(SLOT_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The comment on a publication this pipeline created, which {@link #dropCreated} looks for. */
  private String createdMark() {
    return "created by changelake for slot " + config.slotName().replace("'", "''");
  }

  /**
   * What a sync of {@code tables} would create or use: the slot (exists, at which position, or created by the
   * sync) and the publication (exists, or created; the tables it would add).
   */
  List<String> capturePlan(Connection c, List<TableId> tables) throws SQLException {
    List<String> plan = new ArrayList<>();
    String slot = "replication slot '" + config.slotName() + "': ";
    if (walStatus(c).isEmpty()) {
      plan.add(slot + "does not exist, created by the sync (pgoutput, with an exported snapshot)");
    } else {
      java.util.OptionalLong lsn = confirmedFlushLsn(c);
      plan.add(slot + "exists" + (lsn.isPresent() ? ", confirmed up to LSN " + PostgresPosition.formatLsn(lsn.getAsLong())
          : "") + (config.snapshotReplacesSlot() ? "; replaced by a new one if the tables take an initial snapshot"
          : ""));
    }
    String publication = "publication '" + config.publicationName() + "': ";
    Boolean allTables = publishesAllTables(c).orElse(null);
    if (allTables == null) {
      plan.add(publication + "does not exist, created by the sync FOR TABLE " + String.join(", ",
          tables.stream().map(PostgresCatalog::quoteTable).toList()));
      return plan;
    }
    if (allTables) {
      plan.add(publication + "exists (FOR ALL TABLES), used as it is");
      return plan;
    }
    Set<TableId> present = publishedTables(c);
    List<String> missing = tables.stream().filter(t -> !present.contains(t)).map(PostgresCatalog::quoteTable).toList();
    plan.add(publication + "exists" + (missing.isEmpty() ? ", holds every selected table"
        : ", the sync adds " + String.join(", ", missing)));
    return plan;
  }

  /** The slot and the publication this pipeline created that exist now, each as "kind 'name'". */
  List<String> created(Connection c) throws SQLException {
    List<String> created = new ArrayList<>();
    if (walStatus(c).isPresent()) {
      created.add("replication slot '" + config.slotName() + "'");
    }
    if (publicationComment(c).filter(createdMark()::equals).isPresent()) {
      created.add("publication '" + config.publicationName() + "'");
    }
    return created;
  }

  /**
   * Drops the slot, refusing while a process reads it, then the publication when this pipeline created it.
   * Returns a line per object: dropped, or left and why.
   */
  List<String> dropCreated(Connection c) throws SQLException {
    List<String> done = new ArrayList<>();
    int pid = slotHolder(c);
    if (pid != 0) {
      throw new SourceException(inUse(pid) + " Nothing was dropped.");
    }
    if (walStatus(c).isPresent()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
        ps.setString(1, config.slotName());
        ps.execute();
      }
      done.add("dropped replication slot '" + config.slotName() + "'");
    }
    String publication = config.publicationName();
    Optional<String> comment = publicationComment(c);
    if (comment.filter(createdMark()::equals).isPresent()) {
      try (Statement s = c.createStatement()) {
        s.execute("DROP PUBLICATION " + quoteIdent(publication));
      }
      done.add("dropped publication '" + publication + "'");
    } else if (comment.isPresent()) {
      done.add("left publication '" + publication + "': changelake did not create it (another pipeline or a user"
          + " may use it); when nothing does: DROP PUBLICATION " + quoteIdent(publication) + ";");
    }
    return done;
  }

  /** The comment on the publication ("" when none); empty when the publication does not exist. */
  private Optional<String> publicationComment(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(obj_description(oid, 'pg_publication'), '')"
        + " FROM pg_publication WHERE pubname = ?")) {
      ps.setString(1, config.publicationName());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Whether the publication lists all tables ({@code FOR ALL TABLES}); empty when it does not exist. */
  private Optional<Boolean> publishesAllTables(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
      ps.setString(1, config.publicationName());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
      }
    }
  }

  /** The tables the publication lists. */
  private Set<TableId> publishedTables(Connection c) throws SQLException {
    Set<TableId> present = new TreeSet<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
      ps.setString(1, config.publicationName());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          present.add(new TableId(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return present;
  }

  /**
   * Creates the publication for {@code tables} when missing, or adds the tables it lacks.
   * Publications listing all tables ({@code FOR ALL TABLES}) are used as they are.
   */
  void ensurePublication(Connection c, List<TableId> tables) throws SQLException {
    String publication = config.publicationName();
    Boolean allTables = publishesAllTables(c).orElse(null);
    List<String> names = tables.stream().map(PostgresCatalog::quoteTable).toList();
    try (Statement s = c.createStatement()) {
      if (allTables == null) {
        s.execute("CREATE PUBLICATION " + quoteIdent(publication) + " FOR TABLE " + String.join(", ", names));
        s.execute("COMMENT ON PUBLICATION " + quoteIdent(publication) + " IS '" + createdMark() + "'");
        return;
      }
      if (allTables) {
        return;
      }
      Set<TableId> present = publishedTables(c);
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < tables.size(); i++) {
        if (!present.contains(tables.get(i))) {
          missing.add(names.get(i));
        }
      }
      if (!missing.isEmpty()) {
        s.execute("ALTER PUBLICATION " + quoteIdent(publication) + " ADD TABLE " + String.join(", ", missing));
      }
    } catch (SQLException e) {
      throw new SourceException("Cannot create or update publication '" + publication + "' for " + tables
          + " (" + scrub(e.getMessage()) + "). Create it as the tables' owner or a superuser: CREATE PUBLICATION "
          + quoteIdent(publication) + " FOR TABLE " + String.join(", ", names) + ";", e);
    }
  }

  /** {@code "schema"."table"}, each part as {@link #quoteIdent} writes it. */
  static String quoteTable(TableId table) {
    return quoteIdent(table.namespace()) + "." + quoteIdent(table.name());
  }

  /**
   * The one way the source writes a name into SQL: always in double quotes, inner double quotes doubled,
   * as PostgreSQL reads a quoted identifier. Names are never left bare, so keywords ({@code order}, {@code
   * user}), upper case, spaces and any other character keep their exact spelling.
   */
  static String quoteIdent(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
