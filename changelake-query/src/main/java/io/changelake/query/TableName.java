package io.changelake.query;

import io.changelake.api.spi.SinkException;
import java.time.Instant;
import java.util.Locale;

/**
 * A name a database schema resolves: a lake table ({@code products}), one of its system tables
 * ({@code products$snapshots}), or a version of it that the query's time travel chose. Versions are
 * encoded in the name (see {@link #versioned}) because Calcite resolves tables by name alone.
 *
 * @param table the lake table's name
 * @param system the system table ({@code snapshots}, {@code schemas}), or null
 * @param snapshotId the version by snapshot id, or null
 * @param asOf the version by time: the last snapshot committed at or before it, or null
 */
record TableName(String table, String system, Long snapshotId, Instant asOf) {
  private static final String VERSION = "@";
  private static final String SNAPSHOT = "snapshot=";
  private static final String TIME = "time=";

  static TableName parse(String name) {
    int at = name.lastIndexOf(VERSION);
    if (at > 0 && name.startsWith(SNAPSHOT, at + 1)) {
      return new TableName(name.substring(0, at), null, Long.parseLong(name.substring(at + 1 + SNAPSHOT.length())), null);
    }
    if (at > 0 && name.startsWith(TIME, at + 1)) {
      return new TableName(name.substring(0, at), null, null, Instant.parse(name.substring(at + 1 + TIME.length())));
    }
    int dollar = name.lastIndexOf('$');
    if (dollar > 0) {
      String system = name.substring(dollar + 1).toLowerCase(Locale.ROOT);
      if (!SystemTables.NAMES.contains(system)) {
        throw new SinkException("Unknown system table '" + name + "': there are " + SystemTables.NAMES.stream()
            .map(s -> name.substring(0, dollar) + "$" + s).toList() + ".");
      }
      return new TableName(name.substring(0, dollar), system, null, null);
    }
    return new TableName(name, null, null, null);
  }

  /** The name under which {@code table} resolves to its version at {@code snapshotId}. */
  static String versioned(String table, long snapshotId) {
    return table + VERSION + SNAPSHOT + snapshotId;
  }

  /** The name under which {@code table} resolves to its version as of {@code time}. */
  static String versioned(String table, Instant time) {
    return table + VERSION + TIME + time;
  }

  /** The name that resolves to this table. */
  String encoded() {
    return system != null ? table + "$" + system
        : snapshotId != null ? versioned(table, snapshotId)
        : asOf != null ? versioned(table, asOf) : table;
  }

  /** This name with another lake table name, e.g. the catalog's spelling of it. */
  TableName withTable(String name) {
    return new TableName(name, system, snapshotId, asOf);
  }
}
