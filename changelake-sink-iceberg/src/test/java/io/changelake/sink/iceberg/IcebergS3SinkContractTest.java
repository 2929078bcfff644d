package io.changelake.sink.iceberg;

import io.changelake.api.spi.TableSink;
import io.changelake.testkit.S3Server;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link io.changelake.api.spi.TableSinkContract} on an {@code s3://} warehouse (a real S3-compatible
 * server, S3Proxy, over a local folder), opened as the command opens it; read back with Iceberg's reader.
 */
class IcebergS3SinkContractTest extends IcebergSinkContractTest {
  private static S3Server s3;

  @BeforeAll
  static void startS3() {
    s3 = S3Server.start();
    s3.createBucket("iceberg-contract");
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }

  @Override
  protected TableSink open(Path warehouse) {
    return new IcebergSinkProvider().open("s3://iceberg-contract/" + warehouse.getFileName(), s3.options(), Map.of());
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
