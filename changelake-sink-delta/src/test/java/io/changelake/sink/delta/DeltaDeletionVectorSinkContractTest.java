package io.changelake.sink.delta;

import io.changelake.api.spi.TableSink;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@link io.changelake.api.spi.TableSink} contract for Delta tables written with deletion vectors
 * ({@code delete-mode=deletion-vectors}), read back with Delta Kernel's scan, which applies them.
 */
class DeltaDeletionVectorSinkContractTest extends DeltaSinkContractTest {
  @Override
  protected TableSink open(Path warehouse) {
    return DeltaSink.create(DeltaSinkConfig.local(warehouse,
        Map.of(DeltaSinkConfig.DELETE_MODE.name(), DeleteMode.DELETION_VECTORS.id()), Map.of()));
  }

  @Override
  protected boolean compactsUpserts() {
    return true;  // applies the deletion vectors (copy-on-write leaves one rewritten file: nothing to merge)
  }
}
