package io.changelake.api.source;

import io.changelake.api.config.ConfigOption;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Options that database sources declare alike; each source adds its own doc and registers them. */
public final class SourceOptions {
  private SourceOptions() { }

  /**
   * {@code table-name}: one table name, several as {@code a|b|c}, or a Java regular expression matched against
   * the whole name; a blank or malformed value is refused with what is allowed.
   */
  public static ConfigOption.Builder<String> tableName() {
    return ConfigOption.string("table-name").check(SourceOptions::isRegex,
        "must be a table name, names separated by '|', or a Java regular expression");
  }

  private static boolean isRegex(String text) {
    try {
      Pattern.compile(text);
      return !text.isBlank();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }
}
