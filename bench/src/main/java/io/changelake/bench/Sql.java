package io.changelake.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The workload's SQL resources and small JDBC helpers. */
final class Sql {
  private Sql() { }

  /** The text of {@code name} (a file next to this class in the jar). */
  static String resource(String name) {
    try (InputStream in = Sql.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The first column of the first row of {@code sql}, as text. */
  static String text(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("No row from " + sql);
      }
      return rs.getString(1);
    }
  }

  static long number(Connection c, String sql) throws SQLException {
    return Long.parseLong(text(c, sql));
  }

  /** Seconds elapsed since {@code startNanos}. */
  static double since(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
