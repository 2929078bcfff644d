package io.changelake.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The results block: one markdown table, a row per figure, a column per format (and the reference,
 * when it ran), the same figures as the anchors' results and each rate as a fraction of the source
 * server's limit measured in the same round.
 */
final class ResultsTable {
  private static final Pattern REFERENCE_COMMIT = Pattern.compile("commit at ([0-9.]+) s");

  /** One row: our label, the anchors' label it corresponds to (a prefix; empty: none), how to print it. */
  private record Figure(String label, String referenceLabel, Function<FormatResult, String> value) { }

  /** The figures, the source's own named by {@code source} (the reference's labels are PostgreSQL's). */
  private static List<Figure> figures(Source.Labels source) {
    String scan = source.scanRatio();
    String log = source.changeLogRatio();
    return List.of(
        new Figure(source.load(), "PG load",
            r -> fmt("%.1f s, %s", r.load().seconds(), r.load().size())),
        new Figure(source.scanLimit(), "PG COPY TO /dev/null",
            r -> fmt("%.2f s, %.0f rows/s", r.copy().seconds(), r.copy().perSecond())),
        new Figure(source.changeLogLimit(), "PG pgoutput decoding",
            r -> fmt("%.2f s, %.0f changes/s (%s)", r.decoding().seconds(), r.decoding().perSecond(),
                r.decoding().detail())),
        new Figure("SNAPSHOT: launch → commit equal to the source", "SNAPSHOT",
            r -> fmt("%.1f s → %.0f rows/s = %.3f × %s (digest equal seen at %.1f s)", r.snapshotCommitSeconds(),
                r.snapshotRowsPerSecond(), r.snapshotRowsPerSecond() / r.copy().perSecond(), scan,
                r.snapshotSeconds())),
        new Figure("sync CPU during snapshot phase", "sync JVM CPU during snapshot",
            r -> fmt("%.1f s", r.snapshotCpuSeconds())),
        new Figure(source.apply(), "PG-side stream apply",
            r -> fmt("%.2f s, %.0f changes/s", r.streamApplySeconds(), r.decoding().count() / r.streamApplySeconds())),
        new Figure("STREAMING: stream start → commit equal to the source", "STREAMING",
            r -> fmt("%.1f s → %.0f changes/s = %.3f × %s (digest equal seen at %.1f s)",
                r.catchUpCommitSeconds(), r.catchUpChangesPerSecond(),
                r.catchUpChangesPerSecond() / r.decoding().perSecond(), log, r.catchUpSeconds())),
        new Figure("sync CPU during stream phase", "sync JVM CPU during stream",
            r -> fmt("%.1f s", r.streamCpuSeconds())),
        new Figure("FRESHNESS: insert → visible to a new reader", "FRESHNESS, visible",
            r -> Freshness.Result.summary(r.freshness().visibleMs())),
        new Figure("FRESHNESS: insert → commit that holds it", "FRESHNESS, by snapshot commit",
            r -> Freshness.Result.summary(r.freshness().committedMs())),
        new Figure("sync peak RSS (VmHWM) / RSS at end", "sync JVM peak RSS",
            r -> r.process().peakRssMib() + " MiB / " + r.process().rssMib() + " MiB"),
        new Figure("sync CPU total", "sync JVM CPU total", r -> fmt("%.1f s", r.process().cpuSeconds())),
        new Figure("lake commits / warehouse size at end", "Paimon snapshots / warehouse",
            r -> r.commits() + " / " + Dirs.mib(r.warehouseBytes())),
        new Figure("sync exit code after SIGTERM", "", r -> Integer.toString(r.syncExitCode())),
        new Figure("BACKLOG: as many changes again, applied while the sync is stopped", "",
            r -> fmt("%.2f s, %.0f changes/s", r.backlog().applySeconds(),
                r.decoding().count() / r.backlog().applySeconds())),
        new Figure("CATCH-UP FROM BACKLOG: relaunch → commit equal to the source", "",
            r -> fmt("%.1f s → %.0f changes/s = %.3f × %s (digest equal seen at %.1f s); JVM start included",
                r.backlog().commitSeconds(), r.backlogChangesPerSecond(),
                r.backlogChangesPerSecond() / r.decoding().perSecond(), log, r.backlog().detectedSeconds())),
        new Figure("CATCH-UP without the JVM start: pipeline start (tables open) → commit equal to the source", "",
            r -> fmt("%.0f changes/s = %.3f × %s", r.backlog().changesPerSecondFromPipelineStart(),
                r.backlog().changesPerSecondFromPipelineStart() / r.decoding().perSecond(), log)),
        new Figure("relaunched sync: CPU / peak RSS / exit code", "",
            r -> fmt("%.1f s / %d MiB / %d", r.backlog().process().cpuSeconds(), r.backlog().process().peakRssMib(),
                r.backlog().exitCode())),
        new Figure("SCAN of the table after the streams (format's reader)", "",
            r -> r.scanCost() == null ? "skipped"
                : fmt("%.2f s, %.0f rows/s", r.scanCost().afterStreamSeconds(),
                    r.scanCost().rows() / r.scanCost().afterStreamSeconds())),
        new Figure("SCAN of the same rows rewritten (compacted)", "",
            r -> r.scanCost() == null ? "skipped"
                : fmt("%.2f s, %.0f rows/s, %s; after-stream scan = %.2f × this", r.scanCost().rewrittenSeconds(),
                    r.scanCost().rows() / r.scanCost().rewrittenSeconds(), Dirs.mib(r.scanCost().rewrittenBytes()),
                    r.scanCost().ratio())),
        new Figure("changelake compact (-Xmx" + FormatRound.COMPACT_HEAP + "), then SCAN (table maintenance)", "",
            r -> r.scanCost() == null ? "skipped" : compaction(r.scanCost())));
  }

  /** The compaction's time and the scan it leaves, or why it failed. */
  static String compaction(ScanCost.Result scan) {
    if (scan.compactFailure() != null) {
      return "compact FAILED after " + fmt("%.1f s: ", scan.compactSeconds()) + scan.compactFailure();
    }
    return fmt("compact %.1f s; scan %.2f s = %.2f × the rewritten copy's", scan.compactSeconds(),
        scan.afterCompactSeconds(), scan.afterCompactRatio());
  }

  private ResultsTable() { }

  /** Everything a reader of RESULTS.md needs about the run's setting. */
  record Setting(long rows, int changes, Workload.Variant variant, long commitIntervalMs, int probes, String heap,
                 String sourceName, Source.Labels labels, String source, String changelake, String loadAtEnd) { }

  static String render(RunInfo run, Setting setting, List<FormatResult> results, Reference.Result reference) {
    StringBuilder out = new StringBuilder();
    out.append("\n### ").append(run.date()).append(" — commit ").append(run.commit()).append(" — ROWS=")
        .append(setting.rows()).append(" CHANGES=").append(setting.changes())
        .append(setting.variant() == Workload.Variant.PLAIN ? "" : " VARIANT=" + setting.variant().name().toLowerCase(
            java.util.Locale.ROOT)).append(Sources.DEFAULT.equals(setting.sourceName()) ? ""
            : " SOURCE=" + setting.sourceName()).append(" COMMIT_INTERVAL=")
        .append(setting.commitIntervalMs()).append("ms\n\n");
    out.append("Machine: ").append(run.machine()).append("; load avg start→end: ").append(run.loadAtStart())
        .append(" → ").append(setting.loadAtEnd()).append(". ").append(setting.source())
        .append(". ").append(run.java())
        .append("; sync JVM -Xmx").append(setting.heap()).append(" (").append(setting.changelake()).append("). ")
        .append(setting.probes()).append(" freshness probes, pauses in [0, ").append(setting.commitIntervalMs())
        .append(") ms.\n\n");
    boolean withReference = reference != null && reference.failure() == null;
    out.append("| figure |");
    results.forEach(r -> out.append(" changelake ").append(r.format()).append(" |"));
    if (withReference) {
      out.append(" reference: Paimon postgres_sync_table on Flink |");
    }
    out.append("\n| --- |").append(" --- |".repeat(results.size() + (withReference ? 1 : 0))).append('\n');
    for (Figure figure : figures(setting.labels())) {
      out.append("| ").append(figure.label()).append(" |");
      results.forEach(r -> out.append(' ').append(figure.value().apply(r)).append(" |"));
      if (withReference) {
        out.append(' ').append(figure.referenceLabel().isEmpty() ? "" : reference.value(figure.referenceLabel()))
            .append(" |");
      }
      out.append('\n');
    }
    if (withReference) {
      appendVersusReference(out, results, reference);
    }
    out.append('\n');
    for (FormatResult r : results) {
      out.append("Digests (").append(r.format()).append("): after load `").append(r.loadDigest())
          .append("`; after stream `").append(r.streamDigest()).append("` (both matched in the lake table).\n");
      if (r.selfCheck() != null) {
        out.append("Self-check (").append(r.format()).append("): ").append(r.selfCheck()).append('\n');
      }
    }
    if (reference != null && reference.failure() != null) {
      out.append("Reference run failed: ").append(reference.failure()).append('\n');
    }
    return out.toString();
  }

  /**
   * Rows of changelake's snapshot and streaming rates divided by the reference's, both up to the commit
   * that equals the source.
   */
  private static void appendVersusReference(StringBuilder out, List<FormatResult> results, Reference.Result ref) {
    double refSnapshot = results.get(0).load().rows() / commitSeconds(ref.value("SNAPSHOT"));
    double refStream = results.get(0).decoding().count() / commitSeconds(ref.value("STREAMING"));
    out.append("| SNAPSHOT rows/s ÷ reference's (both to the equal commit) |");
    results.forEach(r -> out.append(fmt(" %.2f |", r.snapshotRowsPerSecond() / refSnapshot)));
    out.append(" 1 |\n| STREAMING changes/s ÷ reference's (both to the equal commit) |");
    results.forEach(r -> out.append(fmt(" %.2f |", r.catchUpChangesPerSecond() / refStream)));
    out.append(" 1 |\n");
  }

  /** The reference's "(snapshot commit at 41.9 s)": the Paimon snapshot that equalled the source. */
  private static double commitSeconds(String text) {
    Matcher m = REFERENCE_COMMIT.matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  static String header() {
    List<String> lines = new ArrayList<>();
    lines.add("# changelake benchmark results");
    lines.add("");
    lines.add("Appended by `bench/run.sh` (io.changelake.bench.Bench); bench/README.md says what each figure means"
        + " and how it is measured.");
    return String.join("\n", lines) + "\n";
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
