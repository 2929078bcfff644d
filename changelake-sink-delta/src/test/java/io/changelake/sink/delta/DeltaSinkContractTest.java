package io.changelake.sink.delta;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSinkContract;
import java.nio.file.Path;
import java.util.Map;

/** The {@link TableSink} contract for Delta Lake tables, read back with Delta Kernel's scan. */
class DeltaSinkContractTest extends TableSinkContract {
  @Override
  protected TableSink open(Path warehouse) {
    return DeltaSink.local(warehouse);
  }

  @Override
  protected Map<RowKey, Row> readBack(TableSink sink, Path warehouse, TableId id, TableSchema schema) {
    return Lake.byKey(warehouse, id, schema);
  }

  @Override
  protected boolean takesAKeyTwicePerWriter() {
    return false;
  }

  @Override
  protected boolean compactsUpserts() {
    return false;  // copy-on-write: every commit rewrote the touched files into one, nothing to merge
  }
}
