package io.changelake.query;

import io.changelake.api.model.Column;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog statements of Flink SQL that Calcite does not run: {@code SHOW DATABASES}, {@code SHOW TABLES
 * [FROM|IN db]}, {@code USE db}, {@code DESCRIBE|DESC t} and {@code SHOW CREATE TABLE t}.
 */
final class MetaStatements {
  private static final String NAME = "((?:`[^`]+`|[^\\s`;.]+)(?:\\.(?:`[^`]+`|[^\\s`;.]+)){0,2})";
  private static final Pattern SHOW_DATABASES = Pattern.compile("SHOW\\s+(?:DATABASES|SCHEMAS)", Pattern.CASE_INSENSITIVE);
  private static final Pattern SHOW_TABLES = Pattern.compile("SHOW\\s+TABLES(?:\\s+(?:FROM|IN)\\s+" + NAME + ")?",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern USE = Pattern.compile("USE\\s+" + NAME, Pattern.CASE_INSENSITIVE);
  private static final Pattern DESCRIBE = Pattern.compile("(?:DESCRIBE|DESC)\\s+(?:TABLE\\s+)?" + NAME,
      Pattern.CASE_INSENSITIVE);
  private static final Pattern SHOW_CREATE = Pattern.compile("SHOW\\s+CREATE\\s+TABLE\\s+" + NAME,
      Pattern.CASE_INSENSITIVE);
  private static final Pattern COMMENTS = Pattern.compile("(?s)^(\\s*(--[^\\n]*(\\n|$)|/\\*(?!\\+).*?\\*/))*\\s*");

  /**
   * A catalog statement's rows.
   *
   * @param result its rows
   * @param use the database it makes current, or null
   */
  record Meta(QueryResult result, String use) { }

  private final LakeCatalog catalog;

  MetaStatements(LakeCatalog catalog) {
    this.catalog = catalog;
  }

  /** Runs {@code statement} when it is a catalog statement; null when it is not one. */
  Meta parse(String statement, String database) {
    String text = COMMENTS.matcher(statement).replaceFirst("").replaceAll(";\\s*$", "").trim();
    Matcher m;
    if (SHOW_DATABASES.matcher(text).matches()) {
      return new Meta(rows(List.of("database name"), catalog.databases().stream().map(db -> List.<Object>of(db)).toList()),
          null);
    }
    if ((m = SHOW_TABLES.matcher(text)).matches()) {
      return new Meta(showTables(m.group(1) == null ? current(database) : database(unquote(m.group(1)))), null);
    }
    if ((m = USE.matcher(text)).matches()) {
      return new Meta(rows(List.of(), List.of()), database(unquote(m.group(1))));
    }
    if ((m = DESCRIBE.matcher(text)).matches()) {
      return new Meta(describe(table(m.group(1), database)), null);
    }
    if ((m = SHOW_CREATE.matcher(text)).matches()) {
      return new Meta(rows(List.of("result"), List.of(List.of(createTable(table(m.group(1), database))))), null);
    }
    return null;
  }

  private QueryResult showTables(String database) {
    boolean severalFormats = catalog.formats().size() > 1;
    List<List<Object>> rows = new ArrayList<>();
    for (Map.Entry<String, List<String>> table : catalog.tables(database).entrySet()) {
      rows.add(severalFormats ? List.of(table.getKey(), String.join(",", table.getValue())) : List.of(table.getKey()));
    }
    return rows(severalFormats ? List.of("table name", "formats") : List.of("table name"), rows);
  }

  private static QueryResult describe(SinkTable table) {
    TableSchema schema = table.schema();
    List<List<Object>> rows = new ArrayList<>();
    for (Column column : schema.columns()) {
      boolean key = schema.primaryKey().contains(column.name());
      rows.add(List.of(column.name(), LakeTypes.sqlName(column.type()), column.nullable(),
          key ? "PRI(" + String.join(", ", schema.primaryKey()) + ")" : ""));
    }
    return rows(List.of("name", "type", "null", "key"), rows);
  }

  /** A CREATE TABLE statement for the table, in Flink SQL's dialect. */
  private static String createTable(SinkTable table) {
    TableSchema schema = table.schema();
    List<String> lines = new ArrayList<>();
    for (Column column : schema.columns()) {
      lines.add("  `" + column.name() + "` " + LakeTypes.sqlName(column.type()) + (column.nullable() ? "" : " NOT NULL"));
    }
    if (schema.hasPrimaryKey()) {
      lines.add("  PRIMARY KEY (" + String.join(", ", schema.primaryKey().stream().map(k -> "`" + k + "`").toList())
          + ") NOT ENFORCED");
    }
    return "CREATE TABLE `" + table.id().namespace() + "`.`" + table.id().name() + "` (\n" + String.join(",\n", lines)
        + "\n) WITH (\n  'write-mode' = '" + table.mode().name().toLowerCase(Locale.ROOT) + "'\n)";
  }

  /** {@code [format.][db.]table}, unqualified names in the current database. */
  private SinkTable table(String name, String database) {
    List<String> parts = new ArrayList<>();
    for (String part : name.split("\\.(?=(?:[^`]*`[^`]*`)*[^`]*$)")) {
      parts.add(unquote(part));
    }
    String table = parts.get(parts.size() - 1);
    String db = parts.size() > 1 ? database(parts.get(parts.size() - 2)) : current(database);
    String format = parts.size() > 2 ? parts.get(0) : null;
    String actual = catalog.tables(db).keySet().stream().filter(t -> t.equalsIgnoreCase(table)).findFirst()
        .orElse(table);
    return catalog.table(db, actual, format);
  }

  private String database(String name) {
    return catalog.database(name).orElseThrow(() -> new SinkException("No database '" + name + "' in this warehouse."
        + " Databases: " + catalog.databases() + "."));
  }

  private String current(String database) {
    if (database == null) {
      throw new SinkException("No current database: qualify the table (lakehouse.products) or run USE <database>."
          + " Databases: " + catalog.databases() + ".");
    }
    return database;
  }

  private static String unquote(String name) {
    return name.length() > 1 && name.startsWith("`") && name.endsWith("`") ? name.substring(1, name.length() - 1) : name;
  }

  private static QueryResult rows(List<String> columns, List<List<Object>> rows) {
    return QueryResult.of(columns, rows);
  }
}
