package io.changelake.engine.mirror;

import io.changelake.engine.transform.ColumnTransforms;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link TableMirror} shapes a source table's rows, the same for every table of a pipeline.
 *
 * @param pipeline identifies the pipeline in the table commits (e.g. the replication slot name)
 * @param primaryKeys key columns to use instead of the source's (empty: the source's own key)
 * @param transforms computed and metadata columns added to every row
 */
public record MirrorSettings(String pipeline, List<String> primaryKeys, ColumnTransforms transforms) {

  public MirrorSettings {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(transforms, "transforms");
    primaryKeys = List.copyOf(primaryKeys);
  }
}
