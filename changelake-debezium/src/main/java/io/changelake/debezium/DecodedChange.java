package io.changelake.debezium;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.time.Instant;

/**
 * One change decoded from a record, before the caller gives it its place in the stream ({@link #at}).
 * The fields mean what {@link ChangeEvent}'s do.
 */
public record DecodedChange(
    TableId table, Operation operation, TableSchema schema, Row before, Row after, Instant sourceTime) {

  /** This change at {@code position}. */
  public ChangeEvent at(SourcePosition position) {
    return new ChangeEvent(table, operation, schema, before, after, position, sourceTime);
  }
}
