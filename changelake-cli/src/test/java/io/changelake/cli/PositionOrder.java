package io.changelake.cli;

import io.changelake.api.spi.Source;
import io.changelake.api.spi.TableFilter;
import java.util.Map;

/** Orders serialized PostgreSQL positions the way the source does. */
final class PositionOrder {
  private static final Source PARSER = Providers.source("postgres").create(
      Map.of("hostname", "localhost", "username", "u", "database-name", "d"), TableFilter.ALL);

  private PositionOrder() { }

  static int compare(String a, String b) {
    return PARSER.parsePosition(a).compareTo(PARSER.parsePosition(b));
  }
}
