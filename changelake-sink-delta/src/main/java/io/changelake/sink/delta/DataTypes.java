package io.changelake.sink.delta;

import io.changelake.api.model.DataType;
import java.util.Locale;

/** Parses the text form of a {@link DataType} ({@code toString()}): {@code time}, {@code decimal(10,2)}, {@code list<uuid>}. */
final class DataTypes {
  private DataTypes() { }

  static DataType parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("list<") && t.endsWith(">")) {
        return DataType.listOf(parse(t.substring(5, t.length() - 1)));
      }
      if (t.startsWith("decimal(") && t.endsWith(")")) {
        String[] ps = t.substring(8, t.length() - 1).split(",");
        return DataType.decimal(Integer.parseInt(ps[0].trim()), Integer.parseInt(ps[1].trim()));
      }
      return new DataType.Primitive(DataType.Kind.valueOf(t.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("Unknown changelake type '" + text + "' in column metadata '"
          + SchemaMapping.TYPE + "'", e);
    }
  }
}
