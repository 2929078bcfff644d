package io.changelake.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.SourceMetric;
import io.changelake.engine.pipeline.TableReport;
import io.changelake.engine.pipeline.TableState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;

/**
 * Serves a running sync's {@link PipelineStatus} over HTTP with the JDK's server: {@code /metrics} in
 * Prometheus' text format (Micrometer's Prometheus registry; every figure read from the standing at scrape
 * time) and {@code /health}: 200 while every table snapshots or streams, 503 once a table is suspended or the
 * sync failed.
 */
final class HealthServer implements AutoCloseable {
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PipelineStatus status;
  private final String sourceKind;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** The tables ({@code format table}) and source figures that have their meters. */
  private final Set<String> registered = new HashSet<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "changelake-metrics");
    thread.setDaemon(true);
    return thread;
  });

  private HealthServer(HealthSettings settings, PipelineStatus status, String sourceKind) throws IOException {
    this.status = status;
    this.sourceKind = sourceKind;
    registry.config().commonTags("pipeline", status.current().pipeline());
    new JvmMemoryMetrics().bindTo(registry);
    Gauge.builder("changelake.pipeline.lag.bytes", status, s -> orNaN(s.current().lagBytes()))
        .description("How far the newest position the tables hold trails the source, in bytes")
        .strongReference(true).register(registry);
    Gauge.builder("changelake.pipeline.warnings", status, s -> s.current().warnings().size())
        .description("Warnings now (see 'changelake status' or the log)").strongReference(true).register(registry);
    server = HttpServer.create(new InetSocketAddress(settings.metricsBind(), settings.metricsPort()), 0);
    server.createContext("/metrics", this::metrics);
    server.createContext("/health", this::health);
    server.setExecutor(executor);
    server.start();
  }

  /**
   * Serves {@code status} as {@code settings} asks, the source's figures tagged {@code source=sourceKind}.
   *
   * @throws IllegalArgumentException when the address cannot be listened on (port taken, unknown address)
   */
  static HealthServer start(HealthSettings settings, PipelineStatus status, String sourceKind) {
    try {
      return new HealthServer(settings, status, sourceKind);
    } catch (BindException e) {
      throw new IllegalArgumentException("Cannot serve metrics on " + settings.metricsBind() + ":"
          + settings.metricsPort() + " (" + e.getMessage() + "): choose another --metrics-port, or stop what listens"
          + " there.", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot serve metrics on " + settings.metricsBind() + ":"
          + settings.metricsPort() + ": " + e.getMessage() + ". Check --metrics-bind and --metrics-port.", e);
    }
  }

  /** The port served, e.g. the one picked for port 0. */
  int port() {
    return server.getAddress().getPort();
  }

  private void metrics(HttpExchange exchange) throws IOException {
    String body;
    synchronized (registered) {
      registerNew(status.current());
      body = registry.scrape();
    }
    respond(exchange, 200, PROMETHEUS_TEXT, body);
  }

  private void health(HttpExchange exchange) throws IOException {
    StatusFile.Status now = status.current();
    StringBuilder body = new StringBuilder();
    boolean healthy = !"FAILED".equals(now.state());
    if (!healthy) {
      body.append("sync failed: ").append(now.error()).append('\n');
    }
    for (TableReport table : now.tables()) {
      if (table.state() == TableState.SUSPENDED) {
        healthy = false;
        body.append("SUSPENDED ").append(table.format()).append(' ').append(table.lake()).append(": ")
            .append(table.reason()).append('\n');
      }
    }
    now.warnings().forEach(warning -> body.append("WARNING ").append(warning).append('\n'));
    String head = healthy ? "UP " + now.state().toLowerCase(Locale.ROOT) + ": " + count(now, TableState.STREAMING)
        + " table(s) streaming, " + count(now, TableState.SNAPSHOTTING) + " snapshotting" : "DOWN";
    respond(exchange, healthy ? 200 : 503, TEXT, head + "\n" + body);
  }

  private static long count(StatusFile.Status status, TableState state) {
    return status.tables().stream().filter(t -> t.state() == state).count();
  }

  private static void respond(HttpExchange exchange, int code, String type, String body) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Registers the meters of the tables and source figures that appeared since the last scrape. */
  private void registerNew(StatusFile.Status now) {
    for (TableReport table : now.tables()) {
      if (registered.add(table.format() + " " + table.lake())) {
        registerTable(table.lake(), table.format());
      }
    }
    for (SourceMetric metric : now.source()) {
      if (registered.add("source " + metric.name())) {
        String name = metric.name();
        Gauge.builder("changelake.source." + name, status, s -> sourceValue(s.current(), name))
            .description(metric.description()).tag("source", sourceKind).strongReference(true).register(registry);
      }
    }
  }

  private void registerTable(TableId lake, String format) {
    Tags tags = Tags.of("table", lake.toString(), "format", format);
    counter("changelake.table.changes", "Changes committed to the table since the sync started (snapshot rows"
        + " included)", tags, lake, format, TableReport::totalChanges);
    counter("changelake.table.commits", "Lake commits of the table since the sync started", tags, lake, format,
        TableReport::commits);
    counter("changelake.table.rows.written", "Rows written to the table since the sync started: inserted, replaced"
        + " or deleted, after changes were folded by key", tags, lake, format, TableReport::rowsWritten);
    gauge("changelake.table.last.commit.timestamp.seconds", "When the table was last committed (Unix time)", tags,
        lake, format, t -> t.lastCommit() == null ? Double.NaN : t.lastCommit().toEpochMilli() / 1000.0);
    gauge("changelake.table.commit.lag.seconds", "At the table's last commit: from the source's commit of its newest"
        + " change to the lake commit", tags, lake, format,
        t -> t.commitLag() == null ? Double.NaN : t.commitLag().toMillis() / 1000.0);
    gauge("changelake.table.lag.seconds", "Age of the oldest change read from the source and not yet committed to"
        + " the table; 0 when it holds every change read (an idle source is not lagging)", tags, lake, format,
        t -> t.lag(Instant.now()).toMillis() / 1000.0);
    gauge("changelake.table.lag.bytes", "How far the position the table holds trails the source's newest change, in"
        + " bytes (NaN when the source cannot tell)", tags, lake, format, t -> orNaN(t.lagBytes()));
    for (TableState state : TableState.values()) {
      gauge("changelake.table.state", "1 for the table's state (snapshotting, streaming, suspended), 0 for the"
          + " others", tags.and("state", state.name().toLowerCase(Locale.ROOT)), lake, format,
          t -> t.state() == state ? 1 : 0);
    }
  }

  private void counter(String name, String description, Tags tags, TableId lake, String format,
      ToDoubleFunction<TableReport> figure) {
    FunctionCounter.builder(name, status, s -> tableValue(s.current(), lake, format, figure))
        .description(description).tags(tags).register(registry);
  }

  private void gauge(String name, String description, Tags tags, TableId lake, String format,
      ToDoubleFunction<TableReport> figure) {
    Gauge.builder(name, status, s -> tableValue(s.current(), lake, format, figure))
        .description(description).tags(tags).strongReference(true).register(registry);
  }

  private static double tableValue(StatusFile.Status status, TableId lake, String format,
      ToDoubleFunction<TableReport> figure) {
    List<TableReport> tables = status.tables();
    for (TableReport table : tables) {
      if (table.lake().equals(lake) && table.format().equals(format)) {
        return figure.applyAsDouble(table);
      }
    }
    return Double.NaN;
  }

  private static double sourceValue(StatusFile.Status status, String name) {
    return status.source().stream().filter(m -> m.name().equals(name)).mapToDouble(SourceMetric::value).findFirst()
        .orElse(Double.NaN);
  }

  private static double orNaN(long known) {
    return known < 0 ? Double.NaN : known;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    registry.close();
  }
}
