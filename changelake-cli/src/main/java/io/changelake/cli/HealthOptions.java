package io.changelake.cli;

import picocli.CommandLine.Option;

/** The health flags every sync command takes: the metrics endpoint and the warning threshold. */
final class HealthOptions {
  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
      description = "Serve Prometheus metrics at http://<bind>:PORT/metrics and the sync's health at /health"
          + " (200 while it runs, 503 when a table is suspended or the sync failed). Default: 0, not served.")
  int metricsPort;

  @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = HealthSettings.DEFAULT_BIND,
      description = "Address the metrics endpoint listens on. Default: ${DEFAULT-VALUE} (this machine only: the"
          + " endpoint has no authentication); 0.0.0.0 for every interface.")
  String metricsBind;

  @Option(names = "--retained-warning", paramLabel = "SIZE", defaultValue = HealthSettings.DEFAULT_RETAINED_WARNING,
      description = "Warn (log and status) when the source retains more than SIZE for the sync (PostgreSQL: WAL held"
          + " by the replication slot), e.g. 512MiB; 0 never warns. Default: ${DEFAULT-VALUE}.")
  String retainedWarning;

  HealthSettings settings() {
    return new HealthSettings(metricsPort, metricsBind, HealthSettings.parseSize(retainedWarning));
  }
}
