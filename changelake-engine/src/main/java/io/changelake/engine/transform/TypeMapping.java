package io.changelake.engine.transform;

import io.changelake.api.config.ConfigOption;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * Lake types other than the default ones for source columns ({@code --type-mapping}, Paimon's
 * {@code --type_mapping}), whatever the format:
 *
 * <ul>
 *   <li>{@value #TO_STRING}: every source column is a STRING holding the value's text, as {@code
 *       CAST(x AS string)} writes it (timestamps {@code 2024-05-01 13:45:00.123456}, timestamptz in UTC
 *       with {@code +00:00}, bytea {@code \x0001ff}, decimals with their scale), times as below, lists
 *       as a JSON array (numbers and booleans bare, other elements as JSON strings, NULL as null).
 *   <li>{@value #TIME_TO_STRING}: TIME (and lists of TIME) as STRING {@code HH:MM:SS.ffffff}, always
 *       six fraction digits, so the text sorts as the time does.
 * </ul>
 *
 * <p>Computed columns are compiled against the mapped columns, so that re-evaluating them over a row
 * completed from the lake (values the source left out) sees what the first evaluation saw. Added columns (computed,
 * metadata) keep their own types. Immutable.
 */
public final class TypeMapping {
  public static final String TO_STRING = "to-string";
  public static final String TIME_TO_STRING = "time-to-string";
  private static final List<String> NAMES = List.of(TO_STRING, TIME_TO_STRING);

  /** What the option does, for the option and the command lines' help. */
  public static final String DOC = "Lake types other than the default for source columns, comma-separated: "
      + TO_STRING + " (every column a STRING of the value's text), " + TIME_TO_STRING
      + " (TIME as 'HH:MM:SS.ffffff' text instead of microseconds of the day).";

  /** The option, for every command style: a comma-separated list of mapping names. */
  public static final ConfigOption<String> OPTION = ConfigOption.string("type-mapping")
      .defaultValue("")
      .check(TypeMapping::requireKnown, "unreachable: requireKnown throws its own message")
      .doc(DOC)
      .build();

  /** The default types: columns and values pass through. */
  public static final TypeMapping NONE = new TypeMapping(Set.of());

  private static final DateTimeFormatter TIME_TEXT = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS", Locale.ROOT);

  private final Set<String> names;

  private TypeMapping(Set<String> names) {
    this.names = Set.copyOf(names);
  }

  /**
   * The mapping {@code text} names ({@code to-string,time-to-string}); blank for {@link #NONE}.
   *
   * @throws io.changelake.api.config.ConfigException naming the option, the unknown name, the valid
   *     names and the fix
   */
  public static TypeMapping parse(String text) {
    String checked = OPTION.parse(text == null ? "" : text);
    Set<String> names = new LinkedHashSet<>(split(checked));
    return names.isEmpty() ? NONE : new TypeMapping(names);
  }

  private static List<String> split(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(name -> !name.isEmpty()).toList();
  }

  private static boolean requireKnown(String text) {
    for (String name : split(text)) {
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("'" + name + "' is not a type mapping; the valid names are "
            + String.join(", ", NAMES) + " (comma-separated). Fix: correct or remove it, e.g. --type-mapping "
            + TIME_TO_STRING);
      }
    }
    return true;
  }

  public boolean isNone() {
    return names.isEmpty();
  }

  /** {@code source} with the mapped column types; the key, names and nullability are kept. */
  public TableSchema apply(TableSchema source) {
    if (isNone()) {
      return source;
    }
    List<Column> columns = new ArrayList<>(source.size());
    source.columns().forEach(c -> columns.add(c.withType(mapped(c.type()))));
    return new TableSchema(columns, source.primaryKey());
  }

  private DataType mapped(DataType type) {
    if (names.contains(TO_STRING)) {
      return DataType.STRING;
    }
    if (type instanceof DataType.ListOf list) {
      return DataType.listOf(mapped(list.element()));
    }
    return type.kind() == DataType.Kind.TIME ? DataType.STRING : type;
  }

  /**
   * Per column of {@code source}, what turns a value into its mapped value (null when it passes as
   * it is). Nulls and {@link Row#UNAVAILABLE} are never handed to them.
   */
  UnaryOperator<Object>[] converters(TableSchema source) {
    @SuppressWarnings("unchecked")
    UnaryOperator<Object>[] converters = new UnaryOperator[source.size()];
    for (int i = 0; i < converters.length; i++) {
      DataType type = source.column(i).type();
      converters[i] = mapped(type).equals(type) ? null : converter(type);
    }
    return converters;
  }

  private UnaryOperator<Object> converter(DataType type) {
    if (type instanceof DataType.ListOf list) {
      UnaryOperator<Object> element = converter(list.element());
      return names.contains(TO_STRING) ? v -> json((List<?>) v, list.element())
          : v -> ((List<?>) v).stream().map(e -> e == null ? null : element.apply(e)).toList();
    }
    return text(type);
  }

  /** The text of a non-null value of {@code type}. */
  private static UnaryOperator<Object> text(DataType type) {
    if (type.kind() == DataType.Kind.TIME) {
      return v -> TIME_TEXT.format((LocalTime) v);
    }
    if (type.kind() == DataType.Kind.STRING) {
      return v -> v;
    }
    return TextValues.formatter(type);
  }

  private static String json(List<?> values, DataType element) {
    boolean bare = switch (element.kind()) {
      case BOOLEAN, INT, LONG, DECIMAL -> true;
      default -> false;
    };
    UnaryOperator<Object> text = element instanceof DataType.ListOf inner ? v -> json((List<?>) v, inner.element())
        : text(element);
    StringJoiner array = new StringJoiner(",", "[", "]");
    for (Object value : values) {
      String item = value == null ? "null" : (String) text.apply(value);
      array.add(value == null || bare || element instanceof DataType.ListOf ? item : quoted(item));
    }
    return array.toString();
  }

  private static String quoted(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return out.append('"').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TypeMapping other && names.equals(other.names);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  @Override
  public String toString() {
    return isNone() ? "default types" : String.join(",", names);
  }
}
