package io.changelake.sink.paimon;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSinkContract;
import io.changelake.testkit.S3Server;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link TableSinkContract} on an {@code s3://} warehouse (a real S3-compatible server, S3Proxy, over
 * a local folder), opened as the command opens it; read back with Paimon's ReadBuilder.
 */
class PaimonS3SinkContractTest extends TableSinkContract {
  private static S3Server s3;

  @BeforeAll
  static void startS3() {
    s3 = S3Server.start();
    s3.createBucket("paimon-contract");
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }


  @Override
  protected TableSink open(Path warehouse) {
    return new PaimonSinkProvider().open("s3://paimon-contract/" + warehouse.getFileName(), s3.options(), Map.of());
  }

  @Override
  protected Map<RowKey, Row> readBack(TableSink sink, Path warehouse, TableId id, TableSchema schema) {
    return Lake.byKey(Lake.load((PaimonSink) sink, id), schema);
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
