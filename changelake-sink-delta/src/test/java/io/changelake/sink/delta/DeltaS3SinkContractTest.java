package io.changelake.sink.delta;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.TableSink;
import io.changelake.testkit.S3Server;
import io.delta.kernel.defaults.engine.DefaultEngine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link io.changelake.api.spi.TableSinkContract} on an {@code s3://} warehouse (a real S3-compatible
 * server, S3Proxy, over a local folder), opened as the command opens it; read back with Delta Kernel's
 * own scan through a fresh engine.
 */
class DeltaS3SinkContractTest extends DeltaSinkContractTest {
  private static final String BUCKET = "delta-contract";
  private static S3Server s3;

  @BeforeAll
  static void startS3() {
    s3 = S3Server.start();
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }

  private static String location(Path warehouse) {
    return "s3://" + BUCKET + "/" + warehouse.getFileName();
  }

  @Override
  protected TableSink open(Path warehouse) {
    return new DeltaSinkProvider().open(location(warehouse), s3.options(), Map.of());
  }

  @Override
  protected Map<RowKey, Row> readBack(TableSink sink, Path warehouse, TableId id, TableSchema schema) {
    Map<String, String> options = new LinkedHashMap<>(s3.options());
    options.put(DeltaSinkConfig.WAREHOUSE.name(), location(warehouse));
    DefaultEngine engine = DefaultEngine.create(DeltaSinkConfig.parse(options, Map.of()).hadoopConfiguration());
    return Lake.byKey(engine, ((DeltaSink) sink).tablePath(id), schema);
  }

  @Override
  protected Path localFile(String location) {
    return s3.file(location);
  }

  @Override
  protected boolean deletesFolders() {
    return false;
  }

}
