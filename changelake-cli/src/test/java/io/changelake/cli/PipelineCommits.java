package io.changelake.cli;

import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSnapshot;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The commits a sync made to a lake table, read with the format's own reader. */
final class PipelineCommits {
  private PipelineCommits() { }

  /** The pipeline commits (those holding a source position) of lake table {@code lake.<table>}, oldest first. */
  static List<TableSnapshot> of(String format, String location, String table) {
    try (TableSink sink = Providers.sink(format).open(location, Map.of(), Map.of())) {
      return sink.find(new TableId("lake", table)).orElseThrow().snapshots().stream()
          .filter(s -> s.summary().containsKey(CommitMetadata.POSITION)).toList();
    }
  }

  /**
   * How many of {@code commits} end an initial snapshot of every table.
   *
   * @param parse the source's position parser
   */
  static long snapshotEnds(List<TableSnapshot> commits, Function<String, ? extends SourcePosition> parse) {
    return commits.stream().filter(s -> parse.apply(s.summary().get(CommitMetadata.POSITION)).describe()
        .startsWith("snapshot-done")).count();
  }
}
