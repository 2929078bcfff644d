package io.changelake.source.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A PostgreSQL type as {@code pg_type} describes it, with the types its values are made of: the element
 * of an array, the base of a domain, the subtype of a range or multirange. The own readers choose a
 * column's decoder from it once, when they learn the table's schema.
 *
 * @param name {@code pg_type.typname}
 * @param kind {@link #ARRAY}, or {@code pg_type.typtype}: {@code b} base, {@code e} enum, {@code d}
 *     domain, {@code r} range, {@code m} multirange, {@code c} composite, {@code p} pseudo
 * @param of the element, base or subtype; null for other kinds
 */
record PgType(String name, char kind, PgType of) {
  static final char BASE = 'b';
  static final char ENUM = 'e';
  static final char DOMAIN = 'd';
  static final char RANGE = 'r';
  static final char MULTIRANGE = 'm';
  static final char ARRAY = 'a';

  /** A base type known by name only (tests, and servers whose types are not looked up). */
  static PgType base(String name) {
    return new PgType(name, BASE, null);
  }

  /**
   * Looks up {@code oids} and every type they are made of in {@code pg_type} (and {@code pg_range}),
   * adding them to {@code known}; OIDs that do not exist are left out.
   */
  static void load(Connection c, Collection<Integer> oids, Map<Integer, PgType> known) throws SQLException {
    Map<Integer, Row> rows = new HashMap<>();
    Set<Integer> wanted = new HashSet<>(oids);
    wanted.removeAll(known.keySet());
    while (!wanted.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT t.oid::int, t.typname, t.typtype,"
          + " CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem WHEN t.typtype = 'd' THEN t.typbasetype"
          + " ELSE coalesce((SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid"
          + "   OR (t.typtype = 'm' AND r.rngmultitypid = t.oid)), 0) END::int AS of,"
          + " t.typelem <> 0 AND t.typlen = -1 AS is_array"
          + " FROM pg_type t WHERE t.oid::int = ANY (?)")) {
        ps.setArray(1, c.createArrayOf("int4", wanted.toArray()));
        wanted.clear();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            // int2vector and oidvector have the array form but no LIST lake type: not arrays here
            String name = rs.getString(2);
            boolean array = rs.getBoolean(5) && name.startsWith("_");
            Row row = new Row(name, array ? ARRAY : rs.getString(3).charAt(0), rs.getInt(4));
            rows.put(rs.getInt(1), row);
            if (row.of() != 0 && !rows.containsKey(row.of()) && !known.containsKey(row.of())) {
              wanted.add(row.of());
            }
          }
        }
      }
    }
    for (Integer oid : rows.keySet()) {
      build(oid, rows, known);
    }
  }

  private record Row(String name, char kind, int of) { }

  private static PgType build(int oid, Map<Integer, Row> rows, Map<Integer, PgType> known) {
    PgType done = known.get(oid);
    if (done != null) {
      return done;
    }
    Row row = rows.get(oid);
    boolean found = rows.containsKey(row.of()) || known.containsKey(row.of());
    PgType type = new PgType(row.name(), row.kind(), row.of() != 0 && found ? build(row.of(), rows, known) : null);
    known.put(oid, type);
    return type;
  }
}
