package io.changelake.sink.iceberg;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSinkContract;
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
