package io.changelake.api.spi;

import io.changelake.api.model.TableId;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which source tables to capture: names (without namespace) fully matching {@code include} and not
 * {@code exclude}; a null pattern does not restrict.
 */
public record TableFilter(Pattern include, Pattern exclude) implements Predicate<TableId> {

  public static final TableFilter ALL = new TableFilter(null, null);

  /** A filter from user regexes; blank means no restriction. */
  public static TableFilter of(String include, String exclude) {
    return new TableFilter(compile(include), compile(exclude));
  }

  private static Pattern compile(String regex) {
    return regex == null || regex.isBlank() ? null : Pattern.compile(regex);
  }

  @Override
  public boolean test(TableId table) {
    return (include == null || include.matcher(table.name()).matches())
        && (exclude == null || !exclude.matcher(table.name()).matches());
  }

  @Override
  public String toString() {
    return (include == null ? "" : "including '" + include + "'")
        + (exclude == null ? "" : (include == null ? "" : " ") + "excluding '" + exclude + "'");
  }
}
