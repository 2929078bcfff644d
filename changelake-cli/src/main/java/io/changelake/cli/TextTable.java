package io.changelake.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows as an aligned text table; a cell holding several lines takes as many. */
final class TextTable {
  private TextTable() { }

  static void print(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        for (String line : row.get(i).split("\n", -1)) {
          widths[i] = Math.max(widths[i], line.length());
        }
      }
    }
    printRow(out, header, widths);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
    }
    out.println(rule);
    rows.forEach(row -> printRow(out, row, widths));
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
    out.flush();
  }

  private static void printRow(PrintWriter out, List<String> cells, int[] widths) {
    List<String[]> lines = cells.stream().map(cell -> cell.split("\n", -1)).toList();
    int height = lines.stream().mapToInt(cell -> cell.length).max().orElse(1);
    for (int l = 0; l < height; l++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String[] cell = lines.get(i);
        line.append(i == 0 ? "" : " | ").append(String.format("%-" + widths[i] + "s", l < cell.length ? cell[l] : ""));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
