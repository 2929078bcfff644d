package io.changelake.bench.query;

import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.TableSink;
import io.changelake.query.QueryEngine;
import io.changelake.query.QueryResult;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Runs queries again and again in one JVM with changelake's query engine, as the interactive prompt would:
 * {@code WarmQuery FORMAT LOCATION RUNS SQL...}. Prints {@link Timings}' lines.
 */
public final class WarmQuery {
  private WarmQuery() { }

  public static void main(String[] args) throws Exception {
    SinkProvider provider = ServiceLoader.load(SinkProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.format().equals(args[0])).findFirst().orElseThrow();
    try (TableSink sink = provider.open(args[1], Map.of(), Map.of());
         QueryEngine engine = new QueryEngine(List.of(sink))) {
      Timings.run(Integer.parseInt(args[2]), List.of(args).subList(3, args.length), sql -> {
        try (QueryResult result = engine.execute(sql.replace("{table}", "bench.orders"))) {
          return result.hasNext() ? result.next().toString() : "(no row)";
        }
      });
    }
  }
}
