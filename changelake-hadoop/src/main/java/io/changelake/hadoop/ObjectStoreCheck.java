package io.changelake.hadoop;

import io.changelake.api.spi.SinkException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.CredentialInitializationException;
import org.apache.hadoop.fs.s3a.UnknownStoreException;

/**
 * Looks at an S3 warehouse once before a sink uses it, so that a missing bucket or refused credentials
 * stop the command with the bucket's name and the fix instead of a failed commit later. Messages never
 * hold a credential.
 */
final class ObjectStoreCheck {
  private ObjectStoreCheck() { }

  static void requireReachable(String warehouse, Configuration conf) {
    String bucket = URI.create(warehouse).getHost();
    String endpoint = conf.get("fs.s3a.endpoint", "AWS S3");
    try {
      Path path = new Path(warehouse);
      path.getFileSystem(conf).exists(path);
    } catch (UnknownStoreException e) {
      throw new SinkException("Bucket '" + bucket + "' does not exist at " + endpoint + ". Create it (e.g. aws s3 mb"
          + " s3://" + bucket + "), or correct --warehouse" + endpointHint(), e);
    } catch (AccessDeniedException | CredentialInitializationException e) {
      throw new SinkException("Access to bucket '" + bucket + "' at " + endpoint + " was refused"
          + (e instanceof AccessDeniedException ? "" : " (no credentials found)") + ". Give credentials that may"
          + " read and write it: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile (AWS_PROFILE in"
          + " ~/.aws/credentials), or --catalog-conf s3.access-key-id=... s3.secret-access-key=@FILE" + endpointHint(),
          e);
    } catch (IOException | RuntimeException e) {
      throw new SinkException("Cannot reach the warehouse " + warehouse + " (bucket '" + bucket + "' at " + endpoint
          + "): " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()) + endpointHint(), e);
    }
  }

  private static String endpointHint() {
    return ". For an S3-compatible server set s3.endpoint (or AWS_ENDPOINT_URL) and, usually,"
        + " s3.path-style-access=true.";
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
