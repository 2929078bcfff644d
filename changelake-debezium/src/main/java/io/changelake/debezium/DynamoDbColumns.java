package io.changelake.debezium;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.debezium.DynamoDbAttributes.Kind;
import io.changelake.debezium.DynamoDbAttributes.Value;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The columns of one DynamoDB table, inferred from the items seen (DynamoDB has no schema): the key attributes
 * first, in name order, then every other attribute in the order first seen (an item's new attributes in name
 * order). Immutable: {@link #with} returns the columns that also hold an item's attributes.
 *
 * <p>Types, one per DynamoDB type whatever the values (so a restart infers the same): S → STRING; N → {@link
 * #NUMBER} (DECIMAL(38,18): at most 20 integer and 18 fractional digits, Spark's default for exact decimals; a
 * number that does not fit is an error) or, when numbers are read as text, STRING (the number's text as sent);
 * B → BINARY; BOOL → BOOLEAN; M, L, SS, NS, BS → STRING holding plain JSON. An attribute seen only as NULL has no
 * column until it holds a typed value.
 */
final class DynamoDbColumns {
  static final DataType.Decimal NUMBER = new DataType.Decimal(DataType.MAX_DECIMAL_PRECISION, 18);

  private final TableId table;
  private final DataType numbers;
  private final List<String> key;
  private final Map<String, Kind> kinds;
  private final TableSchema schema;

  private DynamoDbColumns(TableId table, DataType numbers, List<String> key, Map<String, Kind> kinds,
      List<Column> columns) {
    this.table = table;
    this.numbers = numbers;
    this.key = key;
    this.kinds = kinds;
    this.schema = new TableSchema(columns, key);
  }

  /**
   * The columns of the key attributes of {@code keys} (the Keys of a stream record).
   *
   * @param numbers the type of N attributes' columns: {@link #NUMBER} or STRING
   */
  static DynamoDbColumns ofKey(TableId table, DataType numbers, Map<String, Value> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("Keys holds no attribute");
    }
    List<String> names = List.copyOf(new TreeSet<>(keys.keySet()));
    Map<String, Kind> kinds = new LinkedHashMap<>();
    List<Column> columns = new ArrayList<>();
    for (String name : names) {
      Value value = keys.get(name);
      if (value.kind() != Kind.STRING && value.kind() != Kind.NUMBER && value.kind() != Kind.BINARY) {
        throw new IllegalArgumentException("key attribute " + name + " is " + value.kind()
            + "; DynamoDB keys are S, N or B");
      }
      kinds.put(name, value.kind());
      columns.add(new Column(name, type(value.kind(), numbers), false, code(value.kind())));
    }
    return new DynamoDbColumns(table, numbers, names, kinds, columns);
  }

  TableSchema schema() {
    return schema;
  }

  /**
   * These columns plus those of {@code item}'s new attributes; {@code this} when it has none.
   *
   * @throws IllegalArgumentException when the item's key attributes are not the table's, or an attribute's kind
   *     differs from the one its column was made for
   */
  DynamoDbColumns with(Map<String, Value> keys, Map<String, Value> item) {
    if (!keys.keySet().equals(Set.copyOf(key))) {
      throw new IllegalArgumentException("the item's key attributes " + new TreeSet<>(keys.keySet())
          + " are not the key " + key + " of the earlier items of table " + table.name());
    }
    Map<String, Value> added = new TreeMap<>();
    item.forEach((name, value) -> {
      Kind kind = kinds.get(name);
      if (kind == null) {
        if (value.kind() != Kind.NULL) {
          added.put(name, value);
        }
      } else if (value.kind() != kind && value.kind() != Kind.NULL) {
        throw new IllegalArgumentException("attribute " + name + " is " + value.kind() + " in this item but "
            + kind + " in earlier items of table " + table.name() + " (column " + name + " "
            + schema.column(name).orElseThrow().type() + "); a lake column holds one type");
      }
    });
    if (added.isEmpty()) {
      return this;
    }
    Map<String, Kind> newKinds = new LinkedHashMap<>(kinds);
    List<Column> columns = new ArrayList<>(schema.columns());
    added.forEach((name, value) -> {
      newKinds.put(name, value.kind());
      columns.add(new Column(name, type(value.kind(), numbers), true, code(value.kind())));
    });
    return new DynamoDbColumns(table, numbers, key, newKinds, columns);
  }

  /**
   * The row of {@code item}: each column's attribute, null when the item lacks it.
   *
   * @throws IllegalArgumentException when a number does not fit its DECIMAL column
   */
  Row row(Map<String, Value> item) {
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      Column column = schema.column(i);
      Value value = item.get(column.name());
      values[i] = value == null ? null : columnValue(column, value);
    }
    return Row.of(values);
  }

  private Object columnValue(Column column, Value value) {
    return switch (value.kind()) {
      case NUMBER -> numbers.equals(NUMBER) ? decimal(column, (String) value.value()) : value.value();
      case BINARY -> ByteBuffer.wrap((byte[]) value.value());
      default -> value.value();
    };
  }

  private BigDecimal decimal(Column column, String text) {
    try {
      BigDecimal number = new BigDecimal(text).setScale(NUMBER.scale());
      if (number.precision() <= NUMBER.precision()) {
        return number;
      }
    } catch (ArithmeticException e) {
      // more fractional digits than the scale: refused below
    }
    throw new IllegalArgumentException("number " + text + " of attribute " + column.name() + " does not fit column "
        + column.name() + " " + NUMBER + " of table " + table.name() + " (at most " + (NUMBER.precision()
        - NUMBER.scale()) + " integer and " + NUMBER.scale() + " fractional digits)");
  }

  private static DataType type(Kind kind, DataType numbers) {
    return switch (kind) {
      case NUMBER -> numbers;
      case BINARY -> DataType.BINARY;
      case BOOLEAN -> DataType.BOOLEAN;
      default -> DataType.STRING;
    };
  }

  /** The DynamoDB type a column was made for, as its source type. */
  private static String code(Kind kind) {
    return switch (kind) {
      case STRING -> "S";
      case NUMBER -> "N";
      case BINARY -> "B";
      case BOOLEAN -> "BOOL";
      default -> "document";
    };
  }
}
