package io.changelake.sink.iceberg;

import io.changelake.api.spi.TableSink;
import java.nio.file.Path;
import java.util.Map;

/** The {@link io.changelake.api.spi.TableSinkContract} with {@code delete-mode=position}: position deletes from the key index. */
class IcebergPositionDeleteContractTest extends IcebergSinkContractTest {
  @Override
  protected TableSink open(Path warehouse) {
    return IcebergSink.create(IcebergSinkConfig.local(warehouse, Map.of("delete-mode", "position"), Map.of()));
  }
}
