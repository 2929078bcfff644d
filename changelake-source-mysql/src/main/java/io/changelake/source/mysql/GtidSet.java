package io.changelake.source.mysql;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The transactions a server had written to its binlog at some point, named by their GTIDs, in either
 * server's syntax: MariaDB's {@code gtid_binlog_pos}, the last GTID of each replication domain
 * ({@code domain-server-sequence,...}), or MySQL's {@code gtid_executed}, intervals of transaction numbers
 * per source ({@code uuid:1-57:60-61,...}). Immutable; {@link #toString()} is canonical (sorted) and is what a
 * server accepts to resume after these transactions.
 *
 * <p>{@link #count()} grows with every transaction added: MariaDB's sequence numbers only grow within a
 * domain (enforced by {@code gtid_strict_mode}, checked by the reader otherwise), and MySQL never writes a
 * GTID twice. Positions use it to order sets of one history.
 */
final class GtidSet {
  private static final Pattern MARIADB = Pattern.compile("\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*");
  private static final Comparator<String> DOMAIN_ORDER = Comparator.comparingLong(Long::parseLong);

  private final boolean mariaDb;
  /** MariaDB: domain to {server, sequence}. MySQL: source (uuid, or uuid:tag) to inclusive intervals {start, end, ...}. */
  private final Map<String, long[]> entries;
  private final long count;
  private final String text;

  private GtidSet(boolean mariaDb, Map<String, long[]> entries) {
    this.mariaDb = mariaDb;
    this.entries = entries;
    long total = 0;
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, long[]> e : entries.entrySet()) {
      long[] v = e.getValue();
      out.append(out.length() == 0 ? "" : ",").append(e.getKey());
      if (mariaDb) {
        total += v[1];
        out.append('-').append(v[0]).append('-').append(v[1]);
        continue;
      }
      for (int i = 0; i < v.length; i += 2) {
        total += v[i + 1] - v[i] + 1;
        out.append(':').append(v[i]);
        if (v[i + 1] != v[i]) {
          out.append('-').append(v[i + 1]);
        }
      }
    }
    this.count = total;
    this.text = out.toString();
  }

  /** No transaction yet, in MariaDB's syntax ({@code mariaDb}) or MySQL's. */
  static GtidSet empty(boolean mariaDb) {
    return new GtidSet(mariaDb, new TreeMap<>(order(mariaDb)));
  }

  /**
   * Parses a set in either syntax (whitespace and line breaks, as {@code SHOW MASTER STATUS} prints them, are
   * ignored); an empty string is the empty set of the server kind {@code mariaDb}.
   */
  static GtidSet parse(String text, boolean mariaDb) {
    String set = text.replaceAll("\\s", "");
    if (set.isEmpty()) {
      return empty(mariaDb);
    }
    boolean maria = MARIADB.matcher(set).matches();
    Map<String, long[]> entries = new TreeMap<>(order(maria));
    for (String element : set.split(",")) {
      if (maria) {
        String[] p = element.split("-");
        entries.put(String.valueOf(Long.parseLong(p[0])), new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])});
        continue;
      }
      String[] p = element.split(":");
      String uuid = p[0].toLowerCase(Locale.ROOT);
      String source = uuid;
      for (int i = 1; i < p.length; i++) {
        if (!Character.isDigit(p[i].charAt(0))) {
          source = uuid + ":" + p[i].toLowerCase(Locale.ROOT);
          continue;
        }
        int dash = p[i].indexOf('-');
        long start = Long.parseLong(dash < 0 ? p[i] : p[i].substring(0, dash));
        long end = dash < 0 ? start : Long.parseLong(p[i].substring(dash + 1));
        if (end < start) {
          throw new IllegalArgumentException("Interval " + p[i] + " ends before it starts in GTID set " + text);
        }
        entries.merge(source, new long[] {start, end}, (a, b) -> merge(a, b[0], b[1]));
      }
    }
    return new GtidSet(maria, entries);
  }

  /**
   * This set with one more transaction: MariaDB's {@code domain-server-sequence} (which replaces the domain's
   * last GTID) or MySQL's {@code uuid:n} / {@code uuid:tag:n}.
   */
  GtidSet with(String gtid) {
    Map<String, long[]> copy = new TreeMap<>(order(mariaDb));
    copy.putAll(entries);
    if (mariaDb) {
      String[] p = gtid.split("-");
      copy.put(String.valueOf(Long.parseLong(p[0])), new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])});
    } else {
      int colon = gtid.lastIndexOf(':');
      long n = Long.parseLong(gtid.substring(colon + 1));
      copy.merge(gtid.substring(0, colon).toLowerCase(Locale.ROOT), new long[] {n, n},
          (a, b) -> merge(a, n, n));
    }
    return new GtidSet(mariaDb, copy);
  }

  private static Comparator<String> order(boolean mariaDb) {
    return mariaDb ? DOMAIN_ORDER : Comparator.naturalOrder();
  }

  /** Whether this set is in MariaDB's syntax. */
  boolean mariaDb() {
    return mariaDb;
  }

  /**
   * A number that grows with each transaction of one history: MariaDB, the sum of the domains' sequence
   * numbers; MySQL, the number of transactions in the set.
   */
  long count() {
    return count;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** {@code intervals} (sorted, disjoint, inclusive pairs) with {@code [start, end]} added, adjacent ones joined. */
  private static long[] merge(long[] intervals, long start, long end) {
    int n = intervals.length;
    if (n > 0 && start == intervals[n - 1] + 1) {
      long[] out = intervals.clone();
      out[n - 1] = Math.max(end, out[n - 1]);
      return out;
    }
    List<long[]> pairs = new ArrayList<>();
    for (int i = 0; i < n; i += 2) {
      pairs.add(new long[] {intervals[i], intervals[i + 1]});
    }
    pairs.add(new long[] {start, end});
    pairs.sort(Comparator.comparingLong(p -> p[0]));
    List<long[]> joined = new ArrayList<>();
    for (long[] p : pairs) {
      long[] last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
      if (last != null && p[0] <= last[1] + 1) {
        last[1] = Math.max(last[1], p[1]);
      } else {
        joined.add(p);
      }
    }
    long[] out = new long[joined.size() * 2];
    for (int i = 0; i < joined.size(); i++) {
      out[2 * i] = joined.get(i)[0];
      out[2 * i + 1] = joined.get(i)[1];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GtidSet other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The canonical form: sorted by domain / source, intervals joined. */
  @Override
  public String toString() {
    return text;
  }
}
