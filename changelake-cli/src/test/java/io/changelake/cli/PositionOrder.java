package io.changelake.cli;

import io.changelake.api.spi.Source;
import io.changelake.api.spi.TableFilter;
import java.util.Map;

/** Orders serialized positions the way their source does (PostgreSQL's unless a source is named). */
final class PositionOrder {
  private static final Map<String, String> ANY_SERVER = Map.of("hostname", "localhost", "username", "u",
      "database-name", "d");

  private PositionOrder() { }

  static int compare(String a, String b) {
    return compare("postgres", a, b);
  }

  /** Compares positions of source {@code source} (e.g. {@code mysql}); creating the source connects nowhere. */
  static int compare(String source, String a, String b) {
    try (Source parser = Providers.source(source).create(ANY_SERVER, TableFilter.ALL)) {
      return parser.parsePosition(a).compareTo(parser.parsePosition(b));
    }
  }
}
