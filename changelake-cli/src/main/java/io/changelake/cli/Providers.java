package io.changelake.cli;

import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.SourceProvider;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Finds sources and table formats on the classpath by their identifiers. */
final class Providers {
  static final String DEFAULT_FORMAT = "iceberg";

  private Providers() { }

  static List<SourceProvider> sources() {
    return load(SourceProvider.class);
  }

  static List<SinkProvider> sinks() {
    return load(SinkProvider.class);
  }

  static SourceProvider source(String id) {
    return find(sources(), SourceProvider::id, id, "source");
  }

  static SinkProvider sink(String format) {
    return find(sinks(), SinkProvider::format, format, "format");
  }

  private static <T> List<T> load(Class<T> type) {
    return ServiceLoader.load(type).stream().map(ServiceLoader.Provider::get).collect(Collectors.toList());
  }

  private static <T> T find(List<T> all, Function<T, String> id, String wanted, String what) {
    return all.stream().filter(p -> id.apply(p).equalsIgnoreCase(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown " + what + " '" + wanted + "'. Available: "
            + all.stream().map(id).collect(Collectors.joining(", "))));
  }
}
