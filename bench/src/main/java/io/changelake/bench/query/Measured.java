package io.changelake.bench.query;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a warm JVM printed ({@link Timings}): each query's best run after the first, first row, and peak RSS. */
record Measured(Map<Integer, Double> best, Map<Integer, String> firstRows, long rssKib) {

  static Measured of(TimedRun.Result result, int runs) {
    Map<Integer, Double> best = new HashMap<>();
    Map<Integer, String> rows = new HashMap<>();
    long rss = -1;
    for (String line : result.output()) {
      String[] parts = line.split(" ", 5);
      if (parts[0].equals("time") && parts.length == 5) {
        int query = Integer.parseInt(parts[1]);
        double seconds = Double.parseDouble(parts[3]);
        if (Integer.parseInt(parts[2]) > 1 || runs == 1) {
          best.merge(query, seconds, Math::min);
        }
        rows.putIfAbsent(query, parts[4]);
      } else if (parts[0].equals("rss")) {
        rss = Long.parseLong(parts[1]);
      }
    }
    return new Measured(best, rows, rss);
  }

  double best(int query) {
    return best.get(query);
  }

  String firstRow(int query) {
    return firstRows.get(query);
  }

  /** Whether two engines' rows print the same values (brackets, spaces and trailing decimal zeros aside). */
  static boolean sameRow(String a, String b) {
    return normalize(a).equals(normalize(b));
  }

  private static List<String> normalize(String row) {
    return List.of(row.replaceAll("[\\[\\]\\s]", "").replace('T', ' ').split(",")).stream()
        .map(v -> v.matches("-?\\d+\\.\\d*") ? v.replaceAll("0+$", "").replaceAll("\\.$", "") : v).toList();
  }
}
