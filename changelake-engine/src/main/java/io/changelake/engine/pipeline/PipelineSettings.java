package io.changelake.engine.pipeline;

import io.changelake.engine.maintenance.MaintenanceConfig;
import io.changelake.engine.maintenance.MaintenanceSettings;
import io.changelake.engine.mirror.MirrorSettings;
import io.changelake.engine.transform.ColumnTransforms;
import io.changelake.api.spi.WriteMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a pipeline runs, independent of source and format.
 *
 * @param name identifies the pipeline in table commits and status (e.g. the replication slot name)
 * @param mode how tables take changes
 * @param primaryKeys key columns to use instead of the source's (empty: the source's own key)
 * @param commitInterval how long changes gather before every touched table is committed
 * @param maxPendingChanges a commit starts early when this many changes are pending
 * @param transforms computed and metadata columns added to every table
 * @param maintenance how the committer maintains the tables between commits
 */
public record PipelineSettings(
    String name, WriteMode mode, List<String> primaryKeys, Duration commitInterval, int maxPendingChanges,
    ColumnTransforms transforms, MaintenanceSettings maintenance) {

  /** Settings with {@link MaintenanceConfig}'s default maintenance. */
  public PipelineSettings(String name, WriteMode mode, List<String> primaryKeys, Duration commitInterval,
      int maxPendingChanges, ColumnTransforms transforms) {
    this(name, mode, primaryKeys, commitInterval, maxPendingChanges, transforms, MaintenanceConfig.parse(Map.of()));
  }

  public PipelineSettings {
    Objects.requireNonNull(maintenance, "maintenance");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(transforms, "transforms");
    primaryKeys = List.copyOf(primaryKeys);
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("Commit interval must be positive: " + commitInterval);
    }
    if (maxPendingChanges < 1) {
      throw new IllegalArgumentException("maxPendingChanges must be positive: " + maxPendingChanges);
    }
  }

  /** How each table's mirror shapes rows. */
  public MirrorSettings mirror() {
    return new MirrorSettings(name, primaryKeys, transforms);
  }

  /** The mirror settings of a table the source writes for itself: no key override, no added columns. */
  public MirrorSettings unshaped() {
    return new MirrorSettings(name, List.of(), ColumnTransforms.NONE);
  }
}
