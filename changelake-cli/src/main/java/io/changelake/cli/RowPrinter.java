package io.changelake.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changelake.api.model.Row;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Prints rows as an aligned table, CSV or JSON lines. */
final class RowPrinter {
  enum Format { table, csv, json }

  private final PrintWriter out;
  private final Format format;
  private final List<String> columns;
  private final List<List<String>> buffered = new ArrayList<>();

  RowPrinter(PrintWriter out, Format format, List<String> columns) {
    this.out = out;
    this.format = format;
    this.columns = List.copyOf(columns);
    if (format == Format.csv) {
      out.println(String.join(",", columns.stream().map(RowPrinter::csv).toList()));
    }
  }

  void add(Row row) {
    switch (format) {
      case table -> buffered.add(cells(row));
      case csv -> out.println(String.join(",", cells(row).stream().map(RowPrinter::csv).toList()));
      case json -> {
        ObjectNode node = StatusFile.JSON.createObjectNode();
        for (int i = 0; i < columns.size(); i++) {
          Object value = row.get(i);
          node.set(columns.get(i), value == null ? node.nullNode()
              : value instanceof Number || value instanceof Boolean ? StatusFile.JSON.valueToTree(jsonNumber(value))
              : node.textNode(text(value)));
        }
        out.println(node.toString());
      }
    }
  }

  void finish() {
    if (format == Format.table) {
      TextTable.print(out, columns, buffered);
    }
    out.flush();
  }

  private static Object jsonNumber(Object value) {
    if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return d.toString();
    }
    if (value instanceof Float f && (f.isNaN() || f.isInfinite())) {
      return f.toString();
    }
    return value;
  }

  private List<String> cells(Row row) {
    List<String> cells = new ArrayList<>(row.size());
    for (int i = 0; i < row.size(); i++) {
      cells.add(row.get(i) == null ? (format == Format.table ? "NULL" : "") : text(row.get(i)));
    }
    return cells;
  }

  static String text(Object value) {
    if (value instanceof ByteBuffer buffer) {
      ByteBuffer copy = buffer.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return text(bytes);
    }
    if (value instanceof byte[] bytes) {
      return "\\x" + HexFormat.of().formatHex(bytes);
    }
    return String.valueOf(value);
  }

  private static String csv(String cell) {
    return cell.contains(",") || cell.contains("\"") || cell.contains("\n")
        ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
  }
}
