package io.changelake.sink.paimon;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSinkContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The {@link TableSink} contract for Paimon tables, read back with Paimon's ReadBuilder. */
class PaimonSinkContractTest extends TableSinkContract {
  @Override
  protected TableSink open(Path warehouse) {
    return PaimonSink.local(warehouse);
  }

  @Override
  protected Map<RowKey, Row> readBack(TableSink sink, Path warehouse, TableId id, TableSchema schema) {
    return Lake.byKey(Lake.load((PaimonSink) sink, id), schema);
  }

  /** The same contract for tables with deletion vectors, which change how upserts are written and read. */
  @Nested
  class WithDeletionVectors extends TableSinkContract {
    @Override
    protected TableSink open(Path warehouse) {
      return PaimonSink.create(PaimonSinkConfig.local(warehouse, Map.of(), Map.of("deletion-vectors.enabled", "true")));
    }

    @Override
    protected Map<RowKey, Row> readBack(TableSink sink, Path warehouse, TableId id, TableSchema schema) {
      return PaimonSinkContractTest.this.readBack(sink, warehouse, id, schema);
    }
  }
}
