package io.changelake.bench;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Proves that the equality check can fail: after the sync has stopped, changes one value of one
 * source row (which the lake therefore never sees), and requires both the digest and the full
 * comparison to report it. The row is restored afterwards.
 */
final class SelfCheck {
  private SelfCheck() { }

  /** Returns the report line; throws {@link Equality.MismatchException} when the change went unnoticed. */
  static String run(Source server, Connection source, LakeTable lake, String digestBefore) throws SQLException {
    String lakeDigest = lake.digest();
    if (!lakeDigest.equals(digestBefore)) {
      throw new Equality.MismatchException("Self-check: the lake no longer equals the source before the"
          + " corruption: " + Equality.compare(source, lake));
    }
    long id = Sql.number(source, "SELECT min(id) FROM orders");
    Sql.execute(source, "UPDATE orders SET quantity = quantity + 1 WHERE id = " + id);
    try {
      String corrupted = server.digest(source);
      if (corrupted.equals(lakeDigest)) {
        throw new Equality.MismatchException("SELF-CHECK FAILED: source row id " + id
            + " was changed but the digest still equals the lake's (" + lakeDigest + ")");
      }
      String comparison = Equality.compare(source, lake);
      if (!comparison.contains("id " + id + " differs")) {
        throw new Equality.MismatchException("SELF-CHECK FAILED: source row id " + id
            + " was changed but the full comparison did not name it: " + comparison);
      }
      return "passed: source row id " + id + " changed (quantity + 1) after the sync stopped -> digest mismatch"
          + " detected (fields " + differingFields(corrupted, lakeDigest) + " differ); " + comparison.replaceAll(
              ": lake row .*", "");
    } finally {
      Sql.execute(source, "UPDATE orders SET quantity = quantity - 1 WHERE id = " + id);
    }
  }

  /** 1-based numbers of the digest fields that differ. */
  private static String differingFields(String a, String b) {
    String[] x = a.split("\\|", -1);
    String[] y = b.split("\\|", -1);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      if (i >= x.length || i >= y.length || !x[i].equals(y[i])) {
        out.append(out.length() == 0 ? "" : ",").append(i + 1);
      }
    }
    return out.toString();
  }
}
