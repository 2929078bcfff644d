package io.changelake.cli;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.ColumnTransforms;
import io.changelake.engine.transform.ComputedColumnException;
import io.changelake.engine.transform.RowTransform;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes what {@code verify} found differing in one lake table ({@link TableVerifier.Rewrite}) as one commit that
 * records the table's source position unchanged, so that the sync resumes where it was, neither skipping nor
 * replaying a change.
 *
 * <p>Every key verify compared holds the same row at the source's read position X as at the lake's position P (the
 * keys changed between the two were left out), so the source's rows as of X are the rows the table should hold at P.
 * Each is shaped as the sync shapes a row of a table copy (computed and metadata columns from the pipeline's
 * transforms, a {@code SNAPSHOT} read at X) and written through the format's own writer as an upsert; a key only the
 * lake holds is deleted.
 */
final class TableRepair {
  private final String format;
  private final SinkTable lake;
  private final SourceTable source;
  private final SourcePosition readAt;
  private final Instant readTime;
  private final TableVerifier.Result found;
  private final SourcePosition lakeAt;
  private final ColumnTransforms transforms;
  private Shaper shaper;

  /**
   * @param readAt the position X the source was read as of
   * @param readTime when it was read (the commit time a metadata column records for the rows)
   * @param found what verify found comparing the two
   * @param lakeAt the position P of the version verified, parsed
   * @param transforms the pipeline's computed and metadata columns
   */
  TableRepair(String format, SinkTable lake, SourceTable source, SourcePosition readAt, Instant readTime,
      TableVerifier.Result found, SourcePosition lakeAt, ColumnTransforms transforms) {
    this.format = format;
    this.lake = lake;
    this.source = source;
    this.readAt = readAt;
    this.readTime = readTime;
    this.found = found;
    this.lakeAt = lakeAt;
    this.transforms = source.sourceOwned() ? ColumnTransforms.NONE : transforms;
  }

  /** Why this table cannot be repaired, or empty when it can. */
  Optional<String> refusal() {
    if (lake.mode() != WriteMode.UPSERT) {
      return Optional.of("the " + format + " table is in " + lake.mode().id() + " mode, which keeps every change as a"
          + " row: repair rewrites rows by key, in upsert-mode tables only");
    }
    if (found.everythingChanged()) {
      return Optional.of("verify compared nothing in " + format + " (" + found.differences().get(0) + " between the"
          + " two positions), so it knows no row to rewrite; verify again later");
    }
    if (!lake.lastCommit().map(CommitMetadata::snapshotComplete).orElse(false)) {
      return Optional.of("the " + format + " table's first copy is not complete; start the sync to complete it,"
          + " then verify again");
    }
    return Optional.empty();
  }

  /** Whether anything differs. */
  boolean needed() {
    return found.differing() > 0;
  }

  /**
   * What {@link #write} will do, e.g. {@code iceberg: 2 rows written from source ..., 1 row deleted, ...}, naming the
   * lake columns it leaves null.
   *
   * @throws SinkException when the source's rows cannot be written as they are
   */
  String describe() {
    List<String> unset = shaper().unset();
    return format + ": " + rows(found.rewrite().upserts().size()) + " written from source " + source.id() + " as of "
        + readAt.describe() + ", " + rows(found.rewrite().deletes().size()) + " deleted, in one commit keeping"
        + " position " + lakeAt.describe() + (unset.isEmpty() ? "" : "; lake columns written as null (neither the"
        + " source's nor a --computed-column or --metadata-column given): " + String.join(", ", unset));
  }

  /** What {@link #write} did, given the version it returned. */
  String describeWritten(long snapshotId) {
    return "Repaired " + format + " table " + lake.id() + ": snapshot " + snapshotId + ", still at position "
        + lakeAt.describe() + ".";
  }

  /**
   * Writes the rewrite in one {@link CommitKind#REPAIR} commit recording the table's last commit's position, snapshot
   * state and pipeline.
   *
   * @return the version committed
   * @throws SinkException, writing nothing, when the table changed since it was verified or a row cannot be shaped
   */
  long write() {
    LakeVersion now = LakeVersion.latest(lake);
    CommitMetadata last = lake.lastCommit().orElseThrow();
    if (!now.equals(found.version()) || !last.position().equals(now.position())) {
      throw new SinkException(format + " table " + lake.id() + " changed since it was verified (snapshot "
          + now.snapshotId() + ", verified at " + found.version().snapshotId() + "): nothing was written to it. Fix:"
          + " make sure the sync is stopped, then verify --repair again.");
    }
    try (TableWriter writer = lake.newWriter()) {
      for (Row row : found.rewrite().upserts()) {
        writer.upsert(shaper().shape(row));
      }
      for (RowKey key : found.rewrite().deletes()) {
        writer.delete(key);
      }
      writer.commit(new CommitMetadata(last.position(), last.snapshotComplete(), last.pipeline(), CommitKind.REPAIR,
          null));
    }
    return LakeVersion.latest(lake).snapshotId();
  }

  private Shaper shaper() {
    if (shaper == null) {
      shaper = new Shaper();
    }
    return shaper;
  }

  private static String rows(int count) {
    return count + (count == 1 ? " row" : " rows");
  }

  /** Turns rows of the source table into rows of the lake table, as the sync writes a copied row. */
  private final class Shaper {
    private final RowTransform transform;
    /** Per lake column, its position in the transform's rows, or -1 (a column the source no longer has: null). */
    private final int[] from;

    Shaper() {
      transform = transforms.bind(source.schema());
      TableSchema shaped = transform.outputSchema();
      TableSchema lakeSchema = lake.schema();
      from = new int[lakeSchema.size()];
      for (int i = 0; i < from.length; i++) {
        Column column = lakeSchema.column(i);
        from[i] = shaped.indexOf(column.name());
        if (from[i] >= 0 && shaped.column(from[i]).type().kind() != column.type().kind()) {
          throw new SinkException("Column " + column.name() + " of " + format + " table " + lake.id() + " is "
              + column.type() + ", the source's " + shaped.column(from[i]).type() + ": repair writes the source's"
              + " values as they are. Nothing was written. Fix: reset the table ('changelake reset').");
        }
      }
    }

    /** The lake columns no source or added column fills. */
    List<String> unset() {
      List<String> unset = new ArrayList<>();
      for (int i = 0; i < from.length; i++) {
        if (from[i] < 0) {
          unset.add(lake.schema().column(i).name());
        }
      }
      return unset;
    }

    Row shape(Row row) {
      Row shaped;
      try {
        shaped = transform.apply(new ChangeEvent(source.id(), Operation.SNAPSHOT, source.schema(), null, row, readAt,
            readTime), row);
      } catch (ComputedColumnException e) {
        throw new SinkException(e.getMessage() + " (table " + source.id() + ", key " + row.key(source.schema())
            + "). Nothing was written. Fix the expression or the data, then verify --repair again.", e);
      }
      Object[] values = new Object[from.length];
      for (int i = 0; i < from.length; i++) {
        values[i] = from[i] < 0 ? null : shaped.get(from[i]);
      }
      return Row.of(values);
    }
  }
}
