package io.changelake.source.mysql;

import io.changelake.api.model.Column;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.source.Preflight;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceTable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server as the source sees it over JDBC: connections, the captured tables and their columns, the
 * binlog position, and the preflight checks that every prerequisite holds, each failure naming its fix.
 */
final class MysqlCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlCatalog.class);
  private static final int ACCESS_DENIED = 1045;
  /** The collation id of binary strings (BINARY, VARBINARY, BLOB). */
  static final int BINARY_COLLATION = 63;

  private final MysqlSourceConfig config;

  MysqlCatalog(MysqlSourceConfig config) {
    this.config = config;
  }

  /** {@code host:port}, for messages. */
  String where() {
    return config.hostname() + ":" + config.port();
  }

  /** A connection with session time zone UTC and server-side prepared statements (binary values). */
  Connection connect() {
    Properties props = config.jdbcProperties();
    props.setProperty("user", config.username());
    props.setProperty("password", config.password());
    props.setProperty("useServerPrepStmts", "true");
    props.setProperty("connectTimeout", String.valueOf(config.connectTimeout().toMillis()));
    props.putIfAbsent("allowPublicKeyRetrieval", "true");
    props.putIfAbsent("permitMysqlScheme", "true");
    String url = "jdbc:mariadb://" + config.hostname() + ":" + config.port() + "/" + config.database();
    try {
      Connection c = DriverManager.getConnection(url, props);
      try (Statement s = c.createStatement()) {
        s.execute("SET time_zone = '+00:00'");
      }
      return c;
    } catch (SQLException e) {
      if (e.getErrorCode() == ACCESS_DENIED) {
        throw new SourceException("The server " + where() + " refused user '" + config.username() + "': "
            + e.getMessage() + ". Fix: check username and password (and that the user may connect from this host).",
            e);
      }
      throw new SourceException("Cannot connect to " + where() + " database '" + config.database() + "': "
          + e.getMessage() + ". Fix: check hostname, port and database-name, and that the server is running.", e);
    }
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  static String quote(TableId table) {
    return quote(table.namespace()) + "." + quote(table.name());
  }

  static boolean isMariaDb(Connection c) throws SQLException {
    return text(c, "SELECT VERSION()").toLowerCase(Locale.ROOT).contains("mariadb");
  }

  /** Checks the server settings and the user's privileges, each as a check of {@code preflight}. */
  void preflight(Connection c, long serverId, Preflight preflight) throws SQLException {
    Map<String, String> vars = variables(c);
    preflight.check("binlog enabled (log_bin)", () -> {
      String logBin = vars.getOrDefault("log_bin", "OFF");
      if (!logBin.equals("ON") && !logBin.equals("1")) {
        throw new SourceException("The server " + where() + " writes no binlog (log_bin=" + logBin + "). Fix: start"
            + " it with log-bin (e.g. log-bin=mysql-bin in the [mysqld] section of its configuration) and restart it.");
      }
    });
    preflight.check("binlog_format = ROW", () -> require(vars, "binlog_format", "ROW",
        "changes are captured from row events"));
    preflight.check("binlog_row_image = FULL", () -> require(vars, "binlog_row_image", "FULL",
        "updates and deletes must carry every column of the old row"));
    preflight.check("binlog_row_metadata = FULL", () -> {
      if (!vars.containsKey("binlog_row_metadata")) {
        throw new SourceException("The server " + where() + " has no binlog_row_metadata setting: changelake needs"
            + " MySQL 8.0.1 or MariaDB 10.5 or later, which write column names into the binlog. Fix: upgrade the"
            + " server.");
      }
      require(vars, "binlog_row_metadata", "FULL", "row events must carry column names and types");
    });
    String grants = globalGrants(c);
    preflight.check("server-id " + serverId + " unique", () -> {
      long own = Long.parseLong(vars.getOrDefault("server_id", "0"));
      if (own == 0) {
        throw new SourceException("The server " + where() + " has server_id=0 and so serves no binlog readers. Fix:"
            + " SET GLOBAL server_id=1 and put server-id=1 in its configuration.");
      }
      if (own == serverId || replicaIds(c, grants).contains(serverId)) {
        throw new SourceException("server-id " + serverId + " is already used by " + (own == serverId
            ? "the server " + where() + " itself" : "a replica of " + where()) + "; two binlog readers with one id"
            + " disconnect each other. Fix: give a unique number with server-id=<n> (e.g. --source-conf server-id="
            + (serverId + 1) + ").");
      }
    });
    preflight.check("binlog retention >= binlog.min-retention", () -> checkRetention(vars));
    if (config.gtidRequired()) {
      preflight.check("GTID mode (gtid.required)", () -> checkGtid(c, vars));
    }
    preflight.check("REPLICATION privileges of user '" + config.username() + "'", () -> checkGrants(grants));
  }

  private void require(Map<String, String> vars, String name, String wanted, String why) {
    String actual = vars.get(name);
    if (!wanted.equalsIgnoreCase(actual)) {
      throw new SourceException("The server " + where() + " has " + name + "=" + actual + ", but " + why + ". Fix: SET"
          + " GLOBAL " + name + "=" + wanted + " and put " + name + "=" + wanted + " in the [mysqld] section of its"
          + " configuration (sessions keep the old value until they reconnect).");
    }
  }

  private void checkRetention(Map<String, String> vars) {
    Duration minimum = config.minRetention();
    long seconds = Long.parseLong(vars.getOrDefault("binlog_expire_logs_seconds", "0"));
    if (seconds == 0) {
      seconds = (long) (Double.parseDouble(vars.getOrDefault("expire_logs_days", "0")) * 86_400);
    }
    if (seconds > 0 && !minimum.isZero() && seconds < minimum.toSeconds()) {
      throw new SourceException("The server " + where() + " purges binlogs after " + seconds + " s, shorter than"
          + " binlog.min-retention (" + minimum.toSeconds() + " s): a stopped pipeline could not find its position"
          + " again. Fix: SET GLOBAL binlog_expire_logs_seconds=" + Math.max(minimum.toSeconds(), 86_400)
          + " (and in the server's configuration), or lower binlog.min-retention.");
    }
  }

  private void checkGtid(Connection c, Map<String, String> vars) throws SQLException {
    if (isMariaDb(c)) {
      String strict = vars.getOrDefault("gtid_strict_mode", "OFF");
      if (!strict.equals("ON") && !strict.equals("1")) {
        throw new SourceException("gtid.required is set but the MariaDB server " + where() + " has gtid_strict_mode="
            + strict + ". Fix: SET GLOBAL gtid_strict_mode=ON (and in its configuration), or leave gtid.required"
            + " out.");
      }
      return;
    }
    for (String name : List.of("gtid_mode", "enforce_gtid_consistency")) {
      String value = vars.getOrDefault(name, "OFF");
      if (!value.equals("ON")) {
        throw new SourceException("gtid.required is set but the server " + where() + " has " + name + "=" + value
            + ". Fix: set gtid_mode=ON and enforce_gtid_consistency=ON in its configuration and restart it, or leave"
            + " gtid.required out.");
      }
    }
  }

  /** The user's grants on {@code *.*} (SHOW GRANTS), upper case, one per line. */
  private static String globalGrants(Connection c) throws SQLException {
    StringBuilder global = new StringBuilder();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
      while (rs.next()) {
        String grant = rs.getString(1).toUpperCase(Locale.ROOT);
        if (grant.contains(" ON *.* ")) {
          global.append(grant).append('\n');
        }
      }
    }
    return global.toString();
  }

  /** REPLICATION SLAVE and REPLICATION CLIENT (MariaDB: BINLOG MONITOR) on *.*, among {@code grants}. */
  private void checkGrants(String grants) {
    if (grants.contains("ALL PRIVILEGES")) {
      return;
    }
    List<String> missing = new ArrayList<>();
    if (!grants.contains("REPLICATION SLAVE") && !grants.contains("REPLICATION REPLICA")) {
      missing.add("REPLICATION SLAVE");
    }
    if (!grants.contains("REPLICATION CLIENT") && !grants.contains("BINLOG MONITOR")) {
      missing.add("REPLICATION CLIENT");
    }
    if (!missing.isEmpty()) {
      throw new SourceException("User '" + config.username() + "' lacks " + String.join(" and ", missing) + " on "
          + where() + ", which reading the binlog needs. Fix: GRANT " + String.join(", ", missing) + " ON *.* TO '"
          + config.username() + "'@'%' (as an administrator).");
    }
  }

  /** Fails naming the fix when {@code user} cannot SELECT from {@code table}. */
  void checkSelect(Connection c, TableId table) {
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1 FROM " + quote(table) + " LIMIT 0").close();
    } catch (SQLException e) {
      throw new SourceException("User '" + config.username() + "' cannot read " + table + ": " + e.getMessage()
          + ". Fix: GRANT SELECT ON " + quote(table.namespace()) + ".* TO '" + config.username() + "'@'%'.", e);
    }
  }

  private static Map<String, String> variables(Connection c) throws SQLException {
    Map<String, String> vars = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN"
        + " ('log_bin', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata', 'server_id',"
        + " 'binlog_expire_logs_seconds', 'expire_logs_days', 'gtid_mode', 'enforce_gtid_consistency',"
        + " 'gtid_strict_mode')")) {
      while (rs.next()) {
        vars.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
      }
    }
    return vars;
  }

  /**
   * The server ids of the replicas registered with the server; none when the user may not list them
   * (MariaDB needs REPLICATION MASTER ADMIN, which a capture does not: asking would only log the denial).
   */
  private static List<Long> replicaIds(Connection c, String grants) throws SQLException {
    List<Long> ids = new ArrayList<>();
    if (isMariaDb(c) && !grants.contains("ALL PRIVILEGES") && !grants.contains("REPLICATION MASTER ADMIN")
        && !grants.contains("SUPER")) {
      return ids;
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SLAVE HOSTS")) {
      while (rs.next()) {
        ids.add(rs.getLong("Server_id"));
      }
    } catch (SQLException e) {
      LOG.debug("Cannot list replicas: {}", e.toString());
    }
    return ids;
  }

  /**
   * The base tables of {@code database-name} that {@code filter} accepts, with their columns.
   *
   * @param columns filled with the decoding of each table's columns, in schema order
   */
  List<SourceTable> discover(Connection c, Predicate<TableId> filter, String filterText,
      Map<TableId, List<MysqlColumn>> columns) throws SQLException {
    Map<TableId, List<MysqlColumn>> found = new LinkedHashMap<>();
    List<String> unreadable = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE,"
        + " c.IS_NULLABLE, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.CHARACTER_MAXIMUM_LENGTH"
        + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
        + " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
        + " WHERE c.TABLE_SCHEMA = ? AND t.TABLE_TYPE = 'BASE TABLE' ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION")) {
      ps.setString(1, config.database());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          TableId id = new TableId(config.database(), rs.getString(1));
          if (!filter.test(id)) {
            continue;
          }
          try {
            found.computeIfAbsent(id, k -> new ArrayList<>()).add(MysqlColumn.fromCatalog(rs.getString(2),
                rs.getString(3), rs.getString(4), "YES".equals(rs.getString(5)), rs.getInt(6), rs.getInt(7),
                rs.getLong(8)));
          } catch (IllegalArgumentException e) {
            unreadable.add(id + ": " + e.getMessage());
          }
        }
      }
    }
    if (!unreadable.isEmpty()) {
      throw new SourceException("Cannot capture " + String.join("; ", unreadable) + ". Fix: leave those tables out"
          + " with table-name, or change the column types.");
    }
    if (found.isEmpty()) {
      throw new SourceException("No table of database '" + config.database() + "' on " + where() + " matches "
          + filterText + " (or user '" + config.username() + "' may not see it). Fix: check database-name and"
          + " table-name, and GRANT SELECT ON " + quote(config.database()) + ".* TO '" + config.username() + "'.");
    }
    Map<TableId, List<String>> keys = primaryKeys(c);
    Map<TableId, Long> estimates = estimates(c);
    List<SourceTable> tables = new ArrayList<>();
    for (Map.Entry<TableId, List<MysqlColumn>> table : found.entrySet()) {
      checkSelect(c, table.getKey());
      List<Column> cols = table.getValue().stream().map(MysqlColumn::column).toList();
      tables.add(new SourceTable(table.getKey(), new TableSchema(cols, keys.getOrDefault(table.getKey(), List.of())),
          estimates.getOrDefault(table.getKey(), -1L)));
      columns.put(table.getKey(), List.copyOf(table.getValue()));
    }
    return tables;
  }

  private Map<TableId, List<String>> primaryKeys(Connection c) throws SQLException {
    Map<TableId, List<String>> keys = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME, COLUMN_NAME FROM"
        + " information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND CONSTRAINT_NAME = 'PRIMARY'"
        + " ORDER BY TABLE_NAME, ORDINAL_POSITION")) {
      ps.setString(1, config.database());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.computeIfAbsent(new TableId(config.database(), rs.getString(1)), k -> new ArrayList<>())
              .add(rs.getString(2));
        }
      }
    }
    return keys;
  }

  private Map<TableId, Long> estimates(Connection c) throws SQLException {
    Map<TableId, Long> rows = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?")) {
      ps.setString(1, config.database());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.put(new TableId(config.database(), rs.getString(1)), rs.getLong(2));
        }
      }
    }
    return rows;
  }

  /**
   * The binlog file and offset the server writes next (SHOW MASTER STATUS, or MySQL 8.4's new name), with
   * the GTID set written before it where the server writes GTIDs ({@link #writesGtids}).
   */
  static MysqlPosition currentPosition(Connection c) throws SQLException {
    MysqlPosition at;
    try {
      at = position(c, "SHOW MASTER STATUS");
    } catch (SQLException e) {
      at = position(c, "SHOW BINARY LOG STATUS");
    }
    return withGtids(c, at);
  }

  private static MysqlPosition position(Connection c, String sql) throws SQLException {
    boolean mysqlGtids = !isMariaDb(c) && writesGtids(c);
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SourceException("The server writes no binlog: " + sql + " is empty. Fix: start it with log-bin.");
      }
      MysqlPosition at = MysqlPosition.between(rs.getString(1), rs.getLong(2));
      return mysqlGtids ? at.withGtids(GtidSet.parse(rs.getString("Executed_Gtid_Set"), false)) : at;
    }
  }

  /** Whether the server writes a GTID for every event group: MariaDB always, MySQL with gtid_mode=ON. */
  static boolean writesGtids(Connection c) throws SQLException {
    return isMariaDb(c) || "ON".equalsIgnoreCase(text(c, "SELECT @@GLOBAL.gtid_mode"));
  }

  /**
   * {@code at} (the start of an event group, or between groups) with the GTID set of the groups before it,
   * where the server can tell: MariaDB's {@code BINLOG_GTID_POS}. Otherwise, or when the server does not
   * know {@code at}, {@code at} as it is.
   */
  static MysqlPosition withGtids(Connection c, MysqlPosition at) throws SQLException {
    if (at.gtids() != null || !isMariaDb(c)) {
      return at;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
      ps.setString(1, at.file());
      ps.setLong(2, at.offset());
      try (ResultSet rs = ps.executeQuery()) {
        String set = rs.next() ? rs.getString(1) : null;
        return set == null ? at : at.withGtids(GtidSet.parse(set, true));
      }
    }
  }

  /**
   * Whether the server still holds every group after {@code gtids}: MySQL's {@code gtid_purged} is within
   * them. MariaDB has no such test; its binlog connection fails when a domain's groups were purged.
   */
  static boolean holdsAfter(Connection c, GtidSet gtids) throws SQLException {
    if (isMariaDb(c)) {
      return true;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT GTID_SUBSET(@@GLOBAL.gtid_purged, ?)")) {
      ps.setString(1, gtids.toString());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) == 1;
      }
    }
  }

  /**
   * The binlog bytes the server wrote after {@code offset} of {@code file}: the rest of that file and every
   * later one; -1 when the server no longer holds {@code file}.
   */
  static long bytesAfter(Connection c, String file, long offset) throws SQLException {
    long bytes = 0;
    boolean found = false;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
      while (rs.next()) {
        if (rs.getString(1).equals(file)) {
          found = true;
          bytes += Math.max(0, rs.getLong(2) - offset);
        } else if (found) {
          bytes += rs.getLong(2);
        }
      }
    }
    return found ? bytes : -1;
  }

  /** Whether the server still holds binlog {@code file}. */
  static boolean hasBinlog(Connection c, String file) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
      while (rs.next()) {
        if (rs.getString(1).equals(file)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Collation id to character set, for decoding binlog text; without the binary collation. */
  static Map<Integer, Charset> collations(Connection c) throws SQLException {
    Map<Integer, Charset> charsets = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE ID IS NOT NULL")) {
      while (rs.next()) {
        if (rs.getInt(1) != BINARY_COLLATION) {
          charsets.put(rs.getInt(1), charset(rs.getString(2)));
        }
      }
    }
    return charsets;
  }

  private static Charset charset(String mysqlName) {
    return switch (mysqlName.toLowerCase(Locale.ROOT)) {
      case "utf8mb4", "utf8mb3", "utf8" -> StandardCharsets.UTF_8;
      case "latin1" -> Charset.forName("windows-1252");
      case "ascii" -> StandardCharsets.US_ASCII;
      case "ucs2", "utf16" -> StandardCharsets.UTF_16BE;
      case "utf16le" -> StandardCharsets.UTF_16LE;
      case "utf32" -> Charset.forName("UTF-32BE");
      default -> Charset.isSupported(mysqlName) ? Charset.forName(mysqlName) : StandardCharsets.UTF_8;
    };
  }

  private static String text(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
