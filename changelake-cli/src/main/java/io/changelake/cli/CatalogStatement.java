package io.changelake.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flink SQL's {@code CREATE CATALOG name WITH ('type' = 'paimon', 'warehouse' = '/tmp/paimon')} and
 * {@code USE CATALOG name}, as the guide's SQL client sessions start: a catalog here is a warehouse folder (or URI)
 * and, optionally, the one format to read in it.
 *
 * @param create whether it creates the catalog (else it uses it)
 * @param name the catalog's name
 * @param warehouse where its tables are (CREATE only)
 * @param format the format its {@code 'type'} names, or null for every format (CREATE only)
 */
record CatalogStatement(boolean create, String name, String warehouse, String format) {
  private static final String NAME = "`?([\\w$-]+)`?";
  private static final Pattern CREATE = Pattern.compile("(?is)CREATE\\s+CATALOG\\s+" + NAME + "\\s+WITH\\s*\\((.*)\\)");
  private static final Pattern USE = Pattern.compile("(?is)USE\\s+CATALOG\\s+" + NAME);
  private static final Pattern OPTION = Pattern.compile("\\s*'((?:[^']|'')*)'\\s*=\\s*'((?:[^']|'')*)'\\s*(,|$)");
  private static final Pattern LEADING_COMMENTS = Pattern.compile("^(\\s*--[^\\n]*\\n)*\\s*");

  /** The catalog statement {@code statement} is, or null when it is another statement. */
  static CatalogStatement parse(String statement) {
    String text = LEADING_COMMENTS.matcher(statement).replaceFirst("").trim();
    Matcher use = USE.matcher(text);
    if (use.matches()) {
      return new CatalogStatement(false, use.group(1), null, null);
    }
    Matcher create = CREATE.matcher(text);
    if (!create.matches()) {
      return null;
    }
    Map<String, String> options = options(create.group(2));
    String warehouse = options.remove("warehouse");
    if (warehouse == null) {
      throw new IllegalArgumentException("CREATE CATALOG " + create.group(1) + " needs 'warehouse' = '<folder or URI>'");
    }
    String type = options.remove("type");
    String format = type == null ? null : LakeFormats.parse(java.util.List.of(formatOf(type))).get(0);
    expect(options, "metastore", "filesystem");
    expect(options, "catalog-type", "hadoop");
    if (!options.isEmpty()) {
      throw new IllegalArgumentException("Unsupported catalog option(s) " + options.keySet() + ": CREATE CATALOG takes"
          + " 'type', 'warehouse', 'metastore' = 'filesystem' and 'catalog-type' = 'hadoop'; other catalog properties"
          + " go to --catalog-conf");
    }
    return new CatalogStatement(true, create.group(1), warehouse, format);
  }

  /** Flink's catalog type for a format: 'paimon', 'iceberg', 'delta-catalog'. */
  private static String formatOf(String type) {
    String lower = type.toLowerCase(Locale.ROOT);
    return lower.endsWith("-catalog") ? lower.substring(0, lower.length() - "-catalog".length()) : lower;
  }

  private static void expect(Map<String, String> options, String key, String only) {
    String value = options.remove(key);
    if (value != null && !value.equalsIgnoreCase(only)) {
      throw new IllegalArgumentException("Catalog option '" + key + "' = '" + value + "' is not supported: only '"
          + only + "' (a warehouse folder read directly)");
    }
  }

  private static Map<String, String> options(String text) {
    Map<String, String> options = new LinkedHashMap<>();
    Matcher m = OPTION.matcher(text);
    int end = 0;
    while (end < text.length() && m.find(end) && m.start() == end) {
      options.put(m.group(1).replace("''", "'").toLowerCase(Locale.ROOT), m.group(2).replace("''", "'"));
      end = m.end();
    }
    if (!text.substring(end).isBlank()) {
      throw new IllegalArgumentException("CREATE CATALOG options must be 'key' = 'value' pairs, not: " + text.trim());
    }
    return options;
  }
}
