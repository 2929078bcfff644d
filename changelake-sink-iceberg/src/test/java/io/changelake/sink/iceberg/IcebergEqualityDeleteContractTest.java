package io.changelake.sink.iceberg;

import io.changelake.api.spi.TableSink;
import java.nio.file.Path;
import java.util.Map;

/** The {@link io.changelake.api.spi.TableSinkContract} with {@code delete-mode=equality}: equality deletes on the key. */
class IcebergEqualityDeleteContractTest extends IcebergSinkContractTest {
  @Override
  protected TableSink open(Path warehouse) {
    return IcebergSink.create(IcebergSinkConfig.local(warehouse, Map.of("delete-mode", "equality"), Map.of()));
  }
}
