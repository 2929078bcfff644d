package io.changelake.sink.iceberg;

import io.changelake.core.model.Row;
import io.changelake.core.model.RowKey;
import io.changelake.core.model.TableId;
import io.changelake.core.model.TableSchema;
import io.changelake.core.spi.TableSink;
import io.changelake.core.spi.TableSinkContract;
import java.nio.file.Path;
import java.util.Map;

/** The {@link TableSink} contract for Iceberg tables, read back with Iceberg's generic reader. */
class IcebergSinkContractTest extends TableSinkContract {
  @Override
  protected TableSink open(Path warehouse) {
    return IcebergSink.local(warehouse);
  }

  @Override
  protected Map<RowKey, Row> readBack(TableSink sink, Path warehouse, TableId id, TableSchema schema) {
    return Lake.byKey(Lake.load((IcebergSink) sink, id), schema);
  }
}
